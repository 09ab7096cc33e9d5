"""The live board: one row per enrolled candidate, as the proctor's page polls it.

Built in a fixed number of queries whatever the session's size (enrollments
with their candidates and attempts, the attempts' sections, and one count of
answered items), so 300 candidates refresh as fast as 3. Attempts whose time
has run out are settled first, so the board shows what the server's clock
says, not what the last save left.
"""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from exam import delivery, timing
from exam.models import Attempt, AttemptSection, AttemptStatus, Enrollment, Response
from exam.proctoring import Standing, standing
from extensions import db

SILENCE = timedelta(seconds=60)


def accommodations(enrollment):
    parts = []
    if enrollment.time_multiplier != 1:
        parts.append(f"time ×{enrollment.time_multiplier:g}")
    if enrollment.extra_minutes:
        parts.append(f"{enrollment.extra_minutes} extra min a part")
    if enrollment.large_text:
        parts.append("large text")
    if enrollment.high_contrast:
        parts.append("high contrast")
    return ", ".join(parts)


def _enrollments(session):
    return db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == session.id)
        .options(joinedload(Enrollment.candidate),
                 joinedload(Enrollment.attempt).selectinload(Attempt.sections).joinedload(AttemptSection.form_section))
        .order_by(Enrollment.id)
    ).unique().all()


def answered_counts(attempt_ids):
    if not attempt_ids:
        return {}
    rows = db.session.execute(
        select(Response.attempt_id, func.count(), func.count().filter(Response.answered))
        .where(Response.attempt_id.in_(attempt_ids)).group_by(Response.attempt_id)
    )
    return {attempt_id: (answered, total) for attempt_id, total, answered in rows}


def _settle_overdue(enrollments, now, by):
    for enrollment in enrollments:
        attempt = enrollment.attempt
        section = attempt.current_section if attempt else None
        if (attempt is not None and attempt.status == AttemptStatus.IN_PROGRESS and section is not None
                and timing.overdue(section, now, enrollment.session.grace_seconds)):
            delivery.settle(attempt, now, by)


def silent(attempt, now):
    """In progress, and not heard from for a minute."""
    if attempt is None or attempt.status != AttemptStatus.IN_PROGRESS:
        return False
    heard = attempt.last_contact_at or attempt.started_at
    return now - heard > SILENCE


def row(enrollment, now, counts):
    attempt = enrollment.attempt
    section = attempt.current_section if attempt else None
    open_section = section is not None and section.open and not attempt.finished
    answered, items = counts.get(attempt.id, (0, 0)) if attempt else (0, 0)
    current = standing(enrollment, now)
    last_contact = attempt.last_contact_at if attempt else None
    return {
        "enrollment": enrollment.id,
        "name": enrollment.candidate.name,
        "email": enrollment.candidate.email,
        "standing": current.value,
        "label": current.label,
        "section": f"{section.position} of {len(attempt.sections)}" if open_section else None,
        "answered": answered,
        "items": items,
        "seconds_left": timing.seconds_left(section, now, attempt.paused_at) if open_section else None,
        "last_contact": last_contact.isoformat() if last_contact else None,
        "silent_seconds": int((now - last_contact).total_seconds()) if last_contact else None,
        "silent": silent(attempt, now),
        "accommodations": accommodations(enrollment),
        "finish_reason": attempt.finish_reason if attempt and attempt.finished else None,
    }


def board(session, now, by):
    """The board's rows and the count of candidates in each standing."""
    enrollments = _enrollments(session)
    _settle_overdue(enrollments, now, by)
    counts = answered_counts([e.attempt.id for e in enrollments if e.attempt is not None])
    rows = [row(enrollment, now, counts) for enrollment in enrollments]
    tally = {standing.value: 0 for standing in Standing}
    for each in rows:
        tally[each["standing"]] += 1
    return {
        "session": session.id,
        "closed": session.closed,
        "server_now": now.isoformat(),
        "counts": tally,
        "silent": sum(each["silent"] for each in rows),
        "rows": rows,
    }
