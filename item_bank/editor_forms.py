"""What every kind's editor form shares: the item's tagging to domains and
tags, its provenance, and the format its rich fields are written in. Each
kind's own fields live with the kind."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from accounts.forms import CheckboxListField
from item_bank import rich

# A textarea the browser's editor (static/js/rich_editor.js) turns into a
# formatting editor; without the script it takes plain text, as ever.
RICH = {"data-rich": ""}


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
    # Set to "xhtml" by the editor's script once it writes markup into the rich fields.
    content_format = HiddenField(default="", validators=[AnyOf(("", rich.XHTML))])

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

    def rich_marker(self):
        """The content's format entry, as the editor's script left it."""
        return {rich.FORMAT: rich.XHTML} if self.content_format.data == rich.XHTML else {}

    def fill_tagging(self, version):
        self.content_format.data = version.content.get(rich.FORMAT, "")
        self.primary_domain.data = str(version.primary_domain_id) if version.primary_domain_id else ""
        self.secondary_domains.data = [str(domain.id) for domain in version.secondary_domains]
        self.tags.data = ", ".join(version.tags)
        self.source.data = version.source
        self.notes.data = version.notes
