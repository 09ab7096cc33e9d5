"""The JSON bodies the runner sends (a claim, a batch of saves), described once.

The endpoints read a body through its description, which refuses any other
shape with a sentence naming the field; the OpenAPI document draws the
body's schema from the same description, so the two cannot drift apart. What
a save says (an option of its item, the part still open) is judged later,
save by save, and answered in its ack. Every text anywhere in a body, in a
field the description reads or not, must be one a database keeps and a page
can show (`database.storable`).
"""

import json
import math
import re
from dataclasses import dataclass, field

from database import MAX_ID, storable
from exam.saving import FIELDS

MAX_SEQ = 2**63 - 1  # the journal's BIGINT
# The most the runner's endpoints read of a body. The largest save the runner
# sends is a vignette's answer: four texts (the prompts a vignette usually has)
# of 50,000 UTF-16 units (the textarea's maxlength) at three UTF-8 bytes each,
# 600 KB. The runner fills a batch of saves up to this size, never past it, so
# only a single save larger than this is ever refused (413), and 50 such
# saves at once (the runner's batch) can never arrive in one request.
MAX_BODY = 1024 * 1024
# A member of an object named in a field's path: `.name` for a plain name, else the name in JSON.
PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# What the OpenAPI document says of every text in a body: no NUL. A lone
# surrogate, refused too, is said in words: in JavaScript's dialect of
# patterns a class of surrogates would refuse every character beyond U+FFFF.
NO_NUL = "^[^\\u0000]*$"
STORABLE_JSON = "#/components/schemas/StorableJson"
STORABLE_JSON_SCHEMA = {
    "description": "Any JSON value whose texts, names of members included, hold no NUL and no lone surrogate "
                   "(half of a UTF-16 pair).",
    "anyOf": [
        {"type": ["null", "boolean", "number"]},
        {"type": "string", "pattern": NO_NUL},
        {"type": "array", "items": {"$ref": STORABLE_JSON}},
        {"type": "object", "propertyNames": {"pattern": NO_NUL}, "additionalProperties": {"$ref": STORABLE_JSON}},
    ],
}
# A tab's id (the runner's is a UUID) is stored and compared, never shown:
# printable ASCII only, so no NUL, which PostgreSQL's text refuses, and no
# unpaired surrogate, which no database encodes.
TAB_PATTERN = "^[ -~]{0,64}$"


class Malformed(ValueError):
    """A body in a shape the runner never sends; the message names the field."""


@dataclass(frozen=True)
class Whole:
    """A whole number from 1 to `largest`. As in JSON Schema, 5.0 is one; true and false are not."""

    largest: int
    description: str
    meaning: str = ""  # what the number is, when it is more than a number

    def read(self, where, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= self.largest:
            return value
        raise Malformed(f"{where} must be {self.meaning}a whole number from 1 to {self.largest}")

    def schema(self):
        return {"type": "integer", "minimum": 1, "maximum": self.largest, "description": self.description}


@dataclass(frozen=True)
class Text:
    pattern: str
    rule: str  # the pattern in words
    description: str

    def read(self, where, value):
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        raise Malformed(f"{where} must be {self.rule}")

    def schema(self):
        return {"type": "string", "pattern": self.pattern, "description": self.description}


@dataclass(frozen=True)
class OneOf:
    names: tuple

    def read(self, where, value):
        if isinstance(value, str) and value in self.names:
            return value
        raise Malformed(f"{where} must be one of {', '.join(self.names)}")

    def schema(self):
        return {"enum": list(self.names)}


@dataclass(frozen=True)
class AnyJson:
    """Any JSON value but NaN and Infinity, which Python's parser reads and PostgreSQL's json refuses."""

    description: str

    def read(self, where, value):
        # Walked without recursion: a value may nest as deep as the parser goes,
        # past where a recursive walk, started deeper in the stack, would fail.
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, float) and not math.isfinite(item):
                raise Malformed(f"{where} must not hold NaN or Infinity")
        return value

    def schema(self):
        return {"$ref": STORABLE_JSON, "description": self.description}


@dataclass(frozen=True)
class ListOf:
    item: object
    what: str  # the list in words

    def read(self, where, value):
        if not isinstance(value, list):
            raise Malformed(f"{where} must be {self.what}")
        return [self.item.read(f"{where}[{index}]", entry) for index, entry in enumerate(value)]

    def schema(self):
        return {"type": "array", "items": self.item.schema()}


@dataclass(frozen=True)
class Record:
    """A JSON object, its fields read in order. A field in `defaults` may be
    left out; any other, left out, is refused as its part refuses a null,
    unless `missing` says otherwise."""

    parts: dict
    defaults: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)  # the sentence for a field left out

    def read(self, where, value):
        if not isinstance(value, dict):
            raise Malformed(f"{where} must be an object")
        read = {}
        for name, part in self.parts.items():
            inside = f"{where}.{name}" if where else name
            if name not in value and name in self.defaults:
                read[name] = self.defaults[name]
            elif name not in value and name in self.missing:
                raise Malformed(f"{inside} {self.missing[name]}")
            else:
                read[name] = part.read(inside, value.get(name))
        return read

    def schema(self):
        required = [name for name in self.parts if name not in self.defaults]
        return {"type": "object", **({"required": required} if required else {}),
                "properties": {name: part.schema() for name, part in self.parts.items()},
                "propertyNames": {"pattern": NO_NUL}, "additionalProperties": {"$ref": STORABLE_JSON}}


TAB = Text(TAB_PATTERN, "at most 64 printable ASCII characters",
           "The browser tab's own id (the runner's is a random UUID): at most 64 printable ASCII characters.")

SAVE = Record(
    {
        "seq": Whole(MAX_SEQ, "Unique within the attempt; per field, the highest number wins."),
        "response": Whole(MAX_ID, "The response's id (`data-response` on the item in the page).",
                          meaning="an item's id, "),
        "field": OneOf(tuple(FIELDS)),
        "value": AnyJson("`answer`: `{\"option\": ID}` (selected response), `{\"texts\": [...]}` with one text per "
                         "prompt (constructed response), or null to clear; `flag` and `choose`: true or false; "
                         "`marks`: the candidate's reading aids, `{\"struck\": [option ids], \"highlights\": "
                         "[[start, end], ...]}` (offsets into the text of the item's highlightable part, sorted and "
                         "apart), or null to clear; `at`: true, the candidate is on this question. A value wrong for "
                         "the item is refused in its ack, not here."),
    },
    missing={"value": "is missing (null clears an answer)"},
)

RESUMES = Text(TAB_PATTERN, "at most 64 printable ASCII characters",
               "The id of the tab this page load replaces (the same browser tab, reloaded), if any: it carries on "
               "holding the attempt rather than taking it over.")

CLAIM = Record({"tab": TAB, "resumes": RESUMES}, defaults={"tab": "", "resumes": ""})

SAVES = Record({"tab": TAB, "saves": ListOf(SAVE, "a list of saves")}, defaults={"tab": ""})


def _path(steps):
    """The field a chain of (outer, step) pairs leads to, e.g. `saves[0].value.texts[1]`."""
    names = []
    while steps is not None:
        steps, step = steps
        if isinstance(step, int):
            names.append(f"[{step}]")
        elif PLAIN_NAME.fullmatch(step):
            names.append(f".{step}")
        else:
            names.append(f"[{json.dumps(step[:40])}]")  # escaped, so the sentence itself is storable
    return "".join(reversed(names)).removeprefix(".")


def _check_texts(body):
    """Refuse the first text (a string or an object's key), in reading order, that holds NUL or a lone surrogate.

    Walked without recursion, as AnyJson walks, each value carrying the chain of
    steps to it, turned into a path only for the one refused."""
    pending = [(body, None)]
    while pending:
        value, steps = pending.pop()
        if isinstance(value, str) and not storable(value):
            raise Malformed(f"{_path(steps)} holds a character no text may hold (NUL or half of a surrogate pair)")
        if isinstance(value, dict):
            for name in value:
                if not storable(name):
                    raise Malformed(f"{_path(steps) or 'the body'} has a name holding a character no text may hold "
                                    "(NUL or half of a surrogate pair)")
            pending.extend((item, (steps, name)) for name, item in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((item, (steps, index)) for index, item in reversed(list(enumerate(value))))


def read_claim(body):
    """The tab a claim names and the one it resumes; "" when none."""
    read = CLAIM.read("", body)
    _check_texts(body)
    return read["tab"], read["resumes"]


def read_saves(body):
    """The tab and the saves of a batch, each save checked for its shape, then every text for what it holds."""
    read = SAVES.read("", body)
    _check_texts(body)
    return read["tab"], read["saves"]
