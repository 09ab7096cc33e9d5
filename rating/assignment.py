"""Putting raters on responses, by hand or automatically.

A rater is never put on a response when they are the candidate, hold the
candidate role themselves (a rubric is a secret to anyone who may sit the
form), have a declared conflict with the candidate (their supervisor,
reference or reflective supervision provider), or already rate it. The
automatic assignment gives each place to the eligible rater with the fewest
unsubmitted ratings, then the fewest ratings in all, so work spreads evenly.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from accounts.roles import Role
from accounts.users import find_users
from audit import log
from exam.models import Attempt, Enrollment, Response
from extensions import db
from rating import notifications
from rating.models import CaseStatus, RaterConflict, Rating, RatingCase, RatingPlan
from rating.plans import plan_for
from rating.responses import cases_by_response, queued, to_rate

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)


class AssignmentRefused(ValueError):
    """Why that rater cannot take that response, in a sentence."""


def raters():
    """Active raters, by email."""
    return db.session.scalars(find_users(role=Role.RATER, active=True)).all()


def _new_code():
    while True:
        code = "V-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(select(RatingCase.id).where(RatingCase.code == code)) is None:
            return code


def existing_case(response):
    return db.session.scalar(select(RatingCase).where(RatingCase.response_id == response.id))


def case_for(response):
    case = existing_case(response)
    if case is None:
        case = RatingCase(response=response, code=_new_code(), status=CaseStatus.RATING.value)
        db.session.add(case)
        db.session.flush()
    return case


def conflicted(rater_id, candidate_id):
    return db.session.scalar(select(RaterConflict.id).where(RaterConflict.rater_id == rater_id,
                                                            RaterConflict.candidate_id == candidate_id)) is not None


def refusal(case, response, rater, adjudication):
    """None if `rater` may take the place, else why not."""
    return _queue_refusal(response) or _rater_refusal(case, response, rater, conflicted) or _place_refusal(
        case, response, adjudication, plan_for(response.attempt.session.form))


def _queue_refusal(response):
    if not queued(response):
        return "this response is not in the rating queue (a counted, written response of a submitted attempt)"
    return None


def _rater_refusal(case, response, rater, is_conflicted):
    """Why this rater may not rate this response, whatever its case needs; or None.
    `is_conflicted(rater_id, candidate_id)` answers from the database or from conflicts read before."""
    candidate = response.attempt.enrollment.candidate
    if not rater.active or not rater.has_role(Role.RATER):
        return f"{rater.email} is not an active rater"
    if rater.id == candidate.id or rater.has_role(Role.CANDIDATE):
        return f"{rater.email} holds the candidate role; candidates never see rubrics"
    if is_conflicted(rater.id, candidate.id):
        return f"{rater.email} has a declared conflict with this candidate"
    if case is not None and any(rating.rater_id == rater.id for rating in case.ratings):
        return f"{rater.email} already rates this response"
    return None


def _place_refusal(case, response, adjudication, plan):
    """Why the response's case has no such place open under the form's `plan`, whoever asks; or None."""
    status = case.status if case is not None else CaseStatus.RATING
    if status == CaseStatus.FINAL:
        return "this response's score is final"
    if adjudication:
        if status != CaseStatus.ADJUDICATION:
            return "this response's ratings agree: it needs no adjudicator"
        if case.adjudication_rating is not None:
            return "this response has an adjudicator"
    else:
        if status != CaseStatus.RATING or (case is not None and len(case.first_ratings) >= plan.raters_per_response):
            return f"this response has its {plan.raters_per_response} raters"
    return None


def assign(response, rater, now, by, adjudication=False, tell=True):
    """Put `rater` on `response`; they are told by mail unless `tell` is false
    (an automatic assignment tells each rater once, of all it gave them)."""
    case = existing_case(response)
    reason = refusal(case, response, rater, adjudication)
    if reason:
        raise AssignmentRefused(reason)
    return _add_rating(case or case_for(response), rater, plan_for(response.attempt.session.form), now, by,
                       adjudication, tell)


def _add_rating(case, rater, plan, now, by, adjudication, tell):
    rating = Rating(case=case, rater_id=rater.id, adjudication=adjudication, assigned_at=now,
                    assigned_by_id=by.user_id, due_at=now + timedelta(days=plan.due_days), scores={}, comments="")
    db.session.add(rating)
    db.session.flush()
    log.record("rating.assigned", by, rating, case=case.code, rater=rater.email, adjudication=adjudication)
    if tell:
        notifications.assigned([rating])
    return rating


def withdraw(rating, by):
    """Take an unsubmitted rating off its rater, so the place can go to another."""
    if rating.submitted:
        raise AssignmentRefused("a submitted rating cannot be withdrawn; correct it instead")
    log.record("rating.withdrawn", by, rating, case=rating.case.code, rater=rating.rater.email)
    rating.case.ratings.remove(rating)  # the loaded collection would still show it
    db.session.delete(rating)
    db.session.flush()


def _workloads():
    """(unsubmitted, all) ratings per rater id."""
    rows = db.session.execute(select(Rating.rater_id, func.count(Rating.id),
                                     func.count(Rating.id).filter(Rating.submitted_at.is_(None)))
                              .group_by(Rating.rater_id))
    return {rater_id: [open_count, total] for rater_id, total, open_count in rows}


def _conflicts():
    """Every declared conflict, as a test of (rater id, candidate id): one query for a whole assignment."""
    pairs = set(db.session.execute(select(RaterConflict.rater_id, RaterConflict.candidate_id)))
    return lambda rater_id, candidate_id: (rater_id, candidate_id) in pairs


@dataclass
class Pool:
    """What an automatic assignment reads once: the raters, their workloads
    (unsubmitted, all), their conflicts and the form's plan."""
    raters: list
    loads: dict
    is_conflicted: Callable[[int, int], bool]
    plan: RatingPlan

    @classmethod
    def of(cls, form):
        return cls(raters(), _workloads(), _conflicts(), plan_for(form))


def _pick(pool, case, response, adjudication):
    # The same answer as `refusal` for each rater of a queued response, with
    # what holds for every rater asked once.
    if _place_refusal(case, response, adjudication, pool.plan):
        return None
    eligible = [rater for rater in pool.raters if _rater_refusal(case, response, rater, pool.is_conflicted) is None]
    if not eligible:
        return None
    return min(eligible, key=lambda rater: (*pool.loads.setdefault(rater.id, [0, 0]), rater.id))


@dataclass
class Assigned:
    ratings: list = field(default_factory=list)
    unstaffed: int = 0  # places no eligible rater could take


def place(response, case, pool, now, by, adjudication=False):
    """Give one open place of a queued response to the least-loaded eligible
    rater of `pool`; None if there is none. The rater is told by the caller."""
    rater = _pick(pool, case, response, adjudication)
    if rater is None:
        return None
    pool.loads[rater.id][0] += 1
    pool.loads[rater.id][1] += 1
    return _add_rating(case or case_for(response), rater, pool.plan, now, by, adjudication, tell=False)


def assign_automatically(form, now, by):
    """Fill every open place of the form's queue: first raters for responses
    short of them, adjudicators for responses in adjudication."""
    pool, result = Pool.of(form), Assigned()
    responses = to_rate(form)
    cases = cases_by_response(responses)
    for response in responses:
        case = cases.get(response.id)
        if case is not None and case.status == CaseStatus.FINAL:
            continue
        if case is not None and case.status == CaseStatus.ADJUDICATION:
            places, adjudication = (0 if case.adjudication_rating else 1), True
        else:
            places, adjudication = pool.plan.raters_per_response - (len(case.first_ratings) if case else 0), False
        for _ in range(places):
            rating = place(response, case, pool, now, by, adjudication)
            if rating is None:
                result.unstaffed += 1
                continue
            case = rating.case
            result.ratings.append(rating)
    notifications.assigned(result.ratings)
    return result


def assign_adjudicator(case, now, by):
    """Put the least-loaded eligible rater on a case that just went to adjudication."""
    if _queue_refusal(case.response):
        return None
    rating = place(case.response, case, Pool.of(case.response.attempt.session.form), now, by, adjudication=True)
    if rating is not None:
        notifications.assigned([rating])
    return rating


def declare_conflict(rater, candidate, reason, by):
    if not reason.strip():
        raise AssignmentRefused("say why the rater must not rate this candidate")
    if rater.id == candidate.id:
        raise AssignmentRefused("a rater and a candidate must be two people")
    existing = db.session.scalar(select(RaterConflict).where(RaterConflict.rater_id == rater.id,
                                                             RaterConflict.candidate_id == candidate.id))
    if existing is not None:
        raise AssignmentRefused(f"{rater.email} already has a conflict with {candidate.email}")
    conflict = RaterConflict(rater=rater, candidate=candidate, reason=reason.strip()[:200], created_by_id=by.user_id)
    db.session.add(conflict)
    db.session.flush()
    log.record("rating.conflict_declared", by, conflict, rater=rater.email, candidate=candidate.email,
               reason=conflict.reason)
    for rating in _open_ratings(rater, candidate):
        withdraw(rating, by)
    return conflict


def _open_ratings(rater, candidate):
    """The rater's unsubmitted ratings of the candidate's responses: a conflict found late takes them back."""
    query = (select(Rating).join(RatingCase).join(Response).join(Attempt).join(Enrollment)
             .where(Rating.rater_id == rater.id, Rating.submitted_at.is_(None),
                    Enrollment.candidate_id == candidate.id))
    return db.session.scalars(query).all()


def remove_conflict(conflict, by):
    log.record("rating.conflict_removed", by, conflict, rater=conflict.rater.email,
               candidate=conflict.candidate.email)
    db.session.delete(conflict)
    db.session.flush()


def conflicts():
    return db.session.scalars(select(RaterConflict).order_by(RaterConflict.created_at.desc())).all()
