"""Forms of the psychometric screens: computing statistics, DIF groups, key
review and rescoring, Angoff studies and ratings."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, FloatField, FormField, HiddenField, StringField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from results.rescoring import MAX_WEIGHT


class GroupsForm(FlaskForm):
    groups = FileField("Groups (CSV)", validators=[FileRequired("Choose a CSV file of candidates and groups.")],
                       description="Two columns, candidate_id (the candidate's email) and group, with the values "
                                   "reference and focal. Candidates not listed are left out of the comparison.")


class ItemRuleForm(PlainForm):
    form_item_id = HiddenField()
    keys = StringField("Keys", validators=[Length(max=60)], description="Option ids; several as A|C.")
    weight = FloatField("Weight", validators=[InputRequired(), NumberRange(min=0.01, max=MAX_WEIGHT)])
    dropped = BooleanField("Drop")


class RescoreForm(FlaskForm):
    items = FieldList(FormField(ItemRuleForm))
    pass_percent = FloatField("Pass mark (%)", validators=[InputRequired(), NumberRange(min=0.1, max=100)])
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=1000)],
                           description="Why the scoring changes; required to rescore, and kept in the audit log.")
    confirm = HiddenField()


class StudyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)],
                       description="For example: Mentor cut score panel, November 2026.")


class PanelistForm(FlaskForm):
    email = StringField("Panelist's email", validators=[DataRequired(), Email(), Length(max=254)],
                        description="Someone with an Attest account: they rate the items from their own home page.")
