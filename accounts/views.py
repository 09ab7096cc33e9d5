"""Sign in and out (anyone); user management (admin)."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from accounts import navigation, signin, users
from accounts.access import client_address, current_actor, roles_required
from accounts.forms import EditUserForm, SignInForm, UserForm, UserSearchForm
from accounts.models import User
from accounts.roles import Role
from extensions import db, limiter
from security import local_path

bp = Blueprint("accounts", __name__)
navigation.declare(bp, links={Role.ADMIN: [(10, "Users", ".list_users")]})


def _account_key():
    return "sign-in-account:" + signin.normalise_email(request.form.get("email", ""))


def _address_key():
    return "sign-in-address:" + client_address()


def _sign_in_failed(response):
    return response.status_code != 302


def _unknown_account(response):
    return g.get("sign_in_failure") == signin.UNKNOWN_ACCOUNT


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message="Too many failed sign-ins for this account. Wait a minute, then try again.",
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_UNKNOWN_PER_ADDRESS"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_unknown_account,
    error_message="Too many sign-ins for unknown accounts from this address. Wait a minute, then try again.",
)
def sign_in():
    """Anyone. Failed attempts are limited per account; attempts on accounts
    that do not exist are limited per address too. Wrong passwords for real
    accounts never count against the address, so one person behind a shared
    address cannot lock a room of candidates out."""
    if current_user.is_authenticated:
        return redirect(url_for(navigation.landing_endpoint(current_user.roles)))
    # Form data only: the per-account limit is keyed on the form's email field.
    form = SignInForm(request.form)
    if form.validate_on_submit():
        user, g.sign_in_failure = signin.authenticate(form.email.data, form.password.data, client_address())
        if user is not None:
            # A fresh session on every sign-in: nothing planted before survives it.
            session.clear()
            signin.start_login_session(user, client_address(), request.user_agent.string)
            login_user(user)
            db.session.commit()
            return redirect(local_path(request.args.get("next")) or url_for(navigation.landing_endpoint(user.roles)))
        db.session.commit()
        form.form_errors.append("The email or password is not correct, or the account is inactive.")
    return render_template("accounts/sign_in.html", form=form)


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
