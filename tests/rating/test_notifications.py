"""What rating mails: each rater one message per assignment with the
responses it gave them (by anonymous code), and reminders of overdue ratings
on the due date and a week later, each once."""

from datetime import timedelta

import pytest

from rating import assignment, notifications
from tests.exam_fixtures import BY, T0
from tests.outbox_reading import links, queued
from tests.rating.test_rating_service import rate, two_raters

pytestmark = pytest.mark.built_once


def test_an_automatic_assignment_sends_each_rater_one_message_listing_their_responses(
    app, sit, raters, exam_form, db
):
    attempts = [sit(), sit(), sit()]
    assignment.assign_automatically(exam_form, T0, BY)
    db.session.rollback()
    assert queued("rating.assigned") == []

    assigned = assignment.assign_automatically(exam_form, T0, BY)

    messages = queued("rating.assigned")
    assert sorted(message.to_address for message in messages) == sorted(rater.email for rater in raters)
    for message in messages:
        theirs = [rating for rating in assigned.ratings if rating.rater.email == message.to_address]
        assert message.subject == f"{len(theirs)} responses to rate, due 2026-06-08"
        assert all(f"- {rating.case.code}, due 2026-06-08 09:00 UTC" in message.text_body for rating in theirs)
        assert message.reason == "you rate written responses in Attest"
        assert links(app, message) == [("rating.dashboard", {})]
    for attempt in attempts:
        candidate = attempt.enrollment.candidate
        assert not any(candidate.email in message.text_body or candidate.name in message.text_body
                       for message in messages)


def test_assigning_by_hand_and_an_adjudicator_each_tell_their_rater(sit, raters):
    attempt = sit()
    first, second = two_raters(attempt, raters)
    assert [message.to_address for message in queued("rating.assigned")] == [raters[0].email, raters[1].email]
    assert queued("rating.assigned")[0].subject == "1 response to rate, due 2026-06-08"

    rate(first, 3, 3)
    rate(second, 0, 0)

    adjudicator = queued("rating.assigned")[-1]
    assert adjudicator.to_address == raters[2].email
    assert "(as adjudicator: the first ratings disagree)" in adjudicator.text_body


def test_overdue_reminders_go_on_the_due_date_and_a_week_later_each_once(app, sit, raters, db):
    first, second = two_raters(sit(), raters)
    third, _ = two_raters(sit(), raters)
    rate(second, 3, 3)
    due = first.due_at

    reminded = [len(notifications.remind_overdue(due + timedelta(days=days)))
                for days in (-1, 0.1, 0.5, 6.9, 7.1, 8, 30)]

    assert reminded == [0, 3, 0, 0, 3, 0, 0]
    messages = queued("rating.overdue")
    assert [message.to_address for message in messages] == [raters[0].email, raters[1].email] * 2
    late = messages[0]
    assert late.subject == "Overdue: 2 ratings waiting since 2026-06-08"
    assert f"- {first.case.code}, due 2026-06-08 09:00 UTC" in late.text_body
    assert f"- {third.case.code}, due 2026-06-08 09:00 UTC" in late.text_body
    assert links(app, late) == [("rating.dashboard", {})]
    assert messages[1].subject == "Overdue: 1 rating waiting since 2026-06-08"


def test_a_run_that_missed_the_due_date_sends_only_the_week_late_reminder(sit, raters):
    first, _ = two_raters(sit(), raters)

    assert len(notifications.remind_overdue(first.due_at + timedelta(days=9))) == 2
    assert notifications.remind_overdue(first.due_at + timedelta(days=10)) == []


def test_remind_overdue_from_cron_twice_sends_once(sit, raters, runner, time_machine):
    two_raters(sit(), raters)
    time_machine.move_to(T0 + timedelta(days=7, hours=1), tick=False)

    first = runner.invoke(args=["rating", "remind-overdue"])
    second = runner.invoke(args=["rating", "remind-overdue"])

    assert first.exit_code == 0 and "2 overdue rating(s) reminded of." in first.output
    assert second.exit_code == 0 and "0 overdue rating(s) reminded of." in second.output
    assert len(queued("rating.overdue")) == 2
