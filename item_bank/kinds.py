"""Item kinds, as a registry of classes.

A kind knows the shape of its content (and checks it, naming each field at
fault), what of it a candidate may see, and how a response to it is scored.
Content is a plain dict stored as JSON on the item version:

selected_response
    {"stem": str, "options": [{"id": "A", "text": str, "fixed": bool}, ...],
     "key": ["B"], "shuffle": bool, "rationale": str, "references": [str]}
constructed_response
    {"scenario": str, "prompts": [str, ...],
     "expected_length": {"min_words": int, "max_words": int},
     "rubric": {"criteria": [{"id": "C1", "name": str,
                              "levels": [{"points": 0, "descriptor": str}, ...]}]}}
"""

from dataclasses import dataclass

KINDS = {}


@dataclass(frozen=True)
class ContentError:
    field: str
    message: str

    def __str__(self):
        return f"{self.field}: {self.message}"


def kind_of(name):
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown item kind {name!r}; known kinds: {', '.join(KINDS)}") from None


class ItemKind:
    name = ""
    label = ""
    #: True when responses are scored by raters against a rubric, not by key.
    rated = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        KINDS[cls.name] = cls()

    def validate(self, content):
        """Every problem with `content`, as ContentErrors; empty when it is sound."""
        raise NotImplementedError

    def normalise(self, content):
        """Sound content with every optional field filled in, so that two
        routes to the same item (form, JSON, QTI) store the same dict."""
        return content

    def candidate_view(self, content):
        """What a candidate may see: never a key, rationale or rubric."""
        raise NotImplementedError

    def max_points(self, content):
        raise NotImplementedError

    def summary(self, content):
        """One line of text that names the item in lists."""
        raise NotImplementedError

    def search_text(self, content):
        """All of the item's text, for search."""
        raise NotImplementedError


def _text(content, field, errors, label=None):
    value = content.get(field)
    if not isinstance(value, str) or not value.strip():
        errors.append(ContentError(field, f"{label or field} is required"))
        return ""
    return value


def _strings(value):
    return isinstance(value, list) and all(isinstance(entry, str) for entry in value)


def _check_entries(entries, prefix, text_field, noun):
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


class SelectedResponse(ItemKind):
    name = "selected_response"
    label = "Selected response"
    MIN_OPTIONS, MAX_OPTIONS = 3, 5

    def validate(self, content):
        errors = []
        _text(content, "stem", errors)
        options = content.get("options")
        if not isinstance(options, list) or not (self.MIN_OPTIONS <= len(options) <= self.MAX_OPTIONS):
            count = len(options) if isinstance(options, list) else 0
            errors.append(
                ContentError("options", f"needs {self.MIN_OPTIONS} to {self.MAX_OPTIONS} options, has {count}")
            )
            options = options if isinstance(options, list) else []
        option_errors, ids = _check_entries(options, "options", "text", "option")
        errors += option_errors
        key = content.get("key")
        if not _strings(key) or not key:
            errors.append(ContentError("key", "names no correct option"))
        elif len(key) > 1:
            # Single best answer; accepting a second key is a psychometric
            # decision made at scoring, not something an item is written with.
            errors.append(ContentError("key", "must name exactly one correct option"))
        else:
            unknown = [entry for entry in key if entry not in ids]
            if unknown:
                errors.append(ContentError("key", f"names no option: {', '.join(unknown)}"))
        if "references" in content and not _strings(content["references"]):
            errors.append(ContentError("references", "must be a list of texts"))
        return errors

    def normalise(self, content):
        return {
            "stem": content["stem"].strip(),
            "options": [
                {"id": option["id"].strip(), "text": option["text"].strip(), "fixed": bool(option.get("fixed", False))}
                for option in content["options"]
            ],
            "key": [key.strip() for key in content["key"]],
            "shuffle": bool(content.get("shuffle", True)),
            "rationale": (content.get("rationale") or "").strip(),
            "references": [reference.strip() for reference in content.get("references", []) if reference.strip()],
        }

    def candidate_view(self, content):
        return {
            "stem": content["stem"],
            "options": [{"id": option["id"], "text": option["text"]} for option in content["options"]],
        }

    def max_points(self, content):
        return 1

    def summary(self, content):
        return content.get("stem", "")

    def search_text(self, content):
        parts = [content.get("stem", ""), content.get("rationale", "")]
        parts += [option.get("text", "") for option in content.get("options", []) if isinstance(option, dict)]
        return "\n".join(parts)


class ConstructedResponse(ItemKind):
    name = "constructed_response"
    label = "Constructed response (vignette)"
    rated = True

    def validate(self, content):
        errors = []
        _text(content, "scenario", errors)
        prompts = content.get("prompts")
        if not _strings(prompts) or not prompts or not all(prompt.strip() for prompt in prompts):
            errors.append(ContentError("prompts", "needs at least one prompt, each with text"))
        errors += self._validate_length(content.get("expected_length"))
        errors += self._validate_rubric(content.get("rubric"))
        return errors

    @staticmethod
    def _validate_length(length):
        if length is None:
            return []
        if not isinstance(length, dict):
            return [ContentError("expected_length", "must give min_words and max_words")]
        low, high = length.get("min_words"), length.get("max_words")
        if not all(isinstance(value, int) and value >= 0 for value in (low, high)) or low > high:
            return [ContentError("expected_length", "min_words and max_words must be whole numbers, min <= max")]
        return []

    @staticmethod
    def _validate_rubric(rubric):
        criteria = rubric.get("criteria") if isinstance(rubric, dict) else None
        if not isinstance(criteria, list) or not criteria:
            return [ContentError("rubric", "needs at least one criterion")]
        errors, _ = _check_entries(criteria, "rubric.criteria", "name", "criterion")
        for index, criterion in enumerate(criteria):
            where = f"rubric.criteria[{index}]"
            if not isinstance(criterion, dict):
                continue
            levels = criterion.get("levels")
            if not isinstance(levels, list) or len(levels) < 2:
                errors.append(ContentError(f"{where}.levels", "needs at least two score levels"))
                continue
            points = [level.get("points") if isinstance(level, dict) else None for level in levels]
            if not all(isinstance(value, int) and value >= 0 for value in points):
                errors.append(ContentError(f"{where}.levels", "each level needs whole, non-negative points"))
            elif len(set(points)) != len(points):
                errors.append(ContentError(f"{where}.levels", "two levels give the same points"))
            if not all(isinstance(level, dict) and str(level.get("descriptor", "")).strip() for level in levels):
                errors.append(ContentError(f"{where}.levels", "each level needs a descriptor"))
        return errors

    def normalise(self, content):
        normal = {
            "scenario": content["scenario"].strip(),
            "prompts": [prompt.strip() for prompt in content["prompts"]],
            "rubric": {
                "criteria": [
                    {
                        "id": criterion["id"].strip(),
                        "name": criterion["name"].strip(),
                        "levels": sorted(
                            ({"points": level["points"], "descriptor": level["descriptor"].strip()}
                             for level in criterion["levels"]),
                            key=lambda level: level["points"],
                        ),
                    }
                    for criterion in content["rubric"]["criteria"]
                ]
            },
        }
        if content.get("expected_length"):
            normal["expected_length"] = dict(content["expected_length"])
        return normal

    def candidate_view(self, content):
        return {
            "scenario": content["scenario"],
            "prompts": list(content["prompts"]),
            "expected_length": content.get("expected_length"),
        }

    def max_points(self, content):
        return sum(max(level["points"] for level in criterion["levels"]) for criterion in content["rubric"]["criteria"])

    def summary(self, content):
        return content.get("scenario", "")

    def search_text(self, content):
        return "\n".join([content.get("scenario", ""), *content.get("prompts", [])])
