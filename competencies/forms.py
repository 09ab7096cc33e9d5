"""Forms of the portfolio, the reference rating and the coordinator's review.
Choices that depend on the category (kinds of work, relationships, domains)
are filled in by the view."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, FloatField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from accounts.forms import CheckboxListField
from competencies.models import Decision

FILE_HELP = "PDF, PNG or JPEG, 10 MB at most."


class StartForm(FlaskForm):
    endorsement = SelectField("Endorsement", validators=[DataRequired()])
    category = SelectField("Category", validators=[DataRequired()],
                           description="The category of specialized work experience you apply in.")


class CategoryForm(FlaskForm):
    category = SelectField("Category", validators=[DataRequired()])


class EducationForm(FlaskForm):
    title = StringField("Degree or program", validators=[DataRequired(), Length(max=120)],
                        description="For example MSW or PhD; another degree specific to infant mental health is "
                                    "accepted by a coordinator.")
    kind = SelectField("Kind", choices=[SelectChoice("degree", "Degree"),
                                        SelectChoice("certificate", "Post-graduate specialization or university "
                                                                    "certificate program")])
    institution = StringField("Institution", validators=[DataRequired(), Length(max=160)])
    completed_on = DateField("Completed on", validators=[Optional()])
    transcript = FileField("Official transcript", description=FILE_HELP)


class TrainingForm(FlaskForm):
    taken_on = DateField("Date", validators=[InputRequired(message="Enter the date of the training.")])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    provider = StringField("Provider", validators=[DataRequired(), Length(max=160)])
    hours = FloatField("Clock hours", validators=[InputRequired(), NumberRange(min=0.25, max=500)])
    domains = CheckboxListField("Competency domains covered", validators=[DataRequired(
        message="Choose at least one competency domain.")])
    topic = SelectField("Topic", validators=[Optional()])


class WorkForm(FlaskForm):
    kind = SelectField("Kind of work", validators=[DataRequired()])
    position = StringField("Position", validators=[DataRequired(), Length(max=160)])
    employer = StringField("Employer", validators=[DataRequired(), Length(max=160)])
    started_on = DateField("Started", validators=[InputRequired(message="Enter the start date.")])
    ended_on = DateField("Ended", validators=[Optional()], description="Leave empty if you are still in this work.")
    post_graduate = BooleanField("After my graduate degree", default=True)
    supervised = BooleanField("Supervised")
    activities = CheckboxListField("Leadership activities", validators=[Optional()])
    other_activities = TextAreaField("Other leadership activities", validators=[Length(max=1000)],
                                     description="One per line, if yours are not in the list.")
    description = TextAreaField("Description", validators=[Length(max=4000)])


class SupervisionForm(FlaskForm):
    met_on = DateField("Date", validators=[InputRequired(message="Enter the date of the session.")])
    hours = FloatField("Clock hours", validators=[InputRequired(), NumberRange(min=0.25, max=40)])
    format = SelectField("Format", choices=[SelectChoice("individual", "Individual"), SelectChoice("group", "Group")])
    provider_name = StringField("Supervisor/consultant", validators=[DataRequired(), Length(max=120)])
    provider_email = StringField("Supervisor/consultant's email", validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    peer = BooleanField("Peer supervision", description="Peer supervision is logged but does not count.")


class SupervisionLogForm(FlaskForm):
    file = FileField("Supervision log (CSV)", validators=[FileRequired(message="Choose a CSV file to import.")],
                     description="Columns date (YYYY-MM-DD), hours (at most 8 a row), supervisor, format (individual "
                                 "or group), and optionally supervisor_email and notes; a header row first. Up to 500 "
                                 "sessions; every row is checked before any is added.")


class DocumentForm(FlaskForm):
    label = StringField("What it is", validators=[Length(max=160)],
                        description="For example: membership card, training certificate.")
    file = FileField("File", validators=[FileRequired(message="Choose a file to upload.")], description=FILE_HELP)


class TranscriptForm(FlaskForm):
    file = FileField("Official transcript", validators=[FileRequired(message="Choose a file to upload.")],
                     description=FILE_HELP)


class VerificationForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    number = StringField("Endorsement number", validators=[DataRequired(), Length(max=24)],
                         description="As printed on the documentation of competencies, e.g. MENTOR-2026-00042.")
    code = StringField("Verification code", validators=[DataRequired(), Length(max=40)],
                       description="The code printed beside the number, e.g. 7KQ2-M9XD-4TRB.")


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Name", validators=[Optional(), Length(max=120)])


class ListingForm(FlaskForm):
    listed = RadioField("Public directory", choices=[SelectChoice("yes", "List me in the public directory"),
                                                     SelectChoice("no", "Do not list me")],
                        validators=[InputRequired(message="Choose whether to be listed.")])


class EthicsForm(FlaskForm):
    typed_name = StringField("Type your full name to sign", validators=[DataRequired(), Length(max=120)])
    agree = BooleanField("I have read the code of ethics and the endorsement agreement and agree to them",
                         validators=[DataRequired(message="Tick the box to agree.")])


class MembershipForm(FlaskForm):
    association = StringField("Association", validators=[DataRequired(), Length(max=160)])
    number = StringField("Membership number", validators=[Length(max=60)])
    expires = DateField("Current until", validators=[InputRequired(message="Enter the date your membership ends.")])


class ReferenceRequestForm(FlaskForm):
    relationship = SelectField("Their relationship to you", validators=[DataRequired()])
    rater_name = StringField("Their name", validators=[DataRequired(), Length(max=120)])
    rater_email = StringField("Their email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    waived = BooleanField("I waive my right to see what this person writes", default=False,
                          description="Waiving means you will never see their answers: not their ratings, not their "
                                      "comments, not even as \"Meets\" on your record. Coordinators see them. The "
                                      "person is told whether you waived.")


class ReferenceCodeForm(FlaskForm):
    """The link's token, from the link's fragment (filled in by the page's script) or pasted from the message."""

    code = StringField("Reference code", validators=[DataRequired(), Length(max=100)],
                       description="The code in the message Attest sent you.")


class ReferenceRatingForm(FlaskForm):
    """The domains' radio groups are read by name in the view (`domain-<code>`)."""

    rater_level = SelectField("Your own endorsement", choices=[SelectChoice("", "Not endorsed")] + [
        SelectChoice(level, f"Level {level}") for level in ("I", "II", "III", "IV")], validators=[Optional()])
    endorsement_number = StringField("Your endorsement number", validators=[Optional(), Length(max=24)],
                                     description="If Attest issued your endorsement, its number lets Attest verify "
                                                 "your level at once; otherwise a coordinator verifies it.")
    comments = TextAreaField("Comments", validators=[Length(max=4000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why (optional)", validators=[Length(max=2000)],
                           description="Coordinators read this; the candidate sees only that you declined.")


class VerifyLevelForm(FlaskForm):
    """One per answered reference on the review page, each textarea with its own id (drawn there)."""

    note = TextAreaField("How it was verified", validators=[Length(max=2000)])


class ConflictForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])


NOT_YET_REVIEWED = SelectChoice("", "Not yet reviewed")


class DecisionsForm(FlaskForm):
    """A reviewer's decisions on every requirement at once: per requirement kind a radio group
    `decision_<kind>` and a note `note_<kind>`, added by `decisions_form`. Any value is taken, so that
    `review.record_decisions` refuses a bad one naming its requirement."""

    kinds = ()

    def decisions(self):
        return {kind: (self[f"decision_{kind}"].data or "", self[f"note_{kind}"].data or "") for kind in self.kinds}


def decisions_form(requirements):
    """The DecisionsForm class for `requirements`, (kind, title) pairs."""
    form = type("RequirementDecisionsForm", (DecisionsForm,), {"kinds": tuple(kind for kind, _ in requirements)})
    for kind, title in requirements:
        setattr(form, f"decision_{kind}", RadioField(title, choices=[SelectChoice(d.value, d.label) for d in Decision]
                                                     + [NOT_YET_REVIEWED], default="", validate_choice=False))
        setattr(form, f"note_{kind}", TextAreaField("Note", validators=[Length(max=2000)]))
    return form


class ConsensusForm(FlaskForm):
    requirement = SelectField("Requirement", validators=[DataRequired()])
    decision = RadioField("Consensus", choices=[SelectChoice(d.value, d.label) for d in Decision],
                          validators=[DataRequired(message="Choose met or not met.")])
    note = TextAreaField("Reason", validators=[Length(max=2000)])


def _user_id(value):
    """A user id from the form; None for the "choose" entry (a non-number raises, which WTForms reports)."""
    return None if value in ("", None) else int(value)


class AssignForm(FlaskForm):
    assignee = SelectField("Reviewer", coerce=_user_id, validate_choice=False,
                           validators=[InputRequired(message="Choose a coordinator.")])
    due_on = DateField("Due on", validators=[InputRequired(message="Enter the due date.")])


class StatusForm(FlaskForm):
    action = SelectField("Action", validators=[DataRequired(message="Choose an action.")])
    body = TextAreaField("Comment to the candidate", validators=[Length(max=4000)],
                         description="Needed when asking for more information or deferring.")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=4000)])
