"""Which of an attempt's written responses count, and which of a form's
still need raters.

In a section that asks for k of its n vignettes, the k that count are the
ones the candidate chose; if they chose fewer, answered ones they did not
choose fill the places in order, then blank ones (a blank response scores 0
and goes to no rater). A section without a choice counts every response.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exam.models import FINISHED_STATUSES, Attempt, Enrollment, ExamSession, Response
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, ItemVersion
from rating.models import CaseStatus, RatingCase


def is_rated(response):
    return kind_of(response.form_item.item_version.item.kind).rated


def counted_responses(attempt):
    """The attempt's rated responses that make up its rated part, in position order."""
    counted = []
    for section in attempt.sections:
        rated = [response for response in section.responses if is_rated(response)]
        k = section.form_section.answer_count
        if k is None or k >= len(rated):
            counted += rated
            continue
        preferred = sorted(rated, key=lambda r: (not r.chosen, not r.answered, r.position))
        counted += sorted(preferred[:k], key=lambda r: r.position)
    return counted


def queued(response):
    """Whether the response belongs in the rating queue: counted and answered in a finished attempt."""
    return response.attempt.finished and response.answered and is_rated(response) and any(
        counted.id == response.id for counted in counted_responses(response.attempt))


def max_points(response):
    version = response.form_item.item_version
    return kind_of(version.item.kind).max_points(version.content)


def rubric(response):
    return response.form_item.item_version.content["rubric"]["criteria"]


def finished_attempts(form, session=None):
    """The form's (or one session's) finished attempts, sections and responses loaded."""
    query = (select(Attempt).join(Enrollment).join(ExamSession)
             .where(ExamSession.form_id == form.id, Attempt.status.in_(FINISHED_STATUSES))
             .options(selectinload(Attempt.sections),
                      selectinload(Attempt.responses).selectinload(Response.form_item)
                      .selectinload(FormItem.item_version).selectinload(ItemVersion.item))
             .order_by(Attempt.finished_at, Attempt.id))
    if session is not None:
        query = query.where(ExamSession.id == session.id)
    return db.session.scalars(query).all()


def to_rate(form):
    """The counted, answered responses of the form's finished attempts, in
    the order their attempts finished: what the rating queue holds."""
    return [response for attempt in finished_attempts(form)
            for response in counted_responses(attempt) if response.answered]


def cases_by_response(responses):
    ids = [response.id for response in responses]
    if not ids:
        return {}
    query = (select(RatingCase).where(RatingCase.response_id.in_(ids))
             .options(selectinload(RatingCase.ratings)))
    return {case.response_id: case for case in db.session.scalars(query)}


def unfinished(form):
    """How many of the form's queued responses are not final yet."""
    responses = to_rate(form)
    cases = cases_by_response(responses)
    return sum(1 for response in responses
               if response.id not in cases or cases[response.id].status != CaseStatus.FINAL)
