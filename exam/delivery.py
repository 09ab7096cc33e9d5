"""A candidate's sitting from joining to finishing: join with the code, agree,
be admitted, move through the timed sections, and finish, by choice or by time.

`settle` brings an attempt up to date with the clock: every section whose
deadline (plus grace) has passed is closed at its deadline, the next one
starts then, and after the last the attempt is finished at its deadline,
whether or not the candidate is still there. Functions flush, never commit.

A form with a break (`Form.break_minutes`) puts one between its parts: the
part after it starts when the candidate continues (`end_break`) or when the
break ends, whichever comes first; settling starts it at the break's end,
however much later the candidate is next heard from.
"""

import hmac
import random
import secrets
from datetime import timedelta

from sqlalchemy import insert, select

from audit import log
from exam import identity, timing
from exam.codes import SaveCode
from exam.models import Attempt, AttemptSection, AttemptStatus, Enrollment, ExamSession, Hold, Response
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, FormSection, Item, ItemVersion

CONTACT_RESOLUTION = timedelta(seconds=30)


class DeliveryError(ValueError):
    pass


def enrollment_for(session, candidate_id):
    return db.session.scalar(
        select(Enrollment).where(Enrollment.session_id == session.id, Enrollment.candidate_id == candidate_id)
    )


def window_open(session, now):
    return session.opens_at <= now <= session.closes_at


def join(session, candidate_id, code, now, by):
    """Check the candidate in with the session's access code; returns the attempt."""
    enrollment = enrollment_for(session, candidate_id)
    if enrollment is None:
        raise DeliveryError("You are not enrolled in this session.")
    return check_in(enrollment, code, now, by)


def check_in(enrollment, code, now, by):
    """`join` for an enrollment already read (with its session and attempt, as the join page reads it)."""
    if enrollment.attempt is not None:
        return enrollment.attempt
    session = enrollment.session
    if session.closed:
        raise DeliveryError("This session is closed. Ask your proctor or the association which session to join.")
    if not window_open(session, now):
        raise DeliveryError(
            f"This session can be joined from {session.opens_at:%Y-%m-%d %H:%M} to {session.closes_at:%Y-%m-%d %H:%M} UTC."
        )
    if not hmac.compare_digest(code.strip().upper().encode(), session.access_code.upper().encode()):
        raise DeliveryError("That access code is not this session's. Check it with your proctor.")
    attempt = Attempt(enrollment=enrollment, status=AttemptStatus.CHECKED_IN.value, checked_in_at=now)
    db.session.add(attempt)
    db.session.flush()
    log.record("attempt.checked_in", by, attempt, session=session.id)
    return attempt


def agree(attempt, now, by):
    """The candidate has read the instructions and agreed to the confidentiality terms."""
    if attempt.status != AttemptStatus.CHECKED_IN:
        return attempt
    attempt.agreed_at = now
    attempt.status = AttemptStatus.AWAITING_ADMISSION.value
    log.record("attempt.agreed", by, attempt)
    if attempt.session.auto_admit:
        if identity.cleared(attempt.enrollment):
            start(attempt, now, by)
        else:
            # Admitted as soon as a proctor records the check (proctoring.check_identity).
            log.record("attempt.awaiting_identity_check", by, attempt)
    db.session.flush()
    return attempt


def start(attempt, now, by):
    """Admit the candidate: lay out the sections and responses, start section 1.
    The responses are one bulk insert, so a start costs the same few
    statements whatever the form's length."""
    if attempt.status != AttemptStatus.AWAITING_ADMISSION:
        raise DeliveryError(f"An attempt {attempt.status.replace('_', ' ')} cannot start.")
    form = attempt.session.form
    items = _items_in_order(form)
    sections = [AttemptSection(form_section=form_section, position=form_section.position, paused_seconds=0,
                               extension_seconds=0) for form_section in form.sections]
    attempt.sections.extend(sections)
    attempt.status = AttemptStatus.IN_PROGRESS.value
    attempt.started_at = now
    attempt.current_position = sections[0].position
    first = next((position for position, item in enumerate(items, start=1)
                  if item.section_id == sections[0].form_section_id), None)
    _open_section(sections[0], attempt.enrollment, now, first)
    db.session.flush()  # the sections' ids, for their responses
    section_of = {section.form_section_id: section.id for section in sections}
    rng = random.Random(secrets.randbits(64))
    responses = [
        {"attempt_id": attempt.id, "attempt_section_id": section_of[item.section_id], "form_item_id": item.id,
         "position": position, "option_order": kind_of(item.kind).layout(item.content, form.shuffle_options, rng)}
        for position, item in enumerate(items, start=1)
    ]
    if responses:
        db.session.execute(insert(Response), responses)
    # Written around the ORM: the collections read them when next asked.
    for loaded in (attempt, *sections):
        db.session.expire(loaded, ["responses"])
    log.record("attempt.started", by, attempt, items=len(responses))
    return attempt


def _items_in_order(form):
    """The form's items in delivery order, each with its kind and content, in one query: what `layout` needs."""
    return db.session.execute(
        select(FormItem.id, FormItem.section_id, Item.kind, ItemVersion.content)
        .join(FormSection, FormSection.id == FormItem.section_id)
        .join(ItemVersion, ItemVersion.id == FormItem.item_version_id).join(Item, Item.id == ItemVersion.item_id)
        .where(FormSection.form_id == form.id).order_by(FormSection.position, FormItem.position)
    ).all()


def _open_section(section, enrollment, at, first_position):
    section.started_at = at
    timing.recompute_deadline(section, enrollment)
    section.attempt.question_position = first_position


def _first_position(section):
    return section.responses[0].position if section.responses else None


def _next_section(attempt, section):
    return next((s for s in attempt.sections if s.position > section.position), None)


def _close_section(attempt, section, at, by, reason):
    """Close a section at `at`; open the next, or finish the attempt."""
    section.closed_at = at
    log.record("attempt.section_closed", by, attempt, section=section.position, reason=reason, at=at.isoformat())
    following = _next_section(attempt, section)
    if following is None:
        _finish(attempt, at, by, reason)
        return
    attempt.current_position = following.position
    break_minutes = attempt.session.form.break_minutes
    if break_minutes:
        following.break_ends_at = at + timedelta(minutes=break_minutes)
        log.record("attempt.break_started", by, attempt, section=following.position, at=at.isoformat(),
                   ends_at=following.break_ends_at.isoformat())
    else:
        _open_section(following, attempt.enrollment, at, _first_position(following))


def _end_break(attempt, section, at, by, reason):
    """The part after the break starts at `at`: its deadline counts from then."""
    _open_section(section, attempt.enrollment, at, _first_position(section))
    log.record("attempt.break_ended", by, attempt, section=section.position, reason=reason, at=at.isoformat())


def _finish(attempt, at, by, reason):
    finish(attempt, at, reason)
    log.record("attempt.finished", by, attempt, reason=reason, at=at.isoformat())


def settle(attempt, now, by):
    """Close every section whose time ran out, start the part after a break
    that ran out at the break's end; finish the attempt after the last."""
    grace = attempt.session.grace_seconds
    while time_ran_out(attempt, now, grace):
        section = attempt.current_section
        if timing.break_over(section, now):
            _end_break(attempt, section, section.break_ends_at, by, "time")
        else:
            _close_section(attempt, section, section.deadline_at, by, "time")
    db.session.flush()
    return attempt


def time_ran_out(attempt, now, grace_seconds):
    """Whether the running clock of the attempt's current part, or of the break
    before it, has run out: what `settle` acts on."""
    section = attempt.current_section
    return (attempt.status == AttemptStatus.IN_PROGRESS and section is not None
            and (timing.break_over(section, now) or timing.overdue(section, now, grace_seconds)))


PAUSED_SENTENCES = {
    Hold.PROCTOR.value: "your proctor has paused the examination",
    Hold.READMISSION.value: "the examination waits for your proctor to re-admit you",
}


def candidate_refusal(attempt, tab=None):
    """Why the candidate cannot change the attempt now, as (SaveCode, sentence),
    or None. The candidate's moves (a save, a move to a question, finishing a
    part) need the clock running: while it stands still only a proctor's move
    changes anything. Given a tab, only the tab holding the claim may move."""
    if attempt.finished:
        return SaveCode.ATTEMPT_FINISHED, "this attempt is finished"
    if tab is not None and (not tab or attempt.active_tab != tab):
        return SaveCode.STALE_TAB, "the examination is open in another window or on another computer"
    if attempt.status == AttemptStatus.PAUSED:
        return SaveCode.PAUSED, PAUSED_SENTENCES[attempt.hold]
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return SaveCode.NOT_STARTED, "this attempt has not started"
    return None


def finish_section(attempt, position, now, by):
    """The candidate leaves the current section (after the review screen); the
    next opens now, or the attempt is submitted. Not while paused: a pause
    is credited to the part it was taken from, and a proctor's pause holds
    until the proctor resumes or terminates."""
    settle(attempt, now, by)
    refusal = candidate_refusal(attempt)
    if refusal is not None:
        raise DeliveryError(f"You cannot finish this part: {refusal[1]}.")
    section = attempt.current_section
    if section.position != position:
        raise DeliveryError("That section is already closed.")
    if section.after_break:
        raise DeliveryError("That part has not started: you are on a break.")
    _close_section(attempt, section, now, by, "submitted" if _next_section(attempt, section) is None else "candidate")
    db.session.flush()
    return attempt


def end_break(attempt, position, now, by):
    """The candidate continues from the break before part `position`: it
    starts now. Nothing happens if it has started already (the break ran out
    first, or a second click); not while paused, since a pause during the
    break holds the break as it holds a part."""
    settle(attempt, now, by)
    refusal = candidate_refusal(attempt)
    if refusal is not None:
        raise DeliveryError(f"You cannot start the next part: {refusal[1]}.")
    section = attempt.current_section
    if section.position == position and section.after_break:
        _end_break(attempt, section, now, by, "candidate")
        db.session.flush()
    return attempt


def stop_clock(attempt, now, hold):
    """Pause the attempt: its section's clock stands still until `restart_clock`."""
    attempt.status = AttemptStatus.PAUSED.value
    attempt.paused_at = now
    attempt.hold = hold


def restart_clock(attempt, now):
    """The clock starts again: the time spent paused moves the deadline on,
    or during a break the break's end (the part after it is not yet timed)."""
    section = attempt.current_section
    if section.after_break:
        section.break_ends_at += now - attempt.paused_at
    else:
        section.paused_seconds += int((now - attempt.paused_at).total_seconds())
        timing.recompute_deadline(section, attempt.enrollment)
    attempt.status = AttemptStatus.IN_PROGRESS.value
    attempt.paused_at = None
    attempt.hold = None


def hold_for_readmission(attempt, now, by, tab):
    """The attempt was reopened elsewhere in a session that asks for
    re-admission: it waits, clock stopped, for a proctor."""
    stop_clock(attempt, now, Hold.READMISSION.value)
    log.record("attempt.held_for_readmission", by, attempt, tab=tab, previous_tab=attempt.active_tab)


def finish(attempt, at, reason, status=AttemptStatus.SUBMITTED, note=None):
    """End the attempt at `at`, its saved answers as they are."""
    section = attempt.current_section
    if section is not None and section.open:
        section.closed_at = at
    attempt.status = status.value
    attempt.finished_at = at
    attempt.finish_reason = reason
    attempt.finish_note = note
    attempt.paused_at = None
    attempt.hold = None


def finish_overdue(now, by):
    """Settle every open attempt whose time has run out; returns how many finished."""
    finished = 0
    open_attempts = db.session.scalars(select(Attempt).where(Attempt.status == AttemptStatus.IN_PROGRESS.value))
    for attempt in open_attempts:
        settle(attempt, now, by)
        finished += attempt.finished
    return finished


def note_contact(attempt, now):
    """The candidate's browser was heard from. Written at most every 30 s, so
    that most polls write nothing (one in eight at the runner's 4 s), while a
    live candidate is never 60 s silent, where the board warns."""
    if contact_due(attempt.last_contact_at, now):
        attempt.last_contact_at = now


def contact_due(last_contact_at, now):
    return last_contact_at is None or now - last_contact_at >= CONTACT_RESOLUTION


def enrolled_sessions(candidate_id):
    """(enrollment, session) for every session the candidate is enrolled in, soonest first."""
    return db.session.execute(
        select(Enrollment, ExamSession).join(ExamSession).where(Enrollment.candidate_id == candidate_id)
        .order_by(ExamSession.opens_at)
    ).all()


def new_access_code():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    return "".join(secrets.choice(alphabet) for _ in range(8))
