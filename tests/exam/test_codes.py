"""Each code the exam runner acts on is given in the situation it names: every
save's code, every state's code, and every error's code at the runner's endpoints."""

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from errors import ErrorCode, render_error
from exam import delivery, presentation, proctoring, saving, sessions
from exam.bodies import MAX_BODY
from exam.codes import SaveCode, StateCode, ack_codes
from item_bank.kinds.base import INVALID_CHARACTER, MARKS_MALFORMED, UNKNOWN_FIELDS
from item_bank.kinds.constructed_response import MAX_TEXT, TOO_LONG, WRONG_TEXTS
from item_bank.kinds.selected_response import NOT_AN_OPTION
from tests.conftest import sign_in
from tests.exam.test_saving import NOW, entry
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once

HELD = (SaveCode.SAVED, SaveCode.DUPLICATE)


def first_option(response):
    return {"option": response.option_order[0]}


def save(attempt, *entries, tab="tab"):
    return saving.save(attempt, list(entries), tab, NOW, BY)


def in_part_two(attempt):
    delivery.finish_section(attempt, 1, NOW, BY)
    return attempt


def stale_tab(attempt):
    """A tab saves after another tab has claimed the attempt and saved the same field."""
    first, second = saving.claim(attempt, "first", T0, BY), saving.claim(attempt, "second", T0, BY)
    return (save(attempt, entry(second + 1, attempt.responses[0], "flag", True), tab="second")
            + save(attempt, entry(first + 1, attempt.responses[0], "flag", False), tab="first"))


def paused(attempt):
    proctoring.apply(attempt.enrollment, "pause", NOW, BY)
    return save(attempt, entry(1, attempt.responses[0], "flag", True))


def not_started(attempt):
    proctoring.apply(attempt.enrollment, "terminate", NOW, BY, reason="replaced by one not yet started")
    enrollment = attempt.enrollment
    attempt.status, attempt.finished_at = "awaiting_admission", None
    return saving.save(enrollment.attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)


def linear(attempt):
    attempt.sections[0].form_section.navigation = "linear"
    return attempt


def on_break(attempt):
    attempt.session.form.break_minutes = 10
    return in_part_two(attempt)


def finish_both_parts(attempt):
    delivery.finish_section(attempt, 1, NOW, BY)
    delivery.finish_section(attempt, 2, NOW, BY)
    return attempt


SAVES = {
    SaveCode.SAVED: lambda attempt: save(attempt, entry(1, attempt.responses[0], "flag", True)),
    SaveCode.DUPLICATE: lambda attempt: save(attempt, entry(1, attempt.responses[0], "flag", True))
    + save(attempt, entry(1, attempt.responses[0], "flag", True)),
    SaveCode.DUPLICATE_NOT_SAVED: lambda attempt: save(attempt, entry(1, attempt.responses[0], "flag", "yes"))
    + save(attempt, entry(1, attempt.responses[0], "flag", "yes")),
    SaveCode.STALE: lambda attempt: save(attempt, entry(9, attempt.responses[0], "flag", True))
    + save(attempt, entry(8, attempt.responses[0], "flag", False)),
    SaveCode.STALE_TAB: stale_tab,
    SaveCode.NO_SUCH_ITEM: lambda attempt: save(attempt, {"seq": 1, "response": 999_999, "field": "flag",
                                                          "value": True}),
    NOT_AN_OPTION: lambda attempt: save(attempt, entry(1, attempt.responses[0], "answer",
                                                                {"option": "not-an-option"})),
    WRONG_TEXTS: lambda attempt: save(attempt, entry(1, attempt.responses[3], "answer",
                                                              {"texts": ["one", "two"]})),
    TOO_LONG: lambda attempt: save(attempt, entry(1, attempt.responses[3], "answer",
                                                           {"texts": ["x" * (MAX_TEXT + 1)]})),
    UNKNOWN_FIELDS: lambda attempt: save(attempt, entry(1, attempt.responses[0], "answer",
                                                        {**first_option(attempt.responses[0]), "note": "x"})),
    INVALID_CHARACTER: lambda attempt: save(attempt, entry(1, attempt.responses[3], "answer",
                                                           {"texts": ["half a pair \ud83d"]})),
    MARKS_MALFORMED: lambda attempt: save(attempt, entry(1, attempt.responses[0], "marks",
                                                         {"struck": ["not-an-option"], "highlights": []})),
    SaveCode.NOT_TRUE_OR_FALSE: lambda attempt: save(attempt, entry(1, attempt.responses[0], "flag", "yes")),
    SaveCode.SECTION_CLOSED: lambda attempt: save(in_part_two(attempt), entry(1, attempt.responses[0], "answer",
                                                                              first_option(attempt.responses[0]))),
    SaveCode.ON_BREAK: lambda attempt: save(on_break(attempt), entry(1, attempt.responses[3], "choose", True)),
    SaveCode.NO_CHOICE: lambda attempt: save(attempt, entry(1, attempt.responses[0], "choose", True)),
    SaveCode.CHOICE_LIMIT: lambda attempt: save(in_part_two(attempt), entry(1, attempt.responses[3], "choose", True),
                                                entry(2, attempt.responses[4], "choose", True)),
    SaveCode.PAUSED: paused,
    SaveCode.NOT_STARTED: not_started,
    SaveCode.QUESTION_PASSED: lambda attempt: save(linear(attempt), entry(1, attempt.responses[1], "at", True),
                                                   entry(2, attempt.responses[0], "flag", True)),
    SaveCode.QUESTION_NOT_REACHED: lambda attempt: save(linear(attempt), entry(1, attempt.responses[2], "at", True)),
    SaveCode.ATTEMPT_FINISHED: lambda attempt: save(finish_both_parts(attempt),
                                                    entry(1, attempt.responses[0], "flag", True)),
}


@pytest.mark.parametrize("code", ack_codes())
def test_each_save_code_is_given_in_the_situation_it_names(start_attempt, code):
    last = SAVES[code](start_attempt())[-1]

    assert last.code == code
    # A save the server does not hold says why, for the candidate; one it holds needs no words.
    assert bool(last.reason) == (code not in HELD)


def test_an_ack_in_json_carries_its_status_code_and_reason(start_attempt):
    (ack,) = SAVES[SaveCode.CHOICE_LIMIT](start_attempt())[-1:]

    assert ack.as_json() == {"seq": 2, "status": "refused", "code": "choice_limit",
                             "reason": "you may choose 1 of these; unchoose one first"}


def test_a_repeat_of_a_save_not_saved_then_is_not_reported_as_held(start_attempt):
    (ack,) = SAVES[SaveCode.DUPLICATE_NOT_SAVED](start_attempt())[-1:]

    assert ack.as_json()["status"] == "refused"


def pause(attempt):
    proctoring.apply(attempt.enrollment, "pause", NOW, BY, reason="fire alarm")
    return "tab"


def take_over(attempt):
    saving.claim(attempt, "first", NOW, BY)
    saving.claim(attempt, "second", NOW, BY)
    return "first"


STATES = {
    StateCode.IN_PROGRESS: lambda attempt: "tab",
    StateCode.PAUSED: pause,
    StateCode.STALE_TAB: take_over,
    StateCode.FINISHED: lambda attempt: finish_both_parts(attempt) and "tab",
    StateCode.ON_BREAK: lambda attempt: on_break(attempt) and "tab",
}


@pytest.mark.parametrize("code", [code for code in StateCode if code != StateCode.NOT_STARTED])
def test_each_state_code_is_given_in_the_situation_it_names(start_attempt, code):
    attempt = start_attempt()
    tab = STATES[code](attempt)

    assert presentation.state(attempt, NOW, tab)["code"] == code


def test_an_attempt_joined_and_not_yet_agreed_to_is_not_started(exam_session, create_user):
    candidate = create_user("candidate")
    sessions.enroll(exam_session, candidate, BY)
    attempt = delivery.join(exam_session, candidate.id, "sit123", T0, BY)

    assert presentation.state(attempt, T0, "tab")["code"] == StateCode.NOT_STARTED


# Errors, at the runner's endpoints ---------------------------------------------

JSON = {"Accept": "application/json"}


@pytest.fixture
def sitting(client, start_attempt, time_machine):
    """The client signed in as the candidate of an attempt in progress, at the attempt's start, and its address."""
    time_machine.move_to(T0, tick=False)
    attempt = start_attempt()
    sign_in(client, attempt.enrollment.candidate.email)
    return client, f"/exam/attempts/{attempt.id}"


def database_gone(*args):
    raise OperationalError("SELECT", {}, sqlite3.OperationalError("unable to open database file"))


def unavailable(client, address, monkeypatch, create_user):
    monkeypatch.setattr(saving, "save", database_gone)
    return client.post(f"{address}/saves", json={"saves": []})


def too_large(client, address, monkeypatch, create_user):
    return client.post(f"{address}/saves", json={"saves": [], "padding": "x" * MAX_BODY})


def not_allowed(client, address, monkeypatch, create_user):
    client.post("/sign-out")
    sign_in(client, create_user("proctor").email)
    return client.get(f"{address}/state", headers=JSON)


ERRORS = {
    ErrorCode.BAD_REQUEST: lambda client, address, *_: client.post(f"{address}/saves", json={"saves": "none"}),
    ErrorCode.CSRF_INVALID: lambda client, address, *_: client.post(f"{address}/claim", json={}, csrf=False),
    ErrorCode.NOT_ALLOWED: not_allowed,
    ErrorCode.NOT_FOUND: lambda client, *_: client.get("/exam/attempts/2147483647/state", headers=JSON),
    ErrorCode.METHOD_NOT_ALLOWED: lambda client, address, *_: client.get(f"{address}/saves", headers=JSON),
    ErrorCode.TOO_LARGE: too_large,
    ErrorCode.UNAVAILABLE: unavailable,
}


@pytest.mark.parametrize("code", list(ERRORS))
def test_each_error_of_the_runners_endpoints_carries_the_code_it_names(sitting, monkeypatch, create_user, code):
    client, address = sitting

    response = ERRORS[code](client, address, monkeypatch, create_user)

    assert response.status_code >= 400
    assert response.get_json()["code"] == code


def test_an_unexpected_error_in_json_is_a_server_error(make_app):
    app = make_app(TESTING=False)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)

    response = app.test_client().get("/boom", headers=JSON)

    assert (response.status_code, response.get_json()["code"]) == (500, ErrorCode.SERVER_ERROR)


def test_too_many_requests_in_json_say_so(app):
    # Flask-Limiter's refusal comes through the same handler; no runner endpoint is limited.
    with app.test_request_context(headers=JSON):
        response, status = render_error(429)

    assert (status, response.get_json()["code"]) == (429, ErrorCode.TOO_MANY_REQUESTS)
