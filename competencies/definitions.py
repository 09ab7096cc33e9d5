"""Endorsement definitions: one JSON file per endorsement (`data/*.json`),
each with its categories and, per category, the requirements in order. A
requirement is a `kind` the rules know and its settings:

education               degrees [names], other_degree_needs_acceptance, certificates, transcript_required
training                min_hours, topic_minimums {topic: hours} (optional)
work_experience         periods [{kind, label, min_years, post_graduate, supervised}]
reflective_supervision  min_hours, min_months, max_months, required
references              slots [{label, relationships}], endorsed_levels, max_not_enough_information
ethics                  version
membership, exam        nothing more

Each category may also say what its yearly renewal needs: `renewal`
{training_hours, supervision_hours (optional)}; membership is always needed.

A file that does not fit is refused with its name and the field at fault.
"""

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

SETTINGS = {
    "education": {"degrees": list, "other_degree_needs_acceptance": bool, "certificates": bool,
                  "transcript_required": bool},
    "training": {"min_hours": (int, float)},
    "work_experience": {"periods": list},
    "reflective_supervision": {"min_hours": (int, float), "min_months": int, "max_months": int, "required": bool},
    "references": {"slots": list, "endorsed_levels": list, "max_not_enough_information": int},
    "ethics": {"version": str},
    "membership": {},
    "exam": {},
}
RENEWAL_SETTINGS = {"training_hours": (int, float), "supervision_hours": (int, float)}
PERIOD_SETTINGS = {"kind": str, "label": str, "min_years": (int, float), "post_graduate": bool, "supervised": bool}


class DefinitionError(ValueError):
    """What is wrong with a definition file, naming the file and the field."""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    requirements: list  # dicts, each with kind and title
    leadership_activities: list
    renewal: dict  # training_hours, and supervision_hours where reflective supervision is renewed


@dataclass(frozen=True)
class Definition:
    endorsement: str
    name: str
    level: str
    categories: dict  # code -> Category


def _need(value, kind, where):
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise DefinitionError(f"{where}: must be {names}")
    return value


def _check_requirement(requirement, where):
    _need(requirement, dict, where)
    kind = requirement.get("kind")
    if kind not in SETTINGS:
        raise DefinitionError(f"{where}.kind: {kind!r} is not a requirement kind ({', '.join(SETTINGS)})")
    _need(requirement.get("title"), str, f"{where}.title")
    for name, expected in SETTINGS[kind].items():
        _need(requirement.get(name), expected, f"{where}.{name}")
    for index, period in enumerate(requirement.get("periods", [])):
        for name, expected in PERIOD_SETTINGS.items():
            _need(_need(period, dict, f"{where}.periods[{index}]").get(name), expected,
                  f"{where}.periods[{index}].{name}")
    for index, slot in enumerate(requirement.get("slots", [])):
        _need(_need(slot, dict, f"{where}.slots[{index}]").get("label"), str, f"{where}.slots[{index}].label")
        _need(slot.get("relationships"), list, f"{where}.slots[{index}].relationships")
    return requirement


def _renewal(renewal, where):
    _need(renewal, dict, where)
    for name, value in renewal.items():
        if name not in RENEWAL_SETTINGS:
            raise DefinitionError(f"{where}.{name}: not a renewal setting ({', '.join(RENEWAL_SETTINGS)})")
        _need(value, RENEWAL_SETTINGS[name], f"{where}.{name}")
    return renewal


def parse(data, source):
    """A Definition from the decoded JSON of `source` (a file name, for messages)."""
    _need(data, dict, source)
    for name in ("endorsement", "name", "level"):
        _need(data.get(name), str, f"{source}: {name}")
    categories = {}
    for code, category in _need(data.get("categories"), dict, f"{source}: categories").items():
        where = f"{source}: categories.{code}"
        _need(category, dict, where)
        requirements = [_check_requirement(requirement, f"{where}.requirements[{index}]")
                        for index, requirement in enumerate(_need(category.get("requirements"), list,
                                                                  f"{where}.requirements"))]
        categories[code] = Category(code, _need(category.get("label"), str, f"{where}.label"), requirements,
                                    _need(category.get("leadership_activities", []), list,
                                          f"{where}.leadership_activities"),
                                    _renewal(category.get("renewal", {}), f"{where}.renewal"))
    if not categories:
        raise DefinitionError(f"{source}: categories: name at least one")
    return Definition(data["endorsement"], data["name"], data["level"], categories)


def load(path):
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError(f"{path.name}, line {error.lineno}: not JSON ({error.msg})") from None
    return parse(data, path.name)


def bundled():
    """The definitions shipped in data/, by endorsement code."""
    return {definition.endorsement: definition for definition in map(load, sorted(DATA_DIR.glob("*.json")))}
