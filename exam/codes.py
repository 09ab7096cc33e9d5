"""The codes of the exam runner's JSON answers: what the runner acts on.

Each answer also carries a sentence for the candidate; the runner shows the
sentence and decides by the code, so a sentence can be reworded without
changing what the runner does. The OpenAPI document lists these enumerations.
"""

import enum

from item_bank.kinds import answer_codes


class StateCode(enum.StrEnum):
    """Where the attempt stands for the tab that asks (the state poll, a claim, a batch of saves)."""

    IN_PROGRESS = "in_progress"  # a part is open and its clock runs
    PAUSED = "paused"  # a part (or the break before it) is open and its clock stands still; `hold` says why
    ON_BREAK = "on_break"  # between two parts: the next starts when the candidate continues or the break ends
    STALE_TAB = "stale_tab"  # another tab has claimed the attempt since this one: stop saving
    NOT_STARTED = "not_started"  # joined, not yet agreed or admitted
    FINISHED = "finished"  # submitted or terminated


class SaveCode(enum.StrEnum):
    """What became of one save. Only `saved` and `duplicate` mean the server holds it."""

    SAVED = "saved"
    DUPLICATE = "duplicate"  # a number received before, and saved then
    DUPLICATE_NOT_SAVED = "duplicate_not_saved"  # a number received before, and not saved then
    STALE = "stale"  # journaled; a higher number of the same claim holds the field
    # Another tab holds the attempt: it claimed it after this one (the save is
    # then not journaled), or its later save holds the field (journaled).
    STALE_TAB = "stale_tab"
    PAUSED = "paused"  # the clock stands still (a proctor's pause, awaiting re-admission): send it again on resume
    NOT_STARTED = "not_started"
    NO_SUCH_ITEM = "no_such_item"
    NOT_TRUE_OR_FALSE = "not_true_or_false"  # a flag or a choice that is not a boolean
    SECTION_CLOSED = "section_closed"  # its part's time, grace included, is over, or the part is not open
    ON_BREAK = "on_break"  # its part comes after the break the candidate is on, and has not started
    NO_CHOICE = "no_choice"  # a choice in a part that asks for none
    CHOICE_LIMIT = "choice_limit"  # more chosen than the part allows
    QUESTION_PASSED = "question_passed"  # a linear part: the candidate has moved past this question
    QUESTION_NOT_REACHED = "question_not_reached"  # a linear part: the candidate is not at this question yet
    ATTEMPT_FINISHED = "attempt_finished"


_STATUSES = {
    SaveCode.SAVED: "saved",
    SaveCode.DUPLICATE: "duplicate",
    SaveCode.STALE: "stale",
    SaveCode.STALE_TAB: "stale",
}


def ack_codes():
    """Every code a save's acknowledgement may carry: the save's own, and those
    with which the registered item kinds refuse an answer."""
    return [*(code.value for code in SaveCode), *answer_codes()]


def ack_status(code):
    """The coarse outcome of a save, as acknowledgements gave it before they had codes."""
    return _STATUSES.get(code, "refused")


ACK_STATUSES = tuple(dict.fromkeys(ack_status(code) for code in ack_codes()))
