"""The runner's bodies: the schema in the OpenAPI document and the reader are one description."""

import json

import pytest
from sqlalchemy import func, select

from exam import bodies, delivery
from exam.models import SaveRecord
from extensions import db
from item_bank.kinds.constructed_response import MAX_TEXT
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once

SAVE = {"seq": 1, "response": 2, "field": "flag", "value": True}


def test_a_batch_is_read_as_the_saves_it_holds_under_its_tab():
    assert bodies.read_saves({"tab": "t", "saves": [SAVE]}) == ("t", [SAVE])
    assert bodies.read_saves({"saves": []}) == ("", [])
    assert bodies.read_claim({}) == ("", "")
    assert bodies.read_claim({"tab": "new", "resumes": "old"}) == ("new", "old")


@pytest.mark.parametrize("name", bodies.SAVE.schema()["required"])
def test_every_field_the_schema_requires_is_refused_when_left_out(name):
    left_out = {key: value for key, value in SAVE.items() if key != name}

    with pytest.raises(bodies.Malformed, match=rf"^saves\[0\]\.{name} "):
        bodies.read_saves({"saves": [left_out]})


def test_the_schema_requires_what_has_no_default():
    assert bodies.SAVES.schema()["required"] == ["saves"]
    assert "required" not in bodies.CLAIM.schema()
    assert bodies.SAVE.schema()["required"] == list(SAVE)


# Text no database keeps and no page can show ----------------------------------

UNSTORABLE = "the field holds a character no text may hold (NUL or half of a surrogate pair)"


def refusal(body):
    with pytest.raises(bodies.Malformed) as refused:
        bodies.read_saves(body)
    return str(refused.value)


@pytest.mark.parametrize("text", ["half a pair \ud83d", "\udc00 other half", "nul \x00 inside"])
def test_a_text_with_nul_or_a_lone_surrogate_is_refused_naming_its_field(text):
    answer = {**SAVE, "field": "answer", "value": {"texts": ["fine", text]}}

    assert refusal({"saves": [SAVE, answer]}) == UNSTORABLE.replace("the field", "saves[1].value.texts[1]")


def test_text_is_checked_anywhere_in_the_body_even_where_nothing_is_read():
    assert refusal({"saves": [{**SAVE, "note": {"odd name": "\x00"}}]}) == UNSTORABLE.replace(
        "the field", 'saves[0].note["odd name"]')
    assert refusal({"saves": [SAVE], "padding": "\ud800"}) == UNSTORABLE.replace("the field", "padding")
    with pytest.raises(bodies.Malformed, match=r"^saves\[0\]\.value holds a character"):
        bodies.read_saves({"saves": [{**SAVE, "value": "\x00"}]})
    with pytest.raises(bodies.Malformed, match=r"^note holds a character"):
        bodies.read_claim({"tab": "t", "note": "\x00"})


def test_a_name_with_nul_or_a_lone_surrogate_is_refused_naming_its_object():
    assert refusal({"saves": [{**SAVE, "value": {"\ud800": 1}}]}).startswith("saves[0].value has a name holding")
    assert refusal({"\x00": 1, "saves": []}).startswith("the body has a name holding")


def test_the_document_says_no_text_in_a_body_may_hold_nul():
    assert bodies.SAVE.schema()["properties"]["value"]["$ref"] == bodies.STORABLE_JSON
    assert bodies.SAVES.schema()["propertyNames"] == {"pattern": bodies.NO_NUL}
    assert {"type": "string", "pattern": bodies.NO_NUL} in bodies.STORABLE_JSON_SCHEMA["anyOf"]


def test_a_pair_of_surrogates_is_one_character_and_welcome():
    body = json.loads('{"saves": [{"seq": 1, "response": 2, "field": "answer", "value": {"texts": ["\\ud83d\\ude00"]}}]}')

    assert bodies.read_saves(body)[1][0]["value"] == {"texts": ["😀"]}


@pytest.fixture
def sitting(client, start_attempt, time_machine):
    """A signed-in client, the candidate's attempt in Part Two (the vignettes), and its address."""
    time_machine.move_to(T0, tick=False)
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0, BY)
    db.session.commit()
    sign_in(client, attempt.enrollment.candidate.email)
    return client, attempt, f"/exam/attempts/{attempt.id}"


def journal(attempt):
    return db.session.scalar(select(func.count()).select_from(SaveRecord).where(SaveRecord.attempt_id == attempt.id))


def test_the_save_endpoint_answers_400_naming_the_field_and_journals_nothing(sitting):
    client, attempt, address = sitting
    vignette = attempt.responses[3].id
    # As a browser's JSON.stringify sends a lone surrogate: escaped. And as raw bytes, UTF-8 of a surrogate.
    escaped = ('{"saves": [{"seq": 1, "response": %d, "field": "answer", "value": {"texts": ["\\ud800"]}}]}'
               % vignette).encode()
    raw = escaped.replace(b"\\ud800", "\ud800".encode("utf-8", "surrogatepass"))

    for body in (escaped, raw):
        response = client.post(f"{address}/saves", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == {"code": "bad_request", "error": "Bad request",
                                       "message": UNSTORABLE.replace("the field", "saves[0].value.texts[0]")}
    assert journal(attempt) == 0


# Bodies are capped -------------------------------------------------------------

def padded(body, size):
    """The body as JSON of exactly `size` bytes, filled out by a field no reader reads."""
    text = json.dumps({**body, "padding": ""})
    return text.replace('"padding": ""', '"padding": "' + "x" * (size - len(text)) + '"').encode()


@pytest.mark.parametrize("method, path", [("post", "/saves"), ("post", "/claim"), ("get", "/state")])
def test_a_body_over_the_runners_cap_is_a_413_in_json(sitting, method, path):
    client, attempt, address = sitting
    body = {"saves": [{"seq": 1, "response": attempt.responses[3].id, "field": "flag", "value": True}]}

    response = getattr(client, method)(address + path, data=padded(body, bodies.MAX_BODY + 1),
                                       content_type="application/json")

    assert response.status_code == 413
    assert response.get_json() == {
        "code": "too_large", "error": "Too large",
        "message": "What you sent is larger than the 1 MB Attest accepts in one request."}
    assert journal(attempt) == 0


def test_a_body_of_the_cap_exactly_is_read_and_its_longest_answer_saved(sitting):
    client, attempt, address = sitting
    # The longest text a prompt takes, in three-byte characters: the largest a vignette's text is in UTF-8.
    longest = {"texts": ["€" * MAX_TEXT]}
    body = {"tab": "tab", "saves": [{"seq": 1, "response": attempt.responses[3].id, "field": "answer",
                                      "value": longest}]}

    response = client.post(f"{address}/saves", data=padded(body, bodies.MAX_BODY), content_type="application/json")

    assert response.status_code == 200
    assert [ack["code"] for ack in response.get_json()["acks"]] == ["saved"]


def test_the_runner_is_told_the_cap_it_fills_its_batches_to(sitting):
    client, _, address = sitting

    assert f'data-body-limit="{bodies.MAX_BODY}"' in client.get(address).get_data(as_text=True)
