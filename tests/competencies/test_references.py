"""References as a real association runs them: Attest mails the person their
link (the candidate never holds it), reminds them after 7 and 14 days, the
person answers or declines, and the candidate can withdraw and ask someone
else. Levels count once verified; a name alone makes no rater conflict."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from audit.log import Actor
from audit.models import AuditEntry
from competencies import conflicts, portfolio, record, references, review, verification
from competencies.models import ReferenceLink, ReferenceStatus
from competencies.portfolio import PortfolioRefused
from rating import assignment
from tests.competencies.conftest import answer_reference, fill, mailed, mailed_token
from tests.exam_fixtures import T0

LINK = Actor(None, "reference link")


def by(user):
    return Actor(user.id, "tests")


def ask(application, email="pat@example.net", waived=False, when=T0, relationship="colleague", name="Pat"):
    return references.ask(application, relationship, name, email, waived, by(application.candidate), when)


def test_asking_mails_the_link_to_the_reference_and_keeps_only_its_hash(application, db):
    reference = ask(application)

    [message] = mailed("pat@example.net")
    token = mailed_token("pat@example.net")
    assert message.kind == "reference.requested" and message.to_user_id is None
    assert "named you as a reference" in message.reason
    assert reference.status == ReferenceStatus.SENT
    assert [link.token_hash for link in reference.links] == [references.token_hash(token)]
    entries = db.session.scalars(select(AuditEntry)).all()
    assert entries and not any(token in repr(entry.details) for entry in entries)


def test_every_mailed_link_opens_the_request_until_it_is_answered(application):
    reference = ask(application)
    first = mailed_token("pat@example.net")

    assert references.open_link(first, LINK, T0) == references.token_hash(first)
    assert references.open_link(first, LINK, T0 + timedelta(hours=1)) is not None
    assert reference.status == ReferenceStatus.OPENED and reference.opened_at == T0
    answer_reference(reference)
    assert references.open_link(first, LINK, T0) is None
    assert references.held(references.token_hash(first), LINK, T0) is None
    assert reference.links == []


def test_a_link_expires_after_thirty_days(application):
    ask(application)
    token = mailed_token("pat@example.net")

    assert references.open_link(token, LINK, T0 + timedelta(days=29)) is not None
    assert references.open_link(token, LINK, T0 + timedelta(days=31)) is None


def test_the_candidate_cannot_open_or_answer_their_own_reference_even_with_the_link(application, candidate):
    reference = ask(application)
    token = mailed_token("pat@example.net")

    with pytest.raises(PortfolioRefused, match="a candidate cannot answer their own reference"):
        references.open_link(token, by(candidate), T0)
    with pytest.raises(PortfolioRefused, match="a candidate cannot answer their own reference"):
        answer_reference_as(reference, by(candidate))
    with pytest.raises(PortfolioRefused, match="a candidate cannot answer their own reference"):
        references.decline(reference, "", by(candidate), T0)
    assert reference.submitted_at is None and reference.opened_at is None


def answer_reference_as(reference, actor, level=None, number=""):
    ratings = {code: 3 for code in ("TF", "LAW", "SYS", "DSS", "WWO", "COM", "THK", "REF", "ADM", "RES")}
    references.submit(reference, ratings, level, "", actor, T0, number)


def test_whoever_answers_is_recorded(application, create_user):
    reference = ask(application)
    someone = create_user()

    answer_reference_as(reference, by(someone))

    assert reference.answered_by_id == someone.id and reference.status == ReferenceStatus.ANSWERED


def test_reminders_go_after_7_and_14_days_once_each(application, db):
    reference = ask(application)
    quiet = ask(application, "quiet@example.net")
    answer_reference(quiet)

    assert references.remind(LINK, T0 + timedelta(days=6)) == 0
    assert references.remind(LINK, T0 + timedelta(days=7)) == 1
    assert references.remind(LINK, T0 + timedelta(days=8)) == 0
    assert reference.status == ReferenceStatus.REMINDED
    assert references.remind(LINK, T0 + timedelta(days=14)) == 1
    assert references.remind(LINK, T0 + timedelta(days=20)) == 0
    assert [message.kind for message in mailed("pat@example.net")] == [
        "reference.requested", "reference.reminder", "reference.reminder"]
    assert mailed("quiet@example.net")[-1].kind == "reference.requested"
    assert len(reference.links) == 3  # each message's link works
    assert references.open_link(mailed_token("pat@example.net"), LINK, T0 + timedelta(days=20)) is not None


def test_a_missed_run_sends_one_reminder_not_two(application):
    reference = ask(application)

    assert references.remind(LINK, T0 + timedelta(days=15)) == 1
    assert references.remind(LINK, T0 + timedelta(days=16)) == 0
    assert reference.reminders_sent == 2


def test_the_reminder_command_mails_with_the_public_address(app, application, db, runner, time_machine):
    ask(application)
    db.session.commit()
    time_machine.move_to(T0 + timedelta(days=7))
    app.config["PUBLIC_URL"] = "https://attest.example.org"
    try:
        result = runner.invoke(args=["portfolio", "remind-references"])
    finally:
        app.config["PUBLIC_URL"] = "http://localhost:5000"

    assert result.exit_code == 0, result.output
    assert "1 reference(s) reminded." in result.output
    assert "https://attest.example.org/references/open#" in mailed("pat@example.net")[-1].text_body


def test_a_reference_declines_with_a_reason_and_the_candidate_asks_someone_else(application):
    reference = ask(application)

    references.decline(reference, "I have not worked with Casey for years.", LINK, T0)

    assert reference.status == ReferenceStatus.DECLINED and reference.links == []
    assert references.remind(LINK, T0 + timedelta(days=7)) == 0
    with pytest.raises(PortfolioRefused, match="declined: it takes no answer"):
        answer_reference(reference)
    ask(application, "other@example.net")
    assert [ref.status for ref in application.references] == [ReferenceStatus.DECLINED, ReferenceStatus.SENT]


def test_withdrawing_ends_the_links_and_the_request_no_longer_counts(application):
    reference = ask(application)
    token = mailed_token("pat@example.net")

    references.withdraw(reference, by(application.candidate), T0)

    assert reference.status == ReferenceStatus.WITHDRAWN
    assert references.open_link(token, LINK, T0) is None
    assert portfolio.to_evidence(application).references == ()
    with pytest.raises(PortfolioRefused, match="withdrawn: it cannot be withdrawn"):
        references.withdraw(reference, by(application.candidate), T0)


def test_the_waiver_starts_unticked():
    from competencies.forms import ReferenceRequestForm
    from competencies.models import ReferenceRequest

    assert ReferenceRequestForm.waived.kwargs["default"] is False
    assert ReferenceRequest.__table__.c.waived.default.arg is False


# Verified levels ------------------------------------------------------------

def _checklist_references(application):
    return next(result for result in portfolio.checklist(application, T0.date()) if result.kind == "references")


def test_a_declared_level_waits_for_a_coordinator_who_verifies_it_with_a_note(application, db, create_user):
    fill(application, db)
    provider = next(ref for ref in application.references if ref.relationship_code == "rsc_provider")
    provider.level_verified_at = provider.level_verified_by_id = None
    provider.rater_name = "Dr Real Supervisor"

    result = _checklist_references(application)
    assert not result.met
    assert "waiting for a coordinator to verify the Level IV endorsement of Dr Real Supervisor" in result.missing

    coordinator = create_user("coordinator")
    with pytest.raises(PortfolioRefused, match="say how"):
        references.verify_level(provider, " ", by(coordinator), T0)
    references.verify_level(provider, "Association register, 2025.", by(coordinator), T0)
    assert _checklist_references(application).met
    assert provider.level_verified_by_id == coordinator.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reference.verify_level")
                              .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.actor_id == coordinator.id and entry.details["note"] == "Association register, 2025."


def test_attest_s_own_record_verifies_a_level_at_once(application, db, create_user):
    endorsed_application = _endorsed_mentor(db, create_user)
    mentor = endorsed_application.candidate
    reference = ask(application, mentor.email, relationship="rsc_provider", name=mentor.name)
    wrong_email = ask(application, "someone@example.net", relationship="rsc_provider")

    answer_reference_as(reference, LINK, "IV", endorsed_application.endorsement_number.lower())
    answer_reference_as(wrong_email, LINK, "IV", endorsed_application.endorsement_number)

    assert reference.level_verified and reference.level_verified_by_id is None
    assert "Attest's own record" in reference.level_verification_note
    assert not wrong_email.level_verified


def test_a_level_the_record_does_not_hold_is_not_verified(application, db, create_user):
    endorsed_application = _endorsed_mentor(db, create_user)
    mentor = endorsed_application.candidate
    reference = ask(application, mentor.email, relationship="rsc_provider", name=mentor.name)

    answer_reference_as(reference, LINK, "III", endorsed_application.endorsement_number)

    assert not reference.level_verified


def _endorsed_mentor(db, create_user):
    """A Mentor endorsed through Attest: its number and its holder's email are Attest's own record."""
    mentor = create_user("candidate", name="Morgan Mentor")
    made = portfolio.start(mentor.id, "mentor", "clinical", by(mentor))
    made.status, made.endorsement_number = "endorsed", review.endorsement_number(made, 2025)
    made.verification_code = verification.new_code()
    db.session.flush()
    return made


# Conflicts the candidate can't steer ----------------------------------------

def test_naming_a_rater_as_reference_or_supervisor_makes_no_conflict_until_confirmed(application, create_user,
                                                                                      candidate, coordinators):
    rater, supervisor = create_user("rater"), create_user("rater")
    ask(application, rater.email)
    portfolio.add_entry(application, "supervision", {"met_on": T0.date(), "hours": 2.0, "format": "group",
                                                     "provider_name": "Sam", "provider_email": supervisor.email,
                                                     "peer": False}, by(candidate))

    assert not assignment.conflicted(rater.id, candidate.id)
    assert not assignment.conflicted(supervisor.id, candidate.id)
    conflicts.confirm(application, supervisor.email.upper(), by(coordinators[0]))
    assert assignment.conflicted(supervisor.id, candidate.id)
    with pytest.raises(conflicts.ConflictRefused, match="not one the application names"):
        conflicts.confirm(application, "stranger@example.net", by(coordinators[0]))


def test_a_named_rater_who_answers_becomes_a_conflict(application, create_user, candidate):
    rater = create_user("rater")
    reference = ask(application, rater.email)

    answer_reference(reference)

    assert assignment.conflicted(rater.id, candidate.id)


def test_withdrawing_a_request_leaves_no_conflict_to_confirm(application, create_user, candidate, coordinators):
    rater = create_user("rater")
    reference = ask(application, rater.email)

    references.withdraw(reference, by(candidate), T0)

    assert conflicts.named(application) == []
    with pytest.raises(conflicts.ConflictRefused):
        conflicts.confirm(application, rater.email, by(coordinators[0]))
    assert not assignment.conflicted(rater.id, candidate.id)


# The waiver -----------------------------------------------------------------

def test_a_waived_reference_s_judgement_never_reaches_the_candidate_s_record(application, db):
    reference = ask(application, waived=True)
    answer_reference(reference, value=4)

    mine = {domain.code: domain for domain in record.competency_record(application, T0.date(), waived=False).domains}
    staff = {domain.code: domain for domain in record.competency_record(application, T0.date()).domains}

    assert mine["TF"].ratings == [] and mine["TF"].reference_mean is None
    assert mine["TF"].missing == ["no training tagged to this domain"] and mine["TF"].withheld == 1
    assert staff["TF"].ratings == [4]


def test_a_reference_not_waived_reaches_the_candidate_s_record(application):
    answer_reference(ask(application, waived=False), value=4)

    mine = {domain.code: domain for domain in record.competency_record(application, T0.date(), waived=False).domains}

    assert mine["TF"].ratings == [4] and mine["TF"].withheld == 0


def test_links_are_kept_as_hashes_only(application, db):
    ask(application)
    token = mailed_token("pat@example.net")

    stored = db.session.scalars(select(ReferenceLink.token_hash)).all()

    assert stored == [references.token_hash(token)] and token not in stored
