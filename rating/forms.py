"""Forms of the rating screens. Rubric scores are radio groups drawn from
each vignette's rubric, read by name in the view (`criterion-<id>`)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

from rating.anchors import MAX_ANNOTATION
from rating.concerns import MAX_DETAILS, MAX_NOTE
from rating.models import ConcernReason, FinalRule, PassRule
from rating.ratings import MAX_COMMENTS


class RatingForm(FlaskForm):
    comments = TextAreaField("Comments for the feedback letter", validators=[Length(max=MAX_COMMENTS)],
                             description="What the candidate did well and what to work on, in plain words: the "
                                         "candidate reads this in their feedback letter. Never name yourself.")
    # When the page was drawn (epoch seconds): the time spent on this visit is counted from it.
    opened_at = HiddenField()


class CorrectionForm(FlaskForm):
    comments = TextAreaField("Comments for the feedback letter", validators=[Length(max=MAX_COMMENTS)])
    reason = TextAreaField("Reason for the correction", validators=[DataRequired(), Length(max=1000)],
                           description="Kept in the audit log with the scores before and after.")


class PlanForm(FlaskForm):
    raters_per_response = SelectField("Raters per response", coerce=int, choices=[SelectChoice(n, str(n)) for n in (1, 2, 3)])
    max_criterion_gap = IntegerField("Largest allowed difference on a criterion (points)",
                                     validators=[InputRequired(), NumberRange(min=0, max=10)],
                                     description="Ratings that differ by more on any criterion go to an adjudicator.")
    pass_fail_disagreement = BooleanField("Also adjudicate when one rating reaches the cut and another does not")
    final_rule = SelectField("Final score", choices=[SelectChoice(rule.value, rule.label) for rule in FinalRule])
    rated_pass_percent = FloatField("Cut of the rated part (%)",
                                    validators=[InputRequired(), NumberRange(min=0.1, max=100)])
    pass_rule = SelectField("Pass rule", choices=[SelectChoice(rule.value, rule.label) for rule in PassRule],
                            description="The part scored by key uses the form's pass mark (and any rescoring's).")
    due_days = IntegerField("Days a rater has for each response", validators=[InputRequired(),
                                                                             NumberRange(min=1, max=90)])


class AssignForm(FlaskForm):
    rater_id = SelectField("Rater", coerce=int)


class ConflictForm(FlaskForm):
    rater_email = StringField("Rater's email", validators=[DataRequired(), Email(), Length(max=254)])
    candidate_email = StringField("Candidate's email", validators=[DataRequired(), Email(), Length(max=254)])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)],
                         description="For example: the candidate's reflective supervision provider.")


class AnchorForm(FlaskForm):
    """One per vignette on the anchors page (prefixed by its form item), so `case_id`'s choices are its final cases."""

    case_id = SelectField("Rated response", coerce=int)
    annotation = TextAreaField("Why it earns its score", validators=[DataRequired(), Length(max=MAX_ANNOTATION)],
                               description="For example: why this is a 2 on Reflection. Raters read it with the "
                                           "response; never name the candidate.")


class ConcernForm(FlaskForm):
    reason = SelectField("Reason for the concern",
                         choices=[SelectChoice(reason.value, reason.label) for reason in ConcernReason])
    details = TextAreaField("What worries you", validators=[Length(max=MAX_DETAILS)],
                            description="Required for \"Something else\". Only coordinators read it.")


class HandleConcernForm(FlaskForm):
    note = TextAreaField("What was done", validators=[DataRequired(), Length(max=MAX_NOTE)],
                         description="Kept with the concern and in the audit log.")
