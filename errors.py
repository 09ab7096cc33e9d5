"""Error pages: HTML for people, JSON for the app's JSON endpoints."""

import enum

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from sqlalchemy.exc import OperationalError

from extensions import db


class ErrorCode(enum.StrEnum):
    """What went wrong, for a script to act on; a JSON error also says it in a sentence."""

    BAD_REQUEST = "bad_request"  # a body or address the app cannot use; the message names the field
    CSRF_INVALID = "csrf_invalid"  # no valid CSRF token: the page is stale or not Attest's
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"
    TOO_MANY_REQUESTS = "too_many_requests"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"  # the database or the rate-limit store does not answer just now: try again
    # The session requires Safe Exam Browser started with its settings, and this request did not come from it.
    SAFE_EXAM_BROWSER_REQUIRED = "safe_exam_browser_required"


MESSAGES = {
    400: (ErrorCode.BAD_REQUEST, "Bad request", "The request could not be understood."),
    403: (ErrorCode.NOT_ALLOWED, "Not allowed", "Your account does not have access to this page."),
    404: (ErrorCode.NOT_FOUND, "Not found", "There is no page at this address."),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed", "This page cannot be used that way."),
    413: (ErrorCode.TOO_LARGE, "Too large", "What you sent is larger than Attest accepts in one request."),
    429: (ErrorCode.TOO_MANY_REQUESTS, "Too many requests", "Too many requests. Wait a minute, then try again."),
    500: (ErrorCode.SERVER_ERROR, "Something went wrong",
          "An unexpected error occurred. It has been logged; please try again."),
    503: (ErrorCode.UNAVAILABLE, "Service unavailable", "Attest cannot reach its database just now. Nothing was "
                                                        "changed; please try again in a minute."),
}

# Said instead of MESSAGES[503]'s sentence when the store that counts attempts is down.
RATE_LIMITS_UNAVAILABLE = ("Attest cannot count attempts just now, so it accepts none: nothing was changed. "
                           "Please try again in a minute.")


def wants_json():
    return request.is_json or request.accept_mimetypes.best == "application/json"


def json_error(status, message=None, code=None):
    """The JSON answer for an error: its code, the status's title and a sentence."""
    default_code, title, default = MESSAGES[status]
    return jsonify(code=code or default_code, error=title, message=message or default), status


def render_error(status, message=None, code=None):
    if wants_json():
        return json_error(status, message, code)
    _, title, default = MESSAGES[status]
    return render_template("errors/error.html", status=status, title=title, message=message or default), status


def register_errorhandlers(app):
    for status in (400, 403, 404, 405):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(413)
    def too_large(error):
        # The request's own limit: the app's, or the smaller one an endpoint sets (the exam runner's).
        limit = request.max_content_length or 0
        message = f"What you sent is larger than the {limit / 2**20:g} MB Attest accepts in one request"
        if limit == current_app.config.get("MAX_CONTENT_LENGTH"):
            message += "; portfolio documents may be 10 MB at most"
        return render_error(413, message + ".")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "This form has expired or did not come from Attest. Reload the page and try again.",
                            ErrorCode.CSRF_INVALID)

    @app.errorhandler(429)
    def too_many_requests(error):
        return render_error(429, error.description)

    @app.errorhandler(StorageError)
    def rate_limits_unavailable(error):
        # The rate-limit store (Redis) does not answer. Sign-in limits fail
        # closed (accounts/sign_in_limits.py says why): 503, not a pass.
        current_app.logger.warning("rate-limit store unavailable: %s", error.storage_error)
        db.session.rollback()
        return render_error(503, RATE_LIMITS_UNAVAILABLE)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The database refused or dropped the connection, or stayed locked: a
        # passing fault, so 503, which the exam runner retries, rather than 500.
        current_app.logger.warning("database unavailable: %s", error.orig)
        db.session.rollback()
        if wants_json():
            return json_error(503)
        _, title, message = MESSAGES[503]
        # The layout's context processors read the signed-in user from the
        # database, so the page is drawn without them, as for a visitor.
        page = current_app.jinja_env.get_template("errors/error.html")
        return page.render(status=503, title=title, message=message,
                           current_user=current_app.login_manager.anonymous_user()), 503
