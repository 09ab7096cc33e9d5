"""Where a candidate stands on the written examination, as the portfolio sees
it: only released results count, and one pass is enough."""

from dataclasses import dataclass

from sqlalchemy import select

from exam.models import FINISHED_STATUSES, Attempt, Enrollment, ExamSession
from extensions import db
from results.exam_result import released_result


@dataclass(frozen=True)
class Standing:
    outcome: str | None  # pass | fail | pending | None (not sat)
    attempt: Attempt | None = None  # the attempt the outcome comes from
    result: object = None  # its results.exam_result.ExamResult, when released


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
            return Standing("pass", attempt, result)
    if len(released) < len(attempts):
        return Standing("pending", next(a for a in attempts if a.session.results_released_at is None))
    if released:
        return Standing("fail", *released[0])
    return Standing(None)
