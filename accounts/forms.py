from flask import flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from accounts import submissions, users
from accounts.passwords import MIN_LENGTH
from accounts.roles import Role
from clock import utcnow
from extensions import db

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])


class EmailOnlyForm(FlaskForm):
    """An email to mail a link to: a password reset, a new confirmation link."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired()],
                             description=f"At least {MIN_LENGTH} characters.")
    password_again = PasswordField("New password again",
                                   validators=[DataRequired(), EqualTo("password", "The two passwords differ.")])


class RegisterForm(NewPasswordForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)],
                       description="We send a link to it: your account works once you follow it.")
    password = PasswordField("Password", validators=[DataRequired()], description=f"At least {MIN_LENGTH} characters.")
    password_again = PasswordField("Password again",
                                   validators=[DataRequired(), EqualTo("password", "The two passwords differ.")])


class ChangeEmailForm(FlaskForm):
    new_email = EmailField("New email", validators=[DataRequired(), Length(max=254)],
                           description="We send a link to it: your email changes when you follow it.")
    password = PasswordField("Your password", validators=[DataRequired()])


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button's CSRF token and nothing else."""


class OnceForm(FlaskForm):
    """A form that changes something, done once however often it is sent
    (`accounts.submissions`). Drawn, it carries a new token; a view that has
    validated it calls `earlier_answer()` before changing anything and ends
    with `answer(...)`, which commits."""

    submission = HiddenField("This form")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not submissions.TOKEN.fullmatch(self.submission.data or ""):
            self.submission.data = submissions.new_token()  # drawn afresh, or sent without a usable token
        self._claim = None

    def validate_submission(self, field):
        # The token as sent, not the fresh one a page drawn again gets.
        if not submissions.TOKEN.fullmatch(field.raw_data[0] if field.raw_data else ""):
            raise ValidationError("This page was out of date, so nothing was done: send it again.")

    def earlier_answer(self):
        """Claim this sending; None the first time, else the redirect that gives
        the first sending's answer again (and says nothing was done again)."""
        self._claim = submissions.claim(self.submission.data, current_user.id, utcnow())
        if not self._claim.repeat:
            return None
        earlier = self._claim.submission
        flash(f"This was sent already, at {earlier.submitted_at:%H:%M:%S} UTC, and is not done again.", "info")
        for category, message in earlier.messages:
            flash(message, category)
        return redirect(earlier.location)

    def answer(self, location, *messages):
        """Keep the answer for a repeat, commit it with the change, show the (category, message)s and redirect."""
        submissions.keep_answer(self._claim, location, messages)
        db.session.commit()
        for category, message in messages:
            flash(message, category)
        return redirect(location)


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


class AuditSearchForm(FlaskForm):
    """The audit log's filters, read from the page's address (choices of action
    and object type are set by the view from what the log holds)."""

    class Meta:
        csrf = False  # a GET search changes nothing

    person = StringField("Person", validators=[Optional(), Length(max=254)], description="The email of who acted")
    action = SelectField("Action", validators=[Optional()])
    object_type = SelectField("Object type", validators=[Optional()])
    object_id = StringField("Object id", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()], invalid_value_message="Enter a date as YYYY-MM-DD.")
    until = DateField("To", validators=[Optional()], invalid_value_message="Enter a date as YYYY-MM-DD.")
    text = StringField("Details contain", validators=[Optional(), Length(max=200)])
    actor = None  # the person's account, once validated

    def validate_person(self, field):
        self.actor = users.user_by_email(field.data) if field.data else None
        if field.data and self.actor is None:
            raise ValidationError("No account has this email.")

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("Give a day on or after the From date.")
