"""Ratings of the past demo sitting's written responses, so the rating
screens have something to show: the three demo raters score every response
through the same services raters use, from a seeded model (each response's
quality, each rater's leniency, some noise), adjudicating where they
disagree; then the coordinator releases the results."""

from datetime import timedelta

import numpy as np
from sqlalchemy import select

from accounts.users import user_by_email
from exam.demo import PAST_SESSION, SEED
from exam.models import ExamSession
from extensions import db
from rating import assignment, ratings
from rating.responses import rubric, to_rate
from results import release
from results.keyed import score_attempt

RATERS = {"rater@example.org": 0.0, "rater2@example.org": 0.2, "rater3@example.org": -0.15}  # leniency, points
NOISE = 0.3
COMMENTS = {
    "high": "You keep the baby's experience in view throughout and link it to the parent's history with care.",
    "middle": "You notice the key moments; say more about what the behaviour may mean to the parent, and why.",
    "low": "Start from the infant's cues and the parent's feelings before planning what to do next.",
}


def load_demo_ratings(by):
    session = db.session.scalar(select(ExamSession).where(ExamSession.name == PAST_SESSION))
    if session is None or session.results_released_at is not None:
        return ["demo ratings already present"]
    rng = np.random.default_rng(SEED + 1)
    at = session.closes_at + timedelta(days=2)
    assignment.assign_automatically(session.form, at, by)
    lenience = {user_by_email(email).id: shift for email, shift in RATERS.items()}
    quality, keyed_shares = {}, {}
    # First ratings, then the adjudications the disagreements called for.
    for adjudication in (False, True):
        for response in to_rate(session.form):
            case = assignment.existing_case(response)
            for rating in case.ratings:
                if rating.adjudication == adjudication and not rating.submitted:
                    if response.attempt_id not in keyed_shares:
                        keyed = score_attempt(response.attempt)
                        keyed_shares[response.attempt_id] = keyed.points / keyed.possible
                    level = quality.setdefault(response.id, _quality(keyed_shares[response.attempt_id], rng))
                    _rate(rating, level, lenience[rating.rater_id], rng, at, by)
    release.release(session, at + timedelta(days=5), by)
    cases = [assignment.existing_case(response) for response in to_rate(session.form)]
    adjudicated = sum(1 for case in cases if case.adjudicated)
    return [f"{len(cases)} written responses of the autumn sitting rated by the three demo raters, "
            f"{adjudicated} adjudicated; results released"]


def _quality(keyed_share, rng):
    """A written response about as good as the candidate's selected-response share, give or take.
    Drawn for every rating, kept for the response's first: the demo's random stream stays as it was."""
    return float(np.clip(keyed_share + rng.normal(0, 0.12), 0, 1))


def _rate(rating, level, leniency, rng, at, by):
    scores = {}
    for criterion in rubric(rating.case.response):
        top = max(item["points"] for item in criterion["levels"])
        scores[criterion["id"]] = int(np.clip(np.rint(level * top + leniency + rng.normal(0, NOISE)), 0, top))
    share = sum(scores.values()) / (3 * len(scores))
    comments = COMMENTS["high" if share >= 0.8 else "middle" if share >= 0.5 else "low"]
    ratings.save(rating, scores, comments, int(rng.integers(240, 900)), at, by, submit=True)
