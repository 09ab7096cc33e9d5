"""Scheduling exam sessions and enrolling candidates (the proctor console builds on these)."""

from audit import log
from exam.delivery import enrollment_for, new_access_code
from exam.models import Enrollment, ExamSession
from extensions import db
from item_bank.models import FormStatus


class SessionError(ValueError):
    pass


def create_session(name, form, opens_at, closes_at, location, access_code, grace_seconds, by, auto_admit=True):
    if form.status != FormStatus.PUBLISHED:
        raise SessionError(f"form {form.code} is not published")
    if opens_at >= closes_at:
        raise SessionError("a session must close after it opens")
    session = ExamSession(name=name, form=form, opens_at=opens_at, closes_at=closes_at, location=location,
                          access_code=(access_code or new_access_code()).strip().upper(), auto_admit=auto_admit,
                          grace_seconds=grace_seconds)
    db.session.add(session)
    db.session.flush()
    log.record("session.created", by, session, form=form.code, opens_at=opens_at.isoformat())
    return session


def enroll(session, candidate, by, *, time_multiplier=1.0, extra_minutes=0, large_text=False, high_contrast=False):
    """Enrol a candidate, or update their accommodations if already enrolled."""
    enrollment = enrollment_for(session, candidate.id) or Enrollment(session=session, candidate=candidate)
    before = {"time_multiplier": enrollment.time_multiplier, "extra_minutes": enrollment.extra_minutes,
              "large_text": enrollment.large_text, "high_contrast": enrollment.high_contrast}
    enrollment.time_multiplier, enrollment.extra_minutes = time_multiplier, extra_minutes
    enrollment.large_text, enrollment.high_contrast = large_text, high_contrast
    db.session.add(enrollment)
    db.session.flush()
    log.record("session.enrolled", by, session, candidate=candidate.email, before=before,
               after={"time_multiplier": time_multiplier, "extra_minutes": extra_minutes,
                      "large_text": large_text, "high_contrast": high_contrast})
    return enrollment


def release_results(session, now, by):
    if session.results_released_at is None:
        session.results_released_at = now
        log.record("session.results_released", by, session)
    return session
