"""Which of an attempt's written responses count, and which of a form's
still need raters.

In a section that asks for k of its n vignettes, the k that count are the
ones the candidate chose; if they chose fewer, answered ones they did not
choose fill the places in order, then blank ones (a blank response scores 0
and goes to no rater). A section without a choice counts every response.
"""

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exam.models import FINISHED_STATUSES, Attempt, AttemptSection, Enrollment, ExamSession, Response
from extensions import db
from item_bank.kinds import KINDS, kind_of
from item_bank.models import FormItem, Item, ItemVersion
from rating.models import RatingCase


def kind(response):
    return kind_of(response.form_item.item_version.item.kind)


def is_rated(response):
    return kind(response).rated


def _counted(rated, k):
    """The k of one section's rated responses that count (all of them when there is no choice)."""
    if k is None or k >= len(rated):
        return list(rated)
    preferred = sorted(rated, key=lambda r: (not r.chosen, not r.answered, r.position))
    return sorted(preferred[:k], key=lambda r: r.position)


def counted_responses(attempt):
    """The attempt's rated responses that make up its rated part, in position order."""
    counted = []
    for section in attempt.sections:
        counted += _counted([r for r in section.responses if is_rated(r)], section.form_section.answer_count)
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
             .options(selectinload(Attempt.sections).selectinload(AttemptSection.form_section),
                      selectinload(Attempt.sections).selectinload(AttemptSection.responses),
                      selectinload(Attempt.enrollment).selectinload(Enrollment.candidate),
                      selectinload(Attempt.responses).selectinload(Response.form_item)
                      .selectinload(FormItem.item_version).selectinload(ItemVersion.item))
             .order_by(Attempt.finished_at, Attempt.id))
    if session is not None:
        query = query.where(ExamSession.id == session.id)
    return db.session.scalars(query).all()


def to_rate(form):
    """The counted, answered rated responses of the form's finished attempts,
    in the order their attempts finished: what the rating queue holds. Only
    rated responses are read, so a long keyed part costs nothing here."""
    rated_kinds = [name for name, kind in KINDS.items() if kind.rated]
    query = (select(Response).join(Attempt).join(Enrollment).join(ExamSession)
             .join(FormItem, Response.form_item_id == FormItem.id).join(ItemVersion).join(Item)
             .where(ExamSession.form_id == form.id, Attempt.status.in_(FINISHED_STATUSES),
                    Item.kind.in_(rated_kinds))
             .options(selectinload(Response.attempt_section).selectinload(AttemptSection.form_section),
                      selectinload(Response.attempt).selectinload(Attempt.enrollment)
                      .selectinload(Enrollment.candidate),
                      selectinload(Response.form_item).selectinload(FormItem.item_version)
                      .selectinload(ItemVersion.item))
             .order_by(Attempt.finished_at, Attempt.id, Response.position))
    queued = []
    for _, section in groupby(db.session.scalars(query), key=lambda response: response.attempt_section_id):
        rated = list(section)
        queued += [r for r in _counted(rated, rated[0].attempt_section.form_section.answer_count) if r.answered]
    return queued


def cases_by_response(responses):
    ids = [response.id for response in responses]
    if not ids:
        return {}
    query = (select(RatingCase).where(RatingCase.response_id.in_(ids))
             .options(selectinload(RatingCase.ratings)))
    return {case.response_id: case for case in db.session.scalars(query)}
