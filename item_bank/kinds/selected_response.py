"""Selected response: a stem, three to five options and one key.

Content: {"stem": str, "options": [{"id": "A", "text": str, "fixed": bool}, ...],
          "key": ["B"], "shuffle": bool, "rationale": str, "references": [str],
          "format": "xhtml" (optional: the stem, option texts and rationale are XHTML, see `item_bank.rich`)}
An answer is {"option": "B"}; it is scored by key. In QTI it is a
choiceInteraction with single cardinality and a correctResponse (shuffle and
fixed choices kept; the item body's text around the interaction and its
prompt are the stem; modalFeedback RATIONALE is the rationale).
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from item_bank import rich
from item_bank.bundle import Problem
from item_bank.editor_forms import RICH, TaggingForm, lines
from item_bank.kinds.base import (
    UNKNOWN_FIELDS,
    AnswerRefused,
    ContentError,
    ItemKind,
    check_entries,
    rich_errors,
    strings,
    text_field,
    unknown_fields,
)
from item_bank.qti_xml import (
    QTI,
    add_element,
    add_rich,
    add_score_declaration,
    join_rich,
    local_name,
    rich_of,
    settle_rich,
    without,
)

OPTION_LETTERS = "ABCDE"
NOT_AN_OPTION = "not_an_option"  # the answer's code when it names no option of the item


class OptionForm(FlaskForm):
    class Meta:
        csrf = False

    text = TextAreaField("Option", validators=[Length(max=2000)], render_kw=RICH)
    fixed = BooleanField("Keep in place when options are shuffled")


class SelectedResponseForm(TaggingForm):
    stem = TextAreaField("Stem", validators=[DataRequired(), Length(max=10000)], render_kw=RICH,
                         description="The question. Separate paragraphs with a blank line.")
    options = FieldList(FormField(OptionForm), min_entries=5, max_entries=5)
    key = RadioField("Correct option", choices=[SelectChoice(letter, letter) for letter in OPTION_LETTERS],
                     validators=[InputRequired(message="Choose the correct option.")])
    shuffle = BooleanField("Shuffle options for each candidate (when the form shuffles)", default=True)
    rationale = TextAreaField("Rationale", validators=[Length(max=5000)], render_kw=RICH,
                              description="Why the key is right and the distractors are not. Never shown to candidates.")
    references = TextAreaField("References", validators=[Length(max=5000)], description="One per line.")

    def content(self):
        """The item content from the form; options keep letters A to E by position."""
        options = [
            {"id": letter, "text": entry.form.text.data.strip(), "fixed": entry.form.fixed.data}
            for letter, entry in zip(OPTION_LETTERS, self.options.entries)
            if entry.form.text.data and entry.form.text.data.strip()
        ]
        return {
            "stem": self.stem.data,
            "options": options,
            "key": [self.key.data] if self.key.data else [],
            "shuffle": self.shuffle.data,
            "rationale": self.rationale.data or "",
            "references": lines(self.references.data),
            **self.rich_marker(),
        }

    def fill(self, version):
        content = version.content
        self.stem.data = content["stem"]
        for index, option in enumerate(content["options"]):
            self.options.entries[index].form.text.data = option["text"]
            self.options.entries[index].form.fixed.data = option.get("fixed", False)
            if option["id"] in content["key"]:
                self.key.data = OPTION_LETTERS[index]
        self.shuffle.data = content.get("shuffle", True)
        self.rationale.data = content.get("rationale", "")
        self.references.data = "\n".join(content.get("references", []))
        self.fill_tagging(version)

    def field_for(self, content_field):
        """The form field that a content error (e.g. "options[2].text") belongs to."""
        name = content_field.split("[")[0].split(".")[0]
        return getattr(self, name, self.stem) if name in ("stem", "options", "key", "rationale", "references") else self.stem


class SelectedResponse(ItemKind):
    name = "selected_response"
    answer_codes = (NOT_AN_OPTION, UNKNOWN_FIELDS)
    label = "Selected response"
    new_label = "New selected response"
    identifier_prefix = "SR"
    editor_form = SelectedResponseForm
    candidate_template = "item_bank/kinds/selected_response/candidate.html"
    editor_template = "item_bank/kinds/selected_response/editor.html"
    content_template = "item_bank/kinds/selected_response/content.html"
    MIN_OPTIONS, MAX_OPTIONS = 3, 5

    def validate(self, content):
        errors = []
        text_field(content, "stem", errors)
        options = content.get("options")
        if not isinstance(options, list) or not (self.MIN_OPTIONS <= len(options) <= self.MAX_OPTIONS):
            count = len(options) if isinstance(options, list) else 0
            errors.append(
                ContentError("options", f"needs {self.MIN_OPTIONS} to {self.MAX_OPTIONS} options, has {count}")
            )
            options = options if isinstance(options, list) else []
        option_errors, ids = check_entries(options, "options", "text", "option")
        errors += option_errors
        key = content.get("key")
        if not strings(key) or not key:
            errors.append(ContentError("key", "names no correct option"))
        elif len(key) > 1:
            # Single best answer; accepting a second key is a psychometric
            # decision made at scoring, not something an item is written with.
            errors.append(ContentError("key", "must name exactly one correct option"))
        else:
            unknown = [entry for entry in key if entry not in ids]
            if unknown:
                errors.append(ContentError("key", f"names no option: {', '.join(unknown)}"))
        if "references" in content and not strings(content["references"]):
            errors.append(ContentError("references", "must be a list of texts"))
        return errors + rich_errors(content, self._rich_fields(content, options))

    @staticmethod
    def _rich_fields(content, options):
        fields = {"stem": (content.get("stem"), True), "rationale": (content.get("rationale"), False)}
        for index, option in enumerate(options):
            if isinstance(option, dict):
                fields[f"options[{index}].text"] = (option.get("text"), True)
        return fields

    def normalise(self, content):
        xhtml = rich.is_xhtml(content)
        return {
            "stem": rich.clean(content["stem"], xhtml),
            "options": [
                {"id": option["id"].strip(), "text": rich.clean(option["text"], xhtml),
                 "fixed": bool(option.get("fixed", False))}
                for option in content["options"]
            ],
            "key": [key.strip() for key in content["key"]],
            "shuffle": bool(content.get("shuffle", True)),
            "rationale": rich.clean(content.get("rationale") or "", xhtml),
            "references": [reference.strip() for reference in content.get("references", []) if reference.strip()],
            **rich.marker(content),
        }

    def layout(self, content, shuffle, rng):
        """The option ids in the order this candidate sees them."""
        ids = [option["id"] for option in content["options"]]
        if not (shuffle and content.get("shuffle", True)):
            return ids
        # Fixed options keep their places; the others are shuffled among the rest.
        movable = [option["id"] for option in content["options"] if not option.get("fixed")]
        rng.shuffle(movable)
        shuffled = iter(movable)
        return [option["id"] if option.get("fixed") else next(shuffled) for option in content["options"]]

    def candidate_view(self, content, layout=None):
        options = [{"id": option["id"], "text": option["text"]} for option in content["options"]]
        return self.arrange({"stem": content["stem"], "options": options, **rich.marker(content)}, layout)

    def arrange(self, view, layout):
        by_id = {option["id"]: option for option in view["options"]}
        return {**view, "options": [by_id[option_id] for option_id in layout or by_id]}

    def refusal(self, content, layout, answer):
        if not isinstance(answer, dict) or answer.get("option") not in (layout or []):
            return AnswerRefused(NOT_AN_OPTION, "is not one of this item's options")
        return unknown_fields(answer, ("option",))

    def answered(self, answer):
        return bool(answer) and "option" in answer

    def strikable(self, content, layout):
        return layout or [option["id"] for option in content["options"]]

    def choices(self, content):
        return [option["id"] for option in content["options"]]

    def key(self, content):
        return list(content["key"])

    def choice(self, answer):
        return (answer or {}).get("option")

    def max_points(self, content):
        return 1

    def summary(self, content):
        return rich.plain_text(content.get("stem", ""), rich.is_xhtml(content))

    def search_text(self, content):
        parts = [content.get("stem", ""), content.get("rationale", "")]
        parts += [option.get("text", "") for option in content.get("options", []) if isinstance(option, dict)]
        return "\n".join(rich.plain_text(part, rich.is_xhtml(content)) for part in parts)

    def reads_qti(self, interactions):
        return [local_name(element.tag) for element in interactions] == ["choiceInteraction"]

    def read_qti(self, found):
        (interaction,) = found.interactions
        ns, source, where = found.ns, found.source, found.where
        response_id = interaction.get("responseIdentifier")
        declaration = found.declarations.get(response_id)
        if declaration is None:
            return None, [Problem(source, where, "responseDeclaration", f"none declares {response_id!r}")], None
        if declaration.get("cardinality") != "single" or interaction.get("maxChoices", "1") != "1":
            return None, [], Problem(
                source, where, "choiceInteraction", "multiple-response choice is not supported; item not imported"
            )
        problems = []
        correct = declaration.find(f"{ns}correctResponse")
        key = [value.text.strip() for value in correct.findall(f"{ns}value")] if correct is not None else []
        if not key:
            problems.append(Problem(source, where, "correctResponse", "is missing: the item has no key"))
        options = [
            {"id": choice.get("identifier", ""), "text": rich_of(choice), "fixed": choice.get("fixed") == "true"}
            for choice in interaction.findall(f"{ns}simpleChoice")
        ]
        prompt = interaction.find(f"{ns}prompt")
        # The stem is the body's text around the interaction, wherever it is nested, then the prompt.
        stem_parts = [rich_of(without(found.body, lambda element: element is interaction))]
        if prompt is not None:
            stem_parts.append(rich_of(prompt))
        feedback = found.root.find(f"{ns}modalFeedback")
        content = {
            "stem": join_rich(stem_parts),
            "options": options,
            "key": key,
            "shuffle": interaction.get("shuffle") == "true",
            "rationale": rich_of(feedback) if feedback is not None else "",
            "references": [],
        }
        return settle_rich(content), problems, None

    def write_qti(self, root, content):
        q = f"{{{QTI}}}"
        declaration = add_element(root, q + "responseDeclaration", identifier="RESPONSE", cardinality="single",
                                  baseType="identifier")
        correct = add_element(declaration, q + "correctResponse")
        for key in content["key"]:
            add_element(correct, q + "value", key)
        add_score_declaration(root)
        add_element(root, q + "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
        body = add_element(root, q + "itemBody")
        if rich.is_xhtml(content):  # a prompt holds no blocks: the stem goes before the interaction
            add_rich(body, content["stem"], content)
        interaction = add_element(body, q + "choiceInteraction", responseIdentifier="RESPONSE",
                                  shuffle=str(content.get("shuffle", False)).lower(), maxChoices="1")
        if not rich.is_xhtml(content):
            add_element(interaction, q + "prompt", content["stem"])
        for option in content["options"]:
            choice = add_element(interaction, q + "simpleChoice", identifier=option["id"],
                                 fixed=str(option.get("fixed", False)).lower())
            add_rich(choice, option["text"], content)
        add_element(root, q + "responseProcessing",
                    template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct")
        if content.get("rationale"):
            feedback = add_element(root, q + "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="RATIONALE",
                                   showHide="show")
            add_rich(feedback, content["rationale"], content)
