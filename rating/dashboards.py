"""What the rater's and the coordinator's dashboards show: queues, overdue
ratings, workloads and time spent."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from exam import sessions
from extensions import db
from item_bank.kinds import kind_of
from rating.models import CaseStatus, Rating, RatingCase
from rating.plans import plan_for
from rating.responses import cases_by_response, to_rate


def my_ratings(rater_id):
    """(to do, done) for a rater: unsubmitted ratings by due date, submitted ones newest first."""
    ratings = db.session.scalars(select(Rating).where(Rating.rater_id == rater_id)
                                 .options(selectinload(Rating.case).selectinload(RatingCase.response))).all()
    to_do = sorted((r for r in ratings if not r.submitted and r.case.status != CaseStatus.FINAL),
                   key=lambda r: (r.due_at, r.id))
    done = sorted((r for r in ratings if r.submitted), key=lambda r: r.submitted_at, reverse=True)
    return to_do, done


@dataclass
class FormQueue:
    form: object
    plan: object
    unassigned: int = 0  # queued responses no rater has been put on yet
    rating: int = 0
    adjudication: int = 0
    final: int = 0
    open_places: int = 0  # places for a rater or adjudicator that no one holds, unassigned responses included

    @property
    def total(self):
        return self.unassigned + self.rating + self.adjudication + self.final


def rated_forms():
    """Published forms with at least one rated item."""
    return [form for form in sessions.published_forms()
            if any(kind_of(form_item.item_version.item.kind).rated for form_item in form.form_items)]


def form_queue(form, rows=None):
    """Queue sizes of the form, from its rows (`form_rows`) when the caller has them."""
    queue = FormQueue(form, plan_for(form))
    for row in form_rows(form) if rows is None else rows:
        case = row.case
        if case is None:
            queue.unassigned += 1
            queue.open_places += queue.plan.raters_per_response
            continue
        setattr(queue, case.status, getattr(queue, case.status) + 1)
        if case.status == CaseStatus.RATING:
            queue.open_places += max(0, queue.plan.raters_per_response - len(case.first_ratings))
        elif case.status == CaseStatus.ADJUDICATION and case.adjudication_rating is None:
            queue.open_places += 1
    return queue


@dataclass(frozen=True)
class ResponseRow:
    response: object
    case: object  # RatingCase, or None before the first rater is put on it

    @property
    def candidate(self):
        return self.response.attempt.enrollment.candidate

    @property
    def final(self):
        return self.case is not None and self.case.status == CaseStatus.FINAL


def form_rows(form):
    """Every queued response of the form with its case, for the coordinator."""
    responses = to_rate(form)
    cases = cases_by_response(responses)
    return [ResponseRow(response, cases.get(response.id)) for response in responses]


def overdue(now):
    return db.session.scalars(select(Rating).join(RatingCase)
                              .where(Rating.submitted_at.is_(None), Rating.due_at < now,
                                     RatingCase.status != CaseStatus.FINAL)
                              .options(selectinload(Rating.rater), selectinload(Rating.case))
                              .order_by(Rating.due_at)).all()


@dataclass
class Workload:
    rater: User
    open: int = 0
    overdue: int = 0
    submitted: int = 0
    seconds: int = 0

    @property
    def minutes_per_rating(self):
        return round(self.seconds / 60 / self.submitted, 1) if self.submitted else None


def workloads(raters, now):
    loads = {rater.id: Workload(rater) for rater in raters}
    for rating in db.session.scalars(select(Rating).options(selectinload(Rating.case))):
        load = loads.get(rating.rater_id)
        if load is None:
            continue
        if rating.submitted:
            load.submitted += 1
            load.seconds += rating.seconds_spent
        elif rating.case.status != CaseStatus.FINAL:
            load.open += 1
            load.overdue += rating.due_at < now
    return list(loads.values())
