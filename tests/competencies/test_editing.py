"""Editing portfolio entries: only the owner's, only while the application
takes changes of that kind, audited with the values before and after, and a
coordinator's decision on the entry cleared aloud, never silently."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from audit.log import Actor
from audit.models import AuditEntry
from competencies import portfolio, review
from competencies.models import ApplicationStatus
from competencies.portfolio import PortfolioRefused
from tests.competencies.conftest import TODAY, fill
from tests.competencies.test_views import browser, page, signed_in  # noqa: F401 (a fixture)
from tests.exam_fixtures import T0


def by(user_id):
    return Actor(user_id, "tests")


def training(application, hours=3.0):
    return portfolio.add_entry(application, "training", {"taken_on": TODAY - timedelta(days=10), "title": "Seminar",
                                                         "provider": "Institute", "hours": hours, "domains": ["TF"],
                                                         "topic": ""}, by(application.candidate_id))


def audited(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_owner_edits_an_entry_and_the_audit_keeps_before_and_after(application, db):
    entry = training(application)

    edited = portfolio.edit_entry(application, "training", entry.id, {"hours": 4.5, "title": "Seminar"},
                                  by(application.candidate_id), T0)

    assert (edited.changed, entry.hours, entry.edited_at) == (("hours",), 4.5, T0)
    (record,) = audited(db, "portfolio.edit_training")
    assert (record.details["before"], record.details["after"]) == ({"hours": 3.0}, {"hours": 4.5})
    assert portfolio.checklist(application, TODAY)[1].missing[0].startswith("4.5 of 30 clock hours")


def test_an_entry_is_not_edited_once_submitted_and_only_renewal_entries_once_endorsed(application, db):
    fill(application, db)
    work, session = application.work[0], application.supervision[0]
    portfolio.submit(application, by(application.candidate_id), T0, TODAY)

    with pytest.raises(PortfolioRefused, match="the application is submitted: it cannot be changed now"):
        portfolio.edit_entry(application, "work", work.id, {"position": "Director"}, by(application.candidate_id), T0)
    application.status = ApplicationStatus.ENDORSED.value
    with pytest.raises(PortfolioRefused, match="endorsed: it cannot be changed now"):
        portfolio.edit_entry(application, "work", work.id, {"position": "Director"}, by(application.candidate_id), T0)
    assert portfolio.edit_entry(application, "supervision", session.id, {"hours": 3.5},
                                by(application.candidate_id), T0).changed == ("hours",)
    assert work.position != "Director" and audited(db, "portfolio.edit_work") == []


def test_renaming_an_accepted_degree_clears_the_acceptance_and_says_so(application, db, coordinators):
    degree = portfolio.add_entry(application, "education", {"title": "MA in Infant Studies", "kind": "degree",
                                                            "institution": "U", "completed_on": None},
                                 by(application.candidate_id))
    review.accept_degree(application, degree.id, True, by(coordinators[0].id))

    edited = portfolio.edit_entry(application, "education", degree.id, {"title": "MA in Family Studies"},
                                  by(application.candidate_id), T0)

    assert degree.accepted is None
    assert edited.cleared.startswith("a coordinator's decision on this degree or program no longer applies")
    assert audited(db, "portfolio.edit_education")[0].details["cleared"] == edited.cleared


def test_another_candidate_can_neither_see_nor_edit_an_entry(app, application, db, create_user):
    entry = training(application)
    db.session.commit()
    other = browser(app, create_user("candidate", name="Other"))
    address = f"/portfolio/{application.id}/training/{entry.id}/edit"

    assert other.get(address).status_code == 404
    assert other.post(address, data={"training-hours": "9"}).status_code == 404
    db.session.refresh(entry)
    assert entry.hours == 3.0


def test_the_edit_page_saves_the_entry_and_a_bad_value_stays_beside_its_field(signed_in, application, db):  # noqa: F811
    entry = training(application)
    db.session.commit()
    address = f"/portfolio/{application.id}/training/{entry.id}/edit"
    form = page(signed_in.get(address))
    assert 'value="Seminar"' in form and 'value="3.0"' in form

    values = {"training-taken_on": entry.taken_on.isoformat(), "training-title": "Seminar",
              "training-provider": "Institute", "training-domains": ["TF"]}
    refused = signed_in.post(address, data={**values, "training-hours": "0"})
    assert refused.status_code == 400
    assert re.search(r'id="training-hours"[^>]*aria-describedby="training-hours-error"|'
                     r'aria-describedby="training-hours-error"[^>]*id="training-hours"', page(refused))
    assert "id=\"training-hours-error\">Number must be between 0.25 and 500." in page(refused)

    saved = signed_in.post(address, data={**values, "training-hours": "6"}, follow_redirects=True)
    assert "Entry saved." in page(saved) and "6 of 30 clock hours" in page(saved)


def test_an_entry_edited_after_a_coordinator_s_decision_shows_as_such(signed_in, application, db,  # noqa: F811
                                                                      coordinators):
    fill(application, db)
    portfolio.submit(application, by(application.candidate_id), T0, TODAY)
    review.decide(application, "training", "met", "", by(coordinators[0].id), T0)
    review.request_information(application, "Please confirm the hours.", by(coordinators[0].id), T0)
    portfolio.edit_entry(application, "training", application.training[0].id, {"hours": 3.5},
                         by(application.candidate_id), T0 + timedelta(hours=1))
    db.session.commit()

    body = page(signed_in.get(f"/portfolio/{application.id}"))

    assert body.count("edited after review") == 1


def test_the_coordinator_s_review_page_marks_the_entry_edited_after_review(app, application, db,  # noqa: F811
                                                                         coordinators):
    fill(application, db)
    portfolio.submit(application, by(application.candidate_id), T0, TODAY)
    review.decide(application, "training", "met", "", by(coordinators[0].id), T0)
    review.request_information(application, "Please confirm the hours.", by(coordinators[0].id), T0)
    db.session.commit()
    coordinator = browser(app, coordinators[0])
    assert "edited after review" not in page(coordinator.get(f"/applications/{application.id}"))

    portfolio.edit_entry(application, "training", application.training[0].id, {"hours": 3.5},
                         by(application.candidate_id), T0 + timedelta(hours=1))
    db.session.commit()
    body = page(coordinator.get(f"/applications/{application.id}"))

    assert body.count("edited after review") == 1
    training_list = body[body.index("<h3>Training"):body.index("<h3>Work")]
    assert "3.5 h" in training_list and "edited after review" in training_list
