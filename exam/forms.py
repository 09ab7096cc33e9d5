"""Forms of the candidate's sitting and of the proctor console."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from accounts.forms import CheckboxListField, OnceForm
from exam.identity import MAX_NAME, MAX_NOTE
from exam.models import DocumentType, IncidentCategory
from exam.proctoring import MAX_EXTENSION_MINUTES, Action


class JoinForm(FlaskForm):
    access_code = StringField("Access code", validators=[DataRequired(), Length(max=32)],
                              description="Your proctor gives you this code at the start of the session.")


class AgreementForm(FlaskForm):
    agree = BooleanField(
        "I have read the instructions. I will keep the content of this examination confidential: I will not "
        "copy, record or share any question, in any form, during or after the examination.",
        validators=[DataRequired(message="You must agree before you start.")],
    )


class FinishSectionForm(FlaskForm):
    pass


class ContinueForm(FlaskForm):
    """Ending a break between two parts early: the next part starts now."""


def entity_choices(pairs, blank=None):
    """SelectChoices from (id, label) pairs, with an optional blank first."""
    return ([SelectChoice("", blank)] if blank else []) + [SelectChoice(str(value), label) for value, label in pairs]


class SessionForm(OnceForm):
    """Scheduling a session. Times are UTC, as the whole platform's are."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    form = SelectField("Exam form", validators=[DataRequired()], description="Published forms only.")
    opens_at = DateTimeLocalField("Opens (UTC)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    closes_at = DateTimeLocalField("Closes (UTC)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()],
                                   description="Candidates can join until then; timed sections run on past it.")
    location = StringField("Location", validators=[DataRequired(), Length(max=200)], default="online",
                           description="A room and address, or “online”.")
    capacity = IntegerField("Capacity", validators=[Optional(), NumberRange(1, 5000)],
                            description="Seats; leave empty for no limit.")
    admission = RadioField("Admission", default="proctor", choices=[
        SelectChoice("proctor", "A proctor admits each candidate"),
        SelectChoice("auto", "Automatic, as each candidate agrees to the terms"),
    ])
    readmit_on_resume = BooleanField("A candidate who reopens the examination in another window or on another "
                                     "computer waits, clock stopped, until a proctor re-admits them")
    requires_identity_check = BooleanField("Identity check-in: no one is admitted until a proctor records that they "
                                           "saw the candidate's identity document")
    require_seb = BooleanField("Candidates sit in Safe Exam Browser, started with the session's configuration file",
                               description="Any other browser is refused with a page that offers the file to "
                                           "download and says how to start it.")
    grace_seconds = IntegerField("Grace period (seconds)", default=30, validators=[InputRequired(), NumberRange(0, 600)],
                                 description="Saves this long after a part's deadline still count.")
    proctors = CheckboxListField("Proctors")


class ActionForm(OnceForm):
    """A proctor action on the candidates ticked on the board."""

    action = SelectField("Action", choices=[SelectChoice(a.value, a.value.capitalize()) for a in Action])
    enrollments = SelectMultipleField("Candidates", coerce=int, validate_choice=False,
                                      validators=[DataRequired(message="Tick at least one candidate.")])
    minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(1, MAX_EXTENSION_MINUTES)])
    reason = StringField("Reason", validators=[Length(max=500)])
    target = SelectField("Move to session", validate_choice=False)
    confirmed = HiddenField()


class SessionActionForm(OnceForm):
    action = SelectField("Action", choices=[SelectChoice("pause", "Pause all"), SelectChoice("resume", "Resume all")])


class CloseSessionForm(OnceForm):
    reason = StringField("Note for the report (optional)", validators=[Length(max=500)])
    confirm = BooleanField("Close the session: every attempt still open is submitted now with its saved answers, "
                           "and no one can join after", validators=[DataRequired(message="Tick to confirm.")])


class IncidentForm(OnceForm):
    category = SelectField("Category", choices=[SelectChoice(c.value, c.label) for c in IncidentCategory])
    enrollment = SelectField("About", validate_choice=False)
    occurred_at = DateTimeLocalField("When (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                     description="Leave empty for now.")
    description = TextAreaField("What happened", validators=[DataRequired(), Length(max=4000)])


class FollowUpForm(OnceForm):
    description = TextAreaField("Add to this incident", validators=[DataRequired(), Length(max=4000)])


class IdentityCheckForm(OnceForm):
    document_type = SelectField("Document", choices=[SelectChoice(d.value, d.label) for d in DocumentType])
    name_on_document = StringField("Name as shown on the document", validators=[DataRequired(), Length(max=MAX_NAME)])
    note = TextAreaField("Note on the photo ID (optional)", validators=[Length(max=MAX_NOTE)],
                         description="What you noticed about the document or its photo, e.g. an old photo, "
                                     "a name written another way.")


class RosterForm(FlaskForm):
    roster = FileField("CSV of emails", validators=[FileRequired(), FileAllowed(["csv", "txt"], "A .csv file.")],
                       description="A column headed “email”, or one email per line. All or nothing: "
                                   "any unknown or ineligible row enrols no one.")


class AddCandidateForm(FlaskForm):
    candidate = HiddenField(validators=[DataRequired()])


class AccommodationsForm(FlaskForm):
    time_multiplier = FloatField("Time multiplier", default=1.0, validators=[InputRequired(), NumberRange(1, 4)],
                                 description="Each part's time is multiplied by this, e.g. 1.5.")
    extra_minutes = IntegerField("Extra minutes a part", default=0, validators=[InputRequired(), NumberRange(0, 600)])
    large_text = BooleanField("Large text")
    high_contrast = BooleanField("High contrast")


class CodeForm(OnceForm):
    """A new access code; the board's button asks, the confirmation page sends `confirmed`."""

    reason = StringField("Note for the report (optional)", validators=[Length(max=500)])
    confirmed = HiddenField()
