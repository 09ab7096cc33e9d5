"""The exam result of an attempt: the part scored by key and the rated part
under the form's pass rule, final only when every counted response is.
Staff read it under the form's latest scoring revision; the candidate under
the revision the session's results were released with.
"""

from dataclasses import dataclass, field

from exam.models import Attempt
from extensions import db
from item_bank.naming import question_name
from psychometrics.scoring import passes
from rating.models import CaseStatus, PassRule
from rating.plans import plan_for
from rating.responses import cases_by_response, counted_responses, finished_attempts, kind, max_points, rubric
from rating.scoring import counted_ratings
from results.keyed import DomainResult, score_attempts
from results.rules import latest_revision, rules_of


@dataclass
class Vignette:
    name: object  # item_bank.naming.QuestionName: as the candidate saw the question
    title: str
    domain: object
    possible: float
    status: str  # a CaseStatus, or "blank" (scored 0) or "waiting" (no rater yet)
    points: float | None = None
    comments: list = field(default_factory=list)  # the counted raters' comments, for the feedback letter

    @property
    def final(self):
        return self.status in (CaseStatus.FINAL, "blank")


@dataclass
class RatedPart:
    vignettes: list
    pass_percent: float

    @property
    def points(self):
        return sum(vignette.points or 0 for vignette in self.vignettes)

    @property
    def possible(self):
        return sum(vignette.possible for vignette in self.vignettes)

    @property
    def percent(self):
        return round(100 * self.points / self.possible, 1) if self.possible else None

    @property
    def final(self):
        return all(vignette.final for vignette in self.vignettes)

    @property
    def pending(self):
        return sum(1 for vignette in self.vignettes if not vignette.final)


@dataclass
class ExamResult:
    keyed: object  # results.keyed.AttemptResult
    rated: RatedPart
    pass_rule: str

    @property
    def final(self):
        return self.rated.final

    @property
    def rated_outcome(self):
        if not self.rated.vignettes:
            return None
        if not self.final:
            return "pending"
        return "pass" if passes(self.rated.points, self.rated.possible, self.rated.pass_percent) else "fail"

    @property
    def outcome(self):
        if not self.final:
            return "pending"
        if not self.rated.vignettes:
            return self.keyed.keyed_outcome
        if self.pass_rule == PassRule.TOTAL:
            points, possible = self.keyed.points + self.rated.points, self.keyed.possible + self.rated.possible
            return "pass" if passes(points, possible, self.keyed.pass_percent) else "fail"
        return "pass" if self.keyed.keyed_outcome == "pass" and self.rated_outcome == "pass" else "fail"

    @property
    def domains(self):
        """Points per competency domain over both parts, rated points once final."""
        by_code = {domain.code: DomainResult(domain.code, domain.name, domain.points, domain.possible)
                   for domain in self.keyed.domains}
        for vignette in self.rated.vignettes:
            domain = by_code.setdefault(vignette.domain.code, DomainResult(vignette.domain.code, vignette.domain.name))
            domain.possible += vignette.possible
            domain.points += vignette.points or 0
        return sorted(by_code.values(), key=lambda domain: domain.code)


def _counted_comments(case, plan):
    """The comments of the ratings the final score was made from, in rating order, blank ones left out."""
    firsts = [rating for rating in case.first_ratings if rating.submitted]
    adjudication = case.adjudication_rating if case.adjudicated else None
    counted = counted_ratings(firsts, adjudication, rubric(case.response), plan)
    return [rating.comments for rating in case.ratings if rating in counted and rating.comments]


def _vignette(response, case, plan):
    version = response.form_item.item_version
    vignette = Vignette(question_name(response.form_item), kind(response).summary(version.content).split("\n")[0], version.primary_domain,
                        max_points(response), "waiting")
    if not response.answered:
        vignette.status, vignette.points = "blank", 0.0
    elif case is not None:
        vignette.status = case.status
        if case.status == CaseStatus.FINAL:
            vignette.points = case.final_points
            vignette.comments = _counted_comments(case, plan)
    return vignette


def exam_results(form, attempts, revision=None):
    """Each attempt's exam result, the keyed parts scored together under
    `revision` (None: the form's original keys)."""
    keyed = score_attempts(form, attempts, rules_of(revision) if revision else None)
    counted = {attempt.id: counted_responses(attempt) for attempt in attempts}
    cases = cases_by_response([response for responses in counted.values() for response in responses])
    plan = plan_for(form)
    return [ExamResult(part, RatedPart([_vignette(response, cases.get(response.id), plan)
                                        for response in counted[attempt.id]], plan.rated_pass_percent),
                       plan.pass_rule)
            for attempt, part in zip(attempts, keyed)]


def exam_result(attempt, revision=None):
    (result,) = exam_results(attempt.session.form, [attempt], revision)
    return result


def latest_result(attempt):
    """What staff see: the keyed part under the form's latest scoring revision."""
    return exam_result(attempt, latest_revision(attempt.session.form))


def own_released_attempt(attempt_id, candidate_id):
    """The candidate's finished attempt whose results are released; None otherwise (a 404)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.enrollment.candidate_id != candidate_id:
        return None
    if not attempt.finished or attempt.session.results_released_at is None:
        return None
    return attempt


def released_result(attempt):
    """What the candidate sees: the keyed part under the released scoring revision."""
    return exam_result(attempt, attempt.session.released_revision)


def session_results(session):
    """(attempt, ExamResult) for each finished attempt of the session, under the latest scoring."""
    attempts = finished_attempts(session.form, session)
    return list(zip(attempts, exam_results(session.form, attempts, latest_revision(session.form))))
