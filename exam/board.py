"""The live board: one row per enrolled candidate, as the proctor's page polls it.

Built from one column query whatever the session's size (each enrollment
with its candidate, attempt and current part, and its attempt's counts of
parts, and of questions and answered questions per part, as subqueries over
that attempt's rows), not from loaded objects: the board of 500 candidates is polled by every proctor
every 5 s, and what it reads grows with the session, never with the attempts
of every earlier sitting in the database. Attempts whose time has run out are
settled first, so the board shows what the server's clock says, not what
the last save left.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from accounts.models import User
from exam import delivery, identity, timing
from exam.models import Attempt, AttemptSection, AttemptStatus, Enrollment, Response
from exam.prepared_forms import prepared
from exam.proctoring import Standing, standing_of
from extensions import db

SILENCE = timedelta(seconds=60)


def accommodations(enrollment):
    """A short text of the accommodations of an enrollment (or a row with the same fields)."""
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


def _count(model):
    """How many of the row's attempt's `model` rows there are."""
    return select(func.count()).where(model.attempt_id == Attempt.id).correlate(Attempt).scalar_subquery()


def _rows(session, sections, enrollment_ids=None):
    current = aliased(AttemptSection)
    query = (
        select(Enrollment.id, Enrollment.time_multiplier, Enrollment.extra_minutes, Enrollment.large_text,
               Enrollment.high_contrast, User.name, User.email, Attempt.id.label("attempt_id"), Attempt.status,
               Attempt.hold, Attempt.paused_at, Attempt.started_at, Attempt.last_contact_at, Attempt.finish_reason,
               current.position, current.deadline_at, current.started_at.label("part_started_at"),
               current.closed_at.label("part_closed_at"), current.break_ends_at,
               and_(current.started_at.is_(None), current.break_ends_at.is_not(None)).label("on_break"),
               _count(AttemptSection).label("parts"),
               identity.checked_column(),
               *_part_columns(sections))
        .join(User, User.id == Enrollment.candidate_id)
        .outerjoin(Attempt, Attempt.enrollment_id == Enrollment.id)
        .outerjoin(current, and_(current.attempt_id == Attempt.id, current.position == Attempt.current_position))
        .where(Enrollment.session_id == session.id).order_by(Enrollment.id)
    )
    if enrollment_ids is not None:
        query = query.where(Enrollment.id.in_(enrollment_ids))
    return db.session.execute(query).all()


@dataclass(frozen=True)
class Part:
    title: str
    answered: int  # of the required, so never above it
    required: int  # the questions the candidate must answer in the part


def _count_in(section, *conditions):
    """How many of the row's attempt's responses in the form's `section` (meeting `conditions`) there are:
    through the attempt's part of that section, so each count reads that part's responses by index."""
    part = (select(AttemptSection.id).where(AttemptSection.attempt_id == Attempt.id,
                                            AttemptSection.form_section_id == section.id)
            .correlate(Attempt).scalar_subquery())
    return (select(func.count()).select_from(Response).where(Response.attempt_section_id == part, *conditions)
            .correlate(Attempt).scalar_subquery())


def _part_columns(sections):
    for index, section in enumerate(sections):
        yield _count_in(section, Response.answered).label(f"answered_{index}")


def _parts(row, sections):
    """The row's progress per part, from its answered counts and the form's parts: a
    started attempt has a response for each of the part's items, one not started none."""
    parts = []
    for index, section in enumerate(sections):
        items = section.item_count if row.parts else 0
        # In an "answer k of n" part the candidate must answer k; answering more does not count twice.
        required = items if section.answer_count is None else min(section.answer_count, items)
        parts.append(Part(section.title, min(getattr(row, f"answered_{index}") or 0, required), required))
    return parts


def progress(parts):
    """What the candidate has answered of what they must, for the proctor:
    "2 of 4 required (2 of 3 in Part One; 0 of 1 in Part Two)", or "All 4
    required answered" once complete."""
    answered, required = sum(part.answered for part in parts), sum(part.required for part in parts)
    if not required:
        return ""
    if answered == required:
        return f"All {required} required answered"
    if len(parts) == 1:
        return f"{answered} of {required} required"
    each = "; ".join(f"{part.answered} of {part.required} in {part.title}" for part in parts)
    return f"{answered} of {required} required ({each})"


def _open_part(row):
    return row.part_started_at is not None and row.part_closed_at is None


def _overdue(row, session, now):
    """A part's time, or the break before it, has run out while its clock ran."""
    if row.status != AttemptStatus.IN_PROGRESS:
        return False
    if row.on_break:
        return now >= row.break_ends_at
    return _open_part(row) and now > row.deadline_at + timedelta(seconds=session.grace_seconds)


def _silent(current, row, now):
    """Admitted with the clock running and no browser since, or in progress and quiet for a minute."""
    if current is Standing.ADMITTED_NOT_CONNECTED:
        return True
    return current is Standing.IN_PROGRESS and now - row.last_contact_at > SILENCE


def _row(session, row, sections, now):
    parts = _parts(row, sections)
    current = standing_of(session, row, now)
    open_part = _open_part(row) and current not in (Standing.SUBMITTED, Standing.TERMINATED)
    return {
        "enrollment": row.id,
        "name": row.name,
        "email": row.email,
        "standing": current.value,
        "label": current.label,
        "section": f"{row.position} of {row.parts}" if open_part else None,
        "answered": sum(part.answered for part in parts),
        "required": sum(part.required for part in parts),
        "progress": progress(parts),
        "seconds_left": timing.seconds_until(row.deadline_at, now, row.paused_at) if open_part else None,
        "last_contact": row.last_contact_at.isoformat() if row.last_contact_at else None,
        "silent_seconds": int((now - row.last_contact_at).total_seconds()) if row.last_contact_at else None,
        "silent": _silent(current, row, now),
        "accommodations": accommodations(row),
        "finish_reason": row.finish_reason if current in (Standing.SUBMITTED, Standing.TERMINATED) else None,
        "identity_checked": bool(row.identity_checked),
    }


def rows(session, now, by, enrollment_ids=None):
    """The board's rows (of the given enrollments, or all), overdue attempts settled first."""
    sections = prepared(session.form).sections
    found = _rows(session, sections, enrollment_ids)
    overdue = [row.attempt_id for row in found if _overdue(row, session, now)]
    if overdue:
        for attempt in db.session.scalars(select(Attempt).where(Attempt.id.in_(overdue))):
            delivery.settle(attempt, now, by)
        found = _rows(session, sections, enrollment_ids)
    return [_row(session, row, sections, now) for row in found]


def board(session, now, by):
    """The board's rows and the count of candidates in each standing."""
    board_rows = rows(session, now, by)
    tally = {standing.value: 0 for standing in Standing}
    for each in board_rows:
        tally[each["standing"]] += 1
    return {
        "session": session.id,
        "closed": session.closed,
        "server_now": now.isoformat(),
        "counts": tally,
        "silent": sum(each["silent"] for each in board_rows),
        "identity_required": session.requires_identity_check,
        "identity_checked": sum(each["identity_checked"] for each in board_rows),
        "rows": board_rows,
    }
