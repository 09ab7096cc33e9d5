"""The OpenAPI 3.1 description of the app's JSON endpoints, served at `/openapi.json`.

Each area describes its own endpoints beside them (`exam/openapi.py`,
`analysis/openapi.py`) in the vocabulary of `parts.py`, and its views module
declares that part (`parts.declare`); `views.py` assembles the app's document
from what was declared and serves it, importing no area. The enumerations are the code's own, so the
document cannot name a value the app never sends. tests/test_openapi.py
checks that it lists every JSON route and runs schemathesis against it.
"""
