"""The kind registry and the contract every item kind keeps.

A kind is a subclass of `ItemKind`; defining it registers it under its
`name`. Everything that differs between kinds is asked of the kind, never
decided by its name elsewhere: the shape of its content, what a candidate
sees and how their answer is read, refused and counted as answered, how it
is scored (by key, through the option matrices, or by raters), and the
templates and QTI mapping that show and carry it.
"""

from dataclasses import dataclass

from database import storable
from item_bank import rich

KINDS = {}
# Codes any kind may refuse an answer with, when it lists them in its answer_codes.
UNKNOWN_FIELDS = "unknown_fields"  # the answer has a field the kind's answers do not
INVALID_CHARACTER = "invalid_character"  # a text holds NUL or a lone surrogate, which no page can show
# The code every kind refuses a candidate's marks with (their shape, size or an option they name).
MARKS_MALFORMED = "marks_malformed"
# Marks are the candidate's own reading aids; these bounds keep a response's row small whatever a page sends.
# Highlights are [start, end) offsets into the text of the part the kind's template lets a candidate highlight
# (UTF-16 units, as the browser counts them), sorted and apart; the browser ignores one past the text's end.
MAX_HIGHLIGHTS = 100
MAX_HIGHLIGHT_OFFSET = 200_000


@dataclass(frozen=True)
class ContentError:
    field: str
    message: str

    def __str__(self):
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class AnswerRefused:
    code: str  # one of the kind's `answer_codes`: what the runner acts on
    reason: str  # for the candidate, naming what is wrong with the answer


def answer_codes():
    """Every code with which a registered kind refuses an answer, or a candidate's marks."""
    return sorted({code for kind in KINDS.values() for code in (*kind.answer_codes, MARKS_MALFORMED)})


def kind_of(name):
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown item kind {name!r}; known kinds: {', '.join(KINDS)}") from None


class ItemKind:
    name = ""
    label = ""
    #: The item writer's button for a new item of the kind.
    new_label = ""
    #: The start of a new item's identifier, e.g. "SR" for SR-00001.
    identifier_prefix = "IT"
    #: True when responses are scored by raters against a rubric, not by key.
    rated = False
    #: The WTForms class that writes and edits the kind's content.
    editor_form = None
    #: Template partials: the item as a candidate sees and answers it (given
    #: `item`, `name` and `answer_count`), its editor (given `form`), its whole
    #: content for staff (given `version` and `kind`) and, for a rated kind, the
    #: response as a rater reads it (given `content` and `response`).
    candidate_template = ""
    editor_template = ""
    content_template = ""
    rater_template = None
    #: The codes `refusal` answers with (machine-readable, in the save's
    #: acknowledgement and the OpenAPI document).
    answer_codes = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        KINDS[cls.name] = cls()

    # Content

    def validate(self, content):
        """Every problem with `content`, as ContentErrors; empty when it is sound."""
        raise NotImplementedError

    def unready(self, content):
        """What sound content still lacks before a version may be approved, as
        ContentErrors that say what to add; empty when it may be. A draft may
        lack it (an import brings what the other system had)."""
        return []

    def normalise(self, content):
        """Sound content with every optional field filled in, so that two
        routes to the same item (form, JSON, QTI) store the same dict."""
        return content

    def summary(self, content):
        """One line of text that names the item in lists."""
        raise NotImplementedError

    def search_text(self, content):
        """All of the item's text, for search."""
        raise NotImplementedError

    def max_points(self, content):
        raise NotImplementedError

    # Delivery

    def layout(self, content, shuffle, rng):
        """What is fixed for one candidate when their attempt starts (stored on
        the response, JSON): the option order, for a kind with options. `shuffle`
        is whether the form shuffles; `rng` a random.Random."""
        return None

    def candidate_view(self, content, layout=None):
        """What a candidate may see, laid out for them: never a key, rationale or rubric."""
        raise NotImplementedError

    def arrange(self, view, layout):
        """`candidate_view(content, layout)` from the view as authored
        (`candidate_view(content)`) alone: a published form's views are built
        once for all its candidates, and each is laid out as a page draws it."""
        return view

    # Answers

    def refusal(self, content, layout, answer):
        """An AnswerRefused when `answer` (not None: None clears an answer) is
        not a well-shaped answer to this item as laid out; else None."""
        raise NotImplementedError

    def answered(self, answer):
        """Whether the answer says something, so the response counts as answered."""
        raise NotImplementedError

    def written_texts(self, answer):
        """A rated kind's answer as the texts the candidate wrote, in order (an
        anchor response shows them to raters without the page of its attempt)."""
        raise NotImplementedError

    # Marks: what a candidate crosses out and highlights while reading, kept with the response but
    # never part of the answer (nothing scores, rates, analyses or exports them).

    def strikable(self, content, layout):
        """The ids a candidate may cross out (`data-strike` in the candidate template); none by default."""
        return ()

    def marks_refusal(self, content, layout, marks):
        """An AnswerRefused (MARKS_MALFORMED, naming the field) when `marks` (not None: None clears them)
        is not {"struck": [id, ...], "highlights": [[start, end], ...]} for this item as laid out; else None."""
        return marks_refusal(marks, self.strikable(content, layout))

    # Scoring by key: a keyed kind's answer is coded as one of its choices.

    def choices(self, content):
        """The labels an answer is coded into, in authored order (letter A first)."""
        raise NotImplementedError

    def key(self, content):
        """The labels that score, as the item was written."""
        raise NotImplementedError

    def choice(self, answer):
        """The label the answer chose, or None."""
        raise NotImplementedError

    # IMS QTI: every reader hands the kinds a QTI 2.x item body, hidden content taken out.

    def reads_qti(self, interactions):
        """Whether an item body with these interaction elements is this kind's."""
        return False

    def read_qti(self, found):
        """(content, problems, skip) from a `qti.Found` item body: problems are
        Problems to fix; skip, a Problem, says why the item cannot be imported."""
        raise NotImplementedError

    def write_qti(self, root, content):
        """Add the item's declarations, body and processing to an assessmentItem element."""
        raise NotImplementedError


def unknown_fields(answer, fields):
    """An AnswerRefused when the answer (an object) has fields beyond `fields`: kept, they would ride along
    in the response unchecked."""
    extra = sorted(set(answer) - set(fields))
    if extra:
        # repr escapes what cannot be shown; a name is cut short, as is the list.
        names = ", ".join(repr(name[:40]) for name in extra[:3]) + (", ..." if len(extra) > 3 else "")
        return AnswerRefused(UNKNOWN_FIELDS, f"has fields this item does not ask for: {names}")
    return None


def _marks_refused(reason):
    return AnswerRefused(MARKS_MALFORMED, reason)


def _offset(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_HIGHLIGHT_OFFSET


def marks_refusal(marks, strikable):
    """Why `marks` are not crossed-out ids of `strikable` and sorted, separate highlights; None when they are."""
    if not isinstance(marks, dict) or set(marks) != {"struck", "highlights"}:
        return _marks_refused("marks must be an object with exactly the fields struck and highlights")
    struck, highlights = marks["struck"], marks["highlights"]
    if not isinstance(struck, list):
        return _marks_refused("marks.struck must be a list of options")
    for index, option in enumerate(struck):
        if not isinstance(option, str) or option not in strikable or option in struck[:index]:
            return _marks_refused(f"marks.struck[{index}] is not an option of this item, or is named twice")
    if not isinstance(highlights, list) or len(highlights) > MAX_HIGHLIGHTS:
        return _marks_refused(f"marks.highlights must be a list of at most {MAX_HIGHLIGHTS} ranges")
    end = 0
    for index, span in enumerate(highlights):
        if not (isinstance(span, list) and len(span) == 2 and all(_offset(value) for value in span)
                and end <= span[0] < span[1]):
            return _marks_refused(f"marks.highlights[{index}] must be [start, end], whole numbers from 0 to "
                                  f"{MAX_HIGHLIGHT_OFFSET}, start before end, after the range before it")
        end = span[1]
    return None


def invalid_characters(texts):
    """An AnswerRefused when a text holds a character no database keeps and no page sends."""
    if not all(storable(text) for text in texts):
        return AnswerRefused(INVALID_CHARACTER, "a text holds a character that cannot be kept (NUL or half of a "
                                                "surrogate pair)")
    return None


def text_field(content, field, errors, label=None):
    value = content.get(field)
    if not isinstance(value, str) or not value.strip():
        errors.append(ContentError(field, f"{label or field} is required"))
        return ""
    return value


def strings(value):
    return isinstance(value, list) and all(isinstance(entry, str) for entry in value)


def check_entries(entries, prefix, text_field, noun):
    """Each entry an object with a unique id and a non-empty text field.
    Returns the errors and the ids seen."""
    errors, ids = [], []
    for index, entry in enumerate(entries):
        where = f"{prefix}[{index}]"
        if not isinstance(entry, dict):
            errors.append(ContentError(where, f"must be an object with id and {text_field}"))
            continue
        if not isinstance(entry.get("id"), str) or not entry["id"].strip():
            errors.append(ContentError(f"{where}.id", "is required"))
        elif entry["id"] in ids:
            errors.append(ContentError(f"{where}.id", f"{entry['id']!r} is used by another {noun}"))
        else:
            ids.append(entry["id"])
        if not isinstance(entry.get(text_field), str) or not entry[text_field].strip():
            errors.append(ContentError(f"{where}.{text_field}", "is required"))
    return errors, ids


def rich_errors(content, fields):
    """Problems with the content's format and, in XHTML content, with its rich
    fields, given as {field path: (value, required)}: images without alt text
    or from outside the bank, and required fields with nothing to read."""
    problem = rich.format_problem(content)
    if problem:
        return [ContentError(rich.FORMAT, problem)]
    if not rich.is_xhtml(content):
        return []
    return [ContentError(path, message) for path, (value, required) in fields.items() if isinstance(value, str)
            for message in rich.problems(value, required)]
