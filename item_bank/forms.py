"""Forms for writing items, reviewing them, managing domains, building exam forms, importing."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from accounts.forms import CheckboxListField
from item_bank.kinds import KINDS
from item_bank.models import Status

OPTION_LETTERS = "ABCDE"
# Empty slots shown for a new vignette; an item with more gets more.
PROMPT_SLOTS = 4
CRITERION_SLOTS = 6
MAX_ENTRIES = 30


def domain_choices(domains, blank=None):
    choices = [SelectChoice(str(domain.id), f"{domain.code}: {domain.name}") for domain in domains]
    return ([SelectChoice("", blank)] if blank else []) + choices


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TaggingForm(FlaskForm):
    """Fields every item kind has: domains, tags, provenance."""

    primary_domain = SelectField("Primary competency domain", validators=[DataRequired()])
    secondary_domains = CheckboxListField("Secondary competency domains")
    tags = StringField("Tags", validators=[Length(max=500)], description="Separate tags with commas.")
    source = StringField("Source", validators=[Length(max=255)], description="Where the item comes from.")
    notes = TextAreaField("Notes for writers and reviewers", validators=[Length(max=5000)])

    def set_domains(self, domains):
        self.primary_domain.choices = domain_choices(domains, blank="Choose a domain")
        self.secondary_domains.choices = domain_choices(domains)

    def tagging(self, domains_by_id):
        primary = domains_by_id.get(int(self.primary_domain.data)) if self.primary_domain.data else None
        return {
            "primary_domain": primary,
            "secondary_domains": [domains_by_id[int(value)] for value in self.secondary_domains.data],
            "tags": [tag for tag in (self.tags.data or "").split(",")],
            "source": self.source.data or "",
            "notes": self.notes.data or "",
        }

    def fill_tagging(self, version):
        self.primary_domain.data = str(version.primary_domain_id) if version.primary_domain_id else ""
        self.secondary_domains.data = [str(domain.id) for domain in version.secondary_domains]
        self.tags.data = ", ".join(version.tags)
        self.source.data = version.source
        self.notes.data = version.notes


class OptionForm(FlaskForm):
    class Meta:
        csrf = False

    text = TextAreaField("Option", validators=[Length(max=2000)])
    fixed = BooleanField("Keep in place when options are shuffled")


class SelectedResponseForm(TaggingForm):
    stem = TextAreaField("Stem", validators=[DataRequired(), Length(max=10000)],
                         description="The question. Separate paragraphs with a blank line.")
    options = FieldList(FormField(OptionForm), min_entries=5, max_entries=5)
    key = RadioField("Correct option", choices=[SelectChoice(letter, letter) for letter in OPTION_LETTERS],
                     validators=[InputRequired(message="Choose the correct option.")])
    shuffle = BooleanField("Shuffle options for each candidate (when the form shuffles)", default=True)
    rationale = TextAreaField("Rationale", validators=[Length(max=5000)],
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


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Criterion", validators=[Length(max=200)])
    levels = TextAreaField(
        "Score levels", validators=[Length(max=5000)],
        description='One level per line: points, a colon, the descriptor (e.g. "2: Names the infant\'s cues").',
    )


class ConstructedResponseForm(TaggingForm):
    scenario = TextAreaField("Scenario", validators=[DataRequired(), Length(max=20000)],
                             description="The vignette. Separate paragraphs with a blank line.")
    prompts = FieldList(TextAreaField("Prompt", validators=[Length(max=2000)]), min_entries=PROMPT_SLOTS,
                        max_entries=MAX_ENTRIES)
    min_words = IntegerField("Expected length: at least (words)", validators=[Optional(), NumberRange(min=0)])
    max_words = IntegerField("Expected length: at most (words)", validators=[Optional(), NumberRange(min=1)])
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERION_SLOTS, max_entries=MAX_ENTRIES)

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
        }
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
        self.fill_tagging(version)

    def field_for(self, content_field):
        name = content_field.split("[")[0].split(".")[0]
        return {"scenario": self.scenario, "prompts": self.prompts, "expected_length": self.max_words,
                "rubric": self.criteria}.get(name, self.scenario)


ITEM_FORMS = {"selected_response": SelectedResponseForm, "constructed_response": ConstructedResponseForm}


class ItemSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Text", validators=[Optional(), Length(max=200)], description="Words in the item or its identifier")
    domain = SelectField("Domain", validators=[Optional()])
    kind = SelectField("Kind", validators=[Optional()],
                       choices=[SelectChoice("", "Any kind")] + [SelectChoice(k.name, k.label) for k in KINDS.values()])
    status = SelectField("Status", validators=[Optional()],
                         choices=[SelectChoice("", "Any status")] + [SelectChoice(s.value, s.label) for s in Status])
    tag = StringField("Tag", validators=[Optional(), Length(max=64)])


class StatusForm(FlaskForm):
    to_status = SelectField("Move to", choices=[SelectChoice(s.value, s.label) for s in Status])
    comment = TextAreaField("Comment", validators=[Length(max=5000)],
                            description="Required when sending an item back to its writer.")


class EnemyForm(FlaskForm):
    identifier = StringField("Enemy item identifier", validators=[DataRequired(), Length(max=64)],
                             description="An item that must never share a form with this one.")


class DomainForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=16)], description="Short and unique, e.g. TF.")
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=5000)])


class AssembleForm(FlaskForm):
    codes = StringField("Form codes", validators=[DataRequired(), Length(max=200)],
                        description="One form per code, separated by commas; parallel forms are built together.")
    seed = IntegerField("Random seed", validators=[Optional()], description="The same seed builds the same forms.")
    exposure_limit = IntegerField("Exposure limit", validators=[Optional(), NumberRange(min=1)],
                                  description="Leave out items already on this many published forms.")


class SwapForm(FlaskForm):
    replacement = SelectField("Replace with", validators=[DataRequired()])


class PublishForm(FlaskForm):
    pass


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired(), FileAllowed(["json", "zip", "xml"], "Use .json, .zip or .xml.")],
                     description="Attest JSON, an IMS QTI 2.1 package (.zip) or one QTI item (.xml).")
    domain = SelectField("Domain for items that arrive without one", validators=[Optional()])
    dry_run = BooleanField("Dry run: check and report, write nothing", default=True)
