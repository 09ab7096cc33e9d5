"""What an application's moves mail: coordinators hear of a submission, the
candidate of a request for more information, approval, the endorsement and
the renewal reminders; each message only if its action commits, each
reminder once."""

from datetime import timedelta

import pytest

from audit.log import Actor
from competencies import portfolio, record, renewal, review
from competencies.rules import add_months
from tests.competencies.conftest import TODAY, fill
from tests.exam_fixtures import T0
from tests.outbox_reading import PUBLIC_URL, links, queued

MENTOR = "Infant Mental Health Mentor"


def by(user):
    return Actor(user.id, "tests")


@pytest.fixture
def coordinators(create_user):
    return [create_user("coordinator", name=name) for name in ("Cora", "Cole")]


@pytest.fixture
def filled(application, db):
    return fill(application, db)


@pytest.fixture
def submitted(filled, db, candidate, coordinators):
    portfolio.submit(filled, by(candidate), T0, TODAY)
    db.session.commit()
    return filled


@pytest.fixture
def in_review(submitted, coordinators, db):
    for coordinator in coordinators:
        for kind, _ in review.reviewable(submitted):
            review.decide(submitted, kind, "met", "", by(coordinator), T0)
    db.session.commit()
    return submitted


@pytest.fixture
def endorsed(in_review, coordinators, db, monkeypatch):
    review.approve(in_review, "", by(coordinators[0]), T0)
    monkeypatch.setattr("competencies.written_exam.standing", lambda candidate_id: record.written_exam.Standing("pass"))
    review.endorse(in_review, by(coordinators[0]), TODAY)
    db.session.commit()
    return in_review


def test_a_submission_tells_every_active_coordinator_and_admin_only_when_it_commits(
    app, filled, candidate, coordinators, create_user, db
):
    admin = create_user("admin", name="Ada")
    create_user("coordinator").active = False
    db.session.commit()
    portfolio.submit(filled, by(candidate), T0, TODAY)
    db.session.rollback()
    assert queued("application.submitted") == []

    portfolio.submit(filled, by(candidate), T0, TODAY)

    messages = queued("application.submitted")
    assert sorted(message.to_address for message in messages) == sorted(
        person.email for person in (*coordinators, admin))
    message = messages[0]
    assert message.subject == f"Application submitted: Casey Candidate, {MENTOR}"
    assert "Casey Candidate submitted an application for the Infant Mental Health Mentor endorsement" in (
        message.text_body)
    assert "2026-06-01 09:00 UTC" in message.text_body
    assert "you review endorsement applications as a coordinator" in message.reason
    assert links(app, message) == [("review.application", {"application_id": filled.id})]


def test_a_request_for_more_information_tells_the_candidate_what_to_add_and_the_resubmission_says_so(
    app, submitted, candidate, coordinators, db
):
    review.request_information(submitted, "Upload the transcript of your certificate.", by(coordinators[0]), T0)
    db.session.rollback()
    assert queued("application.more_information") == []

    review.request_information(submitted, "Upload the transcript of your certificate.", by(coordinators[0]), T0)

    (message,) = queued("application.more_information")
    assert (message.to_address, message.to_user_id) == (candidate.email, candidate.id)
    assert message.subject == f"More information is needed for your {MENTOR} application"
    assert "Upload the transcript of your certificate." in message.text_body
    assert "then submit it again" in message.text_body
    assert links(app, message) == [("portfolio.application", {"application_id": submitted.id})]

    portfolio.submit(submitted, by(candidate), T0, TODAY)
    again = queued("application.submitted")[-1]
    assert again.subject.startswith("Application resubmitted:") and "again" in again.text_body


def test_approval_tells_the_candidate_they_may_sit_the_exam_and_how_they_will_be_enrolled(
    app, in_review, candidate, coordinators, db
):
    review.approve(in_review, "Welcome to the exam.", by(coordinators[0]), T0)
    db.session.rollback()
    assert queued("application.approved") == []

    review.approve(in_review, "Welcome to the exam.", by(coordinators[0]), T0)

    (message,) = queued("application.approved")
    assert message.to_address == candidate.email
    assert message.subject == f"Approved to sit the {MENTOR} written examination"
    assert "Welcome to the exam." in message.text_body and "enrolled in an exam session" in message.text_body
    assert links(app, message) == [("portfolio.application", {"application_id": in_review.id})]


def test_the_endorsement_tells_the_candidate_its_number_and_renewal_date(app, endorsed, candidate):
    (message,) = queued("application.endorsed")

    number = endorsed.endorsement_number
    assert message.to_address == candidate.email
    assert message.subject == f"Your {MENTOR} endorsement is issued: {number}"
    assert f"Endorsement number: {number}" in message.text_body
    assert f"Renewal due: {endorsed.renewal_due.isoformat()}" in message.text_body
    assert links(app, message) == [("portfolio.competency_record", {"application_id": endorsed.id})]


def test_a_refused_endorsement_mails_nothing(in_review, coordinators, db):
    review.approve(in_review, "", by(coordinators[0]), T0)
    with pytest.raises(review.ReviewRefused):
        review.endorse(in_review, by(coordinators[0]), TODAY)

    assert queued("application.endorsed") == []



def test_renewal_reminders_go_at_sixty_and_thirty_days_each_once_and_again_for_the_next_renewal(
    app, endorsed, candidate, coordinators
):
    due = endorsed.renewal_due
    sent = [len(renewal.remind(due - timedelta(days=days), T0)) for days in (61, 60, 60, 45, 31, 30, 30, 29, 1, 0)]
    assert sent == [0, 1, 0, 0, 0, 1, 0, 0, 0, 0]

    sixty, thirty = queued("application.renewal_due")
    assert sixty.subject == f"Your {MENTOR} endorsement is due for renewal in 60 days"
    assert thirty.subject == f"Your {MENTOR} endorsement is due for renewal in 30 days"
    assert thirty.to_address == candidate.email
    assert f"due for renewal on {due.isoformat()}, in 30 days" in thirty.text_body
    assert "Training hours this year: not met: 0 of 15 hours logged" in thirty.text_body
    assert "you hold the Infant Mental Health Mentor endorsement" in thirty.reason
    assert links(app, thirty) == [("portfolio.application", {"application_id": endorsed.id})]

    endorsed.renewal_due = add_months(due, 12)  # renewed: next year's renewal is reminded afresh
    assert len(renewal.remind(endorsed.renewal_due - timedelta(days=60), T0)) == 1


def test_a_run_that_missed_the_sixty_day_reminder_sends_only_the_thirty_day_one(endorsed):
    due = endorsed.renewal_due

    assert len(renewal.remind(due - timedelta(days=20), T0)) == 1
    assert len(renewal.remind(due - timedelta(days=19), T0)) == 0
    assert [message.subject for message in queued("application.renewal_due")] == [
        f"Your {MENTOR} endorsement is due for renewal in 20 days"]


def test_remind_renewals_from_cron_twice_sends_once(endorsed, runner, time_machine):
    time_machine.move_to(T0.replace(year=T0.year + 1) - timedelta(days=59), tick=False)

    first = runner.invoke(args=["portfolio", "remind-renewals"])
    second = runner.invoke(args=["portfolio", "remind-renewals"])

    assert first.exit_code == 0 and "1 renewal reminder(s) queued." in first.output
    assert second.exit_code == 0 and "0 renewal reminder(s) queued." in second.output
    (message,) = queued("application.renewal_due")
    assert message.text_body.count(f"{PUBLIC_URL}/portfolio/{endorsed.id}") == 1
