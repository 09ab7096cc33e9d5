"""The proctor console's services: the state machine of actions, time arithmetic, closing a session,
re-admission, the live board, enrolment lists, incidents and the session report."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from accounts.users import update_user
from audit import log
from audit.log import Actor
from audit.models import AuditEntry
from exam import board, delivery, incidents, proctoring, reports, saving, sessions
from exam.delivery import DeliveryError
from exam.incidents import IncidentError
from exam.models import Enrollment, IncidentsAreNotEdited
from exam.proctoring import MOVES, Action, ActionRefused, Standing
from exam.sessions import SessionError
from tests.exam_fixtures import BY, T0

S = Standing
NOW = T0 + timedelta(minutes=2)
AFTER = T0 + timedelta(hours=9)  # the proctored session's window (to T0 + 8 h) is over

pytestmark = pytest.mark.built_once


def minutes(n):
    return timedelta(minutes=n)


def schedule(form, name, closes_after=timedelta(hours=8), **options):
    return sessions.schedule(sessions.Options(name, form, T0 - timedelta(hours=1), T0 + closes_after, **options), BY)


def entries(db, action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def do(attempt, action, at, by=BY, **arguments):
    return proctoring.apply(attempt.enrollment, action, at, by, **arguments)


def row_of(enrollment, rows):
    return next(row for row in rows if row["enrollment"] == enrollment.id)


def answer(attempt, seq, position, at, field="answer"):
    """Save an answer (the first option shown) to the item at `position` (1-based)."""
    response = attempt.responses[position - 1]
    value = {"option": response.option_order[0]} if field == "answer" else True
    return saving.save(attempt, [{"seq": seq, "response": response.id, "field": field, "value": value}], "tab", at, BY)


@pytest.fixture
def proctored(exam_form, db):
    """A session where a proctor admits each candidate, and re-admits one who reopens the exam elsewhere."""
    session = schedule(exam_form, "Proctored sitting", auto_admit=False, readmit_on_resume=True)
    db.session.commit()
    return session


@pytest.fixture
def evening(exam_form, db):
    """Another session, open until the next morning: where candidates are moved to."""
    session = schedule(exam_form, "Evening sitting", closes_after=timedelta(hours=24))
    db.session.commit()
    return session


def _reach(enrollment, standing):
    attempt = delivery.join(enrollment.session, enrollment.candidate_id, enrollment.session.access_code, T0, BY)
    if standing is S.CHECKED_IN:
        return
    delivery.agree(attempt, T0, BY)
    if standing is S.AWAITING_ADMISSION:
        return
    delivery.start(attempt, T0, BY)
    if standing is S.ADMITTED_NOT_CONNECTED:
        return
    if standing is S.AWAITING_READMISSION:
        saving.claim(attempt, "first tab", T0, BY)
        saving.claim(attempt, "second tab", T0 + minutes(1), BY)
        return
    saving.claim(attempt, "tab", T0, BY)
    if standing is S.PAUSED:
        do(attempt, "pause", T0 + minutes(1))
    elif standing is S.SUBMITTED:
        delivery.finish_section(attempt, 1, T0 + minutes(1), BY)
        delivery.finish_section(attempt, 2, T0 + minutes(1), BY)
    elif standing is S.TERMINATED:
        do(attempt, "terminate", T0 + minutes(1), reason="left the room")
    elif standing is S.ON_BREAK:
        form = attempt.session.form
        form.break_minutes = 10  # for this candidate only: their break is set when their first part ends
        delivery.finish_section(attempt, 1, T0 + minutes(1), BY)
        form.break_minutes = 0


@pytest.fixture
def seat(proctored, create_user, db):
    """seat(standing): a new candidate of the proctored session in that standing; returns (enrollment, now)."""

    def make(standing, name=None):
        enrollment = sessions.enroll(proctored, create_user("candidate", name=name), BY)
        if standing not in (S.ENROLLED, S.ABSENT):
            _reach(enrollment, standing)
        db.session.commit()
        return enrollment, AFTER if standing is S.ABSENT else NOW

    return make


# The state machine


@pytest.mark.parametrize("standing", list(Standing), ids=str)
def test_a_candidate_can_be_brought_to_each_standing(seat, standing):
    enrollment, now = seat(standing)

    assert proctoring.standing(enrollment, now) == standing


ALLOWED = [(action, standing) for action in Action for standing in sorted(MOVES[action])]
REFUSED = [(action, standing) for action in Action for standing in Standing if standing not in MOVES[action]]


def standing_after(action, standing):
    if action is Action.ADMIT and standing is S.AWAITING_ADMISSION:
        return S.ADMITTED_NOT_CONNECTED  # until the runner's first request
    if action is Action.ADMIT or action is Action.RESUME:
        return S.IN_PROGRESS
    if action is Action.PAUSE:
        return S.PAUSED
    if action is Action.TERMINATE:
        return S.TERMINATED
    if action is Action.MOVE and standing is S.ABSENT:
        return S.ENROLLED  # the evening session is still open
    return standing  # an extension, or a move: the candidate stands where they stood, in the other session


@pytest.mark.parametrize("action, standing", ALLOWED, ids=lambda value: str(value))
def test_every_allowed_move_is_done_and_audited_with_before_and_after(seat, evening, db, action, standing):
    enrollment, now = seat(standing)

    outcome = proctoring.act(enrollment.session, [enrollment.id], action, now, BY, reason="proctor's reason",
                             minutes=5, target=evening)

    assert outcome.refused == []
    assert [done for done, _ in outcome.done] == [enrollment]
    expected = standing_after(action, standing)
    assert proctoring.standing(enrollment, now) == expected
    (entry,) = entries(db, f"proctor.{action}")
    assert entry.details["reason"] == "proctor's reason"
    assert (entry.details["before"]["standing"], entry.details["after"]["standing"]) == (standing, expected)


def test_a_move_puts_the_candidate_in_the_other_session(seat, evening, db):
    enrollment, now = seat(S.AWAITING_ADMISSION)

    proctoring.act(enrollment.session, [enrollment.id], "move", now, BY, reason="room change", target=evening)

    assert enrollment.session == evening
    assert db.session.scalar(db.select(Enrollment.session_id).where(Enrollment.id == enrollment.id)) == evening.id


@pytest.mark.parametrize("action, standing", REFUSED, ids=lambda value: str(value))
def test_every_other_move_is_refused_naming_the_candidate_and_their_standing(seat, evening, db, action, standing):
    enrollment, now = seat(standing, name="Robin Refused")
    before = proctoring.snapshot(enrollment, now)

    with pytest.raises(ActionRefused) as refusal:
        proctoring.apply(enrollment, action, now, BY, reason="proctor's reason", minutes=5, target=evening)

    assert "Robin Refused" in str(refusal.value)
    assert standing.label.lower() in str(refusal.value)
    assert proctoring.snapshot(enrollment, now) == before
    (entry,) = entries(db, "proctor.refused")
    assert entry.details["attempted"] == action
    assert entry.details["state"]["standing"] == standing


def test_a_candidate_cannot_be_moved_to_a_session_they_are_already_in(seat, evening, db):
    enrollment, now = seat(S.ENROLLED)
    sessions.enroll(evening, enrollment.candidate, BY)

    with pytest.raises(ActionRefused, match="already enrolled in Evening sitting"):
        proctoring.apply(enrollment, "move", now, BY, reason="room change", target=evening)
    assert enrollment.session.name == "Proctored sitting"


@pytest.mark.parametrize("action, arguments, refusal", [
    ("extend", {"minutes": 5}, "Give a reason"),
    ("terminate", {"reason": "  "}, "Give a reason"),
    ("move", {}, "Give a reason"),
    ("extend", {"reason": "noise", "minutes": 0}, "whole number of minutes from 1 to 600"),
    ("extend", {"reason": "noise", "minutes": 601}, "whole number of minutes from 1 to 600"),
    ("extend", {"reason": "noise", "minutes": 2.5}, "whole number of minutes from 1 to 600"),
])
def test_an_action_needs_its_reason_and_minutes(start_attempt, exam_session, action, arguments, refusal):
    attempt = start_attempt()

    with pytest.raises(ActionRefused, match=refusal):
        proctoring.act(exam_session, [attempt.enrollment.id], action, NOW, BY, **arguments)
    assert attempt.status == "in_progress" and attempt.sections[0].deadline_at == T0 + minutes(10)


def test_a_move_needs_another_open_session(seat, evening, db):
    enrollment, now = seat(S.ENROLLED)
    session = enrollment.session

    with pytest.raises(ActionRefused, match="Choose another session"):
        proctoring.act(session, [enrollment.id], "move", now, BY, reason="room change", target=session)
    evening.closed_at = NOW
    with pytest.raises(ActionRefused, match="Evening sitting is closed"):
        proctoring.act(session, [enrollment.id], "move", now, BY, reason="room change", target=evening)


# Time arithmetic


def test_a_pause_from_minute_4_to_minute_30_moves_the_deadline_by_26_minutes(start_attempt):
    attempt = start_attempt()
    before = attempt.sections[0].deadline_at

    do(attempt, "pause", T0 + minutes(4))
    do(attempt, "resume", T0 + minutes(30))

    assert attempt.sections[0].deadline_at - before == minutes(26)


def test_an_extension_adds_to_the_candidates_accommodated_time(start_attempt):
    attempt = start_attempt(time_multiplier=1.5, extra_minutes=5)

    do(attempt, "extend", T0 + minutes(1), reason="fire alarm", minutes=7)

    assert attempt.sections[0].deadline_at == T0 + minutes(15 + 5 + 7)


def test_a_pause_and_an_extension_add_up(start_attempt):
    attempt = start_attempt()

    do(attempt, "extend", T0 + minutes(2), reason="late start", minutes=7)
    do(attempt, "pause", T0 + minutes(4))
    do(attempt, "resume", T0 + minutes(30))

    assert attempt.sections[0].deadline_at == T0 + minutes(10 + 7 + 26)


def test_an_extension_while_paused_counts_when_the_clock_restarts(start_attempt, exam_session):
    attempt = start_attempt()
    do(attempt, "pause", T0 + minutes(4))

    do(attempt, "extend", T0 + minutes(20), reason="fire alarm", minutes=7)  # after the first deadline passed

    paused = row_of(attempt.enrollment, board.board(exam_session, T0 + minutes(21), BY)["rows"])
    assert (paused["standing"], paused["seconds_left"]) == ("paused", (6 + 7) * 60)
    do(attempt, "resume", T0 + minutes(30))
    assert attempt.sections[0].deadline_at == T0 + minutes(10 + 26 + 7)


def test_time_left_on_the_board_stands_still_while_paused(start_attempt, exam_session):
    attempt = start_attempt()
    do(attempt, "pause", T0 + minutes(4))

    def seconds_left(at):
        return row_of(attempt.enrollment, board.board(exam_session, at, BY)["rows"])["seconds_left"]

    assert seconds_left(T0 + minutes(5)) == seconds_left(T0 + minutes(25)) == 6 * 60
    do(attempt, "resume", T0 + minutes(30))
    assert seconds_left(T0 + minutes(31)) == 5 * 60


def test_an_attempt_whose_time_ran_out_is_finished_not_extended(start_attempt):
    attempt = start_attempt()
    end_of_part_two = T0 + minutes(30)
    after_grace = end_of_part_two + timedelta(seconds=31)

    with pytest.raises(ActionRefused, match="who is submitted"):
        do(attempt, "extend", after_grace, reason="too late", minutes=10)

    assert (attempt.status, attempt.finish_reason, attempt.finished_at) == ("submitted", "time", end_of_part_two)


def test_an_extension_within_the_grace_period_keeps_the_part_open(start_attempt):
    attempt = start_attempt()
    in_grace = T0 + minutes(10) + timedelta(seconds=20)

    do(attempt, "extend", in_grace, reason="network", minutes=5)

    assert (attempt.current_position, attempt.sections[0].deadline_at) == (1, T0 + minutes(15))
    assert answer(attempt, 1, 1, T0 + minutes(14))[0].status == "saved"


# Acting on a selection, on the whole session, closing


def test_an_action_on_a_selection_applies_to_some_and_refuses_others(start_attempt, exam_session, create_user):
    sitting = start_attempt()
    done = start_attempt(candidate=create_user("candidate", name="Dana Done"))
    delivery.finish_section(done, 1, T0 + minutes(1), BY)
    delivery.finish_section(done, 2, T0 + minutes(1), BY)

    outcome = proctoring.act(exam_session, [sitting.enrollment.id, done.enrollment.id], "extend", NOW, BY,
                             reason="noise outside", minutes=5)

    assert [(enrollment, message) for enrollment, message in outcome.done] == [
        (sitting.enrollment, f"{sitting.enrollment.candidate.name} has 5 more minutes in part 1.")]
    ((refused, message),) = outcome.refused
    assert refused == done.enrollment and "Dana Done" in message and "submitted" in message
    assert sitting.sections[0].deadline_at == T0 + minutes(15)


def test_candidates_of_another_session_are_not_touched(start_attempt, evening):
    attempt = start_attempt()

    outcome = proctoring.act(evening, [attempt.enrollment.id], "terminate", NOW, BY, reason="wrong session")

    assert (outcome.done, outcome.refused) == ([], [])
    assert attempt.status == "in_progress"


def test_pausing_and_resuming_the_whole_session_moves_everyone_in_progress(start_attempt, exam_session, db):
    sitting = [start_attempt(), start_attempt()]
    done = start_attempt()
    delivery.finish_section(done, 1, T0 + minutes(1), BY)
    delivery.finish_section(done, 2, T0 + minutes(1), BY)

    paused = proctoring.act_on_session(exam_session, "pause", T0 + minutes(4), BY)
    assert [a.status for a in sitting + [done]] == ["paused", "paused", "submitted"]
    resumed = proctoring.act_on_session(exam_session, "resume", T0 + minutes(9), BY)

    assert len(paused.done) == len(resumed.done) == 2 and paused.refused == resumed.refused == []
    assert [a.status for a in sitting] == ["in_progress", "in_progress"]
    assert [a.sections[0].deadline_at for a in sitting] == [T0 + minutes(15)] * 2
    assert [e.details["candidates"] for e in entries(db, "session.pause_all")] == [2]


def test_only_pause_and_resume_apply_to_the_whole_session(exam_session):
    with pytest.raises(ActionRefused, match="Only pause and resume"):
        proctoring.act_on_session(exam_session, "extend", NOW, BY)


def test_closing_submits_open_attempts_with_their_saved_answers(seat, proctored):
    sitting, _ = seat(S.IN_PROGRESS)
    answer(sitting.attempt, 1, 1, T0 + minutes(1))
    paused, _ = seat(S.PAUSED)
    held, _ = seat(S.AWAITING_READMISSION)

    finished, not_admitted = proctoring.close_session(proctored, NOW, BY, reason="end of the day")

    assert (finished, not_admitted) == (3, 0)
    for enrollment in (sitting, paused, held):
        attempt = enrollment.attempt
        assert (attempt.status, attempt.finish_reason, attempt.finished_at) == ("submitted", "session_closed", NOW)
    response = sitting.attempt.responses[0]
    assert response.answer == {"option": response.option_order[0]}


def test_closing_ends_the_attempts_of_those_never_admitted(seat, proctored):
    waiting, _ = seat(S.AWAITING_ADMISSION)
    checked_in, _ = seat(S.CHECKED_IN)

    assert proctoring.close_session(proctored, NOW, BY) == (0, 2)

    for enrollment in (waiting, checked_in):
        assert (enrollment.attempt.status, enrollment.attempt.finish_reason) == ("terminated", "not_admitted")


def test_after_closing_who_never_joined_is_absent_and_cannot_join(seat, proctored):
    enrolled, _ = seat(S.ENROLLED)

    proctoring.close_session(proctored, NOW, BY)

    assert proctoring.standing(enrolled, NOW) == S.ABSENT
    with pytest.raises(DeliveryError, match="This session is closed"):
        delivery.join(proctored, enrolled.candidate_id, proctored.access_code, NOW, BY)


def test_a_session_is_closed_once(proctored, db):
    proctoring.close_session(proctored, NOW, BY)

    with pytest.raises(ActionRefused, match="Proctored sitting was closed at 2026-06-01 09:02 UTC"):
        proctoring.close_session(proctored, NOW + minutes(5), BY)
    assert proctored.closed_at == NOW
    assert len(entries(db, "session.closed")) == 1


# Re-admission


def test_reopening_elsewhere_holds_the_attempt_until_a_proctor_readmits(seat, proctored, db):
    enrollment, _ = seat(S.IN_PROGRESS)
    attempt = enrollment.attempt
    saving.claim(attempt, "laptop", T0, BY, resumes="tab")

    saving.claim(attempt, "phone", T0 + minutes(3), BY)

    assert proctoring.standing(enrollment, T0 + minutes(3)) == S.AWAITING_READMISSION
    held = row_of(enrollment, board.board(proctored, T0 + minutes(8), BY)["rows"])
    assert (held["label"], held["seconds_left"]) == ("Awaiting re-admission", 7 * 60)
    assert [e.details["tab"] for e in entries(db, "attempt.held_for_readmission")] == ["phone"]

    do(attempt, "admit", T0 + minutes(8))

    assert proctoring.standing(enrollment, T0 + minutes(8)) == S.IN_PROGRESS
    assert attempt.sections[0].deadline_at == T0 + minutes(10 + 5)


def test_reloading_in_the_same_tab_needs_no_readmission(seat):
    enrollment, _ = seat(S.IN_PROGRESS)
    saving.claim(enrollment.attempt, "laptop", T0, BY, resumes="tab")

    # Each page load is a tab of its own; a reload names the one it replaces.
    saving.claim(enrollment.attempt, "laptop, reloaded", T0 + minutes(3), BY, resumes="laptop")

    assert proctoring.standing(enrollment, T0 + minutes(3)) == S.IN_PROGRESS


def test_without_readmission_a_takeover_keeps_the_clock_running(start_attempt, db):
    attempt = start_attempt()
    saving.claim(attempt, "laptop", T0, BY)

    saving.claim(attempt, "phone", T0 + minutes(3), BY)

    assert (attempt.status, attempt.hold, attempt.sections[0].deadline_at) == ("in_progress", None, T0 + minutes(10))
    assert entries(db, "attempt.held_for_readmission") == []


# The audit trail of an action


def test_an_extension_is_audited_with_who_why_how_long_and_the_deadlines(start_attempt, create_user, db):
    attempt = start_attempt()
    proctor = create_user("proctor")

    do(attempt, "extend", NOW, by=Actor(proctor.id, "10.0.0.9"), reason="fire alarm", minutes=7)

    (entry,) = entries(db, "proctor.extend")
    assert (entry.actor_id, entry.origin, entry.object_id) == (proctor.id, "10.0.0.9", str(attempt.id))
    assert (entry.details["reason"], entry.details["minutes"]) == ("fire alarm", 7)
    before, after = (datetime.fromisoformat(entry.details[key]["deadline"]) for key in ("before", "after"))
    assert (before, after - before) == (T0 + minutes(10), minutes(7))


# The live board


def test_the_board_shows_standing_progress_time_left_and_silence(start_attempt, exam_session, create_user):
    at = T0 + minutes(5)
    working, quiet, paused = start_attempt(), start_attempt(), start_attempt()
    for seq, position in enumerate((1, 2), start=1):
        answer(working, seq, position, at - timedelta(seconds=10))
    answer(working, 3, 3, at - timedelta(seconds=10), field="flag")  # flagged, not answered
    do(paused, "pause", T0 + minutes(1))
    waiting = sessions.enroll(exam_session, create_user("candidate"), BY)

    shown = board.board(exam_session, at, BY)

    rows = shown["rows"]
    picked = ("standing", "answered", "required", "seconds_left", "silent")
    assert {key: row_of(working.enrollment, rows)[key] for key in picked} == {
        "standing": "in_progress", "answered": 2, "required": 4, "seconds_left": 5 * 60, "silent": False}
    assert {key: row_of(quiet.enrollment, rows)[key] for key in picked} == {
        "standing": "in_progress", "answered": 0, "required": 4, "seconds_left": 5 * 60, "silent": True}
    assert {key: row_of(paused.enrollment, rows)[key] for key in picked} == {
        "standing": "paused", "answered": 0, "required": 4, "seconds_left": 9 * 60, "silent": False}
    assert {key: row_of(waiting, rows)[key] for key in picked} == {
        "standing": "enrolled", "answered": 0, "required": 0, "seconds_left": None, "silent": False}
    assert {standing: count for standing, count in shown["counts"].items() if count} == {
        "in_progress": 2, "paused": 1, "enrolled": 1}
    assert shown["silent"] == 1


def test_the_board_counts_what_the_candidate_must_answer_part_by_part(start_attempt, exam_session, sit):
    """Part Two asks for 1 of its 2 vignettes: the board counts 4 required, not 5 items."""
    at = T0 + minutes(5)
    working = start_attempt()
    for seq, position in enumerate((1, 2), start=1):
        answer(working, seq, position, at)
    done = sit(right=3)  # every Part One question and one vignette, then submitted

    rows = board.board(exam_session, at, BY)["rows"]

    assert row_of(working.enrollment, rows)["progress"] == "2 of 4 required (2 of 3 in Part One; 0 of 1 in Part Two)"
    assert row_of(done.enrollment, rows)["progress"] == "All 4 required answered"
    assert (row_of(done.enrollment, rows)["answered"], row_of(done.enrollment, rows)["required"]) == (4, 4)


def test_a_candidate_is_silent_after_a_minute_without_contact(start_attempt, exam_session):
    attempt = start_attempt()
    delivery.note_contact(attempt, T0 + minutes(1))

    def silent(at):
        return row_of(attempt.enrollment, board.board(exam_session, at, BY)["rows"])["silent"]

    assert silent(T0 + minutes(2)) is False
    assert silent(T0 + minutes(2) + timedelta(seconds=1)) is True


def test_an_admitted_candidate_whose_browser_never_connected_stands_apart_and_is_silent(start_attempt,
                                                                                       exam_session):
    attempt = start_attempt(connected=False)

    shown = board.board(exam_session, T0 + minutes(1), BY)

    row = row_of(attempt.enrollment, shown["rows"])
    assert (row["standing"], row["label"], row["silent"], row["seconds_left"]) == (
        "admitted_not_connected", "Admitted, not connected", True, 9 * 60)
    assert (shown["counts"]["admitted_not_connected"], shown["counts"]["in_progress"], shown["silent"]) == (1, 0, 1)


def test_only_contact_since_the_start_connects_a_candidate(seat, proctored):
    enrollment, _ = seat(S.AWAITING_ADMISSION)
    delivery.note_contact(enrollment.attempt, T0)  # the waiting page's poll

    proctoring.apply(enrollment, "admit", T0 + minutes(1), BY)
    assert proctoring.standing(enrollment, T0 + minutes(1)) is S.ADMITTED_NOT_CONNECTED
    saving.claim(enrollment.attempt, "tab", T0 + minutes(1) + timedelta(seconds=2), BY)  # the runner opens

    assert proctoring.standing(enrollment, T0 + minutes(2)) is S.IN_PROGRESS


def test_pausing_the_whole_session_and_closing_it_include_those_not_connected(seat, proctored):
    quiet, _ = seat(S.ADMITTED_NOT_CONNECTED)
    sitting, _ = seat(S.IN_PROGRESS)

    paused = proctoring.act_on_session(proctored, "pause", NOW, BY)
    assert {e for e, _ in paused.done} == {quiet, sitting}
    proctoring.act_on_session(proctored, "resume", NOW, BY)

    assert proctoring.close_session(proctored, NOW, BY) == (2, 0)
    assert quiet.attempt.status == "submitted"


def test_the_board_finishes_attempts_whose_time_ran_out(start_attempt, exam_session):
    attempt = start_attempt()

    row = row_of(attempt.enrollment, board.board(exam_session, T0 + minutes(31), BY)["rows"])

    assert (row["standing"], row["finish_reason"], row["seconds_left"]) == ("submitted", "time", None)
    assert attempt.finished_at == T0 + minutes(30)


# Enrolment lists and capacity


def test_a_list_with_an_email_header_is_read_by_that_column(exam_session, create_user):
    ann, ben = create_user("candidate"), create_user("candidate")

    report = sessions.read_roster(exam_session, f"name,email\nAnn,{ann.email}\nBen,{ben.email}\n")

    assert (report.ready, report.already, report.problems) == ([ann, ben], [], [])


def test_a_plain_list_of_emails_is_read_whatever_the_case_and_blank_lines(exam_session, create_user):
    ann, ben = create_user("candidate"), create_user("candidate")

    report = sessions.read_roster(exam_session, f"{ann.email}\n\n  {ben.email.upper()}\n")

    assert (report.ready, report.problems) == ([ann, ben], [])


def test_every_bad_row_is_reported_with_its_line(exam_session, create_user):
    good, proctor, gone = create_user("candidate"), create_user("proctor"), create_user("candidate")
    update_user(gone, BY, email=gone.email, name=gone.name, roles=gone.roles, active=False)
    text = "\n".join(["email", good.email, "nobody@example.org", proctor.email, good.email.upper(), gone.email])

    report = sessions.read_roster(exam_session, text, filename="room1.csv")

    assert report.ready == [good]
    expected = [(3, "no account has the email nobody@example.org"), (4, f"{proctor.email} is not a candidate's"),
                (5, "is listed twice"), (6, "account is deactivated")]
    assert len(report.problems) == len(expected)
    for problem, (line, words) in zip(report.problems, expected):
        assert problem.startswith(f"room1.csv, line {line}: ") and words in problem


def test_a_list_with_a_problem_enrols_no_one(exam_session, create_user, db):
    good = create_user("candidate")
    report = sessions.read_roster(exam_session, f"{good.email}\nnobody@example.org\n")

    with pytest.raises(SessionError, match="nothing was enrolled"):
        sessions.enroll_roster(exam_session, report, BY)
    assert db.session.scalars(db.select(Enrollment)).all() == []


def test_a_list_longer_than_the_seats_left_is_a_problem(exam_form, create_user, db):
    small = schedule(exam_form, "Small room", capacity=2)
    candidates = [create_user("candidate") for _ in range(3)]

    report = sessions.read_roster(small, "\n".join(c.email for c in candidates))

    assert report.problems == ["the list: 3 new candidates but 2 seats left (capacity 2)"]
    with pytest.raises(SessionError):
        sessions.enroll_roster(small, report, BY)
    assert db.session.scalars(db.select(Enrollment)).all() == []


def test_candidates_already_enrolled_are_listed_apart_and_left_as_they_are(exam_session, create_user, db):
    ann, ben = create_user("candidate"), create_user("candidate")
    sessions.enroll(exam_session, ann, BY, extra_minutes=10)

    report = sessions.read_roster(exam_session, f"{ann.email}\n{ben.email}\n")
    enrolled = sessions.enroll_roster(exam_session, report, BY)

    assert (report.already, report.ready) == ([ann.email], [ben])
    assert [e.candidate for e in enrolled] == [ben]
    assert db.session.scalar(db.select(Enrollment.extra_minutes).where(Enrollment.candidate_id == ann.id)) == 10


def test_a_list_for_a_closed_session_is_refused(proctored, create_user, db):
    candidate = create_user("candidate")
    proctoring.close_session(proctored, NOW, BY)

    report = sessions.read_roster(proctored, candidate.email)

    assert report.problems == ["Proctored sitting is closed: no one can be enrolled in it"]
    with pytest.raises(SessionError):
        sessions.enroll_roster(proctored, report, BY)
    assert proctored.enrollments == []


def test_a_full_session_refuses_another_candidate(exam_form, create_user):
    small = schedule(exam_form, "Small room", capacity=1)
    sessions.enroll(small, create_user("candidate"), BY)

    with pytest.raises(SessionError, match=r"Small room is full \(1 seats\)"):
        sessions.enroll(small, create_user("candidate"), BY)


def test_a_new_access_code_replaces_the_old_one(exam_session, create_user):
    candidate = create_user("candidate")
    sessions.enroll(exam_session, candidate, BY)

    code = sessions.regenerate_code(exam_session, BY)

    with pytest.raises(DeliveryError, match="not this session's"):
        delivery.join(exam_session, candidate.id, "SIT123", NOW, BY)
    assert delivery.join(exam_session, candidate.id, code.lower(), NOW, BY).status == "checked_in"


def test_a_closed_session_gets_no_new_access_code(proctored):
    proctoring.close_session(proctored, NOW, BY)

    with pytest.raises(SessionError, match="closed"):
        sessions.regenerate_code(proctored, BY)


def test_a_move_into_a_full_session_is_refused(seat, exam_form, create_user, db):
    full = schedule(exam_form, "Full room", closes_after=timedelta(hours=24), capacity=1)
    sessions.enroll(full, create_user("candidate"), BY)
    enrollment, now = seat(S.ENROLLED)

    outcome = proctoring.act(enrollment.session, [enrollment.id], "move", now, BY, reason="room change", target=full)

    assert outcome.done == []
    assert len(full.enrollments) <= full.capacity


# Incidents


def test_a_follow_up_points_at_the_incident_and_keeps_its_category_and_candidate(start_attempt, exam_session):
    enrollment = start_attempt().enrollment
    incident = incidents.record_incident(exam_session, "technical", "Screen froze", NOW, NOW, BY, enrollment)

    first = incidents.follow_up(incident, "Restarted; no time lost", NOW + minutes(1), BY)
    second = incidents.follow_up(first, "Candidate confirmed", NOW + minutes(2), BY)

    assert [(f.follows_id, f.category, f.enrollment_id) for f in (first, second)] == [
        (incident.id, "technical", enrollment.id)] * 2
    (listed,) = incidents.session_incidents(exam_session)
    assert listed == incident
    assert [f.description for f in listed.follow_ups] == ["Restarted; no time lost", "Candidate confirmed"]


def test_an_incident_is_never_edited(exam_session, db):
    incident = incidents.record_incident(exam_session, "conduct", "Talking", NOW, NOW, BY)

    incident.description = "Nothing happened"
    with pytest.raises(IncidentsAreNotEdited):
        db.session.flush()


def test_an_incident_cannot_have_happened_in_the_future(exam_session):
    with pytest.raises(IncidentError, match="future"):
        incidents.record_incident(exam_session, "environment", "Fire alarm", NOW + minutes(1), NOW, BY)


def test_an_incident_about_a_candidate_of_another_session_is_refused(start_attempt, evening):
    enrollment = start_attempt().enrollment

    with pytest.raises(IncidentError, match="not in this session"):
        incidents.record_incident(evening, "identity", "ID did not match", NOW, NOW, BY, enrollment)


# The session report


def test_the_report_lists_every_timing_change_with_who_why_and_the_deadlines(start_attempt, exam_session,
                                                                          create_user):
    attempt = start_attempt()
    by = Actor(create_user("proctor", name="Pat Proctor").id, "10.0.0.9")
    do(attempt, "pause", T0 + minutes(4), by=by, reason="fire alarm")
    do(attempt, "resume", T0 + minutes(10), by=by)
    do(attempt, "extend", T0 + minutes(11), by=by, reason="noise", minutes=5)
    do(attempt, "terminate", T0 + minutes(12), by=by, reason="used a phone")

    changes = reports.session_report(exam_session, T0 + minutes(13))["changes"]

    until = "in progress, part 1 until {} UTC".format
    assert [(c["what"], c["by"], c["reason"], c["before"], c["after"]) for c in changes] == [
        ("Paused", "Pat Proctor", "fire alarm", until("09:10:00"), "paused, part 1 until 09:10:00 UTC"),
        ("Resumed", "Pat Proctor", "", "paused, part 1 until 09:10:00 UTC", until("09:16:00")),
        ("Time extended +5 min", "Pat Proctor", "noise", until("09:16:00"), until("09:21:00")),
        ("Terminated", "Pat Proctor", "used a phone", until("09:21:00"), "terminated"),
    ]
    assert {c["candidate"] for c in changes} == {attempt.enrollment.candidate.name}


def test_the_report_shows_a_refused_action_and_why(start_attempt, exam_session):
    attempt = start_attempt()
    do(attempt, "terminate", T0 + minutes(1), reason="left the room")

    with pytest.raises(ActionRefused):
        do(attempt, "extend", T0 + minutes(2), reason="noise", minutes=5)

    refused = reports.session_report(exam_session, T0 + minutes(3))["changes"][-1]
    assert refused["what"] == "Action refused (extend)"
    assert refused["reason"] == "cannot extend the time of a candidate who is terminated."


# Every action written about a session, its enrolments and its attempts, by any area.
SESSION_ACTIONS = sorted(set(reports.TIMING_ACTIONS) | {
    "session.created", "session.updated", "session.enrolled", "session.results_released", "attempt.checked_in",
    "attempt.agreed", "attempt.started", "attempt.section_closed", "attempt.taken_over", "incident.recorded"})
ODD_DETAILS = [
    {},
    {"before": "OLD-CODE", "after": "NEW-CODE"},
    {"before": ["a", 1], "after": 3, "minutes": "five", "attempted": None, "reason": {"why": "nested"}},
    {"before": {"deadline": 5, "section": None}, "after": {"standing": None, "deadline": "2026"}, "minutes": True},
    {"before": {"standing": "in_progress", "section": 1}, "after": None, "reason": 7, "minutes": 2.5},
]


@pytest.mark.parametrize("action", SESSION_ACTIONS)
def test_the_report_opens_whatever_an_audit_entry_about_the_session_holds(start_attempt, exam_session,
                                                                          create_user, db, action):
    attempt = start_attempt()
    waiting = sessions.enroll(exam_session, create_user("candidate"), BY)
    for obj in (attempt, waiting, exam_session):
        for details in ODD_DETAILS:
            log.record(action, BY, obj, **details)
    # Not a shape the log writes, but one a row may hold.
    db.session.add(AuditEntry(action=action, object_type="attempts", object_id=str(attempt.id), origin="elsewhere",
                              details=["not", "an", "object"]))
    db.session.flush()

    report = reports.session_report(exam_session, NOW)
    reports.attendance_csv(report)
    events = reports.events_csv(report)
    reports.history(exam_session, attempt.enrollment)
    reports.history(exam_session, waiting)

    assert "OLD-CODE" not in events and "NEW-CODE" not in events
    if action in reports.TIMING_ACTIONS:
        assert {c["what"] for c in report["changes"]} >= {reports.TIMING_ACTIONS[action]}


def test_a_new_access_code_is_in_the_report_with_who_and_why_never_the_code(exam_session, create_user):
    by = Actor(create_user("proctor", name="Pat Proctor").id, "10.0.0.9")
    code = sessions.regenerate_code(exam_session, by, reason="Code seen on a phone")

    report = reports.session_report(exam_session, NOW)

    (change,) = report["changes"]
    assert (change["what"], change["by"], change["reason"], change["before"], change["after"]) == (
        "Access code changed", "Pat Proctor", "Code seen on a phone", "", "")
    events = reports.events_csv(report)
    assert "Access code changed" in events and code not in events and "SIT123" not in events


def test_the_attendance_csv_has_a_header_and_a_row_per_enrollment(start_attempt, exam_session, create_user):
    attempt = start_attempt(time_multiplier=1.5)
    absent = create_user("candidate")
    sessions.enroll(exam_session, absent, BY)

    text = reports.attendance_csv(reports.session_report(exam_session, NOW))

    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ("name,email,standing,accommodations,checked_in,started,finished,finish_reason,note,"
                                    "identity_document,identity_name,identity_checked,identity_checked_by,identity_note")
    assert [(r["email"], r["standing"], r["accommodations"], r["started"]) for r in rows] == [
        (attempt.enrollment.candidate.email, "In progress", "time ×1.5", "2026-06-01 09:00:00"),
        (absent.email, "Enrolled", "", ""),
    ]


def test_a_name_that_looks_like_a_formula_is_written_as_text(exam_session, create_user):
    candidate = create_user("candidate", name='=HYPERLINK("http://evil.example","x")')
    sessions.enroll(exam_session, candidate, BY)

    text = reports.attendance_csv(reports.session_report(exam_session, NOW))

    (row,) = csv.DictReader(io.StringIO(text))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","x")'


# The candidate's moves while the proctor holds the clock


def test_a_candidate_paused_by_the_proctor_cannot_finish_a_part_or_submit(seat):
    enrollment, _ = seat(S.PAUSED)
    attempt = enrollment.attempt

    with pytest.raises(DeliveryError, match="your proctor has paused the examination"):
        delivery.finish_section(attempt, 1, NOW, BY)

    assert (attempt.status, attempt.current_position) == ("paused", 1)
    do(attempt, "terminate", NOW, reason="left the room")  # the proctor's move still applies
    assert attempt.status == "terminated"


def test_a_pause_is_credited_to_the_part_it_was_taken_from(seat):
    enrollment, _ = seat(S.PAUSED)  # paused one minute into Part One (10 minutes)
    attempt = enrollment.attempt
    do(attempt, "resume", T0 + minutes(6))

    delivery.finish_section(attempt, 1, T0 + minutes(7), BY)

    part_one, part_two = attempt.sections
    assert (part_one.paused_seconds, part_two.paused_seconds) == (5 * 60, 0)
    assert part_two.deadline_at == T0 + minutes(7 + 20)
