from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.passwords import MIN_LENGTH
from accounts.roles import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button's CSRF token and nothing else."""


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    roles = CheckboxListField("Roles", choices=ROLE_CHOICES)
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_LENGTH, message=f"At least {MIN_LENGTH} characters.")],
        description=f"At least {MIN_LENGTH} characters. Give it to the person by a safe channel.",
    )

    @property
    def selected_roles(self):
        return {Role(value) for value in self.roles.data}


class EditUserForm(UserForm):
    password = PasswordField(
        "New password",
        validators=[Optional(), Length(min=MIN_LENGTH, message=f"At least {MIN_LENGTH} characters.")],
        description="Leave empty to keep the current password. Setting one signs the user out everywhere.",
    )
    active = BooleanField("Active", description="An inactive user cannot sign in and is signed out at once.")


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search", validators=[Optional(), Length(max=200)], description="Email or name")
    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES], validators=[Optional()])
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any status"), SelectChoice("active", "Active"), SelectChoice("inactive", "Inactive")], validators=[Optional()]
    )
