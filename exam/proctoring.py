"""What proctors do to candidates' sittings: a state machine with the moves allowed.

A candidate's place in a session is in one `Standing` at a time, derived from
the enrollment and its attempt. `MOVES` names, for every proctor action, the
standings it may start from; any other start raises `ActionRefused` with a
sentence a proctor can act on. Each action locks the attempt's row and
settles it against the clock first, so two proctors acting on one attempt at
once are applied one after the other, and an attempt whose time ran out
meanwhile is finished, not extended. Every action and every refusal is
audited with the reason and the before and after values.
Functions flush, never commit.
"""

import enum
from dataclasses import dataclass

from sqlalchemy import select

from audit import log
from exam import delivery, identity, timing
from exam.models import Attempt, AttemptStatus, Enrollment, ExamSession, Hold
from exam.sessions import seats_left
from extensions import db

MAX_EXTENSION_MINUTES = 600


class Standing(enum.StrEnum):
    ENROLLED = "enrolled"  # no attempt yet, session still open
    CHECKED_IN = "checked_in"
    AWAITING_ADMISSION = "awaiting_admission"
    AWAITING_READMISSION = "awaiting_readmission"  # reopened elsewhere; clock stopped
    ADMITTED_NOT_CONNECTED = "admitted_not_connected"  # clock running, browser not heard from since the start
    IN_PROGRESS = "in_progress"
    ON_BREAK = "on_break"  # between two parts; a pause holds the break, an extension goes to the next part
    PAUSED = "paused"
    SUBMITTED = "submitted"
    TERMINATED = "terminated"
    ABSENT = "absent"  # never joined, and the session is over

    @property
    def label(self):
        # Typing the access code is not an identity check: the label says what it is.
        special = {Standing.CHECKED_IN: "Joined with the code", Standing.AWAITING_READMISSION: "Awaiting re-admission",
                   Standing.ADMITTED_NOT_CONNECTED: "Admitted, not connected"}
        return special.get(self, self.value.replace("_", " ").capitalize())


class Action(enum.StrEnum):
    ADMIT = "admit"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    TERMINATE = "terminate"
    MOVE = "move"


S = Standing
# Admitted and not finished: closing the session submits these with their saved answers.
SITTING = {S.ADMITTED_NOT_CONNECTED, S.IN_PROGRESS, S.ON_BREAK, S.PAUSED, S.AWAITING_READMISSION}
MOVES = {
    Action.ADMIT: {S.AWAITING_ADMISSION, S.AWAITING_READMISSION},
    Action.PAUSE: {S.ADMITTED_NOT_CONNECTED, S.IN_PROGRESS, S.ON_BREAK},
    Action.RESUME: {S.PAUSED},
    Action.EXTEND: {S.ADMITTED_NOT_CONNECTED, S.IN_PROGRESS, S.ON_BREAK, S.PAUSED, S.AWAITING_READMISSION},
    Action.TERMINATE: {S.CHECKED_IN, S.AWAITING_ADMISSION, S.AWAITING_READMISSION, S.ADMITTED_NOT_CONNECTED,
                       S.IN_PROGRESS, S.ON_BREAK, S.PAUSED},
    Action.MOVE: {S.ENROLLED, S.ABSENT, S.CHECKED_IN, S.AWAITING_ADMISSION},
}
VERBS = {Action.ADMIT: "admit", Action.PAUSE: "pause", Action.RESUME: "resume", Action.EXTEND: "extend the time of",
         Action.TERMINATE: "terminate", Action.MOVE: "move"}


class ActionRefused(ValueError):
    pass


def standing(enrollment, now):
    return standing_of(enrollment.session, enrollment.attempt, now)


def standing_of(session, attempt, now):
    """The standing in the session of an attempt: an `Attempt`, or a row with
    its status, hold, started_at, last_contact_at and on_break (status None,
    or None itself: no attempt)."""
    status = attempt.status if attempt is not None else None
    if status is None:
        return S.ABSENT if session.closed or now > session.closes_at else S.ENROLLED
    if status == AttemptStatus.PAUSED and attempt.hold == Hold.READMISSION:
        return S.AWAITING_READMISSION
    if status == AttemptStatus.IN_PROGRESS and not connected(attempt):
        return S.ADMITTED_NOT_CONNECTED
    if status == AttemptStatus.IN_PROGRESS and attempt.on_break:
        return S.ON_BREAK
    return S(status)


def connected(attempt):
    """Heard from since it started: the runner's claim, a save or a state poll.
    The waiting page's polls before admission do not count."""
    return attempt.last_contact_at is not None and attempt.last_contact_at >= attempt.started_at


def snapshot(enrollment, now):
    """The values an action may change, for the audit log's before and after."""
    attempt = enrollment.attempt
    section = attempt.current_section if attempt else None
    return {
        "standing": standing(enrollment, now).value,
        "session": enrollment.session_id,
        "section": section.position if section and section.open else None,
        "deadline": section.deadline_at.isoformat() if section and section.open else None,
    }


def _name(enrollment):
    return enrollment.candidate.name


def _refuse(enrollment, action, now, by, why):
    log.record("proctor.refused", by, enrollment.attempt or enrollment, attempted=action.value, reason=why,
               state=snapshot(enrollment, now))
    raise ActionRefused(f"{_name(enrollment)}: {why}")


def check_move(enrollment, action, now, by):
    current = standing(enrollment, now)
    if current not in MOVES[action]:
        _refuse(enrollment, action, now, by, f"cannot {VERBS[action]} a candidate who is {current.label.lower()}.")
    if action is Action.ADMIT and not identity.cleared(enrollment):
        _refuse(enrollment, action, now, by, "cannot admit a candidate whose identity is not checked; "
                                             "record their identity check first.")


def lock_enrollments(session, enrollment_ids):
    """The session's enrollments named, their attempts' rows locked, in id order
    (so two proctors locking overlapping selections cannot deadlock)."""
    enrollments = session_enrollments(session, enrollment_ids)
    attempt_ids = [e.attempt.id for e in enrollments if e.attempt is not None]
    if attempt_ids:
        db.session.scalars(
            select(Attempt).where(Attempt.id.in_(attempt_ids)).order_by(Attempt.id).with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    return enrollments


def session_enrollments(session, enrollment_ids=None):
    query = select(Enrollment).where(Enrollment.session_id == session.id).order_by(Enrollment.id)
    if enrollment_ids is not None:
        query = query.where(Enrollment.id.in_(enrollment_ids))
    return db.session.scalars(query).all()


@dataclass(frozen=True)
class Outcome:
    done: list  # (enrollment, message)
    refused: list  # (enrollment, message)


def act(session, enrollment_ids, action, now, by, *, reason="", minutes=None, target=None):
    """Apply one action to each named candidate of the session; what was done
    and what was refused, each with a sentence for the proctor."""
    action = Action(action)
    _check_arguments(session, action, reason, minutes, target)
    done, refused = [], []
    for enrollment in lock_enrollments(session, enrollment_ids):
        try:
            done.append((enrollment, apply(enrollment, action, now, by, reason=reason, minutes=minutes,
                                           target=target)))
        except ActionRefused as refusal:
            refused.append((enrollment, str(refusal)))
    db.session.flush()
    return Outcome(done, refused)


def _check_arguments(session, action, reason, minutes, target):
    if action in (Action.EXTEND, Action.TERMINATE, Action.MOVE) and not reason.strip():
        raise ActionRefused(f"Give a reason to {VERBS[action]} a candidate.")
    if action is Action.EXTEND and not (isinstance(minutes, int) and 1 <= minutes <= MAX_EXTENSION_MINUTES):
        raise ActionRefused(f"Extend by a whole number of minutes from 1 to {MAX_EXTENSION_MINUTES}.")
    if action is Action.MOVE:
        if target is None or target.id == session.id:
            raise ActionRefused("Choose another session to move the candidates to.")
        if target.closed:
            raise ActionRefused(f"{target.name} is closed.")


def apply(enrollment, action, now, by, *, reason="", minutes=None, target=None):
    """One action on one candidate: refused unless the machine allows it from where they stand."""
    action = Action(action)
    if enrollment.attempt is not None:
        delivery.settle(enrollment.attempt, now, by)
    check_move(enrollment, action, now, by)
    before = snapshot(enrollment, now)
    message = _MOVES_DONE[action](enrollment, now, by, reason=reason, minutes=minutes, target=target)
    log.record(f"proctor.{action.value}", by, enrollment.attempt or enrollment, reason=reason, before=before,
               after=snapshot(enrollment, now), **({"minutes": minutes} if action is Action.EXTEND else {}))
    return message


def _admit(enrollment, now, by, **_):
    attempt = enrollment.attempt
    if attempt.status == AttemptStatus.AWAITING_ADMISSION:
        delivery.start(attempt, now, by)
        return f"{_name(enrollment)} is admitted."
    delivery.restart_clock(attempt, now)
    return f"{_name(enrollment)} is re-admitted."


def _pause(enrollment, now, by, **_):
    delivery.stop_clock(enrollment.attempt, now, Hold.PROCTOR.value)
    return f"{_name(enrollment)} is paused."


def _resume(enrollment, now, by, **_):
    delivery.restart_clock(enrollment.attempt, now)
    return f"{_name(enrollment)} has resumed."


def _extend(enrollment, now, by, minutes, **_):
    section = enrollment.attempt.current_section
    section.extension_seconds += minutes * 60
    timing.recompute_deadline(section, enrollment)
    return f"{_name(enrollment)} has {minutes} more minute{'s' if minutes != 1 else ''} in part {section.position}."


def _terminate(enrollment, now, by, reason, **_):
    delivery.finish(enrollment.attempt, now, "terminated", AttemptStatus.TERMINATED, note=reason.strip()[:500])
    return f"{_name(enrollment)}'s attempt is terminated; their saved answers are kept."


def _move(enrollment, now, by, target, **_):
    if delivery.enrollment_for(target, enrollment.candidate_id) is not None:
        _refuse(enrollment, Action.MOVE, now, by, f"already enrolled in {target.name}.")
    if seats_left(target) == 0:
        _refuse(enrollment, Action.MOVE, now, by, f"{target.name} is full ({target.capacity} seats).")
    enrollment.session = target
    return f"{_name(enrollment)} is moved to {target.name}."


_MOVES_DONE = {Action.ADMIT: _admit, Action.PAUSE: _pause, Action.RESUME: _resume, Action.EXTEND: _extend,
               Action.TERMINATE: _terminate, Action.MOVE: _move}


def check_identity(session, enrollment, document_type, name_on_document, note, now, by):
    """Record a proctor's identity check of the candidate. In a session that
    admits automatically, a candidate who agreed and waited only for the check
    is admitted now, as a proctor's admission. Returns sentences for the proctor."""
    lock_enrollments(session, [enrollment.id])
    identity.record(session, enrollment, document_type, name_on_document, note, now, by)
    messages = [f"{_name(enrollment)}'s identity check is recorded."]
    if session.auto_admit and standing(enrollment, now) is S.AWAITING_ADMISSION:
        messages.append(apply(enrollment, Action.ADMIT, now, by,
                              reason="Identity checked; the session admits automatically."))
    return messages


def act_on_session(session, action, now, by):
    """Pause every candidate whose clock runs, or resume every candidate paused."""
    action = Action(action)
    if action not in (Action.PAUSE, Action.RESUME):
        raise ActionRefused("Only pause and resume apply to the whole session.")
    ids = [e.id for e in session_enrollments(session) if standing(e, now) in MOVES[action]]
    log.record(f"session.{action.value}_all", by, session, candidates=len(ids))
    return act(session, ids, action, now, by)


def close_session(session, now, by, reason=""):
    """Close the session: every attempt still open is finished now with its
    saved answers; those never admitted are ended; no one can join after."""
    if session.closed:
        raise ActionRefused(f"{session.name} was closed at {session.closed_at:%Y-%m-%d %H:%M} UTC.")
    finished = not_admitted = 0
    for enrollment in lock_enrollments(session, None):
        attempt = enrollment.attempt
        if attempt is None:
            continue
        delivery.settle(attempt, now, by)
        current = standing(enrollment, now)
        if current in SITTING:
            before = snapshot(enrollment, now)
            delivery.finish(attempt, now, "session_closed")
            log.record("attempt.finished", by, attempt, reason="session_closed", before=before,
                       after=snapshot(enrollment, now))
            finished += 1
        elif current in (S.CHECKED_IN, S.AWAITING_ADMISSION):
            delivery.finish(attempt, now, "not_admitted", AttemptStatus.TERMINATED,
                            note="The session closed before this candidate was admitted.")
            log.record("attempt.finished", by, attempt, reason="not_admitted")
            not_admitted += 1
    session.closed_at = now
    log.record("session.closed", by, session, reason=reason, finished=finished, not_admitted=not_admitted)
    db.session.flush()
    return finished, not_admitted


def sessions_for(user_id, sees_all):
    """The sessions a proctor is assigned to (an admin: all), soonest first."""
    query = select(ExamSession).order_by(ExamSession.opens_at.desc())
    if not sees_all:
        query = query.where(ExamSession.proctors.any(id=user_id))
    return db.session.scalars(query).all()
