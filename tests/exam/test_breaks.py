"""The break between two parts of a form: when it starts, when the next part's clock starts,
what is refused during it, and how a proctor's pause and extension and a candidate's
accommodations meet it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from audit.models import AuditEntry
from exam import board, delivery, presentation, proctoring, saving
from exam.codes import SaveCode, StateCode
from exam.delivery import DeliveryError
from exam.proctoring import Standing
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once


def minutes(n):
    return timedelta(minutes=n)


@pytest.fixture
def with_break(exam_form, db):
    """The exam form (Part One 10 min, Part Two 20 min) with a 15-minute break between its parts."""
    exam_form.break_minutes = 15
    db.session.commit()
    return exam_form


def audited(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def save_to(attempt, position, seq, at, field="flag", value=True):
    response = attempt.responses[position - 1]
    return saving.save(attempt, [{"seq": seq, "response": response.id, "field": field, "value": value}], "tab", at, BY)


def test_finishing_part_one_starts_the_break_and_not_part_twos_clock(with_break, start_attempt, db):
    attempt = start_attempt()

    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    part_two = attempt.sections[1]
    assert attempt.current_position == 2 and attempt.on_break
    assert part_two.started_at is None and part_two.deadline_at is None
    assert part_two.break_ends_at == T0 + minutes(19)
    state = presentation.state(attempt, T0 + minutes(5), "tab")
    assert state["code"] == StateCode.ON_BREAK
    assert state["break_seconds_left"] == 14 * 60 and state["seconds_left"] is None and state["deadline"] is None
    assert [entry.details["ends_at"] for entry in audited(db, "attempt.break_started")] == [
        (T0 + minutes(19)).isoformat()]


def test_continuing_starts_part_two_now_with_its_full_time(with_break, start_attempt, db):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    delivery.end_break(attempt, 2, T0 + minutes(7), BY)

    assert not attempt.on_break
    assert attempt.sections[1].started_at == T0 + minutes(7)
    assert attempt.sections[1].deadline_at == T0 + minutes(27)
    state = presentation.state(attempt, T0 + minutes(7), "tab")
    assert state["code"] == StateCode.IN_PROGRESS and state["seconds_left"] == 20 * 60
    assert [entry.details["reason"] for entry in audited(db, "attempt.break_ended")] == ["candidate"]


def test_a_break_that_ran_out_while_the_candidate_was_away_started_part_two_at_its_end(with_break, start_attempt, db):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    delivery.settle(attempt, T0 + minutes(30), BY)  # the laptop opens again 11 minutes after the break ended

    assert attempt.sections[1].started_at == T0 + minutes(19)
    assert presentation.state(attempt, T0 + minutes(30), "tab")["seconds_left"] == 9 * 60
    assert [entry.details["reason"] for entry in audited(db, "attempt.break_ended")] == ["time"]
    delivery.end_break(attempt, 2, T0 + minutes(30), BY)  # a Continue sent from the old page changes nothing
    assert attempt.sections[1].started_at == T0 + minutes(19)


def test_away_past_the_break_and_part_two_the_attempt_is_submitted_at_part_twos_deadline(with_break, start_attempt):
    attempt = start_attempt()

    delivery.settle(attempt, T0 + minutes(90), BY)

    # Part One ran out at 10, the break at 25, Part Two at 45.
    assert attempt.sections[1].break_ends_at == T0 + minutes(25)
    assert attempt.status == "submitted" and attempt.finished_at == T0 + minutes(45)


def test_saves_to_part_two_during_the_break_are_refused_with_a_code(with_break, start_attempt, db):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    (to_part_two,) = save_to(attempt, 4, 1, T0 + minutes(5), "choose", True)
    (to_part_one,) = save_to(attempt, 1, 2, T0 + minutes(5))

    assert to_part_two.code == SaveCode.ON_BREAK and to_part_two.status == "refused"
    assert to_part_one.code == SaveCode.SECTION_CLOSED
    assert not attempt.responses[3].chosen and not attempt.responses[0].flagged
    with pytest.raises(DeliveryError, match="you are on a break"):
        delivery.finish_section(attempt, 2, T0 + minutes(5), BY)
    assert attempt.on_break


def test_without_a_break_finishing_part_one_starts_part_two_at_once(start_attempt, exam_form):
    assert exam_form.break_minutes == 0
    attempt = start_attempt()

    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    assert attempt.sections[1].started_at == T0 + minutes(4) and attempt.sections[1].break_ends_at is None
    assert presentation.state(attempt, T0 + minutes(4), "tab")["code"] == StateCode.IN_PROGRESS


def test_a_part_that_runs_out_starts_the_break_at_its_deadline(with_break, start_attempt):
    attempt = start_attempt()

    delivery.settle(attempt, T0 + minutes(11), BY)

    assert attempt.sections[0].closed_at == T0 + minutes(10)
    assert attempt.on_break and attempt.sections[1].break_ends_at == T0 + minutes(25)


def test_accommodations_stretch_the_parts_and_not_the_break(with_break, start_attempt):
    attempt = start_attempt(time_multiplier=1.5, extra_minutes=2)
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    assert attempt.sections[1].break_ends_at == T0 + minutes(19)
    delivery.end_break(attempt, 2, T0 + minutes(5), BY)
    assert attempt.sections[1].deadline_at == T0 + minutes(5 + 30 + 2)


def test_a_proctors_pause_during_the_break_holds_the_break_not_part_two(with_break, start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)  # the break would end at 19
    proctoring.apply(attempt.enrollment, "pause", T0 + minutes(10), BY)

    delivery.settle(attempt, T0 + minutes(40), BY)
    assert attempt.on_break  # no break runs out while paused
    assert presentation.state(attempt, T0 + minutes(40), "tab")["break_seconds_left"] == 9 * 60
    with pytest.raises(DeliveryError, match="paused"):
        delivery.end_break(attempt, 2, T0 + minutes(40), BY)
    proctoring.apply(attempt.enrollment, "resume", T0 + minutes(40), BY)

    assert attempt.sections[1].break_ends_at == T0 + minutes(49)
    delivery.settle(attempt, T0 + minutes(50), BY)
    assert attempt.sections[1].started_at == T0 + minutes(49)
    assert attempt.sections[1].paused_seconds == 0 and attempt.sections[1].deadline_at == T0 + minutes(69)


def test_extra_time_given_during_the_break_goes_to_part_two(with_break, start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    proctoring.apply(attempt.enrollment, "extend", T0 + minutes(5), BY, reason="late start", minutes=5)

    assert attempt.sections[1].break_ends_at == T0 + minutes(19)
    delivery.end_break(attempt, 2, T0 + minutes(6), BY)
    assert attempt.sections[1].deadline_at == T0 + minutes(6 + 20 + 5)


def test_the_board_shows_a_candidate_on_break_and_starts_part_two_when_the_break_ends(
        with_break, start_attempt, exam_session):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)

    (on_break,) = board.rows(exam_session, T0 + minutes(5), BY)
    (after,) = board.rows(exam_session, T0 + minutes(20), BY)

    assert on_break["standing"] == Standing.ON_BREAK and on_break["label"] == "On break"
    assert after["standing"] == Standing.IN_PROGRESS and after["section"] == "2 of 2"
    assert after["seconds_left"] == 19 * 60


def test_the_break_page_counts_down_and_continue_opens_part_two(with_break, start_attempt, client, time_machine):
    time_machine.move_to(T0 + minutes(4), tick=False)
    attempt = start_attempt()
    sign_in(client, attempt.enrollment.candidate.email)
    client.post(f"/exam/attempts/{attempt.id}/sections/1/finish")

    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)
    assert "Break: up to 15 minutes. Part Two starts when you continue or when the break ends." in page
    assert 'data-seconds-left="900"' in page and "Question 1 of" not in page
    assert client.get(f"/exam/attempts/{attempt.id}/review").headers["Location"] == f"/exam/attempts/{attempt.id}"

    time_machine.shift(minutes(3))
    continued = client.post(f"/exam/attempts/{attempt.id}/sections/2/start")
    assert continued.headers["Location"] == f"/exam/attempts/{attempt.id}"
    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)
    assert "Part Two" in page and 'data-seconds-left="1200"' in page


def test_continue_while_paused_says_why_and_keeps_the_break(with_break, start_attempt, client, db, time_machine):
    time_machine.move_to(T0 + minutes(4), tick=False)
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(4), BY)
    proctoring.apply(attempt.enrollment, "pause", T0 + minutes(4), BY)
    db.session.commit()
    sign_in(client, attempt.enrollment.candidate.email)

    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)
    assert "Paused by proctor. The break's clock has stopped" in page and "Continue to" not in page
    refused = client.post(f"/exam/attempts/{attempt.id}/sections/2/start", follow_redirects=True)
    assert "You cannot start the next part: your proctor has paused the examination." in refused.get_data(
        as_text=True)
