"""Access decorators for views, and the actor a view hands to services.

Anonymous visitors of a protected page are sent to sign in (302); signed-in
users without the role get 403.
"""

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, request, session
from flask_login import current_user, login_required

from accounts.signin import user_for_token
from audit.log import Actor
from extensions import login_manager


@login_manager.user_loader
def load_user(token):
    return user_for_token(token, login_lifetime())


def login_lifetime():
    return timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])


def session_login_token():
    """The login token the request's session cookie carries, not yet checked:
    Flask-Login keeps what `User.get_id` gave it under `_user_id`."""
    return session.get("_user_id")


def roles_required(*roles):
    """Allow the view to users holding any one of `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def client_address():
    return request.remote_addr or "unknown"


def current_actor():
    user_id = current_user.id if current_user.is_authenticated else None
    return Actor(user_id, client_address())
