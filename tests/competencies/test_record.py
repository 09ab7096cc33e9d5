"""The competency record's written examination line and renewal, read from
the database: a released fail told with its release day, and a renewal "due
on" its date until that date comes."""

from datetime import timedelta

from audit.log import Actor
from competencies import portfolio, record, written_exam
from competencies.models import ApplicationStatus
from results import release
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0


def test_a_released_fail_reads_as_released_on_the_candidate_s_record(sit, exam_session, client, db, domains):
    attempt = sit(right=0, text=None)  # nothing right, the vignette blank: a fail, final without raters
    release.release(exam_session, T0 + timedelta(days=3), BY)
    candidate = attempt.enrollment.candidate
    with client.application.test_request_context():
        application = portfolio.start(candidate.id, "mentor", "clinical", Actor(candidate.id, "tests"))
    db.session.commit()

    assert written_exam.standing(candidate.id).sentence == f"Not passed (released {(T0 + timedelta(days=3)):%-d %b %Y})"
    assert sign_in(client, candidate.email).status_code == 302
    body = client.get(f"/portfolio/{application.id}/record").get_data(as_text=True)
    assert f"Written examination: Not passed (released {(T0 + timedelta(days=3)):%-d %b %Y})" in body
    assert "not released yet" not in body


def test_a_later_attempt_waiting_for_release_keeps_the_earlier_released_fail_in_view():
    waiting = written_exam.Standing("pending", failed_on=T0.date())

    assert waiting.sentence == f"Taken, result not released yet; an earlier attempt not passed (released {T0:%-d %b %Y})"


def endorsed_on(application, today):
    application.status = ApplicationStatus.ENDORSED.value
    application.endorsed_on, application.renewal_due = today, today.replace(year=today.year + 1)


def test_the_renewal_is_due_on_its_date_from_the_day_of_issue_then_met_not_met_or_overdue(application, db):
    today = T0.date()
    endorsed_on(application, today)
    due = application.renewal_due

    on_issue = record.competency_record(application, today).renewal
    assert {line.label for line in on_issue} == {f"Due on {due:%-d %b %Y}"}
    assert {line.state for line in record.competency_record(application, due).renewal} == {"not_met"}
    assert {line.label for line in record.competency_record(application, due + timedelta(days=1)).renewal} == {
        f"Overdue since {due:%-d %b %Y}"}


def test_the_coordinator_s_page_shows_the_renewal_due_on_its_date_not_unmet(application, client, login_as, db,
                                                                            time_machine):
    time_machine.move_to(T0, tick=False)
    endorsed_on(application, T0.date())
    db.session.commit()
    login_as("coordinator")

    body = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert f"Due on {application.renewal_due:%-d %b %Y}" in body
    renewal = body[body.index("Renewal due"):]
    assert "Not met" not in renewal[:renewal.index("Renew for a year")]
