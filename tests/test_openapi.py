"""The OpenAPI document of the JSON endpoints: valid, complete, and true of the app.

schemathesis generates requests from the document (the one the app serves,
as the first test checks), valid ones and ones it breaks on purpose, and
sends them to the app in-process, signed in as the person each endpoint is
for and aimed at real objects (the candidate's attempt in progress, the
proctor's session, a form with submitted attempts), so that they reach the
code behind the access checks. No answer may be a server error, and each
must be one the document describes: its status, content type and schema.
"""

import inspect
import re
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from accounts.roles import Role
from analysis.views import EXPORTS
from app import create_app
from clock import utcnow
from exam import delivery, saving, sessions
from openapi.views import document_of
from tests.conftest import config_for, sign_in
from tests.exam_fixtures import BY
from tests.results.test_rescoring import sitter

pytestmark = pytest.mark.built_once

# A route answers JSON when its view calls jsonify; the exports answer JSON
# or CSV by the name in their address, and are listed one path per name.
EXPORT_ENDPOINT = "analysis.export"


def template(rule):
    """A Flask rule as an OpenAPI path: /exam/attempts/<int:attempt_id> -> /exam/attempts/{attempt_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def json_operations(app):
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == EXPORT_ENDPOINT:
            paths = [template(rule).replace("{name}", name) for name in EXPORTS]
        elif "jsonify(" in inspect.getsource(app.view_functions[rule.endpoint]):
            paths = [template(rule)]
        else:
            continue
        operations |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"} for path in paths}
    return operations


def test_the_served_document_is_valid_openapi(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == DOCUMENT
    validate(response.get_json())


def test_the_document_lists_exactly_the_json_endpoints(app, client):
    document = client.get("/openapi.json").get_json()

    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}

    assert documented == json_operations(app)
    assert {"/exam/attempts/{attempt_id}/saves", "/proctor/sessions/{session_id}/board.json",
            "/analysis/forms/{form_id}/export/statistics.json"} <= set(document["paths"])


def test_every_write_needs_the_session_and_the_csrf_token(client):
    document = client.get("/openapi.json").get_json()

    security = {(method, path): operation["security"] for path, item in document["paths"].items()
                for method, operation in item.items()}

    assert {key for key, needs in security.items() if key[0] == "post"} == {
        key for key, needs in security.items() if needs == [{"session": [], "csrf": []}]}
    assert {path for (_, path), needs in security.items() if not needs} == {"/healthz", "/openapi.json"}


# What was a server error, each kept as a plain test ---------------------------


@pytest.fixture
def live_attempt(exam_form, create_user, db):
    """A candidate's attempt in progress, in a session open now, claimed by the tab "tab"."""
    now = utcnow()
    session = sessions.create_session("Live", exam_form, now - timedelta(hours=1), now + timedelta(hours=3),
                                      "Room 2", "LIVE42", 30, BY)
    candidate = create_user(Role.CANDIDATE)
    sessions.enroll(session, candidate, BY)
    attempt = delivery.join(session, candidate.id, "LIVE42", now, BY)
    delivery.agree(attempt, now, BY)
    saving.claim(attempt, "tab", now, BY)
    db.session.commit()
    return attempt


@pytest.fixture
def candidate_client(app, live_attempt):
    """A client signed in as the live attempt's candidate."""
    client = app.test_client()
    assert sign_in(client, live_attempt.enrollment.candidate.email).status_code == 302
    return client


def post(client, attempt, what, body):
    return client.post(f"/exam/attempts/{attempt.id}/{what}", data=body, content_type="application/json")


@pytest.mark.parametrize("what, body, message", [
    # Was a 500 (AttributeError: 'list' object has no attribute 'get'); found by schemathesis.
    ("claim", "[null, null]", "the body must be a JSON object"),
    ("saves", "[null, null]", "the body must be a JSON object"),
    ("saves", '"saves"', "the body must be a JSON object"),
    # Was a 500 (RecursionError in the JSON parser).
    ("saves", "[" * 100_000 + "]" * 100_000, "the body must be a JSON object"),
    # Was a 500 on PostgreSQL (text cannot hold NUL) and on both with an unpaired surrogate (no encoding).
    ("claim", '{"tab": "a\\u0000b"}', "tab must be at most 64 printable ASCII characters"),
    ("saves", '{"tab": "\\ud800", "saves": []}', "tab must be at most 64 printable ASCII characters"),
    # Was a 500 (TypeError: '<' not supported between 'int' and 'str', sorting by seq).
    ("saves", '{"saves": [{"seq": 1, "response": 1, "field": "flag", "value": true}, {"seq": "2"}]}',
     "saves[1].seq must be a whole number from 1 to 9223372036854775807"),
    # Was a 500 (bigint out of range / Python int too large to convert to SQLite INTEGER); found by schemathesis.
    ("saves", '{"saves": [{"seq": 9223372036854775808, "response": 1, "field": "flag", "value": true}]}',
     "saves[0].seq must be a whole number from 1 to 9223372036854775807"),
    ("saves", '{"saves": [{"seq": 1, "response": 2147483648, "field": "flag", "value": true}]}',
     "saves[0].response must be an item's id, a whole number from 1 to 2147483647"),
    # Was a 500 on PostgreSQL (invalid input syntax for type integer).
    ("saves", '{"saves": [{"seq": 1, "response": "1", "field": "flag", "value": true}]}',
     "saves[0].response must be an item's id, a whole number from 1 to 2147483647"),
    # Was a 500 (unhashable type: 'dict'); found by schemathesis.
    ("saves", '{"saves": [{"seq": 1, "response": 1, "field": {}, "value": true}]}',
     "saves[0].field must be one of answer, flag, choose, marks, at"),
    # Was acknowledged as {"seq": false}, against the document; found by schemathesis.
    ("saves", '{"saves": [{"seq": false, "response": 1, "field": "flag", "value": true}]}',
     "saves[0].seq must be a whole number from 1 to 9223372036854775807"),
    # Was a 500 on PostgreSQL (json refuses the token NaN, which Python's parser reads).
    ("saves", '{"saves": [{"seq": 1, "response": 1, "field": "answer", "value": {"option": NaN}}]}',
     "saves[0].value must not hold NaN or Infinity"),
    ("saves", '{"saves": [{"seq": 1, "response": 1, "field": "flag"}]}',
     "saves[0].value is missing (null clears an answer)"),
])
def test_a_body_the_runner_never_sends_is_a_400_naming_the_field(candidate_client, live_attempt, what, body,
                                                                 message):
    response = post(candidate_client, live_attempt, what, body)

    assert (response.status_code, response.get_json()) == (400, {"code": "bad_request", "error": "Bad request",
                                                                 "message": message})


def test_a_well_formed_save_to_an_item_of_another_attempt_is_refused_in_its_ack(candidate_client, live_attempt):
    body = '{"tab": "tab", "saves": [{"seq": 7, "response": 2147483647, "field": "flag", "value": true}]}'

    response = post(candidate_client, live_attempt, "saves", body)

    assert response.get_json()["acks"] == [
        {"seq": 7, "status": "refused", "code": "no_such_item", "reason": "no such item in this attempt"}]


def test_a_whole_number_written_as_a_float_is_a_whole_number_as_in_json_schema(candidate_client, live_attempt):
    flagged = live_attempt.responses[0].id
    body = f'{{"tab": "tab", "saves": [{{"seq": 7.0, "response": {flagged}.0, "field": "flag", "value": true}}]}}'

    response = post(candidate_client, live_attempt, "saves", body)

    assert response.get_json()["acks"] == [{"seq": 7, "status": "saved", "code": "saved", "reason": ""}]


def test_an_id_beyond_any_row_in_an_address_is_a_404(candidate_client):
    # Was a 500 on both databases (out of range for an INTEGER column), for every <int:...> of every route.
    assert candidate_client.get("/exam/attempts/2147483648/state").status_code == 404
    assert candidate_client.get("/exam/attempts/99999999999999999999/state").status_code == 404


# schemathesis ----------------------------------------------------------------


@pytest.fixture
def clients(app, live_attempt, candidate_client, exam_session, exam_form, create_user, db):
    """A signed-in client for each area of the document, and the ids its paths take."""
    proctor, psychometrician = create_user(Role.PROCTOR), create_user(Role.PSYCHOMETRICIAN)
    live = live_attempt.session
    live.proctors.append(proctor)
    live.readmit_on_resume = True  # a claim from a new tab holds the attempt: the state's paused branch
    sessions.enroll(live, create_user(Role.CANDIDATE), BY)  # not joined: a row in another standing
    sit = sitter(create_user, db)
    for number, answers in enumerate(["++D", "+D+", "+D-", "+++"]):
        sit(exam_session, answers, email=f"sat-{number}@example.org")
    db.session.commit()
    signed_in = {}
    for area, user in (("proctor", proctor), ("analysis", psychometrician)):
        signed_in[area] = app.test_client()
        assert sign_in(signed_in[area], user.email).status_code == 302
    signed_in["exam"] = candidate_client
    signed_in["anyone"] = app.test_client()
    ids = {"attempt_id": live_attempt.id, "session_id": live.id, "form_id": exam_form.id,
           "responses": [response.id for response in live_attempt.responses]}
    return signed_in, ids


# The document of an app as the tests build it ("nothing is written or connected to" by create_app).
DOCUMENT = document_of(create_app(config_for("sqlite://")))

# Derandomized and seeded: every run sends the same requests. Positive data
# must be accepted (2xx); the security parameters are the clients' own. Built
# from DOCUMENT at import, not through schemathesis.pytest.from_fixture, which
# in schemathesis 4.32.5 reads pytest's Node._nodeid, gone in pytest 9.2.
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict({
    "seed": 9,
    "generation": {"mode": "all", "max-examples": 60, "deterministic": True, "database": "none",
                   "with-security-parameters": False},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"enabled": False, **{name: {"enabled": True} for name in (
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
        "response_headers_conformance", "positive_data_acceptance")}},
}))


def aim(case, ids):
    """Point a generated request at real objects: the path's ids, and for a
    save's `response` (when a whole number) one of the attempt's items."""
    case.path_parameters = {name: ids[name] for name in case.path_parameters or {}}
    saves = case.body.get("saves") if isinstance(case.body, dict) else None
    for entry in saves if isinstance(saves, list) else []:
        if isinstance(entry, dict) and type(entry.get("response")) is int:
            entry["response"] = ids["responses"][entry["response"] % len(ids["responses"])]


@schema.parametrize()
# One sitting serves all of an operation's examples, as one sitting serves a runner's many requests.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(case, app, clients):
    signed_in, ids = clients
    aim(case, ids)
    area = case.path.split("/")[1]
    case.call_and_validate(session=signed_in.get(area, signed_in["anyone"]), app=app)
