"""Two proctors act on one attempt at the same moment, in two real transactions.

One extends, the other terminates. Whichever the database lets in first, the
end is consistent: the attempt is terminated, and the extension either took
effect before (audited as done) or was refused after (audited as refused),
never half of each. The audit log's hash chain stays whole under concurrent
commits.
"""

import threading
from datetime import timedelta

import flask_migrate
import pytest
from sqlalchemy import select

from accounts import submissions
from accounts.roles import Role
from accounts.users import create_user
from audit import chain
from audit.log import Actor
from audit.models import AuditEntry
from exam import delivery, proctoring, sessions
from exam.models import Attempt, ExamSession
from extensions import db
from item_bank import items
from item_bank.assembly import assemble_forms, publish_form
from item_bank.blueprints import create_blueprint
from item_bank.domains import domain_by_code, load_standard_domains
from item_bank.models import Status
from tests.conftest import PASSWORD, empty_database_beside
from tests.exam_fixtures import T0
from tests.item_bank_fixtures import sr_content

ROUNDS = 8


@pytest.fixture
def committed_app(database_url_for_tests, tmp_path, make_app):
    """An app over a database of its own, where transactions really commit."""
    app = make_app(empty_database_beside(database_url_for_tests, "concurrency", tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
    return app


def seat_candidates(app, count):
    """A published one-part form, a session and `count` candidates sitting it; their enrollment ids."""
    by = Actor(None, "tests")
    with app.app_context():
        load_standard_domains(by)
        writer = create_user("writer@example.org", "Writer", {Role.ITEM_WRITER}, PASSWORD, by)
        reviewer = create_user("reviewer@example.org", "Reviewer", {Role.ITEM_WRITER}, PASSWORD, by)
        for key in "ABC":
            item = items.create_item("selected_response", sr_content(key=key), Actor(writer.id, "tests"),
                                     primary_domain=domain_by_code("TF"))
            for status in (Status.IN_REVIEW, Status.APPROVED):
                items.move(item.latest, status, Actor(reviewer.id, "tests"))
        blueprint = create_blueprint({"name": "Race", "sections": [{"title": "Part", "time_limit_minutes": 30, "rows": [
            {"domain": "TF", "kind": "selected_response", "count": 3}]}]}, by)
        (form,) = assemble_forms(blueprint, ["RACE"], by, seed=1)
        publish_form(form, by)
        session = sessions.schedule(sessions.Options("Race", form, T0 - timedelta(hours=1), T0 + timedelta(hours=4),
                                                     auto_admit=True), by)
        ids = []
        for number in range(count):
            candidate = create_user(f"racer{number}@example.org", f"Racer {number}", {Role.CANDIDATE}, PASSWORD, by)
            enrollment = sessions.enroll(session, candidate, by)
            delivery.agree(delivery.join(session, candidate.id, session.access_code, T0, by), T0, by)
            ids.append(enrollment.id)
        db.session.commit()
        return session.id, ids


def at_once(app, *moves):
    """Run each move in a thread of its own, in its own app context and
    transaction, all let go at the same moment."""
    barrier = threading.Barrier(len(moves))

    def run(move):
        with app.app_context():
            barrier.wait()
            move()
            db.session.commit()

    threads = [threading.Thread(target=run, args=(move,)) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def race(app, session_id, enrollment_id):
    """Extend and terminate at once; what each proctor was told."""
    told = {}

    def proctor(name, action, **arguments):
        def move():
            session = db.session.get(ExamSession, session_id)
            told[name] = proctoring.act(session, [enrollment_id], action, T0 + timedelta(minutes=5),
                                        Actor(None, name), **arguments)
        return move

    at_once(app, proctor("extender", "extend", reason="noise", minutes=5),
            proctor("terminator", "terminate", reason="conduct"))
    return told


def test_an_extension_and_a_termination_at_once_end_consistently(committed_app):
    session_id, enrollment_ids = seat_candidates(committed_app, ROUNDS)

    for enrollment_id in enrollment_ids:
        told = race(committed_app, session_id, enrollment_id)

        assert set(told) == {"extender", "terminator"}, "a proctor's request failed"
        assert len(told["terminator"].done) == 1  # terminating is allowed before or after an extension
        with committed_app.app_context():
            attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment_id == enrollment_id))
            actions = db.session.scalars(select(AuditEntry.action).where(
                AuditEntry.object_type == "attempts", AuditEntry.object_id == str(attempt.id),
                AuditEntry.action.like("proctor.%"))).all()
            assert attempt.status == "terminated"
            if told["extender"].done:
                assert attempt.sections[0].extension_seconds == 300
                assert actions == ["proctor.extend", "proctor.terminate"]
            else:
                assert "is terminated" in told["extender"].refused[0][1]
                assert attempt.sections[0].extension_seconds == 0
                assert actions == ["proctor.terminate", "proctor.refused"]

    with committed_app.app_context():
        verdict = chain.verify(db.session)
        assert verdict.broken is None
        assert verdict.entries == db.session.query(AuditEntry).count()


def submit_or_terminate(app, session_id, enrollment_id):
    """The candidate submits while a proctor terminates; what each was told."""
    told = {}

    def candidate():
        # As the finish endpoint does: the attempt's row locked before it is settled and judged.
        attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment_id == enrollment_id).with_for_update())
        try:
            delivery.finish_section(attempt, 1, T0 + timedelta(minutes=5), Actor(None, "candidate"))
            told["candidate"] = "submitted"
        except delivery.DeliveryError as refusal:
            told["candidate"] = str(refusal)

    def proctor():
        session = db.session.get(ExamSession, session_id)
        told["proctor"] = proctoring.act(session, [enrollment_id], "terminate", T0 + timedelta(minutes=5),
                                         Actor(None, "proctor"), reason="conduct")

    at_once(app, candidate, proctor)
    return told


def test_a_submission_and_a_termination_at_once_end_in_one_audited_state(committed_app):
    """Whichever takes the attempt's row first wins; the other is refused and told why."""
    session_id, enrollment_ids = seat_candidates(committed_app, ROUNDS)

    for enrollment_id in enrollment_ids:
        told = submit_or_terminate(committed_app, session_id, enrollment_id)

        assert set(told) == {"candidate", "proctor"}, "a request failed"
        with committed_app.app_context():
            attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment_id == enrollment_id))
            actions = db.session.scalars(select(AuditEntry.action).where(
                AuditEntry.object_type == "attempts", AuditEntry.object_id == str(attempt.id),
                AuditEntry.action.in_(["attempt.finished", "proctor.terminate", "proctor.refused"]))).all()
            if told["candidate"] == "submitted":
                assert attempt.status == "submitted"
                assert "is submitted" in told["proctor"].refused[0][1]
                assert actions == ["attempt.finished", "proctor.refused"]
            else:
                assert attempt.status == "terminated"
                assert told["candidate"] == "You cannot finish this part: this attempt is finished."
                assert actions == ["proctor.terminate"]


def test_one_extension_sent_twice_at_once_adds_its_minutes_once(committed_app):
    session_id, (enrollment_id,) = seat_candidates(committed_app, 1)
    with committed_app.app_context():
        proctor = create_user("proctor@example.org", "Proctor", {Role.PROCTOR}, PASSWORD, Actor(None, "tests"))
        db.session.commit()
        proctor_id = proctor.id
    token = submissions.new_token()
    repeats = []

    def send():
        # What the view does with a sending: claim its token, act unless it is a repeat, keep the answer, commit.
        claim = submissions.claim(token, proctor_id, T0)
        repeats.append(claim.repeat)
        if not claim.repeat:
            session = db.session.get(ExamSession, session_id)
            proctoring.act(session, [enrollment_id], "extend", T0 + timedelta(minutes=5), Actor(proctor_id, "x"),
                           reason="noise", minutes=5)
            submissions.keep_answer(claim, "/board", [("success", "5 more minutes")])

    at_once(committed_app, send, send)

    assert sorted(repeats) == [False, True]
    with committed_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment_id == enrollment_id))
        assert attempt.sections[0].extension_seconds == 300
