"""Identity check-in over HTTP: the session option, the proctor's form, the
refused admission, the board, the candidate's page, the report and the waiting page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from clock import utcnow
from exam import delivery, identity, sessions
from exam.models import ExamSession
from tests.exam.test_proctor_views import drawn
from tests.exam_fixtures import BY

pytestmark = pytest.mark.built_once


@pytest.fixture
def door(exam_form, db):
    """A room session open now that checks identity; a proctor admits each candidate."""
    now = utcnow()
    session = sessions.schedule(sessions.Options("Room with ID check", exam_form, now - timedelta(hours=1),
                                                 now + timedelta(hours=8), auto_admit=False,
                                                 requires_identity_check=True), BY)
    db.session.commit()
    return session


@pytest.fixture
def waiting(door, create_user, db):
    """A candidate of the door session, joined and agreed, awaiting admission."""
    enrollment = sessions.enroll(door, create_user("candidate", name="Ana López"), BY)
    attempt = delivery.join(door, enrollment.candidate_id, door.access_code, utcnow(), BY)
    delivery.agree(attempt, utcnow(), BY)
    db.session.commit()
    return enrollment


@pytest.fixture
def proctor(login_as, door, db):
    user = login_as("proctor")
    door.proctors.append(user)
    db.session.commit()
    return user


def identity_url(enrollment):
    return f"/proctor/sessions/{enrollment.session_id}/candidates/{enrollment.id}/identity"


def test_scheduling_a_session_can_require_identity_check_in_and_editing_shows_it(client, login_as, exam_form, db):
    login_as("proctor")
    opens = utcnow().replace(second=0, microsecond=0)

    response = client.post("/proctor/sessions/new", data=drawn({
        "name": "Checked room", "form": str(exam_form.id), "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
        "closes_at": f"{opens + timedelta(hours=3):%Y-%m-%dT%H:%M}", "location": "Room 9", "admission": "proctor",
        "requires_identity_check": "y", "grace_seconds": "30",
    }))

    session = db.session.scalar(select(ExamSession).where(ExamSession.name == "Checked room"))
    assert response.status_code == 302 and session.requires_identity_check is True
    edit = client.get(f"/proctor/sessions/{session.id}/edit").get_data(as_text=True)
    assert '<input checked id="requires_identity_check"' in edit
    board = client.get(f"/proctor/sessions/{session.id}").get_data(as_text=True)
    assert "identity check-in required" in board


def test_the_board_shows_an_unchecked_candidate_and_the_way_to_check_them(client, proctor, waiting):
    page = client.get(f"/proctor/sessions/{waiting.session_id}").get_data(as_text=True)

    assert "ID not checked" in page and f'href="{identity_url(waiting)}"' in page
    assert "0</span> identity checked by a proctor" in page
    assert "joined with the code" in page  # the count of those who only typed the code


def test_admitting_before_the_check_is_refused_with_a_sentence_naming_the_candidate(client, proctor, waiting):
    response = client.post(f"/proctor/sessions/{waiting.session_id}/actions",
                           data=drawn({"enrollments": str(waiting.id), "action": "admit"}), follow_redirects=True)

    assert ("Ana López: cannot admit a candidate whose identity is not checked; record their identity check first."
            in response.get_data(as_text=True))
    assert waiting.attempt.status == "awaiting_admission"


def test_a_proctor_records_the_check_and_then_admits(client, proctor, waiting, db):
    form = client.get(identity_url(waiting)).get_data(as_text=True)
    assert "Record the check" in form and "Driving licence" in form and "National ID card" in form

    response = client.post(identity_url(waiting), data=drawn({
        "document_type": "national_id", "name_on_document": "Ana López", "note": "Photo matches."}))

    assert response.status_code == 302 and response.location.endswith(f"/proctor/sessions/{waiting.session_id}")
    board = client.get(response.location).get_data(as_text=True)
    assert "Ana López&#39;s identity check is recorded." in board and "ID checked" in board
    check = identity.in_force(waiting)
    assert (check.document_type, check.name_on_document, check.note, check.checked_by_id) == (
        "national_id", "Ana López", "Photo matches.", proctor.id)
    admitted = client.post(f"/proctor/sessions/{waiting.session_id}/actions",
                           data=drawn({"enrollments": str(waiting.id), "action": "admit"}), follow_redirects=True)
    assert "Ana López is admitted." in admitted.get_data(as_text=True)


def test_a_check_without_the_name_on_the_document_is_shown_again_and_records_nothing(client, proctor, waiting):
    response = client.post(identity_url(waiting), data=drawn({"document_type": "passport", "name_on_document": ""}))

    assert response.status_code == 200
    assert "Name as shown on the document: This field is required." in response.get_data(as_text=True)
    assert identity.in_force(waiting) is None


def test_a_check_without_a_csrf_token_is_refused(client, proctor, waiting):
    response = client.post(identity_url(waiting), data=drawn({"document_type": "passport", "name_on_document": "Ana"}),
                           csrf=False)

    assert response.status_code == 400
    assert identity.in_force(waiting) is None


def test_a_candidate_of_another_session_is_not_found(client, proctor, door, exam_form, create_user, db):
    other = sessions.schedule(sessions.Options("Other", exam_form, door.opens_at, door.closes_at), BY)
    stranger = sessions.enroll(other, create_user("candidate"), BY)
    db.session.commit()

    response = client.get(f"/proctor/sessions/{door.id}/candidates/{stranger.id}/identity")

    assert response.status_code == 404


def test_the_candidate_page_and_the_report_show_the_checks(client, proctor, waiting):
    client.post(identity_url(waiting), data=drawn({"document_type": "passport", "name_on_document": "A. Lopez"}))
    client.post(identity_url(waiting), data=drawn({"document_type": "passport", "name_on_document": "Ana López",
                                                   "note": "First entry misspelt."}))

    page = client.get(f"/proctor/sessions/{waiting.session_id}/candidates/{waiting.id}").get_data(as_text=True)
    assert "ID checked" in page and "A. Lopez" in page and "Corrects the check before." in page
    report = client.get(f"/proctor/sessions/{waiting.session_id}/report").get_data(as_text=True)
    assert "ID checked: Passport, “Ana López”" in report and "First entry misspelt." in report
    events = client.get(f"/proctor/sessions/{waiting.session_id}/report/events.csv").get_data(as_text=True)
    assert "identity check (a correction)" in events


def test_a_closed_sessions_checks_are_shown_but_no_longer_taken(client, proctor, waiting, door):
    client.post(f"/proctor/sessions/{door.id}/close", data=drawn({"confirm": "y"}))

    page = client.get(identity_url(waiting)).get_data(as_text=True)
    refused = client.post(identity_url(waiting), data=drawn({"document_type": "passport", "name_on_document": "Ana"}))

    assert "Record the check" not in page
    assert "This session is closed: its record is final." in refused.get_data(as_text=True)
    assert identity.in_force(waiting) is None


def test_the_waiting_candidate_is_told_to_show_their_document(client, login_as, door, db):
    candidate = login_as("candidate")
    sessions.enroll(door, candidate, BY)
    db.session.commit()
    client.post(f"/exam/sessions/{door.id}/join", data={"access_code": door.access_code})
    attempt = sessions.enrollment_for(door, candidate.id).attempt

    client.post(f"/exam/attempts/{attempt.id}/agreement", data={"agree": "y"})
    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)

    assert "Waiting to be admitted" in page
    assert "show your proctor your passport, national ID card or driving licence" in page


def test_a_check_sent_twice_is_recorded_once(client, proctor, waiting):
    sent = drawn({"document_type": "passport", "name_on_document": "Ana López"})

    client.post(identity_url(waiting), data=sent)
    again = client.post(identity_url(waiting), data=sent, follow_redirects=True)

    assert "is not done again" in again.get_data(as_text=True)
    assert identity.in_force(waiting).supersedes_id is None
