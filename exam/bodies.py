"""The JSON bodies the runner sends (a claim, a batch of saves), described once.

The endpoints read a body through its description, which refuses any other
shape with a sentence naming the field; the OpenAPI document draws the
body's schema from the same description, so the two cannot drift apart. What
a save says (an option of its item, the part still open) is judged later,
save by save, and answered in its ack.
"""

import math
import re
from dataclasses import dataclass, field

from database import MAX_ID
from exam.saving import FIELDS

MAX_SEQ = 2**63 - 1  # the journal's BIGINT
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
        return {"description": self.description}


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
                "properties": {name: part.schema() for name, part in self.parts.items()}}


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
                         "`at`: true, the candidate is on this question. A value wrong for the item is refused in "
                         "its ack, not here."),
    },
    missing={"value": "is missing (null clears an answer)"},
)

RESUMES = Text(TAB_PATTERN, "at most 64 printable ASCII characters",
               "The id of the tab this page load replaces (the same browser tab, reloaded), if any: it carries on "
               "holding the attempt rather than taking it over.")

CLAIM = Record({"tab": TAB, "resumes": RESUMES}, defaults={"tab": "", "resumes": ""})

SAVES = Record({"tab": TAB, "saves": ListOf(SAVE, "a list of saves")}, defaults={"tab": ""})


def read_claim(body):
    """The tab a claim names and the one it resumes; "" when none."""
    read = CLAIM.read("", body)
    return read["tab"], read["resumes"]


def read_saves(body):
    """The tab and the saves of a batch, each save checked for its shape."""
    read = SAVES.read("", body)
    return read["tab"], read["saves"]
