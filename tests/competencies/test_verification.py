"""Public verification on the database: the code drawn at issue, a
verification that needs the number and its code and answers None for any
mismatch, the standing by date, the candidate's consent to the directory,
and the migration that gives endorsements issued before it their codes."""

from datetime import timedelta

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, update

from app import MIGRATIONS_DIR
from audit.log import Actor
from audit.models import AuditEntry
from competencies import portfolio, review, verification
from competencies.models import Application, ApplicationStatus
from competencies.rules import add_months
from competencies.verification import ListingRefused, Standing
from extensions import db as _db
from tests.competencies.conftest import TODAY, fill
from tests.conftest import copy_of_demo
from tests.exam_fixtures import T0

MIGRATION = "0015"


def by(user_id):
    return Actor(user_id, "tests")


def issue(create_user, name, endorsed_on=TODAY, listed=False):
    """An application issued on `endorsed_on`, its fields set as `review.endorse` sets them, without the journey."""
    candidate = create_user("candidate", name=name, email=f"{name.split()[0].lower()}@private.example")
    application = portfolio.start(candidate.id, "mentor", "clinical", by(candidate.id))
    application.status = ApplicationStatus.ENDORSED.value
    application.endorsement_number = review.endorsement_number(application, endorsed_on.year)
    application.endorsed_on, application.renewal_due = endorsed_on, add_months(endorsed_on, 12)
    application.verification_code = verification.new_code()
    application.listed_in_directory = listed
    _db.session.commit()
    return application


@pytest.fixture
def endorsed(application, db, candidate, create_user, monkeypatch):
    """The candidate's application through review to the endorsement, as coordinators issue it."""
    fill(application, db)
    portfolio.submit(application, by(candidate.id), T0, TODAY)
    for coordinator in (create_user("coordinator"), create_user("coordinator")):
        for kind, _ in review.reviewable(application):
            review.decide(application, kind, "met", "", by(coordinator.id), T0)
    review.approve(application, "", by(coordinator.id), T0)
    monkeypatch.setattr("competencies.written_exam.standing",
                        lambda candidate_id: review.written_exam.Standing("pass"))
    review.endorse(application, by(coordinator.id), TODAY)
    db.session.commit()
    return application


def test_issuing_draws_a_code_and_the_number_with_its_code_verifies(endorsed):
    code = endorsed.verification_code
    assert len(code) == 12 and set(code) <= set(verification.CODE_ALPHABET)
    found = verification.verify(endorsed.endorsement_number, verification.shown(code), TODAY)
    assert found == verification.Verification(endorsed.endorsement_number, "Casey Candidate",
                                              "Infant Mental Health Mentor", "Clinical", TODAY,
                                              TODAY.replace(year=TODAY.year + 1), Standing.ACTIVE)


def test_a_code_is_read_as_people_type_it(create_user, domains):
    application = issue(create_user, "Ada Lovelace")
    application.verification_code = "0123ABCD1XYZ"
    typed = "o123-abcd i xyz"  # lower case, spaced, O for zero and I for one
    assert verification.verify(application.endorsement_number.lower(), typed, TODAY).name == "Ada Lovelace"


def test_a_wrong_code_an_unknown_number_and_an_application_not_issued_all_answer_none(create_user, domains,
                                                                                   application):
    issued = issue(create_user, "Ada Lovelace")
    other = issue(create_user, "Grace Hopper")
    number, code = issued.endorsement_number, issued.verification_code
    assert verification.verify(number, other.verification_code, TODAY) is None
    assert verification.verify(number, "", TODAY) is None
    assert verification.verify("MENTOR-2026-99999", code, TODAY) is None
    assert verification.verify("", code, TODAY) is None
    application.endorsement_number, application.verification_code = "MENTOR-2026-77777", code  # a draft
    assert verification.verify("MENTOR-2026-77777", code, TODAY) is None
    assert verification.address(application) is None


def test_the_standing_is_active_then_renewal_due_then_lapsed_and_active_again_once_renewed(create_user, domains):
    application = issue(create_user, "Ada Lovelace")
    due = application.renewal_due
    assert [verification.standing(application, day) for day in (
        TODAY, due - timedelta(days=61), due - timedelta(days=60), due, due + timedelta(days=1))] == [
        Standing.ACTIVE, Standing.ACTIVE, Standing.RENEWAL_DUE, Standing.RENEWAL_DUE, Standing.LAPSED]
    application.renewal_due = add_months(due, 12)  # what review.renew does
    assert verification.standing(application, due + timedelta(days=1)) == Standing.ACTIVE


def test_listing_is_the_candidates_choice_for_an_issued_endorsement_and_audited(create_user, domains, application,
                                                                               candidate):
    with pytest.raises(ListingRefused, match="only an issued endorsement is listed"):
        verification.set_listed(application, True, by(candidate.id))
    issued = issue(create_user, "Ada Lovelace")
    assert issued.listed_in_directory is False
    verification.set_listed(issued, True, by(issued.candidate_id))
    verification.set_listed(issued, True, by(issued.candidate_id))
    verification.set_listed(issued, False, by(issued.candidate_id))
    entries = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.directory_listing",
                                                           AuditEntry.object_id == str(issued.id))
                                  .order_by(AuditEntry.id)).all()
    assert [(entry.actor_id, entry.details) for entry in entries] == [
        (issued.candidate_id, {"listed": True}), (issued.candidate_id, {"listed": False})]


def test_the_directory_lists_those_who_consented_while_not_lapsed_and_finds_them_by_name(create_user, domains):
    ada = issue(create_user, "Ada Lovelace", listed=True)
    issue(create_user, "Grace Hopper", listed=True)
    issue(create_user, "Alan Turing")  # never consented
    issue(create_user, "Edsger Dijkstra", endorsed_on=TODAY - timedelta(days=400), listed=True)  # lapsed

    def names(text, today=TODAY):
        return [verification.listing(application, today).name
                for application in _db.session.scalars(verification.directory(text, today))]

    assert names("") == ["Ada Lovelace", "Grace Hopper"]
    assert names(" hop ") == ["Grace Hopper"]
    assert names("%") == []
    assert verification.listing(ada, TODAY) == verification.Listing("Ada Lovelace", "Infant Mental Health Mentor",
                                                                   "Clinical", Standing.ACTIVE)
    assert names("", ada.renewal_due + timedelta(days=1)) == []


def test_the_migration_gives_endorsements_issued_before_it_a_code(demo_database, tmp_path, make_app):
    app = make_app(copy_of_demo(demo_database, "verification_codes", tmp_path).url)
    with app.app_context():
        issued = select(Application).where(Application.endorsement_number.is_not(None))
        assert _db.session.scalars(issued).all(), "the demo issues an endorsement"
        _db.session.execute(update(Application).values(listed_in_directory=True))
        _db.session.commit()
        flask_migrate.downgrade(revision=ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(MIGRATION).down_revision)
        flask_migrate.upgrade()
        applications = _db.session.scalars(select(Application)).all()
        assert all(len(application.verification_code) == 12 for application in applications
                   if application.endorsement_number)
        assert not any(application.listed_in_directory for application in applications)
