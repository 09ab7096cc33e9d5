"""From ratings to a response's final score: when ratings disagree, and how
the final score is made under the form's rating plan."""

from dataclasses import dataclass

from psychometrics.scoring import passes
from rating.models import FinalRule


@dataclass(frozen=True)
class Disagreement:
    reasons: list  # sentences

    def __bool__(self):
        return bool(self.reasons)


def disagreement(ratings, criteria, possible, plan):
    """Why the submitted `ratings` of one response disagree under the plan (falsy when they agree)."""
    reasons = []
    for criterion in criteria:
        given = [rating.scores[criterion["id"]] for rating in ratings]
        gap = max(given) - min(given)
        if gap > plan.max_criterion_gap:
            reasons.append(f"{criterion['name']}: the ratings differ by {gap} points "
                           f"(at most {plan.max_criterion_gap} allowed)")
    if plan.pass_fail_disagreement and len({passes(rating.points, possible, plan.rated_pass_percent) for rating in ratings}) > 1:
        reasons.append(f"one rating reaches the cut of {plan.rated_pass_percent:g}% and another does not")
    return Disagreement(reasons)


def mean_scores(ratings, criteria):
    return {criterion["id"]: sum(rating.scores[criterion["id"]] for rating in ratings) / len(ratings)
            for criterion in criteria}


def _distance(one, other, criteria):
    return sum(abs(one.scores[c["id"]] - other.scores[c["id"]]) for c in criteria)


def counted_ratings(first_ratings, adjudication, criteria, plan):
    """The ratings the final score is the mean of (see FinalRule). Under
    ADJUDICATOR_AND_CLOSER a tie in closeness keeps both first ratings."""
    if adjudication is None:
        return list(first_ratings)
    if plan.final_rule == FinalRule.MEAN:
        return [adjudication]
    distances = [_distance(rating, adjudication, criteria) for rating in first_ratings]
    return [adjudication, *(rating for rating, distance in zip(first_ratings, distances)
                            if distance == min(distances))]


def final_scores(first_ratings, adjudication, criteria, plan):
    return mean_scores(counted_ratings(first_ratings, adjudication, criteria, plan), criteria)
