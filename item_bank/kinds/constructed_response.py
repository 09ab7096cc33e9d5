"""Constructed response (vignette): a scenario, prompts and a rubric raters score against.

Content: {"scenario": str, "prompts": [str, ...],
          "expected_length": {"min_words": int, "max_words": int},
          "rubric": {"criteria": [{"id": "C1", "name": str,
                                   "levels": [{"points": 0, "descriptor": str}, ...]}],
                     "holistic": str},
          "format": "xhtml" (optional: the scenario and prompts are XHTML, see `item_bank.rich`)}
The rubric's criteria are what raters score; `holistic` (optional) is prose
guidance for them, as most QTI and Moodle items carry their rubric. A draft
may have no criteria (an import brings what the other system had); a version
is approved only with criteria. Neither part is ever shown to a candidate.
An answer is {"texts": [str, ...]}, one text per prompt; it is rated. In QTI
it is extendedTextInteraction(s): the item body's other text is the scenario,
each interaction's prompt a prompt (an interaction alone without one takes the
scenario's last paragraph), and the scorers' rubricBlock the rubric:
div.criterion > h4 name, li.points-N levels, and div.holistic the holistic
text; a scorers' rubricBlock of prose alone is a holistic rubric.
"""

import re

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from item_bank import rich
from item_bank.bundle import Problem
from item_bank.editor_forms import RICH, TaggingForm, lines
from item_bank.kinds.base import (
    INVALID_CHARACTER,
    UNKNOWN_FIELDS,
    AnswerRefused,
    ContentError,
    ItemKind,
    check_entries,
    invalid_characters,
    rich_errors,
    strings,
    text_field,
    unknown_fields,
)
from item_bank.qti_xml import (
    BLOCKS,
    CHARACTERS_PER_WORD,
    QTI,
    add_element,
    add_paragraphs,
    add_rich,
    add_rich_paragraphs,
    add_score_declaration,
    local_name,
    rich_of,
    settle_rich,
    text_of,
    without,
)

# The longest text a candidate may give to one prompt, in characters (code
# points, as Python counts them). The textarea's maxlength counts UTF-16 units,
# of which a character takes one or two, so what it lets through fits.
MAX_TEXT = 50_000
# The answer's codes: not one text per prompt, or a text over MAX_TEXT characters.
WRONG_TEXTS = "wrong_texts"
TOO_LONG = "too_long"
# Empty slots shown for a new vignette; an item with more gets more.
PROMPT_SLOTS = 4
CRITERION_SLOTS = 6
MAX_ENTRIES = 30


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Criterion", validators=[Length(max=200)])
    levels = TextAreaField(
        "Score levels", validators=[Length(max=5000)],
        description='One level per line: points, a colon, the descriptor (e.g. "2: Names the infant\'s cues").',
    )


class ConstructedResponseForm(TaggingForm):
    scenario = TextAreaField("Scenario", validators=[DataRequired(), Length(max=20000)], render_kw=RICH,
                             description="The vignette. Separate paragraphs with a blank line.")
    prompts = FieldList(TextAreaField("Prompt", validators=[Length(max=2000)], render_kw=RICH), min_entries=PROMPT_SLOTS,
                        max_entries=MAX_ENTRIES)
    min_words = IntegerField("Expected length: at least (words)", validators=[Optional(), NumberRange(min=0)])
    max_words = IntegerField("Expected length: at most (words)", validators=[Optional(), NumberRange(min=1)])
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERION_SLOTS, max_entries=MAX_ENTRIES)
    holistic = TextAreaField(
        "Holistic rubric", validators=[Length(max=20000)],
        description="Scoring guidance in prose, for raters (an imported rubric arrives here). "
                    "Approval needs structured criteria as well. Never shown to candidates.",
    )

    def content(self):
        criteria = []
        for index, entry in enumerate(self.criteria.entries, start=1):
            name = (entry.form.name.data or "").strip()
            if not name and not (entry.form.levels.data or "").strip():
                continue
            criteria.append({"id": f"C{index}", "name": name, "levels": self._levels(entry.form.levels.data)})
        content = {
            "scenario": self.scenario.data,
            "prompts": [prompt.strip() for prompt in self.prompts.data if prompt and prompt.strip()],
            "rubric": {"criteria": criteria},
            **self.rich_marker(),
        }
        if self.holistic.data and self.holistic.data.strip():
            content["rubric"]["holistic"] = self.holistic.data
        if self.min_words.data is not None or self.max_words.data is not None:
            content["expected_length"] = {"min_words": self.min_words.data or 0, "max_words": self.max_words.data or 0}
        return content

    @staticmethod
    def _levels(text):
        levels = []
        for line in lines(text):
            points, _, descriptor = line.partition(":")
            levels.append({"points": int(points) if points.strip().isdigit() else None, "descriptor": descriptor.strip()})
        return levels

    def fill(self, version):
        content = version.content
        self.scenario.data = content["scenario"]
        while len(self.prompts.entries) < len(content["prompts"]):
            self.prompts.append_entry()
        for index, prompt in enumerate(content["prompts"]):
            self.prompts.entries[index].data = prompt
        length = content.get("expected_length")
        if length:
            self.min_words.data, self.max_words.data = length["min_words"], length["max_words"]
        while len(self.criteria.entries) < len(content["rubric"]["criteria"]):
            self.criteria.append_entry()
        for index, criterion in enumerate(content["rubric"]["criteria"]):
            entry = self.criteria.entries[index].form
            entry.name.data = criterion["name"]
            entry.levels.data = "\n".join(f"{level['points']}: {level['descriptor']}" for level in criterion["levels"])
        self.holistic.data = content["rubric"].get("holistic", "")
        self.fill_tagging(version)

    def field_for(self, content_field):
        name = content_field.split("[")[0].split(".")[0]
        if content_field == "rubric.holistic":
            return self.holistic
        return {"scenario": self.scenario, "prompts": self.prompts, "expected_length": self.max_words,
                "rubric": self.criteria}.get(name, self.scenario)


class ConstructedResponse(ItemKind):
    name = "constructed_response"
    answer_codes = (WRONG_TEXTS, TOO_LONG, UNKNOWN_FIELDS, INVALID_CHARACTER)
    label = "Constructed response (vignette)"
    new_label = "New vignette"
    identifier_prefix = "CR"
    rated = True
    editor_form = ConstructedResponseForm
    candidate_template = "item_bank/kinds/constructed_response/candidate.html"
    editor_template = "item_bank/kinds/constructed_response/editor.html"
    content_template = "item_bank/kinds/constructed_response/content.html"
    rater_template = "item_bank/kinds/constructed_response/rater.html"

    def validate(self, content):
        errors = []
        text_field(content, "scenario", errors)
        prompts = content.get("prompts")
        if not strings(prompts) or not prompts or not all(prompt.strip() for prompt in prompts):
            errors.append(ContentError("prompts", "needs at least one prompt, each with text"))
        errors += self._validate_length(content.get("expected_length"))
        errors += self._validate_rubric(content.get("rubric"))
        prompt_fields = {f"prompts[{index}]": (prompt, True)
                         for index, prompt in enumerate(prompts if strings(prompts) else [])}
        return errors + rich_errors(content, {"scenario": (content.get("scenario"), True), **prompt_fields})

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
        if not isinstance(criteria, list):
            return [ContentError("rubric", "needs a list of criteria (empty while a draft has only holistic text)")]
        errors, _ = check_entries(criteria, "rubric.criteria", "name", "criterion")
        if not isinstance(rubric.get("holistic", ""), str):
            errors.append(ContentError("rubric.holistic", "must be text"))
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

    def unready(self, content):
        if content["rubric"]["criteria"]:
            return []
        if content["rubric"].get("holistic", "").strip():
            return [ContentError("rubric", "Add structured rubric criteria before approval; the imported rubric is "
                                           "shown as holistic text")]
        return [ContentError("rubric", "Add structured rubric criteria before approval")]

    def normalise(self, content):
        xhtml = rich.is_xhtml(content)
        normal = {
            "scenario": rich.clean(content["scenario"], xhtml),
            "prompts": [rich.clean(prompt, xhtml) for prompt in content["prompts"]],
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
        holistic = (content["rubric"].get("holistic") or "").strip()
        if holistic:  # absent when empty, so versions written before holistic rubrics compare equal
            normal["rubric"]["holistic"] = holistic
        if content.get("expected_length"):
            normal["expected_length"] = dict(content["expected_length"])
        return normal | rich.marker(content)

    def candidate_view(self, content, layout=None):
        return {
            "scenario": content["scenario"],
            "prompts": list(content["prompts"]),
            "expected_length": content.get("expected_length"),
            "max_characters": MAX_TEXT,
            **rich.marker(content),
        }

    def refusal(self, content, layout, answer):
        texts = answer.get("texts") if isinstance(answer, dict) else None
        prompts = len(content["prompts"])
        if not isinstance(texts, list) or len(texts) != prompts or not all(isinstance(t, str) for t in texts):
            return AnswerRefused(WRONG_TEXTS, f"must give {prompts} texts, one per prompt")
        refused = unknown_fields(answer, ("texts",))
        if refused is None and any(len(text) > MAX_TEXT for text in texts):
            refused = AnswerRefused(TOO_LONG, f"a text is longer than {MAX_TEXT} characters")
        return refused or invalid_characters(texts)

    def answered(self, answer):
        return bool(answer) and any(text.strip() for text in answer.get("texts", []))

    def written_texts(self, answer):
        return list((answer or {}).get("texts", []))

    def max_points(self, content):
        return sum(max(level["points"] for level in criterion["levels"]) for criterion in content["rubric"]["criteria"])

    def summary(self, content):
        return rich.plain_text(content.get("scenario", ""), rich.is_xhtml(content))

    def search_text(self, content):
        parts = [content.get("scenario", ""), *content.get("prompts", [])]
        return "\n".join(rich.plain_text(part, rich.is_xhtml(content)) for part in parts)

    def reads_qti(self, interactions):
        return bool(interactions) and all(local_name(element.tag) == "extendedTextInteraction"
                                          for element in interactions)

    def read_qti(self, found):
        ns, source, where, interactions = found.ns, found.source, found.where, found.interactions
        expected_elements = [element for element in found.body.iter()
                             if "expected-length" in element.get("class", "").split()]
        expected = _expected_length(text_of(expected_elements[0])) if expected_elements else None
        body = without(found.body, lambda element: element in interactions or element in expected_elements)
        problems, prompts = [], []
        for interaction in interactions:
            prompt = interaction.find(f"{ns}prompt")
            if prompt is not None and text_of(prompt):
                prompts.append(rich_of(prompt))
            elif len(interactions) == 1 and (question := _question_paragraph(body)) is not None:
                # A lone interaction without a prompt, as most systems write an essay: the question asked
                # is the body's last paragraph.
                prompts.append(question)
            else:
                problems.append(
                    Problem(source, where, "extendedTextInteraction",
                            f"{interaction.get('responseIdentifier')} has no prompt, and no paragraph before it "
                            "is left to ask the question")
                )
        if expected is None:
            characters = max((int(i.get("expectedLength", "0") or 0) for i in interactions), default=0)
            expected = {"min_words": 0, "max_words": characters // CHARACTERS_PER_WORD} if characters else None
        content = {"scenario": rich_of(body), "prompts": prompts, "rubric": _read_rubric(found.scorer_rubrics, ns)}
        if expected:
            content["expected_length"] = expected
        return settle_rich(content), problems, None

    def write_qti(self, root, content):
        q = f"{{{QTI}}}"
        for index, _ in enumerate(content["prompts"], start=1):
            add_element(root, q + "responseDeclaration", identifier=f"RESPONSE_{index}", cardinality="single",
                        baseType="string")
        add_score_declaration(root)
        body = add_element(root, q + "itemBody")
        add_rich_paragraphs(body, content["scenario"], content)
        length = content.get("expected_length")
        if length:
            add_element(body, q + "p", f"Expected length: {length['min_words']} to {length['max_words']} words.",
                        class_="expected-length")
        for index, prompt in enumerate(content["prompts"], start=1):
            attributes = {"responseIdentifier": f"RESPONSE_{index}"}
            if length:
                attributes["expectedLength"] = length["max_words"] * CHARACTERS_PER_WORD
            interaction = add_element(body, q + "extendedTextInteraction", **attributes)
            add_rich(add_element(interaction, q + "prompt"), prompt, content)
        criteria, holistic = content["rubric"]["criteria"], content["rubric"].get("holistic", "")
        if not (criteria or holistic):
            return
        rubric = add_element(body, q + "rubricBlock", view="scorer")
        for criterion in criteria:
            block = add_element(rubric, q + "div", class_="criterion", id=criterion["id"])
            add_element(block, q + "h4", criterion["name"])
            levels = add_element(block, q + "ul")
            for level in criterion["levels"]:
                add_element(levels, q + "li", level["descriptor"], class_=f"points-{level['points']}")
        if holistic:
            add_paragraphs(add_element(rubric, q + "div", class_="holistic"), holistic)


def _question_paragraph(body):
    """Take the body's last paragraph out of it as rich text, when a paragraph
    of scenario is left before it; None otherwise."""
    if "\n\n" not in text_of(body):
        return None
    parents = {child: parent for parent in body.iter() for child in parent}
    leaves = [element for element in body.iter()
              if element is not body and local_name(element.tag) in BLOCKS and text_of(element)
              and not any(local_name(inner.tag) in BLOCKS for inner in element.iter() if inner is not element)]
    if not leaves or text_of(body).rsplit("\n\n", 1)[1] != text_of(leaves[-1]):
        return None
    question = leaves[-1]
    parents[question].remove(question)
    return rich_of(question)


def _expected_length(text):
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    return {"min_words": numbers[0], "max_words": numbers[1]} if len(numbers) >= 2 else None


def _read_rubric(blocks, ns):
    """The rubric in the scorers' rubricBlocks: criteria from div.criterion, and
    as holistic text div.holistic, or the whole of a block that has no criteria."""
    criteria, holistic = [], []
    for block in blocks:
        marked = [element for element in block.iter() if "criterion" in element.get("class", "").split()]
        for criterion in marked:
            heading = next((child for child in criterion if local_name(child.tag).startswith("h")), None)
            levels = []
            for entry in criterion.iter(f"{ns}li"):
                match = re.search(r"\bpoints-(\d+)\b", entry.get("class", ""))
                if match:
                    levels.append({"points": int(match.group(1)), "descriptor": text_of(entry)})
            criteria.append(
                {"id": criterion.get("id") or f"C{len(criteria) + 1}",
                 "name": text_of(heading) if heading is not None else "", "levels": levels}
            )
        prose = [element for element in block.iter() if "holistic" in element.get("class", "").split()]
        holistic += [text_of(element) for element in prose] if marked or prose else [text_of(block)]
    rubric = {"criteria": criteria}
    text = "\n\n".join(part for part in holistic if part)
    if text:
        rubric["holistic"] = text
    return rubric
