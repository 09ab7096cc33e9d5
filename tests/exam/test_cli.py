"""`flask exam ...` from the command line."""

from audit.log import Actor
from exam.models import Enrollment, ExamSession
from item_bank.assembly import assemble_forms


def test_create_session_enroll_with_accommodations_and_release(runner, exam_form, create_user, db):
    created = runner.invoke(args=["exam", "create-session", "Spring sitting", "--form", "exam-t", "--hours", "3",
                                  "--access-code", "spring1"])
    assert created.exit_code == 0, created.output
    session = db.session.scalar(db.select(ExamSession))
    assert "access code SPRING1" in created.output
    assert (session.closes_at - session.opens_at).total_seconds() == 3 * 3600
    first, second = create_user("candidate"), create_user("candidate")

    enrolled = runner.invoke(args=["exam", "enroll", str(session.id), first.email, second.email,
                                   "--time-multiplier", "1.5", "--large-text"])

    assert enrolled.exit_code == 0 and "Enrolled 2 candidate(s)" in enrolled.output
    enrollments = db.session.scalars(db.select(Enrollment)).all()
    assert {(e.time_multiplier, e.large_text, e.high_contrast) for e in enrollments} == {(1.5, True, False)}
    released = runner.invoke(args=["exam", "release-results", str(session.id)])
    assert released.exit_code == 0 and session.results_released_at is not None


def test_enroll_is_all_or_nothing(runner, exam_session, create_user, db):
    candidate, proctor = create_user("candidate"), create_user("proctor")

    result = runner.invoke(args=["exam", "enroll", str(exam_session.id), candidate.email, proctor.email])

    assert result.exit_code == 2 and f"{proctor.email} is not a candidate's account" in result.output
    assert db.session.scalars(db.select(Enrollment)).all() == []


def test_a_session_needs_a_published_form(runner, make_item, make_blueprint, db):
    make_item(domain="TF")
    blueprint = make_blueprint([{"title": "Only", "time_limit_minutes": 5,
                                 "rows": [{"domain": "TF", "kind": "selected_response", "count": 1}]}])
    assemble_forms(blueprint, ["DRAFT-1"], Actor(None, "tests"), seed=1)
    db.session.commit()

    result = runner.invoke(args=["exam", "create-session", "X", "--form", "DRAFT-1"])

    assert result.exit_code == 1 and "form DRAFT-1 is not published" in result.output


def test_create_session_for_a_proctor_with_capacity_then_close_it(runner, exam_form, create_user, db):
    proctor = create_user("proctor")
    created = runner.invoke(args=["exam", "create-session", "Room sitting", "--form", "EXAM-T", "--capacity", "1",
                                  "--admission", "proctor", "--readmit", "--proctor", proctor.email])
    assert created.exit_code == 0, created.output
    session = db.session.scalar(db.select(ExamSession).where(ExamSession.name == "Room sitting"))
    assert (session.capacity, session.auto_admit, session.readmit_on_resume) == (1, False, True)
    assert session.proctors == [proctor]

    full = runner.invoke(args=["exam", "enroll", str(session.id), create_user("candidate").email,
                               create_user("candidate").email])
    assert full.exit_code == 1 and "is full (1 seats): no one was enrolled" in full.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Enrollment)) == 0

    closed = runner.invoke(args=["exam", "close-session", str(session.id), "--reason", "end of day"])
    assert closed.exit_code == 0 and "closed: 0 attempt(s) submitted" in closed.output
    again = runner.invoke(args=["exam", "close-session", str(session.id)])
    assert again.exit_code == 1 and "was closed at" in again.output


def test_create_session_refuses_a_proctor_who_is_not_one(runner, exam_form, create_user):
    candidate = create_user("candidate")
    result = runner.invoke(args=["exam", "create-session", "X", "--form", "EXAM-T", "--proctor", candidate.email])
    assert result.exit_code == 2 and f"{candidate.email} is not a proctor's account" in result.output


def test_create_session_can_require_identity_check_in(runner, exam_form, db):
    created = runner.invoke(args=["exam", "create-session", "Checked room", "--form", "EXAM-T", "--admission",
                                  "proctor", "--identity-check"])

    assert created.exit_code == 0, created.output
    session = db.session.scalar(db.select(ExamSession).where(ExamSession.name == "Checked room"))
    assert session.requires_identity_check is True


def test_create_session_can_require_safe_exam_browser(runner, exam_form, db):
    created = runner.invoke(args=["exam", "create-session", "Locked room", "--form", "EXAM-T", "--require-seb"])

    assert created.exit_code == 0, created.output
    session = db.session.scalar(db.select(ExamSession).where(ExamSession.name == "Locked room"))
    assert session.require_seb is True
