"""`GET /openapi.json`: the document assembled from the parts the areas declare.

It describes the endpoints, not anything behind them, so anyone may read it.
"""

from flask import Blueprint, current_app, jsonify

from openapi.parts import ERROR, declare, json_content

bp = Blueprint("openapi", __name__)

# The app's own endpoints, outside any area.
OPERATIONS = {
    "/healthz": {"get": {
        "summary": "Health check for load balancers",
        "description": "Anyone, over plain HTTP too.",
        "tags": ["operations"],
        "security": [],
        "responses": {
            "200": {"description": "The database answers; `degraded` when the rate-limit store does not, "
                                   "so nobody can sign in while those signed in go on.", "content": json_content({
                "type": "object", "required": ["status", "database", "rate_limits"],
                "properties": {"status": {"enum": ["ok", "degraded"]}, "database": {"const": "ok"},
                               "rate_limits": {"enum": ["ok", "unavailable"]}}})},
            "503": {"description": "The database does not answer.", "content": json_content({
                "type": "object", "required": ["status", "database", "rate_limits"],
                "properties": {"status": {"const": "unavailable"}, "database": {"const": "unreachable"},
                               "rate_limits": {"enum": ["ok", "unavailable"]}}})},
        },
    }},
    "/openapi.json": {"get": {
        "summary": "This document",
        "description": "Anyone.",
        "tags": ["operations"],
        "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": json_content({"type": "object", "required": ["openapi", "paths"]})}},
    }},
}

declare(bp, tags=[{"name": "operations"}], paths=OPERATIONS)

INFO = {
    "title": "Attest JSON endpoints",
    "version": "1",
    "description": "The JSON endpoints of Attest: the exam runner's state poll, claim and saves, the proctor's "
                   "live board, a form's statistics exports and the health check. Each is used from the "
                   "app's own pages, signed in: the session cookie comes from `POST /sign-in`, and every POST "
                   "carries the CSRF token of the page's `<meta name=\"csrf-token\">` in `X-CSRFToken`.",
}
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": "session",
                "description": "The signed session cookie set by `POST /sign-in` (HttpOnly, SameSite=Lax, "
                               "Secure in production). It carries a login session token, ended by signing "
                               "out; the endpoint's roles decide the rest."},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
             "description": "The page's `<meta name=\"csrf-token\">`; valid for the session's lifetime. "
                            "A POST without a valid one answers 400."},
}


def document_of(app):
    """The app's document, from the parts its blueprints declared as they were registered."""
    declared = app.extensions["openapi"]
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "tags": declared.tags,
        "paths": declared.paths,
        "components": {"schemas": {"Error": ERROR, **declared.schemas}, "securitySchemes": SECURITY_SCHEMES},
    }


@bp.route("/openapi.json")
def document():
    """Anyone, unauthenticated: it describes the endpoints, not anything behind them."""
    return jsonify(document_of(current_app))
