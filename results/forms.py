"""The release button's form: its CSRF token and the page to return to, since
coordinators release from a session's results and psychometricians from the
key review."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ReleaseForm(FlaskForm):
    back = HiddenField()
