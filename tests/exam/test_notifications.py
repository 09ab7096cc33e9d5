"""What enrolment mails: the candidate learns when and where the session is
and how to join, but never its access code; only if the enrolment commits."""

import pytest

from accounts.roles import Role
from exam import sessions
from tests.exam_fixtures import BY
from tests.outbox_reading import links, queued

pytestmark = pytest.mark.built_once


def test_an_enrolment_tells_the_candidate_when_where_and_how_to_join_without_the_access_code(
    app, exam_session, create_user, db
):
    candidate = create_user(Role.CANDIDATE, name="Casey")
    sessions.enroll(exam_session, candidate, BY, extra_minutes=15)
    db.session.rollback()
    assert queued() == []

    sessions.enroll(exam_session, candidate, BY, extra_minutes=15)

    (message,) = queued("session.enrolled")
    assert (message.to_address, message.to_user_id) == (candidate.email, candidate.id)
    assert message.subject == "Enrolled: Test sitting, 2026-06-01 08:00 UTC"
    for fact in ("Session: Test sitting", "Opens: 2026-06-01 08:00 UTC", "Closes: 2026-06-01 17:00 UTC",
                 "Where: Room 1", "15 extra minutes per part", 'choose "Join with the access code"',
                 "Your proctor gives you the access code at the start of the session"):
        assert fact in message.text_body
    assert exam_session.access_code not in message.text_body + message.html_body
    assert message.reason == "you are enrolled in the exam session Test sitting"
    assert links(app, message) == [("home.candidate", {})]


def test_changing_accommodations_mails_nothing_more_and_a_roster_mails_each_new_candidate(
    exam_session, create_user, db
):
    first, second = create_user(Role.CANDIDATE), create_user(Role.CANDIDATE)
    sessions.enroll(exam_session, first, BY)
    sessions.enroll(exam_session, first, BY, time_multiplier=1.5)
    report = sessions.read_roster(exam_session, f"email\n{first.email}\n{second.email}\n")
    sessions.enroll_roster(exam_session, report, BY)

    assert [message.to_address for message in queued("session.enrolled")] == [first.email, second.email]


def test_an_online_session_says_so_and_asks_for_safe_exam_browser_and_identity_when_it_requires_them(
    exam_session, create_user, db
):
    exam_session.location, exam_session.require_seb, exam_session.requires_identity_check = "online", True, True
    sessions.enroll(exam_session, create_user(Role.CANDIDATE), BY)

    (message,) = queued("session.enrolled")
    assert "Where: online, from your own computer" in message.text_body
    assert "must be taken in Safe Exam Browser" in message.text_body
    assert "the proctor checks your identity before admitting you" in message.text_body
