"""The state poll, every candidate's heartbeat (every 4 s from every runner):
answered from one indexed read while it has nothing to change.

The read carries the sign-in check, the attempt's standing and its current
part's clock; the rules it is judged by are the ones the full path uses
(`AttemptStanding`, `SectionClock`, `delivery.time_ran_out`,
`presentation.state`). A poll that finds a clock run out, a session that
requires Safe Exam Browser, or anything short of a signed-in candidate's own
attempt is left to the full path, which settles, checks and answers as every
other runner request does. The one write the read path makes is the
last-contact time, at most every 30 s (`delivery.contact_due`).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, select, update

from accounts.models import LoginSession, User
from accounts.roles import Role
from accounts.signin import live_login, live_login_values
from exam import delivery, presentation
from exam.models import Attempt, AttemptSection, AttemptStanding, Enrollment, ExamSession, SectionClock
from extensions import db


@dataclass(frozen=True)
class PolledSection(SectionClock):
    started_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None
    break_ends_at: datetime | None


@dataclass(frozen=True)
class PolledAttempt(AttemptStanding):
    status: str
    current_position: int
    paused_at: datetime | None
    hold: str | None
    active_tab: str | None
    current_section: PolledSection | None


def quiet_state(attempt_id, token, lifetime, now, tab):
    """The state poll's answer (`presentation.state`) for the candidate signed
    in with `token`, or None when the poll needs the full path. Writes the
    last contact when due; the caller commits."""
    if not token:
        return None
    row = db.session.execute(_read(), {"attempt_id": attempt_id,
                                       **live_login_values(token, now, lifetime)}).one_or_none()
    if row is None:
        return None
    section = None if row.section_id is None else PolledSection(row.started_at, row.closed_at, row.deadline_at,
                                                                 row.break_ends_at)
    attempt = PolledAttempt(row.status, row.current_position, row.paused_at, row.hold, row.active_tab, section)
    if delivery.time_ran_out(attempt, now, row.grace_seconds):
        return None
    if delivery.contact_due(row.last_contact_at, now):
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(last_contact_at=now),
                           execution_options={"synchronize_session": False})
    return presentation.state(attempt, now, tab)


@cache
def _read():
    """The poll's one query, built once: building it costs more than running it."""
    return (
        select(Attempt.status, Attempt.current_position, Attempt.paused_at, Attempt.hold, Attempt.active_tab,
               Attempt.last_contact_at, ExamSession.grace_seconds, AttemptSection.id.label("section_id"),
               AttemptSection.started_at, AttemptSection.closed_at, AttemptSection.deadline_at,
               AttemptSection.break_ends_at)
        .join(Enrollment, Enrollment.id == Attempt.enrollment_id)
        .join(ExamSession, ExamSession.id == Enrollment.session_id)
        .join(LoginSession, LoginSession.user_id == Enrollment.candidate_id)
        .join(User, User.id == Enrollment.candidate_id)
        .outerjoin(AttemptSection, and_(AttemptSection.attempt_id == Attempt.id,
                                        AttemptSection.position == Attempt.current_position))
        .where(Attempt.id == bindparam("attempt_id"), ExamSession.require_seb.is_(False),
               User.role_rows.any(role=Role.CANDIDATE.value),
               *live_login())
    )
