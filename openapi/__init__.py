"""The OpenAPI 3.1 description of the app's JSON endpoints, served at `/openapi.json`.

Each area describes its own endpoints beside them (`exam/openapi.py`,
`analysis/openapi.py`) in the vocabulary of `parts.py`; `views.py` assembles
the document and serves it. The enumerations are the code's own, so the
document cannot name a value the app never sends. tests/test_openapi.py
checks that it lists every JSON route and runs schemathesis against it.
"""
