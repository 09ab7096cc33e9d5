"""Scheduling exam sessions, assigning proctors and enrolling candidates.

Functions flush, never commit; an enrolment list is checked whole before any
candidate is enrolled, so a bad row enrols no one.
"""

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from accounts.models import User
from accounts.roles import PROCTORS, Role
from accounts.signin import normalise_email
from accounts.users import find_users, user_by_email
from audit import log
from exam import exposure, notifications, timing
from exam.delivery import enrollment_for, new_access_code
from exam.models import Enrollment, ExamSession
from extensions import db
from item_bank.models import Form, FormStatus

MAX_ROSTER_ROWS = 5000


class SessionError(ValueError):
    pass


@dataclass
class Options:
    """What a proctor sets when scheduling; `proctors` are users holding the proctor role."""

    name: str
    form: Form
    opens_at: object
    closes_at: object
    location: str = "online"
    capacity: int | None = None
    auto_admit: bool = True
    readmit_on_resume: bool = False
    requires_identity_check: bool = False
    require_seb: bool = False
    grace_seconds: int = 30
    proctors: list = field(default_factory=list)


def _check(options, session=None):
    if options.form.status != FormStatus.PUBLISHED:
        raise SessionError(f"form {options.form.code} is not published")
    if options.opens_at >= options.closes_at:
        raise SessionError("a session must close after it opens")
    if options.capacity is not None and session is not None and options.capacity < len(session.enrollments):
        raise SessionError(f"{len(session.enrollments)} candidates are enrolled: the capacity cannot be less")
    if session is not None and options.form.id != session.form_id and _started(session):
        raise SessionError("candidates have started this session's form: it cannot change")
    for proctor in options.proctors:
        if not proctor.has_role(*PROCTORS):
            raise SessionError(f"{proctor.email} is not a proctor")


def _started(session):
    return any(e.attempt is not None and e.attempt.started_at is not None for e in session.enrollments)


def _describe(session):
    return {"name": session.name, "form": session.form.code, "opens_at": session.opens_at.isoformat(),
            "closes_at": session.closes_at.isoformat(), "location": session.location, "capacity": session.capacity,
            "auto_admit": session.auto_admit, "readmit_on_resume": session.readmit_on_resume,
            "requires_identity_check": session.requires_identity_check, "require_seb": session.require_seb,
            "grace_seconds": session.grace_seconds, "proctors": sorted(p.email for p in session.proctors)}


def _apply(session, options):
    session.name, session.form = options.name.strip(), options.form
    session.opens_at, session.closes_at = options.opens_at, options.closes_at
    session.location = options.location.strip() or "online"
    session.capacity, session.grace_seconds = options.capacity, options.grace_seconds
    session.auto_admit, session.readmit_on_resume = options.auto_admit, options.readmit_on_resume
    session.requires_identity_check = options.requires_identity_check
    session.require_seb = options.require_seb
    session.proctors = list(options.proctors)


def schedule(options, by, access_code=None):
    _check(options)
    session = ExamSession(access_code=(access_code or new_access_code()).strip().upper())
    _apply(session, options)
    db.session.add(session)
    db.session.flush()
    log.record("session.created", by, session, after=_describe(session))
    return session


def update(session, options, by):
    if session.closed:
        raise SessionError("this session is closed")
    _check(options, session)
    before = _describe(session)
    _apply(session, options)
    db.session.flush()
    log.record("session.updated", by, session, before=before, after=_describe(session))
    return session


def create_session(name, form, opens_at, closes_at, location, access_code, grace_seconds, by, auto_admit=True):
    """Schedule with the options the command line gives."""
    options = Options(name, form, opens_at, closes_at, location, auto_admit=auto_admit, grace_seconds=grace_seconds)
    return schedule(options, by, access_code)


def regenerate_code(session, by, reason=""):
    """A new access code: the old one admits no one from now on; who has checked in stays."""
    if session.closed:
        raise SessionError("this session is closed")
    before = session.access_code
    session.access_code = new_access_code()
    db.session.flush()
    log.record("session.code_changed", by, session, reason=reason.strip(), before=before, after=session.access_code)
    return session.access_code


def seats_left(session):
    return None if session.capacity is None else session.capacity - len(session.enrollments)


def enroll(session, candidate, by, *, time_multiplier=1.0, extra_minutes=0, large_text=False, high_contrast=False):
    """Enrol a candidate (who is told by mail), or update their accommodations if already enrolled."""
    enrollment = enrollment_for(session, candidate.id)
    new = enrollment is None
    if new:
        if session.closed:
            raise SessionError("this session is closed")
        if seats_left(session) == 0:
            raise SessionError(f"{session.name} is full ({session.capacity} seats)")
        barred = exposure.why_not_sit(session.form, candidate)
        if barred:
            raise SessionError(barred)
        enrollment = Enrollment(session=session, candidate=candidate)
    before = {"time_multiplier": enrollment.time_multiplier, "extra_minutes": enrollment.extra_minutes,
              "large_text": enrollment.large_text, "high_contrast": enrollment.high_contrast}
    enrollment.time_multiplier, enrollment.extra_minutes = time_multiplier, extra_minutes
    enrollment.large_text, enrollment.high_contrast = large_text, high_contrast
    db.session.add(enrollment)
    after = {"time_multiplier": time_multiplier, "extra_minutes": extra_minutes,
             "large_text": large_text, "high_contrast": high_contrast}
    section = _open_section(enrollment)
    if section is not None:
        # Set mid-sitting, an accommodation applies to the part under way at once.
        before["deadline"] = section.deadline_at.isoformat()
        after["deadline"] = timing.recompute_deadline(section, enrollment).isoformat()
    db.session.flush()
    log.record("session.enrolled", by, session, candidate=candidate.email, before=before, after=after)
    if new:
        notifications.enrolled(enrollment)
    return enrollment


def _open_section(enrollment):
    attempt = enrollment.attempt
    if attempt is None or attempt.finished:
        return None
    section = attempt.current_section
    return section if section is not None and section.open else None


@dataclass
class RosterReport:
    """An enrolment list read: who would be enrolled, and every row that stops it."""

    ready: list = field(default_factory=list)  # candidates (User) to enrol
    already: list = field(default_factory=list)  # emails enrolled before: left as they are
    problems: list = field(default_factory=list)  # "line 4: ..." sentences

    @property
    def ok(self):
        return not self.problems


def read_roster(session, text, filename="the list"):
    """Check a CSV of emails (a header `email`, or one email per line) against
    the accounts and the session's seats; nothing is written."""
    report = RosterReport()
    if session.closed:
        report.problems.append(f"{session.name} is closed: no one can be enrolled in it")
        return report
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROSTER_ROWS:
        report.problems.append(f"{filename}: {len(rows)} rows; at most {MAX_ROSTER_ROWS} at once")
        return report
    column, start = 0, 1
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "email" in header:
        column, start = header.index("email"), 2
        rows = rows[1:]
    seen = set()
    for line, cells in enumerate(rows, start=start):
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{filename}, line {line}"
        raw = cells[column].strip() if column < len(cells) else ""
        email = normalise_email(raw)
        if not raw:
            report.problems.append(f"{where}: the email column is empty")
            continue
        if email in seen:
            report.problems.append(f"{where}: {raw} is listed twice")
            continue
        seen.add(email)
        user = user_by_email(email)
        if user is None:
            report.problems.append(f"{where}: no account has the email {raw}")
        elif not user.has_role(Role.CANDIDATE):
            report.problems.append(f"{where}: {raw} is not a candidate's account")
        elif not user.active:
            report.problems.append(f"{where}: {raw}'s account is deactivated")
        elif enrollment_for(session, user.id) is not None:
            report.already.append(user.email)
        elif barred := exposure.why_not_sit(session.form, user):
            report.problems.append(f"{where}: {barred}")
        else:
            report.ready.append(user)
    seats = seats_left(session)
    if seats is not None and len(report.ready) > seats:
        report.problems.append(f"{filename}: {len(report.ready)} new candidates but {seats} seats left "
                               f"(capacity {session.capacity})")
    if not rows:
        report.problems.append(f"{filename}: no emails in it")
    return report


def enroll_roster(session, report, by):
    """Enrol everyone a clean report found ready; all or nothing."""
    if not report.ok:
        raise SessionError("the list has problems: nothing was enrolled")
    return [enroll(session, candidate, by) for candidate in report.ready]


def find_candidates(session, text, limit=20):
    """Active candidates matching the text who are not yet in the session."""
    enrolled = select(Enrollment.candidate_id).where(Enrollment.session_id == session.id)
    query = find_users(text, Role.CANDIDATE, active=True).where(~User.id.in_(enrolled)).limit(limit)
    return db.session.scalars(query).all()


def enrollable(session, user_id):
    """The active candidate with this id, if not yet in the session."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.has_role(Role.CANDIDATE) or enrollment_for(session, user.id):
        return None
    return user


def proctor_choices():
    return db.session.scalars(find_users("", Role.PROCTOR, active=True)).all()


def published_forms():
    return db.session.scalars(select(Form).where(Form.status == FormStatus.PUBLISHED).order_by(Form.code)).all()


def move_targets(session, user_id, sees_all):
    """The open sessions, other than this one, a proctor may move candidates to: their own (an admin: any)."""
    query = select(ExamSession).where(ExamSession.id != session.id, ExamSession.closed_at.is_(None))
    if not sees_all:
        query = query.where(ExamSession.proctors.any(id=user_id))
    return db.session.scalars(query.order_by(ExamSession.opens_at)).all()


def of_form(form):
    return db.session.scalars(select(ExamSession).where(ExamSession.form_id == form.id)
                              .order_by(ExamSession.opens_at)).all()

