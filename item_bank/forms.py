"""Forms for writing items and their images, reviewing them, managing domains, building exam forms, importing."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from item_bank.kinds import KINDS
from item_bank.models import MAX_BREAK_MINUTES, Status


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


class ImageForm(FlaskForm):
    """An image for rich item text, sent by the editor's script (its type is judged by `images.check`)."""

    image = FileField("Image", validators=[FileRequired()])
    alt = StringField("Alt text", validators=[Length(max=500)])


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


class BreakForm(FlaskForm):
    break_minutes = IntegerField(
        "Break between parts (minutes)", validators=[InputRequired(), NumberRange(0, MAX_BREAK_MINUTES)],
        description=f"0 for none, at most {MAX_BREAK_MINUTES}. After each part but the last, candidates may rest this "
                    "long; the next part's time starts when they continue or when the break ends.")


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired(), FileAllowed(["json", "zip", "xml"], "Use .json, .zip or .xml.")],
                     description="Attest JSON, an IMS QTI package (.zip: QTI 1.2, 2.x or 3.0), or one QTI "
                                 "file or Moodle XML quiz (.xml).")
    domain = SelectField("Domain for items that arrive without one", validators=[Optional()])
    dry_run = BooleanField("Dry run: check and report, write nothing", default=True)
    keep_statuses = BooleanField(
        "Keep the file's statuses (admins)",
        description="Write each version approved, retired ... as the file says, not as a draft for review. Audited.",
    )
