"""Exam factories: a published two-part form, a session, enrolled candidates, started attempts."""

from datetime import datetime, timedelta, timezone

import pytest

from audit.log import Actor
from exam import delivery, saving, sessions
from item_bank.assembly import assemble_forms, publish_form
from tests.item_bank_fixtures import sr_content

BY = Actor(None, "tests")
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def exam_form(make_item, make_blueprint, db):
    """A published form: Part One, 3 selected-response items in 10 minutes; Part Two, answer 1 of 2 vignettes in 20."""
    for key in "ABC":
        make_item(domain="TF", content=sr_content(stem=f"Question keyed {key}?", key=key))
    for _ in range(2):
        make_item(kind="constructed_response", domain="DSS")
    blueprint = make_blueprint([
        {"title": "Part One", "time_limit_minutes": 10,
         "rows": [{"domain": "TF", "kind": "selected_response", "count": 3}]},
        {"title": "Part Two", "time_limit_minutes": 20, "answer_count": 1,
         "rows": [{"domain": "DSS", "kind": "constructed_response", "count": 2}]},
    ], name="Exam test blueprint")
    (form,) = assemble_forms(blueprint, ["EXAM-T"], BY, seed=7)
    publish_form(form, BY)
    db.session.commit()
    return form


@pytest.fixture
def exam_session(exam_form, db):
    session = sessions.create_session("Test sitting", exam_form, T0 - timedelta(hours=1), T0 + timedelta(hours=8),
                                      "Room 1", "SIT123", 30, BY)
    db.session.commit()
    return session


@pytest.fixture
def start_attempt(exam_session, create_user, db):
    """start_attempt(at=T0, connected=True, **accommodations): a new candidate, enrolled, joined, agreed,
    admitted and (unless not `connected`) the attempt claimed by the browser tab "tab", as the runner's
    first request does."""

    def start(at=T0, candidate=None, connected=True, **accommodations):
        candidate = candidate or create_user("candidate")
        sessions.enroll(exam_session, candidate, BY, **accommodations)
        attempt = delivery.join(exam_session, candidate.id, "sit123", at, BY)
        delivery.agree(attempt, at, BY)
        if connected and attempt.status == "in_progress":
            saving.claim(attempt, "tab", at, BY)
        db.session.commit()
        return attempt

    return start


@pytest.fixture
def session_of(make_item, make_blueprint, db):
    """session_of(items): an open session of a published one-part form of that many selected-response items."""

    def make(items):
        code = f"COST-{items}"
        for number in range(items):
            make_item(domain="TF", content=sr_content(stem=f"Question {number + 1} of {code}?"))
        blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 60,
                                     "rows": [{"domain": "TF", "kind": "selected_response", "count": items}]}],
                                   name=code)
        (form,) = assemble_forms(blueprint, [code], BY, seed=7)
        publish_form(form, BY)
        session = sessions.create_session(code, form, T0 - timedelta(hours=1), T0 + timedelta(hours=8), "Room 1",
                                          "SIT123", 30, BY)
        db.session.commit()
        return session.id

    return make
