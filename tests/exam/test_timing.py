"""Deadline arithmetic: accommodations, pauses, extensions, grace, and finishing overdue attempts."""

from datetime import timedelta

import pytest

from exam import delivery, proctoring, saving
from exam.delivery import DeliveryError
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once


def minutes(n):
    return timedelta(minutes=n)


def test_the_first_section_deadline_is_start_plus_its_limit(start_attempt):
    attempt = start_attempt()

    assert attempt.status == "in_progress"
    assert attempt.sections[0].started_at == T0
    assert attempt.sections[0].deadline_at == T0 + minutes(10)
    assert attempt.sections[1].deadline_at is None


@pytest.mark.parametrize("accommodation, expected", [
    ({"time_multiplier": 1.5}, 15),
    ({"extra_minutes": 5}, 15),
    ({"time_multiplier": 2.0, "extra_minutes": 3}, 23),
])
def test_accommodations_lengthen_every_section(start_attempt, accommodation, expected):
    attempt = start_attempt(**accommodation)

    assert attempt.sections[0].deadline_at == T0 + minutes(expected)


def test_a_pause_stops_the_clock_and_moves_the_deadline(start_attempt):
    attempt = start_attempt()
    proctoring.apply(attempt.enrollment, "pause", T0 + minutes(4), BY)

    delivery.settle(attempt, T0 + minutes(30), BY)
    assert attempt.status == "paused"  # no time runs out while paused
    proctoring.apply(attempt.enrollment, "resume", T0 + minutes(30), BY)

    assert attempt.sections[0].deadline_at == T0 + minutes(36)
    assert attempt.sections[0].paused_seconds == 26 * 60


def test_an_extension_moves_the_deadline_and_is_audited(start_attempt, db):
    attempt = start_attempt()

    proctoring.apply(attempt.enrollment, "extend", T0 + minutes(1), BY, reason="fire alarm", minutes=7)

    assert attempt.sections[0].deadline_at == T0 + minutes(17)


def test_saves_within_the_grace_period_count_and_later_ones_are_refused(start_attempt):
    attempt = start_attempt()
    response = attempt.responses[0]
    option = response.option_order[0]

    in_grace = saving.save(attempt, [{"seq": 1, "response": response.id, "field": "answer", "value": {"option": option}}],
                           "tab", T0 + minutes(10) + timedelta(seconds=29), BY)
    late = saving.save(attempt, [{"seq": 2, "response": response.id, "field": "flag", "value": True}],
                       "tab", T0 + minutes(10) + timedelta(seconds=31), BY)

    assert in_grace[0].status == "saved"
    assert late[0].status == "refused"
    assert response.answer == {"option": option} and response.flagged is False


def test_when_a_section_runs_out_the_next_starts_at_its_deadline(start_attempt):
    attempt = start_attempt()

    delivery.settle(attempt, T0 + minutes(11), BY)

    assert attempt.sections[0].closed_at == T0 + minutes(10)
    assert attempt.current_position == 2
    assert attempt.sections[1].started_at == T0 + minutes(10)
    assert attempt.sections[1].deadline_at == T0 + minutes(30)


def test_an_attempt_left_open_finishes_at_its_last_deadline_with_its_answers(start_attempt, runner, db, time_machine):
    attempt = start_attempt()
    response = attempt.responses[0]
    saving.save(attempt, [{"seq": 1, "response": response.id, "field": "answer",
                           "value": {"option": response.option_order[1]}}], "tab", T0 + minutes(1), BY)
    db.session.commit()
    time_machine.move_to(T0 + timedelta(hours=5), tick=False)

    result = runner.invoke(args=["exam", "finish-overdue"])

    db.session.refresh(attempt)
    assert result.exit_code == 0 and "1 overdue attempt(s) finished." in result.output
    assert (attempt.status, attempt.finish_reason) == ("submitted", "time")
    assert attempt.finished_at == T0 + minutes(30)
    assert db.session.get(type(response), response.id).answer == {"option": response.option_order[1]}
    assert "0 overdue attempt(s) finished." in runner.invoke(args=["exam", "finish-overdue"]).output


def test_finishing_a_section_early_starts_the_next_now(start_attempt):
    attempt = start_attempt()

    delivery.finish_section(attempt, 1, T0 + minutes(3), BY)

    assert attempt.sections[0].closed_at == T0 + minutes(3)
    assert attempt.sections[1].deadline_at == T0 + minutes(23)
    with pytest.raises(DeliveryError, match="already closed"):
        delivery.finish_section(attempt, 1, T0 + minutes(4), BY)


def test_finishing_the_last_section_submits(start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, T0 + minutes(3), BY)

    delivery.finish_section(attempt, 2, T0 + minutes(5), BY)

    assert (attempt.status, attempt.finished_at, attempt.finish_reason) == ("submitted", T0 + minutes(5), "submitted")


def test_joining_needs_the_code_the_window_and_an_enrolment(exam_session, create_user, db):
    from exam import sessions

    candidate = create_user("candidate")
    with pytest.raises(DeliveryError, match="not enrolled"):
        delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    sessions.enroll(exam_session, candidate, BY)
    with pytest.raises(DeliveryError, match="not this session's"):
        delivery.join(exam_session, candidate.id, "WRONG", T0, BY)
    with pytest.raises(DeliveryError, match="can be joined from"):
        delivery.join(exam_session, candidate.id, "SIT123", T0 + timedelta(days=1), BY)

    assert delivery.join(exam_session, candidate.id, " sit123 ", T0, BY).status == "checked_in"


def test_options_are_shuffled_per_candidate_and_the_order_is_kept(start_attempt, exam_form):
    orders = {tuple(start_attempt().responses[0].option_order) for _ in range(12)}
    assert len(orders) > 1

    attempt = start_attempt()
    assert attempt.responses[0].option_order == attempt.responses[0].option_order  # stored, not recomputed
    vignettes = [r for r in attempt.responses if r.option_order is None]
    assert len(vignettes) == 2
