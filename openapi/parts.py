"""What every area's part of the OpenAPI document says alike (references,
JSON content, the error answers of `errors.py`, ids in addresses and who may
ask) and how an area declares its part."""

from dataclasses import dataclass, field

from database import MAX_ID
from errors import ErrorCode

JSON = "application/json"
HTML = "text/html"
SIGNED_IN = [{"session": []}]
SIGNED_IN_WITH_CSRF = [{"session": [], "csrf": []}]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def json_content(schema):
    return {JSON: {"schema": schema}}


def error_response(description):
    """An error as `errors.py` answers it: JSON when the request is JSON or
    asks for it (Accept: application/json), the HTML error page otherwise."""
    return {"description": description,
            "content": {JSON: {"schema": ref("Error")}, HTML: {"schema": {"type": "string"}}}}


SIGN_IN_REDIRECT = {"description": "Not signed in: redirected to the sign-in page (Location: /sign-in?next=...)."}
NOT_ALLOWED = error_response("Signed in without the role this endpoint needs.")
UNAVAILABLE = error_response("The database cannot be reached just now; nothing was changed. Try again.")


def id_parameter(name, what):
    return {"name": name, "in": "path", "required": True, "description": what,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


# The body of every JSON error (errors.py), referenced by error_response.
ERROR = {
    "type": "object",
    "required": ["code", "error", "message"],
    "properties": {
        "code": {"enum": [code.value for code in ErrorCode],
                 "description": "What went wrong, for a script: `unavailable` is worth retrying, "
                                "`csrf_invalid` asks for a reload."},
        "error": {"type": "string", "description": "The status's title, e.g. `Bad request`."},
        "message": {"type": "string", "description": "A sentence for a person; for a malformed batch of "
                                                     "saves it names the field, e.g. `saves[0].seq`."},
    },
}


@dataclass
class Declared:
    """One app's tags, paths and schemas, as its blueprints declared them."""

    tags: list = field(default_factory=list)
    paths: dict = field(default_factory=dict)
    schemas: dict = field(default_factory=dict)


def declare(bp, tags=(), paths=None, schemas=None):
    """Declare the part of the document that describes `bp`'s area: gathered on
    the app as it registers the blueprint, so this package imports no area."""

    def gather(state):
        declared = state.app.extensions.setdefault("openapi", Declared())
        declared.tags += tags
        declared.paths |= paths or {}
        declared.schemas |= schemas or {}

    bp.record_once(gather)
