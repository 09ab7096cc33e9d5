"""Registering, confirming an email, resetting a forgotten password (anyone)
and changing one's email (anyone signed in).

A mailed link's token leaves the address at once: its page moves the token
into the session and redirects to an address without it, so only the first
GET ever carries it (in access logs, history or a Referer). What the link
does happens on a POST from that page, so a mail scanner that opens links
spends none."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from accounts import links, navigation, self_service
from accounts.access import client_address
from accounts.forms import ChangeEmailForm, ConfirmForm, EmailOnlyForm, NewPasswordForm, RegisterForm
from accounts.models import LinkPurpose
from accounts.sign_in_limits import TooManyAttempts
from accounts.users import UserError
from accounts.views import too_many_attempts
from clock import utcnow
from extensions import db

bp = Blueprint("self_service", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Anyone not signed in (someone signed in goes to their home page)."""
    if current_user.is_authenticated:
        return redirect(url_for(navigation.landing_endpoint(current_user.roles)))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            self_service.register(form.name.data, form.email.data, form.password.data, client_address(), utcnow())
        except UserError as error:
            form[error.field].errors.append(error.message)
        except TooManyAttempts as refusal:
            return too_many_attempts(refusal)
        else:
            db.session.commit()
            # The same page whether or not the email had an account.
            return _check_your_mail(f"We sent a message to {form.email.data}. Follow the link in it to finish "
                                    "registering; until then the account cannot sign in.")
    return render_template("accounts/register.html", form=form)


def _check_your_mail(message):
    return render_template("accounts/check_mail.html", message=message)


def _email_request(service, title, intro, button, sent):
    """A page asking for an email to mail a link to, answered the same for every email."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        try:
            service(form.email.data, client_address(), utcnow())
        except UserError as error:
            form.email.errors.append(error.message)
        except TooManyAttempts as refusal:
            return too_many_attempts(refusal)
        else:
            db.session.commit()
            return _check_your_mail(sent.format(email=form.email.data))
    return render_template("accounts/email_request.html", form=form, title=title, intro=intro, button=button)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Anyone."""
    return _email_request(
        self_service.request_password_reset, "Forgot your password?",
        "Give the email of your account: we send it a link to choose a new password.", "Send the link",
        "If an account uses {email}, we sent it a link to choose a new password. The link works for one hour.",
    )


@bp.route("/verify-email/resend", methods=["GET", "POST"])
def resend_verification():
    """Anyone."""
    return _email_request(
        self_service.resend_verification, "Confirm your email",
        "Give the email you registered with: we send it a new link to confirm it.", "Send a new link",
        "If {email} awaits confirmation, we sent it a new link. The link works for 24 hours.",
    )


def _hold(purpose, token, endpoint):
    """Keep a mailed link's token in the session and send the browser where the address does not show it."""
    if len(token) <= links.MAX_TOKEN_LENGTH:
        session[f"link-{purpose.value}"] = token
    return redirect(url_for(endpoint))


def _held(purpose):
    """The token of the link of `purpose` this browser followed, and whether it still works."""
    token = session.get(f"link-{purpose.value}")
    return token, links.find(token, purpose, utcnow()) is not None


def _link_gone():
    return render_template("accounts/link_gone.html"), 404


def _spent(purpose, message):
    session.pop(f"link-{purpose.value}", None)
    db.session.commit()
    flash(message, "success")


@bp.route("/verify-email/<token>")
def verify_email_link(token):
    """Anyone holding the mailed link."""
    return _hold(LinkPurpose.VERIFY_EMAIL, token, ".verify_email")


@bp.route("/verify-email", methods=["GET", "POST"])
def verify_email():
    """Anyone whose session holds a working confirmation link; 404 otherwise."""
    token, works = _held(LinkPurpose.VERIFY_EMAIL)
    if not works:
        return _link_gone()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            self_service.verify_email(token, client_address(), utcnow())
        except self_service.LinkGone:
            return _link_gone()
        _spent(LinkPurpose.VERIFY_EMAIL, "Your email is confirmed. Sign in to start.")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/confirm_link.html", form=form, title="Confirm your email",
                           intro="Confirm that this email address is yours, to finish registering.",
                           button="Confirm my email")


@bp.route("/reset-password/<token>")
def reset_password_link(token):
    """Anyone holding the mailed link."""
    return _hold(LinkPurpose.RESET_PASSWORD, token, ".reset_password")


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password():
    """Anyone whose session holds a working reset link; 404 otherwise."""
    token, works = _held(LinkPurpose.RESET_PASSWORD)
    if not works:
        return _link_gone()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            self_service.reset_password(token, form.password.data, client_address(), utcnow())
        except UserError as error:
            form.password.errors.append(error.message)
        except self_service.LinkGone:
            return _link_gone()
        else:
            _spent(LinkPurpose.RESET_PASSWORD,
                   "Your password is set, and every session of your account has ended. Sign in with it.")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/new_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def request_email_change():
    """Anyone signed in."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            self_service.request_email_change(current_user._get_current_object(), form.password.data,
                                              form.new_email.data, client_address(), utcnow())
        except UserError as error:
            form[error.field].errors.append(error.message)
        except TooManyAttempts as refusal:
            return too_many_attempts(refusal)
        else:
            db.session.commit()
            flash(f"We sent a link to {form.new_email.data}. Your email changes when you follow it; "
                  f"until then it stays {current_user.email}.", "info")
            return redirect(url_for(".request_email_change"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/change-email/<token>")
def change_email_link(token):
    """Anyone holding the mailed link."""
    return _hold(LinkPurpose.CHANGE_EMAIL, token, ".change_email")


@bp.route("/change-email", methods=["GET", "POST"])
def change_email():
    """Anyone whose session holds a working email-change link; 404 otherwise."""
    token, works = _held(LinkPurpose.CHANGE_EMAIL)
    if not works:
        return _link_gone()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = self_service.change_email(token, client_address(), utcnow())
        except self_service.LinkGone:
            return _link_gone()
        except UserError as error:
            flash(error.message, "error")
            return redirect(url_for("home.index"))
        _spent(LinkPurpose.CHANGE_EMAIL, f"Your account's email is now {user.email}.")
        return redirect(url_for("home.index"))
    return render_template("accounts/confirm_link.html", form=form, title="Use this email",
                           intro="Confirm that this address is yours: your account's email changes to it.",
                           button="Use this email")
