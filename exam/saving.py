"""Saving answers: idempotent, highest sequence number wins, every save journaled.

A browser tab claims the attempt, and only the tab holding the claim saves,
only while the clock runs (`delivery.candidate_refusal`): a save from another
tab or device, or sent while the attempt is paused, is refused whole and
not journaled. A held tab's saves are numbered within the attempt. Each is
written to the journal once (a repeat of a sequence number is acknowledged
again, not applied twice); it changes the response only if its number is
higher than the one that last changed that field, so saves arriving out of
order end in the same state. Tabs number their saves from `epoch x
EPOCH_SPAN`: a tab that takes the attempt over (a second tab, another
machine) outnumbers every earlier tab, and the earlier tab is told so.

The journal keeps the value of a save that was saved. Of one that was not
(refused or stale) it keeps the size and SHA-256 of its canonical JSON only,
as it does of every save, so a repeat can still be matched: a refused save
costs a row, not whatever the sender chose to send.

Besides an item's answer, flag and choice, a save may carry the candidate's
marks (options crossed out, text highlighted: judged by the item's kind, kept
on the response and shown back to the candidate only) and say where the
candidate is (`at`): the question another window opens at, and in a linear
part the one question that takes answers, reached only one step at a time.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache

from sqlalchemy import null, select
from sqlalchemy.orm import joinedload

from audit import log
from exam import timing
from exam.codes import SaveCode, ack_status
from exam.delivery import candidate_refusal, hold_for_readmission, note_contact, settle
from exam.models import AttemptSection, AttemptStatus, Response, SaveRecord
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, ItemVersion, Navigation

EPOCH_SPAN = 1_000_000_000
FIELDS = {"answer": "answer_seq", "flag": "flag_seq", "choose": "choose_seq", "marks": "marks_seq", "at": None}


@dataclass(frozen=True)
class Ack:
    seq: int
    code: str  # a SaveCode, or the code with which the item's kind refuses the answer
    reason: str = ""  # for the candidate, when the save is not held

    @property
    def status(self):
        return ack_status(self.code)

    def as_json(self):
        return {"seq": self.seq, "status": self.status, "code": self.code, "reason": self.reason}


def claim(attempt, tab, now, by, resumes=""):
    """A tab opens the attempt and holds it; returns the base of its sequence
    numbers. Every page load is a new tab; one that `resumes` the tab holding
    the attempt (the same browser tab, reloaded: only it knows that tab's
    random id) carries on. Any other takes the attempt over, and reopened
    elsewhere in a session that asks for it, the attempt waits for a proctor
    to re-admit the candidate."""
    settle(attempt, now, by)
    attempt.tab_epoch += 1
    attempt.last_contact_at = now
    if attempt.active_tab and attempt.active_tab not in (tab, resumes):
        log.record("attempt.taken_over", by, attempt, tab=tab, previous=attempt.active_tab)
        if attempt.session.readmit_on_resume and attempt.status == AttemptStatus.IN_PROGRESS:
            hold_for_readmission(attempt, now, by, tab)
    attempt.active_tab = tab
    db.session.flush()
    return attempt.tab_epoch * EPOCH_SPAN


def digest(value):
    """The size in bytes and the SHA-256 (hex) of the value's canonical JSON: keys sorted, no spaces, UTF-8.
    A lone surrogate (refused before it gets here from the runner) is encoded as is, so any value has one."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = canonical.encode("utf-8", "surrogatepass")
    return len(encoded), hashlib.sha256(encoded).hexdigest()


def _kind(response):
    return kind_of(response.form_item.item_version.item.kind)


def _check_value(response, field, value):
    """None when the value is acceptable for the field and item, else the code and sentence of why not."""
    if field == "at":
        return None if value is True else (SaveCode.NOT_TRUE_OR_FALSE, "must be true")
    if field in ("flag", "choose"):
        return None if isinstance(value, bool) else (SaveCode.NOT_TRUE_OR_FALSE, "must be true or false")
    if value is None:
        return None  # a cleared answer, or marks
    judge = _kind(response).marks_refusal if field == "marks" else _kind(response).refusal
    refused = judge(response.form_item.item_version.content, response.option_order, value)
    return None if refused is None else (refused.code, refused.reason)


def _choose_refusal(response, value):
    """The k-of-n rule: at most k items of the section chosen at once."""
    k = response.attempt_section.form_section.answer_count
    if not value:
        return None
    if k is None:
        return SaveCode.NO_CHOICE, "this section has no choice to make"
    chosen = sum(1 for other in response.attempt_section.responses if other.chosen and other.id != response.id)
    return (SaveCode.CHOICE_LIMIT, f"you may choose {k} of these; unchoose one first") if chosen >= k else None


def _linear_refusal(attempt, response, field):
    """A linear part answers one question at a time, in order: the candidate
    moves on one question at a time and never back."""
    if response.attempt_section.form_section.navigation != Navigation.LINEAR:
        return None
    at = attempt.question_position or response.attempt_section.responses[0].position
    reachable = (at, at + 1) if field == "at" else (at,)
    if response.position < at:
        return SaveCode.QUESTION_PASSED, "you have moved past this question; this part goes one way"
    if response.position not in reachable:
        return SaveCode.QUESTION_NOT_REACHED, "this part goes one question at a time; this one is not reached yet"
    return None


def _stale(seq, held):
    """Why a save lost to the higher number `held`: its own tab's later change, or a later claim's."""
    if seq // EPOCH_SPAN < held // EPOCH_SPAN:
        return Ack(seq, SaveCode.STALE_TAB, "this answer was changed since in another window or on another computer")
    return Ack(seq, SaveCode.STALE, "a later change to this answer arrived first")


@cache
def _response_loading():
    """A saved response's item, version and part, in its one query (a save reads no tags): built once."""
    version = joinedload(Response.form_item).joinedload(FormItem.item_version)
    return (version.joinedload(ItemVersion.item), version.lazyload(ItemVersion.tag_rows),
            joinedload(Response.attempt_section).joinedload(AttemptSection.form_section))


def _apply(attempt, entry, tab, now):
    seq, field, value = entry["seq"], entry["field"], entry["value"]
    accepted_before = db.session.scalar(select(SaveRecord.accepted).where(SaveRecord.attempt_id == attempt.id,
                                                                         SaveRecord.seq == seq))
    if accepted_before is not None:
        if accepted_before:
            return Ack(seq, SaveCode.DUPLICATE)
        return Ack(seq, SaveCode.DUPLICATE_NOT_SAVED, "this change was received before and not saved then")
    response = db.session.get(Response, entry["response"], options=_response_loading())
    if response is None or response.attempt_id != attempt.id:
        return Ack(seq, SaveCode.NO_SUCH_ITEM, "no such item in this attempt")
    refusal = _check_value(response, field, value)
    if refusal is None and response.attempt_section.after_break:
        refusal = SaveCode.ON_BREAK, "the next part has not started: you are on a break"
    if refusal is None and not timing.accepts_saves(response.attempt_section, now, attempt.session.grace_seconds):
        refusal = SaveCode.SECTION_CLOSED, "this section's time is over"
    if refusal is None:
        refusal = _linear_refusal(attempt, response, field)
    if refusal is None and field == "choose":
        refusal = _choose_refusal(response, value)
    held = getattr(response, FIELDS[field]) if FIELDS[field] else 0
    newer = refusal is None and seq > held
    size, sha256 = digest(value)
    db.session.add(SaveRecord(attempt_id=attempt.id, response_id=response.id, seq=seq, field=field,
                              value=value if newer else null(), value_bytes=size, value_sha256=sha256,
                              tab=tab[:64], received_at=now, accepted=newer))
    if refusal is not None:
        return Ack(seq, *refusal)
    if not newer:
        return _stale(seq, held)
    if field == "at":
        attempt.question_position = response.position
        return Ack(seq, SaveCode.SAVED)
    setattr(response, FIELDS[field], seq)
    if field == "answer":
        response.answer = value
        response.answered = _kind(response).answered(value)
    elif field == "flag":
        response.flagged = value
    elif field == "marks":
        response.marks = value
    else:
        response.chosen = value
    response.saved_at = now
    return Ack(seq, SaveCode.SAVED)


def save(attempt, entries, tab, now, by):
    """Apply a batch of saves (shaped as `bodies.read_saves` reads them) in
    sequence order; returns an Ack per save. A batch the attempt refuses as
    a whole (another tab holds it, its clock stands still, it is over) is
    answered save by save and not journaled: nothing of it was held, and the
    tab may send it again."""
    settle(attempt, now, by)
    note_contact(attempt, now)
    refusal = candidate_refusal(attempt, tab)
    if refusal is not None:
        return [Ack(entry["seq"], *refusal) for entry in entries]
    acks = [_apply(attempt, entry, tab, now) for entry in sorted(entries, key=lambda e: e["seq"])]
    db.session.flush()
    return acks
