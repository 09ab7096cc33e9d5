"""Identity check-in: a proctor records that they saw a candidate's identity document.

A session may require it (`ExamSession.requires_identity_check`); then no one
is admitted, by a proctor or automatically, until a check is on record for
them in that session (`cleared`): the state machine in `proctoring.py` and
`delivery.agree` ask here. A check is never changed: a correction is a new
check that supersedes the one in force, so the record shows what was seen,
when and by whom. A check counts in the session it was made in; a candidate
moved to another session is checked again there. Functions flush, never commit.
"""

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from audit import log
from exam.models import DocumentType, Enrollment, IdentityCheck
from extensions import db

MAX_NAME = 200
MAX_NOTE = 1000


class IdentityError(ValueError):
    pass


def in_force(enrollment):
    """The candidate's latest identity check in the session they are in, or None."""
    return db.session.scalar(
        select(IdentityCheck).where(IdentityCheck.enrollment_id == enrollment.id,
                                    IdentityCheck.session_id == enrollment.session_id)
        .order_by(IdentityCheck.id.desc()).limit(1)
    )


def cleared(enrollment):
    """Whether identity check-in lets the candidate be admitted: not required, or recorded."""
    return not enrollment.session.requires_identity_check or in_force(enrollment) is not None


def checked_column():
    """For a query over enrollments: whether each has an identity check in its session."""
    return exists().where(IdentityCheck.enrollment_id == Enrollment.id,
                          IdentityCheck.session_id == Enrollment.session_id).label("identity_checked")


def _check(session, enrollment, document_type, name_on_document, note):
    if session.closed:
        raise IdentityError("this session is closed: its record is final")
    if enrollment.session_id != session.id:
        raise IdentityError("that candidate is not in this session")
    if document_type not in set(DocumentType):
        raise IdentityError(f"unknown document type {document_type!r}")
    if not name_on_document.strip():
        raise IdentityError("write the name as the document shows it")
    if len(name_on_document.strip()) > MAX_NAME:
        raise IdentityError(f"the name on the document has at most {MAX_NAME} characters")
    if len(note.strip()) > MAX_NOTE:
        raise IdentityError(f"the note has at most {MAX_NOTE} characters")


def record(session, enrollment, document_type, name_on_document, note, now, by):
    """A new identity check of the session's candidate, superseding the one in force (if any)."""
    _check(session, enrollment, document_type, name_on_document, note)
    previous = in_force(enrollment)
    check = IdentityCheck(session_id=session.id, enrollment=enrollment, supersedes_id=previous and previous.id,
                          document_type=document_type, name_on_document=name_on_document.strip(),
                          note=note.strip(), checked_at=now, checked_by_id=by.user_id)
    db.session.add(check)
    db.session.flush()
    log.record("identity.checked", by, check, session=session.id, enrollment=enrollment.id,
               candidate=enrollment.candidate.email, document_type=document_type,
               name_on_document=check.name_on_document, note=check.note,
               supersedes=previous and previous.id)
    return check


def session_checks(session, enrollment=None):
    """Every identity check made in the session (of one candidate, if given),
    superseded ones too, oldest first: the last of a candidate's is in force."""
    query = (select(IdentityCheck).where(IdentityCheck.session_id == session.id)
             .options(selectinload(IdentityCheck.enrollment).selectinload(Enrollment.candidate),
                      selectinload(IdentityCheck.checked_by))
             .order_by(IdentityCheck.id))
    if enrollment is not None:
        query = query.where(IdentityCheck.enrollment_id == enrollment.id)
    return db.session.scalars(query).all()


def in_force_by_enrollment(checks):
    """{enrollment id: the check in force} from a session's checks, oldest first."""
    return {check.enrollment_id: check for check in checks}
