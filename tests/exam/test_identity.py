"""Identity check-in: the checks proctors record, the admissions they gate (by a
proctor and automatic), the board's badges and counts, and the session report."""

import csv
import io
from datetime import timedelta

import pytest

from audit.log import Actor
from audit.models import AuditEntry
from exam import board, delivery, identity, proctoring, reports, sessions
from exam.identity import IdentityError
from exam.models import IdentityCheck, IdentityChecksAreNotEdited
from exam.proctoring import Standing
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once

NOW = T0 + timedelta(minutes=2)


def schedule(form, name, **options):
    return sessions.schedule(sessions.Options(name, form, T0 - timedelta(hours=1), T0 + timedelta(hours=8),
                                              **options), BY)


def entries(db, action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def door(exam_form, db):
    """A room session that checks identity at the door; a proctor admits each candidate."""
    session = schedule(exam_form, "Room with ID check", auto_admit=False, requires_identity_check=True)
    db.session.commit()
    return session


@pytest.fixture
def proctor(create_user):
    user = create_user("proctor", name="Pat Proctor")
    return Actor(user.id, "tests")


@pytest.fixture
def waiting(create_user, db):
    """waiting(session, name): a new candidate of the session, joined and agreed; returns the enrollment."""

    def make(session, name="Ana López"):
        enrollment = sessions.enroll(session, create_user("candidate", name=name), BY)
        attempt = delivery.join(session, enrollment.candidate_id, session.access_code, T0, BY)
        delivery.agree(attempt, T0, BY)
        db.session.commit()
        return enrollment

    return make


def check(session, enrollment, by=BY, at=NOW, document="passport", name="Ana López", note=""):
    return proctoring.check_identity(session, enrollment, document, name, note, at, by)


def test_a_proctor_cannot_admit_before_the_identity_check_and_the_refusal_names_the_candidate(door, waiting, db):
    enrollment = waiting(door)

    outcome = proctoring.act(door, [enrollment.id], "admit", NOW, BY)

    assert outcome.done == []
    assert outcome.refused == [(enrollment, "Ana López: cannot admit a candidate whose identity is not checked; "
                                            "record their identity check first.")]
    assert enrollment.attempt.status == "awaiting_admission"
    refused = entries(db, "proctor.refused")[-1]
    assert refused.details["attempted"] == "admit" and "identity is not checked" in refused.details["reason"]


def test_once_the_check_is_recorded_the_proctor_admits(door, waiting):
    enrollment = waiting(door)

    messages = check(door, enrollment)
    outcome = proctoring.act(door, [enrollment.id], "admit", NOW, BY)

    assert messages == ["Ana López's identity check is recorded."]  # a proctor admits: not automatically
    assert [message for _, message in outcome.done] == ["Ana López is admitted."]
    assert enrollment.attempt.status == "in_progress"


def test_a_session_without_identity_check_in_admits_as_before(exam_form, waiting, db):
    session = schedule(exam_form, "No ID check", auto_admit=False)
    db.session.commit()
    enrollment = waiting(session)

    outcome = proctoring.act(session, [enrollment.id], "admit", NOW, BY)

    assert session.requires_identity_check is False
    assert [message for _, message in outcome.done] == ["Ana López is admitted."]


def test_re_admission_is_refused_too_when_the_session_came_to_require_a_check(exam_form, waiting, db):
    session = schedule(exam_form, "Switched on mid-sitting", auto_admit=False, readmit_on_resume=True)
    db.session.commit()
    enrollment = waiting(session)
    proctoring.act(session, [enrollment.id], "admit", NOW, BY)
    delivery.hold_for_readmission(enrollment.attempt, NOW, BY, "second tab")
    session.requires_identity_check = True

    outcome = proctoring.act(session, [enrollment.id], "admit", NOW, BY)

    assert "identity is not checked" in outcome.refused[0][1]
    assert proctoring.standing(enrollment, NOW) is Standing.AWAITING_READMISSION


def test_an_automatic_session_holds_the_candidate_until_checked_then_admits_them(exam_form, waiting, proctor, db):
    session = schedule(exam_form, "Online with ID check", requires_identity_check=True)
    db.session.commit()
    enrollment = waiting(session)
    assert enrollment.attempt.status == "awaiting_admission"
    assert entries(db, "attempt.awaiting_identity_check")[-1].object_id == str(enrollment.attempt.id)

    messages = check(session, enrollment, by=proctor)

    assert messages == ["Ana López's identity check is recorded.", "Ana López is admitted."]
    assert enrollment.attempt.status == "in_progress" and enrollment.attempt.started_at == NOW
    admitted = entries(db, "proctor.admit")[-1]
    assert admitted.actor_id == proctor.user_id
    assert admitted.details["reason"] == "Identity checked; the session admits automatically."


def test_a_candidate_checked_before_agreeing_is_admitted_automatically_on_agreeing(exam_form, create_user, db):
    session = schedule(exam_form, "Online with ID check", requires_identity_check=True)
    enrollment = sessions.enroll(session, create_user("candidate", name="Ana López"), BY)
    check(session, enrollment, at=T0)  # at the door, before the candidate types the code
    attempt = delivery.join(session, enrollment.candidate_id, session.access_code, NOW, BY)

    delivery.agree(attempt, NOW, BY)

    assert attempt.status == "in_progress"


def test_a_check_keeps_the_document_the_name_shown_who_and_when_and_is_audited(door, waiting, proctor, db):
    enrollment = waiting(door)

    check(door, enrollment, by=proctor, document="driving_licence", name="  Ana M. López ",
          note="Photo ten years old; the candidate confirmed her date of birth.")

    (recorded,) = identity.session_checks(door)
    assert (recorded.document_type, recorded.document_label, recorded.name_on_document) == (
        "driving_licence", "Driving licence", "Ana M. López")
    assert (recorded.checked_at, recorded.checked_by_id, recorded.session_id) == (NOW, proctor.user_id, door.id)
    assert recorded.note == "Photo ten years old; the candidate confirmed her date of birth."
    entry = entries(db, "identity.checked")[-1]
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("identity_checks", str(recorded.id),
                                                                    proctor.user_id)
    assert entry.details | {"candidate": None} == {
        "session": door.id, "enrollment": enrollment.id, "candidate": None, "document_type": "driving_licence",
        "name_on_document": "Ana M. López", "note": recorded.note, "supersedes": None}


def test_a_correction_is_a_new_check_that_supersedes_the_one_in_force(door, waiting, db):
    enrollment = waiting(door)
    check(door, enrollment, document="other", name="A. Lopez")

    check(door, enrollment, at=NOW + timedelta(minutes=1), document="national_id", name="Ana López",
          note="The first check read the wrong card.")

    first, second = identity.session_checks(door, enrollment)
    assert identity.in_force(enrollment) == second
    assert (first.supersedes_id, second.supersedes_id) == (None, first.id)
    assert second.document_label == "National ID card"
    assert entries(db, "identity.checked")[-1].details["supersedes"] == first.id


def test_a_check_is_never_changed_or_deleted(door, waiting, db):
    enrollment = waiting(door)
    check(door, enrollment)
    db.session.commit()
    (recorded,) = identity.session_checks(door)

    recorded.name_on_document = "Someone else"
    with pytest.raises(IdentityChecksAreNotEdited):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(IdentityCheck, recorded.id))
    with pytest.raises(IdentityChecksAreNotEdited):
        db.session.flush()


@pytest.mark.parametrize("document, name, note, message", [
    ("library_card", "Ana López", "", "unknown document type 'library_card'"),
    ("passport", "   ", "", "write the name as the document shows it"),
    ("passport", "A" * 201, "", "the name on the document has at most 200 characters"),
    ("passport", "Ana López", "n" * 1001, "the note has at most 1000 characters"),
])
def test_a_check_that_says_too_little_or_too_much_is_refused(door, waiting, document, name, note, message):
    enrollment = waiting(door)

    with pytest.raises(IdentityError, match=f"^{message}$"):
        check(door, enrollment, document=document, name=name, note=note)

    assert identity.in_force(enrollment) is None


def test_no_check_is_recorded_in_a_closed_session_or_for_another_sessions_candidate(door, waiting, exam_form, db):
    elsewhere = schedule(exam_form, "Elsewhere", auto_admit=False)
    stranger, left_waiting = waiting(elsewhere, name="Grace Owusu"), waiting(door)

    with pytest.raises(IdentityError, match="that candidate is not in this session"):
        check(door, stranger)
    proctoring.close_session(door, NOW, BY)
    with pytest.raises(IdentityError, match="this session is closed: its record is final"):
        check(door, left_waiting)


def test_a_check_counts_in_the_session_it_was_made_in_not_after_a_move(door, waiting, exam_form, db):
    other_room = schedule(exam_form, "Other room", auto_admit=False, requires_identity_check=True)
    enrollment = sessions.enroll(door, waiting(door).candidate, BY)
    check(door, enrollment)
    assert identity.cleared(enrollment)

    proctoring.act(door, [enrollment.id], "move", NOW, BY, reason="Room change", target=other_room)

    assert enrollment.session == other_room and not identity.cleared(enrollment)


def test_joining_with_the_code_is_labelled_as_what_it_is():
    assert Standing.CHECKED_IN.label == "Joined with the code"


def test_scheduling_and_editing_keep_the_requirement_and_audit_it(exam_form, db):
    session = schedule(exam_form, "Plain")
    assert session.requires_identity_check is False  # the default, as for every session before it existed

    sessions.update(session, sessions.Options("Plain", exam_form, session.opens_at, session.closes_at,
                                              requires_identity_check=True), BY)

    assert session.requires_identity_check is True
    entry = entries(db, "session.updated")[-1]
    assert (entry.details["before"]["requires_identity_check"], entry.details["after"]["requires_identity_check"]) \
        == (False, True)


def test_the_board_marks_who_is_identity_checked_and_counts_them(door, waiting):
    checked, unchecked = waiting(door), waiting(door, name="Mei Chen")
    check(door, checked)

    data = board.board(door, NOW, BY)

    rows = {row["enrollment"]: row for row in data["rows"]}
    assert (rows[checked.id]["identity_checked"], rows[unchecked.id]["identity_checked"]) == (True, False)
    assert (data["identity_required"], data["identity_checked"]) == (True, 1)


def test_the_report_shows_each_candidates_check_in_attendance_the_csvs_and_every_check(door, waiting, proctor):
    checked = waiting(door)
    waiting(door, name="Mei Chen")
    check(door, checked, by=proctor, document="other", name="A. Lopez")
    check(door, checked, by=proctor, at=NOW + timedelta(minutes=1), name="Ana López", note="=cmd|' /C calc'!A0")

    report = reports.session_report(door, NOW + timedelta(minutes=2))

    rows = {row["name"]: row for row in report["attendance"]}
    assert {key: rows["Ana López"][key] for key in ("identity_document", "identity_name", "identity_checked",
                                                     "identity_checked_by")} == {
        "identity_document": "Passport", "identity_name": "Ana López", "identity_checked": "2026-06-01 09:03:00",
        "identity_checked_by": "Pat Proctor"}
    assert rows["Mei Chen"]["identity_document"] == ""
    attendance = {row["name"]: row for row in csv.DictReader(io.StringIO(reports.attendance_csv(report)))}
    assert attendance["Ana López"]["identity_name"] == "Ana López"
    assert attendance["Ana López"]["identity_note"] == "'=cmd|' /C calc'!A0"  # not a formula
    events = [row for row in csv.DictReader(io.StringIO(reports.events_csv(report))) if "identity" in row["kind"]]
    assert [(row["kind"], row["what"], row["by"]) for row in events] == [
        ("identity check", "Other: A. Lopez", "Pat Proctor"),
        ("identity check (a correction)", "Passport: Ana López", "Pat Proctor"),
    ]
