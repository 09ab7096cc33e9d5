from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


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
