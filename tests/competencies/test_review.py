"""The coordinator's review: one form for all of a reviewer's decisions (all
saved or none), reviews assigned with a due date, the status action chosen
deliberately and what its message says, and staff pages and the printed
record speaking about the candidate, not to them."""

import re
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from audit.log import Actor
from audit.models import AuditEntry
from competencies import portfolio, review, written_exam
from competencies.models import Application, ApplicationStatus, RequirementDecision
from competencies.review import ReviewRefused
from tests.competencies.conftest import TODAY, fill, mailed
from tests.competencies.test_pdf import page_text
from tests.competencies.test_views import browser, page, reload
from tests.conftest import sign_in
from tests.exam_fixtures import T0

REVIEWED = ("education", "training", "work_experience", "reflective_supervision", "references", "ethics",
            "membership")


def by(user):
    return Actor(user.id, "tests")


def all_met(**overrides):
    return {kind: overrides.get(kind, ("met", "")) for kind in REVIEWED}


def rows(db, application):
    db.session.expire_all()
    return {(row.reviewer_id, row.requirement): row.decision
            for row in db.session.scalars(select(RequirementDecision)
                                          .where(RequirementDecision.application_id == application.id))}


def audited(application, action):
    return [entry for entry in AuditEntry.query.filter_by(object_type="applications", object_id=str(application.id))
            if entry.action == action]


@pytest.fixture
def submitted(application, db, candidate):
    fill(application, db)
    portfolio.submit(application, by(candidate), T0, TODAY)
    db.session.commit()
    return application


# One form per reviewer -------------------------------------------------------

def test_one_call_records_every_decision_audited_each_and_again_changes_nothing(submitted, coordinators, db):
    first = coordinators[0]

    changed = review.record_decisions(submitted, all_met(training=("not_met", "Two entries are lectures.")),
                                      by(first), T0)

    assert len(changed) == 7 and submitted.state == ApplicationStatus.IN_REVIEW
    assert rows(db, submitted)[(first.id, "training")] == "not_met"
    assert len(audited(submitted, "review.decide")) == 7
    assert review.record_decisions(submitted, all_met(training=("not_met", "Two entries are lectures.")),
                                   by(first), T0) == []
    assert len(audited(submitted, "review.decide")) == 7


def test_a_bad_value_refuses_every_decision_naming_the_requirement(submitted, coordinators, db):
    with pytest.raises(ReviewRefused) as refused:
        review.record_decisions(submitted, all_met(training=("maybe", ""), ethics=("not_met", "")),
                                by(coordinators[0]), T0)

    assert "Training: decision: 'maybe' is neither met nor not met" in str(refused.value)
    assert "Code of ethics and endorsement agreement: say what is not met" in str(refused.value)
    assert rows(db, submitted) == {} and submitted.state == ApplicationStatus.SUBMITTED


def test_the_candidate_cannot_review_their_own_application(submitted, candidate):
    with pytest.raises(ReviewRefused, match="you cannot review your own application"):
        review.record_decisions(submitted, all_met(), by(candidate), T0)


def test_not_yet_reviewed_withdraws_a_decision_until_the_consensus_is_recorded(submitted, coordinators, db):
    first, second, third = coordinators
    review.record_decisions(submitted, all_met(), by(first), T0)

    review.record_decisions(submitted, {"education": ("", "")}, by(first), T0)

    assert (first.id, "education") not in rows(db, submitted)
    assert audited(submitted, "review.decide")[-1].details["after"] is None
    review.record_decisions(submitted, all_met(), by(first), T0)
    review.record_decisions(submitted, all_met(training=("not_met", "Lectures.")), by(second), T0)
    review.record_consensus(submitted, "training", "met", "Enough hours without the lectures.", by(third), T0)
    with pytest.raises(ReviewRefused, match="Training: the consensus is recorded"):
        review.record_decisions(submitted, {"training": ("", "")}, by(second), T0)
    with pytest.raises(ReviewRefused, match="Education: two reviewers have decided already"):
        review.record_decisions(submitted, {"education": ("met", "")}, by(third), T0)


def test_the_page_has_one_form_with_a_fieldset_per_requirement_saved_in_one_post(submitted, coordinators, client,
                                                                                 db):
    first = coordinators[0]
    assert sign_in(client, first.email).status_code == 302
    body = page(client.get(f"/applications/{submitted.id}"))
    assert body.count('<fieldset class="decision-fieldset"') == 7 and body.count("Save my decisions") == 1
    assert "<legend>Training</legend>" in body
    assert len(re.findall(r'<input checked id="review-decision_\w+-2"[^>]*value="">', body)) == 7  # not yet reviewed

    data = {f"review-decision_{kind}": "met" for kind in REVIEWED}
    data.update({"review-decision_ethics": "not_met", "review-note_ethics": "Signed an older version."})
    saved = client.post(f"/applications/{submitted.id}/decide", data=data, follow_redirects=True)

    assert "Saved your decisions on Education, Training" in page(saved)
    assert list(rows(db, submitted).values()).count("met") == 6
    again = page(client.get(f"/applications/{submitted.id}"))
    assert '<input checked id="review-decision_ethics-1"' in again
    assert "Signed an older version.</textarea>" in again


def test_a_bad_value_in_the_post_saves_nothing_and_names_the_requirement(submitted, coordinators, client, db):
    assert sign_in(client, coordinators[0].email).status_code == 302
    data = {f"review-decision_{kind}": "met" for kind in REVIEWED} | {"review-decision_training": "perhaps"}

    refused = client.post(f"/applications/{submitted.id}/decide", data=data)

    assert refused.status_code == 400
    assert "Nothing saved: Training: decision: &#39;perhaps&#39; is neither met nor not met." in page(refused)
    assert rows(db, submitted) == {}


def test_the_own_application_is_refused_over_http_too(submitted, create_user, app, db):
    coordinator_candidate = create_user("coordinator", "candidate")
    submitted.candidate_id = coordinator_candidate.id
    db.session.commit()
    client = browser(app, coordinator_candidate)

    refused = client.post(f"/applications/{submitted.id}/decide", data={"review-decision_education": "met"})

    assert refused.status_code == 400 and "you cannot review your own application" in page(refused)
    assert rows(db, submitted) == {}


# The status action and its message -------------------------------------------

def decided_by_two(application, coordinators):
    for coordinator in coordinators[:2]:
        review.record_decisions(application, all_met(), by(coordinator), T0)


def test_no_status_action_is_chosen_for_the_coordinator(submitted, coordinators, client, db):
    decided_by_two(submitted, coordinators)
    db.session.commit()
    assert sign_in(client, coordinators[0].email).status_code == 302
    body = page(client.get(f"/applications/{submitted.id}"))
    action = re.search(r'<select id="status-action".*?</select>', body).group(0)
    assert action.startswith('<select id="status-action" name="status-action" required><option value="">Choose an '
                             'action</option>') and "selected" not in action

    refused = client.post(f"/applications/{submitted.id}/status", data={"status-body": "Fine."})

    assert refused.status_code == 400 and "Choose an action." in page(refused)
    assert reload(db, Application, submitted.id).state == ApplicationStatus.IN_REVIEW


@pytest.mark.parametrize("outcome, message", [
    (None, "Approved to sit the examination. The candidate is told."),
    ("pass", "Approved to sit the examination. The candidate&#39;s exam result was already released (pass), so the "
             "application is now Exam passed."),
])
def test_approving_says_what_happened(submitted, coordinators, client, db, monkeypatch, outcome, message):
    decided_by_two(submitted, coordinators)
    db.session.commit()
    monkeypatch.setattr(written_exam, "standing", lambda candidate_id: written_exam.Standing(outcome))
    assert sign_in(client, coordinators[0].email).status_code == 302

    approved = client.post(f"/applications/{submitted.id}/status", data={"status-action": "approve"},
                           follow_redirects=True)

    assert message in page(approved) and "the application is now exam passed" not in page(approved)


# Assignment ------------------------------------------------------------------

def test_a_coordinator_assigns_the_review_and_the_assignee_is_mailed(submitted, coordinators, addressed, db):
    first, second, _ = coordinators

    review.assign(submitted, second.id, date(2026, 6, 10), by(first), T0)

    assert (submitted.assignment.assignee, submitted.assignment.due_on) == (second, date(2026, 6, 10))
    (message,) = mailed(second.email, "application.review_assigned")
    assert "due 2026-06-10" in message.subject and f"/applications/{submitted.id}" in message.text_body
    assert audited(submitted, "review.assign")[-1].details["assignee_id"] == second.id
    review.assign(submitted, first.id, date(2026, 6, 12), by(first), T0)  # taken on oneself: no message
    assert mailed(first.email, "application.review_assigned") == []
    assert audited(submitted, "review.assign")[-1].details["before_assignee_id"] == second.id


@pytest.mark.parametrize("assigner, assignee, due, refusal", [
    ("rater", "coordinator", date(2026, 6, 10), "only coordinators and admins assign reviews"),
    ("coordinator", "rater", date(2026, 6, 10), "reviewer: choose an active coordinator"),
    ("coordinator", "admin", date(2026, 6, 10), "reviewer: choose an active coordinator"),
    ("coordinator", "coordinator", date(2026, 5, 31), "due date: choose today (2026-06-01) or a later day"),
    ("coordinator", "coordinator", date(2027, 6, 10), "due date: choose a day within a year"),
])
def test_assigning_is_refused_to_the_wrong_people_and_days(submitted, create_user, addressed, assigner, assignee,
                                                           due, refusal):
    with pytest.raises(ReviewRefused, match=re.escape(refusal)):
        review.assign(submitted, create_user(assignee).id, due, by(create_user(assigner)), T0)
    assert submitted.assignment is None


def test_the_queue_shows_the_reviewer_and_an_overdue_review_and_filters_mine(submitted, coordinators, app, db,
                                                                            addressed):
    first, second, _ = coordinators
    review.assign(submitted, second.id, date(2026, 12, 3), by(first), datetime(2026, 12, 1, 9, tzinfo=timezone.utc))
    db.session.commit()

    with time_machine.travel(datetime(2026, 12, 4, 9, tzinfo=timezone.utc)):
        mine = page(browser(app, second).get("/applications?assigned=me"))
        theirs = page(browser(app, first).get("/applications?assigned=me"))

    assert submitted.candidate.name in mine and "Overdue since 3 Dec" in mine and ">Cole<" in mine
    assert submitted.candidate.name not in theirs


def test_a_rater_cannot_post_an_assignment(submitted, create_user, coordinators, app):
    refused = browser(app, create_user("rater")).post(f"/applications/{submitted.id}/assign", data={
        "assign-assignee": coordinators[0].id, "assign-due_on": "2026-12-24"})
    assert refused.status_code == 403


# Third person for staff and the printed record -------------------------------

def test_staff_pages_and_the_pdf_speak_about_the_candidate_and_the_candidate_s_page_to_them(
        submitted, coordinators, client, app, monkeypatch, tmp_path):
    monkeypatch.setattr("competencies.pdf.DEJAVU", tmp_path / "missing.ttf")  # latin-1 text, readable back
    staff = browser(app, coordinators[0])
    candidate = browser(app, submitted.candidate)

    review_page = page(staff.get(f"/applications/{submitted.id}"))
    staff_record = page(staff.get(f"/portfolio/{submitted.id}/record"))
    own_page = page(candidate.get(f"/portfolio/{submitted.id}"))
    candidate_pdf = page_text(candidate.get(f"/portfolio/{submitted.id}/record.pdf").data)

    assert "a rating from the candidate&#39;s RSC provider Ref rsc_provider" in review_page
    assert "a rating from the candidate&#39;s RSC provider" in staff_record
    assert "your RSC provider" not in review_page + staff_record
    assert "a rating from your RSC provider Ref rsc_provider" in own_page
    assert "the candidate's" in candidate_pdf and not re.search(r"\byour\b", candidate_pdf)
