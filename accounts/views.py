"""Sign in and out (anyone); user management (admin)."""

import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from accounts import navigation, sign_in_limits, signin, users
from accounts.access import client_address, current_actor, roles_required
from accounts.forms import EditUserForm, SignInForm, UserForm, UserSearchForm
from accounts.models import User
from accounts.passwords import HashingBusy
from accounts.roles import Role
from errors import render_error
from extensions import db
from security import local_path

bp = Blueprint("accounts", __name__)
navigation.declare(bp, links={Role.ADMIN: [(10, "Users", ".list_users")]})


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Anyone. Failed attempts are limited where they lock out nobody else
    (accounts/sign_in_limits.py): a browser that signed in to the account
    before has its own count, so a stranger's guessing never shuts it out, and
    one person's mistakes never shut out the others behind their address."""
    if current_user.is_authenticated:
        return redirect(url_for(navigation.landing_endpoint(current_user.roles)))
    form = SignInForm(request.form)
    if form.validate_on_submit():
        device_cookie = request.cookies.get(sign_in_limits.DEVICE_COOKIE)
        try:
            user, reason = signin.authenticate(form.email.data, form.password.data, client_address(), device_cookie)
        except sign_in_limits.TooManyAttempts as refusal:
            return too_many_attempts(refusal)
        if user is not None:
            # A fresh session on every sign-in: nothing planted before survives it.
            session.clear()
            signin.start_login_session(user, client_address(), request.user_agent.string)
            login_user(user)
            db.session.commit()
            landing = local_path(request.args.get("next")) or url_for(navigation.landing_endpoint(user.roles))
            response = redirect(landing)
            _trust_this_browser(response, device_cookie, user.email)
            return response
        db.session.commit()
        if reason == signin.UNCONFIRMED:
            form.form_errors.append("Confirm your email first: follow the link we mailed you when you registered.")
            return render_template("accounts/sign_in.html", form=form, unconfirmed_email=form.email.data)
        form.form_errors.append("The email or password is not correct, or the account is inactive.")
    return render_template("accounts/sign_in.html", form=form)


def too_many_attempts(refusal):
    body, status = render_error(429, str(refusal))
    return body, status, {"Retry-After": str(math.ceil(refusal.seconds))}


@bp.app_errorhandler(HashingBusy)
def hashing_busy(refusal):
    """Any page that hashes a password (signing in, registering, a new
    password) when this worker's hashing slots stay taken: nothing was done."""
    db.session.rollback()
    body, status = render_error(503, str(refusal))
    return body, status, {"Retry-After": str(refusal.retry_after)}


def _trust_this_browser(response, device_cookie, email):
    """Give the browser the account's device cookie, sent back to /sign-in only."""
    response.set_cookie(
        sign_in_limits.DEVICE_COOKIE, sign_in_limits.device_cookie_after_sign_in(device_cookie, email),
        max_age=sign_in_limits.DEVICE_COOKIE_MAX_AGE, path=url_for("accounts.sign_in"),
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
    )


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """Anyone; signing out of no session just lands on the sign-in page."""
    if current_user.is_authenticated:
        signin.end_login_session(current_user.get_id(), client_address())
        db.session.commit()
        logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def list_users():
    """Admin."""
    form = UserSearchForm(request.args)
    filters_valid = form.validate()
    role = Role(form.role.data) if filters_valid and form.role.data else None
    active = {"active": True, "inactive": False}.get(form.status.data) if filters_valid else None
    page = db.paginate(
        users.find_users(form.q.data or "", role, active), per_page=current_app.config["USERS_PER_PAGE"]
    )
    return render_template("accounts/users.html", form=form, page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    """Admin."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(
                form.email.data, form.name.data, form.selected_roles, form.password.data, current_actor()
            )
        except users.UserError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Created {user.email}.", "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id):
    """Admin."""
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user, roles=[role.value for role in user.roles])
    if form.validate_on_submit():
        try:
            users.update_user(
                user, current_actor(),
                email=form.email.data, name=form.name.data, roles=form.selected_roles,
                active=form.active.data, password=form.password.data,
            )
        except users.UserError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Saved {user.email}.", "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=user)
