"""Exam factories: a published two-part form, a session, enrolled candidates, started attempts."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from audit.log import Actor
from exam import delivery, saving, sessions
from exam.models import ExamSession
from extensions import db
from item_bank.assembly import assemble_forms, publish_form
from item_bank.models import Form
from tests.item_bank_fixtures import new_blueprint, new_item, new_writer_and_reviewer, sr_content, standard_domains

BY = Actor(None, "tests")
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def build_exam_form(make_item, make_blueprint):
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


def build_exam_session(form):
    session = sessions.create_session("Test sitting", form, T0 - timedelta(hours=1), T0 + timedelta(hours=8),
                                      "Room 1", "SIT123", 30, BY)
    db.session.commit()
    return session


@dataclass(frozen=True)
class BuiltOnce:
    connection: object
    form_id: int
    session_id: int


@pytest.fixture(scope="module")
def built_once(module_transaction):
    """The exam form and session of a module marked `built_once`, built once
    in the module's transaction, which each test's `db` takes a savepoint of:
    the same objects through the same services, without the 50 ms each test
    spent building them."""
    domains = standard_domains()
    writer, reviewer = new_writer_and_reviewer()
    form = build_exam_form(lambda **kwargs: new_item(domains, writer, reviewer, **kwargs), new_blueprint)
    built = BuiltOnce(module_transaction, form.id, build_exam_session(form).id)
    db.session.remove()
    return built


@pytest.fixture
def exam_form(request, db):
    """The form `build_exam_form` makes: built for the test, or read by id in a module marked `built_once`."""
    if request.node.get_closest_marker("built_once"):
        return db.session.get(Form, request.getfixturevalue("built_once").form_id)
    return build_exam_form(request.getfixturevalue("make_item"), request.getfixturevalue("make_blueprint"))


@pytest.fixture
def exam_session(request, exam_form, db):
    """"Test sitting" of the exam form, open from an hour before T0 to eight hours after, access code SIT123."""
    if request.node.get_closest_marker("built_once"):
        return db.session.get(ExamSession, request.getfixturevalue("built_once").session_id)
    return build_exam_session(exam_form)


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
