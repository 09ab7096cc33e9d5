"""Where a candidate stands on the written examination, as the portfolio sees
it: only released results count, and one pass is enough. A released result is
told with the day it was released; a fail released before a later attempt
whose result is not released yet stays told beside it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clock import long_date
from exam.models import FINISHED_STATUSES, Attempt, Enrollment, ExamSession
from extensions import db
from results.exam_result import released_result


@dataclass(frozen=True)
class Standing:
    outcome: str | None  # pass | fail | pending | None (not sat)
    attempt: Attempt | None = None  # the attempt the outcome comes from
    result: object = None  # its results.exam_result.ExamResult, when released
    released_on: date | None = None  # the day the outcome's result was released
    failed_on: date | None = None  # pending: the day an earlier attempt's fail was released

    @property
    def sentence(self):
        """The standing in words for the candidate's record, e.g. "Not passed (released 3 Dec 2026)"."""
        if self.outcome in ("pass", "fail"):
            return f"{'Passed' if self.outcome == 'pass' else 'Not passed'} (released {long_date(self.released_on)})"
        if self.outcome == "pending":
            earlier = f"; an earlier attempt not passed (released {long_date(self.failed_on)})" if self.failed_on else ""
            return "Taken, result not released yet" + earlier
        return "Not sat yet"


def _released_on(attempt):
    return attempt.session.results_released_at.date()


def standing(candidate_id):
    """The candidate's best released result: a pass if any, else the latest
    fail; "pending" while a finished attempt waits for its release."""
    attempts = db.session.scalars(
        select(Attempt).join(Enrollment).join(ExamSession)
        .where(Enrollment.candidate_id == candidate_id, Attempt.status.in_(FINISHED_STATUSES))
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc())).all()
    released = [(attempt, released_result(attempt)) for attempt in attempts
                if attempt.session.results_released_at is not None]
    for attempt, result in released:
        if result.outcome == "pass":
            return Standing("pass", attempt, result, _released_on(attempt))
    if len(released) < len(attempts):
        failed_on = _released_on(released[0][0]) if released else None
        return Standing("pending", next(a for a in attempts if a.session.results_released_at is None),
                        failed_on=failed_on)
    if released:
        return Standing("fail", *released[0], _released_on(released[0][0]))
    return Standing(None)
