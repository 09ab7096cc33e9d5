"""The proctor console over HTTP: scheduling, enrolment lists, the board's JSON,
confirmations, closing, incidents and the report."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.submissions import new_token
from audit.models import AuditEntry
from clock import utcnow
from exam import delivery, incidents, proctoring, sessions
from exam.models import Attempt, Enrollment, ExamSession, Incident
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once


def assign(session, proctor, db):
    session.proctors.append(proctor)
    db.session.commit()


def drawn(fields=None, prefix=""):
    """A form's fields as a page drawn afresh sends them: with a one-time token of its own."""
    return {f"{prefix}submission": new_token(), **(fields or {})}


def test_a_proctor_schedules_a_session_and_is_always_among_its_proctors(client, login_as, exam_form, db):
    proctor = login_as("proctor")
    opens = utcnow().replace(second=0, microsecond=0)

    response = client.post("/proctor/sessions/new", data=drawn({
        "name": "Autumn room", "form": str(exam_form.id), "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
        "closes_at": f"{opens + timedelta(hours=3):%Y-%m-%dT%H:%M}", "location": "Room 9", "capacity": "12",
        "admission": "proctor", "readmit_on_resume": "y", "grace_seconds": "45",
    }))

    assert response.status_code == 302
    session = db.session.scalar(select(ExamSession).where(ExamSession.name == "Autumn room"))
    assert session.proctors == [proctor]
    assert (session.capacity, session.auto_admit, session.readmit_on_resume, session.grace_seconds) == (12, False, True, 45)
    assert session.opens_at == opens
    board = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert session.access_code in board


def test_a_session_that_closes_before_it_opens_is_refused_with_a_message(client, login_as, exam_form, db):
    login_as("proctor")
    opens = utcnow().replace(second=0, microsecond=0)

    response = client.post("/proctor/sessions/new", data=drawn({
        "name": "Backwards", "form": str(exam_form.id), "opens_at": f"{opens:%Y-%m-%dT%H:%M}",
        "closes_at": f"{opens - timedelta(hours=1):%Y-%m-%dT%H:%M}", "location": "online", "admission": "auto",
        "grace_seconds": "30",
    }))

    assert response.status_code == 200
    assert "A session must close after it opens." in response.get_data(as_text=True)
    assert db.session.scalar(select(ExamSession).where(ExamSession.name == "Backwards")) is None


def roster(text, name="roster.csv"):
    return {"roster": (io.BytesIO(text.encode()), name)}


def test_an_enrolment_list_with_a_bad_row_enrols_no_one_and_names_the_line(client, login_as, exam_session,
                                                                           create_user, db):
    assign(exam_session, login_as("proctor"), db)
    good, writer = create_user("candidate"), create_user("item_writer")
    text = f"email\n{good.email}\nnobody@example.org\n{writer.email}\n"

    response = client.post(f"/proctor/sessions/{exam_session.id}/enrollment", data=roster(text),
                           content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert "Nothing was enrolled" in page
    assert "roster.csv, line 3: no account has the email nobody@example.org" in page
    assert f"roster.csv, line 4: {writer.email} is not a candidate&#39;s account" in page
    assert db.session.scalar(select(Enrollment).where(Enrollment.candidate_id == good.id)) is None


def test_a_clean_enrolment_list_enrols_everyone_on_it(client, login_as, exam_session, create_user, db):
    assign(exam_session, login_as("proctor"), db)
    candidates = [create_user("candidate") for _ in range(3)]

    response = client.post(f"/proctor/sessions/{exam_session.id}/enrollment",
                           data=roster("\n".join(c.email.upper() for c in candidates)),
                           content_type="multipart/form-data", follow_redirects=True)

    assert "Enrolled 3 candidate(s)" in response.get_data(as_text=True)
    assert {e.candidate_id for e in exam_session.enrollments} >= {c.id for c in candidates}


def test_the_board_json_gives_a_row_per_candidate_and_counts(client, login_as, exam_session, start_attempt,
                                                             create_user, db, time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    sitting = start_attempt()
    waiting = create_user("candidate", name="Wanda Waiting")
    sessions.enroll(exam_session, waiting, BY)
    db.session.commit()

    board = client.get(f"/proctor/sessions/{exam_session.id}/board.json").get_json()

    rows = {row["name"]: row for row in board["rows"]}
    sitter = rows[sitting.enrollment.candidate.name]
    assert sitter["standing"] == "in_progress" and sitter["section"] == "1 of 2"
    assert sitter["required"] == 4 and sitter["answered"] == 0 and 0 < sitter["seconds_left"] <= 600
    assert rows["Wanda Waiting"]["standing"] == "enrolled"
    assert board["counts"]["in_progress"] == 1 and board["counts"]["enrolled"] == 1
    assert set(sitter) >= {"enrollment", "email", "label", "last_contact", "silent", "accommodations"}


def test_terminating_asks_for_confirmation_and_a_reason(client, login_as, exam_session, start_attempt, db,
                                                         time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()
    url = f"/proctor/sessions/{exam_session.id}/actions"
    chosen = drawn({"enrollments": str(attempt.enrollment_id), "action": "terminate"})

    confirm = client.post(url, data=chosen)
    assert "Terminate 1 attempt?" in confirm.get_data(as_text=True)
    no_reason = client.post(url, data=chosen | {"confirmed": "yes"}, follow_redirects=True)
    assert "Give a reason to terminate a candidate." in no_reason.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.status == "in_progress"

    done = client.post(url, data=chosen | {"confirmed": "yes", "reason": "Phone in use"}, follow_redirects=True)

    assert "attempt is terminated" in done.get_data(as_text=True)
    db.session.refresh(attempt)
    assert (attempt.status, attempt.finish_note) == ("terminated", "Phone in use")


def test_closing_submits_open_attempts_and_the_report_lists_them(client, login_as, exam_session, start_attempt, db,
                                                                 time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()

    unconfirmed = client.post(f"/proctor/sessions/{exam_session.id}/close", data=drawn())
    assert "Tick to confirm." in unconfirmed.get_data(as_text=True)
    closed = client.post(f"/proctor/sessions/{exam_session.id}/close",
                         data=drawn({"confirm": "y", "reason": "Day done"}), follow_redirects=True)

    page = closed.get_data(as_text=True)
    assert "Session closed: 1 attempt(s) submitted" in page and "Session report" in page
    db.session.refresh(attempt)
    assert (attempt.status, attempt.finish_reason) == ("submitted", "session_closed")
    attendance = client.get(f"/proctor/sessions/{exam_session.id}/report/attendance.csv")
    assert attendance.mimetype == "text/csv"
    lines = attendance.get_data(as_text=True).splitlines()
    assert lines[0].startswith("name,email,standing") and "session_closed" in lines[1]
    events = client.get(f"/proctor/sessions/{exam_session.id}/report/events.csv").get_data(as_text=True)
    assert "Session closed" in events and "Day done" in events


def test_an_incident_and_its_follow_up_appear_in_the_report(client, login_as, exam_session, start_attempt, db,
                                                            time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()

    client.post(f"/proctor/sessions/{exam_session.id}/incidents/new", data=drawn({
        "category": "identity", "enrollment": str(attempt.enrollment_id), "description": "ID photo differs"}))
    incident = db.session.scalar(select(Incident))
    client.post(f"/proctor/sessions/{exam_session.id}/incidents/{incident.id}/follow-up",
                data=drawn({f"i{incident.id}-description": "Second ID checked: fine"}, prefix=f"i{incident.id}-"))

    report = client.get(f"/proctor/sessions/{exam_session.id}/report").get_data(as_text=True)
    assert "ID photo differs" in report and "Second ID checked: fine" in report
    assert report.index("ID photo differs") < report.index("Second ID checked: fine")
    assert db.session.scalar(select(Incident).where(Incident.follows_id == incident.id)).description == \
        "Second ID checked: fine"


def test_a_closed_session_can_no_longer_be_joined(client, login_as, exam_session, db):
    candidate = login_as("candidate")
    sessions.enroll(exam_session, candidate, BY)
    proctoring.close_session(exam_session, utcnow(), BY)
    db.session.commit()

    response = client.post(f"/exam/sessions/{exam_session.id}/join", data={"access_code": "SIT123"})

    assert "This session is closed." in response.get_data(as_text=True)
    assert db.session.scalar(select(Attempt).where(Attempt.enrollment.has(candidate_id=candidate.id))) is None
    assert delivery.enrollment_for(exam_session, candidate.id) is not None


def test_a_new_access_code_asks_for_confirmation_and_every_page_still_opens_after(client, login_as, exam_session,
                                                                                 start_attempt, db, time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()
    url = f"/proctor/sessions/{exam_session.id}"

    asked = client.post(url + "/code", data=drawn())
    assert "Issue a new access code for Test sitting?" in asked.get_data(as_text=True)
    db.session.refresh(exam_session)
    assert exam_session.access_code == "SIT123"
    issued = client.post(url + "/code", data=drawn({"confirmed": "yes", "reason": "Code seen on a phone"}),
                         follow_redirects=True)
    db.session.refresh(exam_session)
    code = exam_session.access_code
    assert code != "SIT123" and f"The new access code is {code}." in issued.get_data(as_text=True)

    pages = [client.get(url + path) for path in ("/report", "/report/attendance.csv", "/report/events.csv",
                                                 f"/candidates/{attempt.enrollment_id}")]
    assert [page.status_code for page in pages] == [200] * 4
    report = pages[0].get_data(as_text=True)
    assert "Access code changed" in report and "Code seen on a phone" in report
    assert code not in report and "SIT123" not in report
    closed = client.post(url + "/close", data=drawn({"confirm": "y"}), follow_redirects=True)
    assert closed.status_code == 200 and "Session report" in closed.get_data(as_text=True)


def token_on(page, prefix=""):
    """The one-time token of the form a page draws."""
    return re.search(rf'name="{prefix}submission" type="hidden" value="([^"]+)"', page).group(1)


def test_an_incident_sent_again_from_the_same_page_is_recorded_once(client, login_as, exam_session, db,
                                                                    time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    url = f"/proctor/sessions/{exam_session.id}/incidents/new"
    sent = {"submission": token_on(client.get(url).get_data(as_text=True)), "category": "environment",
            "description": "Fire alarm"}

    first = client.post(url, data=sent)
    again = client.post(url, data=sent, follow_redirects=True)  # Back, then Record again

    assert first.location == again.request.path + "#incidents"
    page = again.get_data(as_text=True)
    assert "This was sent already, at 09:00:00 UTC, and is not done again." in page and "Incident recorded." in page
    assert len(db.session.scalars(select(Incident)).all()) == 1


def test_an_extension_sent_again_adds_its_minutes_once(client, login_as, exam_session, start_attempt, db,
                                                       time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()
    board = client.get(f"/proctor/sessions/{exam_session.id}").get_data(as_text=True)
    sent = {"submission": token_on(board), "enrollments": str(attempt.enrollment_id), "action": "extend",
            "minutes": "5", "reason": "noise"}

    for _ in range(2):
        client.post(f"/proctor/sessions/{exam_session.id}/actions", data=sent)

    db.session.refresh(attempt)
    assert attempt.sections[0].extension_seconds == 300


def test_a_form_sent_without_its_token_does_nothing(client, login_as, exam_session, start_attempt, db,
                                                    time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt()
    url = f"/proctor/sessions/{exam_session.id}"

    paused = client.post(url + "/actions", data={"enrollments": str(attempt.enrollment_id), "action": "pause"},
                         follow_redirects=True)
    recorded = client.post(url + "/incidents/new", data={"category": "environment", "description": "Fire alarm"})

    for response in (paused, recorded):
        assert "This page was out of date, so nothing was done: send it again." in response.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.status == "in_progress"
    assert db.session.scalars(select(Incident)).all() == []
    # The page drawn again carries a token of its own, so sending it again works.
    assert token_on(recorded.get_data(as_text=True))


def _guarded_forms(exam_session, attempt, admitting, paused, other, incident):
    """(address, fields, audited action) of every proctor form that changes something."""
    url = f"/proctor/sessions/{exam_session.id}"
    one = {"enrollments": str(attempt.enrollment_id)}
    return {
        "admit": (url + "/actions", {"enrollments": str(admitting.enrollment_id), "action": "admit"}, "proctor.admit"),
        "pause": (url + "/actions", one | {"action": "pause"}, "proctor.pause"),
        "resume": (url + "/actions", {"enrollments": str(paused.enrollment_id), "action": "resume"},
                   "proctor.resume"),
        "extend": (url + "/actions", one | {"action": "extend", "minutes": "5", "reason": "noise"}, "proctor.extend"),
        "terminate": (url + "/actions", one | {"action": "terminate", "confirmed": "yes", "reason": "phone"},
                      "proctor.terminate"),
        "move": (url + "/actions", {"enrollments": str(other.id), "action": "move", "target": str(other.target),
                                    "reason": "room change"}, "proctor.move"),
        "pause all": (url + "/session-actions", {"action": "pause"}, "session.pause_all"),
        "new code": (url + "/code", {"confirmed": "yes"}, "session.code_changed"),
        "close": (url + "/close", {"confirm": "y"}, "session.closed"),
        "incident": (url + "/incidents/new", {"category": "conduct", "description": "Talking"}, "incident.recorded"),
        "follow-up": (url + f"/incidents/{incident.id}/follow-up", {f"i{incident.id}-description": "Stopped"},
                      "incident.followed_up"),
    }


GUARDED = ["admit", "pause", "resume", "extend", "terminate", "move", "pause all", "new code", "close", "incident",
           "follow-up"]


@pytest.mark.parametrize("form", GUARDED)
def test_every_proctor_form_sent_twice_is_done_once(client, login_as, exam_session, start_attempt, create_user, db,
                                                    time_machine, form):
    time_machine.move_to(T0, tick=False)
    proctor = login_as("proctor")
    assign(exam_session, proctor, db)
    attempt, paused = start_attempt(), start_attempt()
    proctoring.apply(paused.enrollment, "pause", T0, BY)
    exam_session.auto_admit = False
    admitting = start_attempt()
    other = sessions.enroll(exam_session, create_user("candidate"), BY)
    evening = sessions.schedule(sessions.Options("Evening", exam_session.form, T0, T0 + timedelta(hours=8),
                                                 proctors=[proctor]), BY)
    other.target = evening.id
    incident = incidents.record_incident(exam_session, "technical", "Screen froze", T0, T0, BY)
    db.session.commit()
    url, fields, action = _guarded_forms(exam_session, attempt, admitting, paused, other, incident)[form]
    prefix = f"i{incident.id}-" if form == "follow-up" else ""
    sent = drawn(fields, prefix)
    audited = select(AuditEntry).where(AuditEntry.action == action)
    before = len(db.session.scalars(audited).all())

    first = client.post(url, data=sent)
    written = db.session.scalar(select(func.count()).select_from(AuditEntry))
    again = client.post(url, data=sent)

    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert len(db.session.scalars(audited).all()) == before + 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == written  # not even a refusal
    assert "is not done again" in client.get(again.location).get_data(as_text=True)


def test_the_board_warns_of_a_candidate_admitted_but_not_connected(client, login_as, exam_session, start_attempt,
                                                                    db, time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    attempt = start_attempt(connected=False)

    board = client.get(f"/proctor/sessions/{exam_session.id}").get_data(as_text=True)
    page = client.get(f"/proctor/sessions/{exam_session.id}/candidates/{attempt.enrollment_id}").get_data(as_text=True)

    assert "Admitted, not connected" in board and "Not connected since admitted" in board
    assert re.search(r'<span class="count">1</span> not connected, or not heard from for 60 s', board)
    buttons = set(re.findall(r'name="action" value="(\w+)"', page))
    assert buttons == {"pause", "extend", "terminate"}


def test_closing_a_session_another_proctor_closed_says_so(client, login_as, exam_session, db, time_machine):
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    proctoring.close_session(exam_session, T0, BY)
    db.session.commit()

    response = client.post(f"/proctor/sessions/{exam_session.id}/close", data=drawn({"confirm": "y"}),
                           follow_redirects=True)

    assert "Test sitting was closed at 2026-06-01 09:00 UTC." in response.get_data(as_text=True)
    assert response.request.path == f"/proctor/sessions/{exam_session.id}/report"



def test_the_board_json_is_one_query_for_5_candidates_as_for_20(client, login_as, exam_session, start_attempt,
                                                               statements, db, time_machine):
    # Polled by every proctor every 5 s: a column query, never an object or a query per attempt.
    time_machine.move_to(T0, tick=False)
    assign(exam_session, login_as("proctor"), db)
    client.get(f"/proctor/sessions/{exam_session.id}/board.json")  # the first board prepares the form's parts
    run = {}
    for candidates in (5, 20):
        while len(exam_session.enrollments) < candidates:
            start_attempt()
        with statements() as run[candidates]:
            board = client.get(f"/proctor/sessions/{exam_session.id}/board.json").get_json()
        assert len(board["rows"]) == candidates and board["rows"][-1]["required"] == 4

    assert len(run[20]) == len(run[5])
    reading_attempts = [statement for statement in run[20] if "attempt_sections" in statement or "responses" in statement]
    assert len(reading_attempts) == 1, reading_attempts
