"""A rater's work on an assigned response: drafts, submission (then locked),
and what follows: agreement settles the final score, disagreement sends the
response to an adjudicator. A coordinator's correction of a submitted rating
is audited with what it changed and settles the response again.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit import log
from exam.models import Attempt, Enrollment, ExamSession, Response
from extensions import db
from rating import assignment, plans
from rating.models import CaseStatus, Rating, RatingCase
from rating.plans import plan_for
from rating.responses import max_points, rubric
from rating.scoring import disagreement, final_scores

# A page left open over lunch is not rating time.
MAX_SECONDS_PER_VISIT = 2 * 60 * 60
MAX_COMMENTS = 5000


class RatingRefused(ValueError):
    """Why the rating cannot be saved, in a sentence naming the criterion or field."""


def assignment_for(code, rater_id):
    """The rater's rating of the case with this code; None when they have none (a 404)."""
    return db.session.scalar(select(Rating).join(RatingCase)
                             .where(RatingCase.code == code, Rating.rater_id == rater_id)
                             .options(selectinload(Rating.case).selectinload(RatingCase.ratings)))


def check_scores(criteria, scores, complete):
    """Scores as {criterion id: int}; every value one of its criterion's levels,
    every criterion scored when `complete`."""
    checked = {}
    for criterion in criteria:
        value = scores.get(criterion["id"])
        if value is None:
            if complete:
                raise RatingRefused(f"{criterion['name']}: choose a score level")
            continue
        levels = [level["points"] for level in criterion["levels"]]
        if value not in levels:
            raise RatingRefused(f"{criterion['name']}: {value} is not one of its levels "
                                f"({', '.join(str(points) for points in levels)})")
        checked[criterion["id"]] = value
    unknown = set(scores) - {criterion["id"] for criterion in criteria}
    if unknown:
        raise RatingRefused(f"no rubric criterion is called {', '.join(sorted(unknown))}")
    return checked


def save(rating, scores, comments, seconds, now, by, submit=False):
    """Save a draft, or submit: then the rating is locked and the response settled."""
    if rating.submitted:
        raise RatingRefused("this rating is submitted and locked; ask a coordinator to correct it")
    if rating.case.status == CaseStatus.FINAL:
        raise RatingRefused("this response's score is final")
    comments = comments.strip()
    if len(comments) > MAX_COMMENTS:
        raise RatingRefused(f"comments: at most {MAX_COMMENTS} characters")
    if submit and not comments:
        raise RatingRefused("comments: write what the candidate should read in the feedback letter")
    rating.scores = check_scores(rubric(rating.case.response), scores, complete=submit)
    rating.comments = comments
    rating.seconds_spent += max(0, min(int(seconds), MAX_SECONDS_PER_VISIT))
    rating.saved_at = now
    if submit:
        rating.submitted_at = now
        db.session.flush()
        log.record("rating.submitted", by, rating, case=rating.case.code, points=rating.points,
                   adjudication=rating.adjudication)
        settle(rating.case, now, by)
    db.session.flush()
    return rating


def settle(case, now, by):
    """Bring the case's status and final score in line with its submitted ratings."""
    response = case.response
    plan = plan_for(response.attempt.session.form)
    criteria, possible = rubric(response), max_points(response)
    firsts = [rating for rating in case.first_ratings if rating.submitted]
    adjudication = case.adjudication_rating
    adjudication = adjudication if adjudication is not None and adjudication.submitted else None
    was = case.status
    if len(firsts) < plan.raters_per_response:
        case.status, case.final_scores, case.final_points = CaseStatus.RATING.value, None, None
    elif adjudication is None and disagreement(firsts, criteria, possible, plan):
        case.status, case.final_scores, case.final_points = CaseStatus.ADJUDICATION.value, None, None
    else:
        case.final_scores = final_scores(firsts, adjudication, criteria, plan)
        case.final_points = sum(case.final_scores.values())
        case.adjudicated = adjudication is not None
        case.status = CaseStatus.FINAL.value
        case.finalized_at = now
    if case.status != CaseStatus.FINAL:
        case.adjudicated, case.finalized_at = False, None
    elif case.adjudication_rating is not None and adjudication is None:
        # A correction made the first ratings agree: the adjudicator has nothing left to settle.
        assignment.withdraw(case.adjudication_rating, by)
    db.session.flush()
    if case.status != was:
        log.record("rating.case_" + case.status, by, case, code=case.code, final_points=case.final_points)
    if case.status == CaseStatus.ADJUDICATION and case.adjudication_rating is None:
        assignment.assign_adjudicator(case, now, by)
    return case


def correct(rating, scores, comments, reason, now, by):
    """A coordinator's correction of a submitted rating, audited before and after."""
    if not rating.submitted:
        raise RatingRefused("this rating is still a draft; its rater can change it")
    if not reason.strip():
        raise RatingRefused("reason: say why the rating is corrected")
    checked = check_scores(rubric(rating.case.response), scores, complete=True)
    before = {"scores": dict(rating.scores), "comments": rating.comments}
    rating.scores, rating.comments = checked, comments.strip()[:MAX_COMMENTS]
    db.session.flush()
    log.record("rating.corrected", by, rating, case=rating.case.code, reason=reason.strip(), before=before,
               after={"scores": checked, "comments": rating.comments})
    return settle(rating.case, now, by)


def change_plan(form, values, now, by):
    """Set the form's rating plan, then settle again every response not yet
    final under it (fewer raters may now suffice; a wider gap may now agree).
    Final scores stay as they are: they may already be released."""
    plan = plans.update_plan(form, values, by)
    cases = db.session.scalars(select(RatingCase).join(Response).join(Attempt).join(Enrollment).join(ExamSession)
                               .where(ExamSession.form_id == form.id, RatingCase.status != CaseStatus.FINAL)).all()
    for case in cases:
        settle(case, now, by)
    return plan
