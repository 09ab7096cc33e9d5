"""Rater quality for a form, from its double-rated responses: agreement per
rubric criterion and on the total, each rater's severity and adjudication
rate, with the number of pairs behind every figure (psychometrics.agreement).

The pairs are the first ratings of each response, two by two (three raters
give three pairs); adjudicators' ratings are not in them, since an
adjudicator sees the others' scores.
"""

from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from exam.models import Attempt, Enrollment, ExamSession, Response
from extensions import db
from item_bank.naming import question_name, staff_question_name
from psychometrics.agreement import pair_agreement, rater_severity
from rating.models import CaseStatus, RatingCase
from rating.responses import max_points


@dataclass(frozen=True)
class Row:
    question: str | None  # the vignette as staff name it (item_bank.naming); None for all vignettes together
    label: str
    agreement: object  # PairAgreement


@dataclass(frozen=True)
class RaterRow:
    rater: User
    severity: object  # RaterSeverity


@dataclass(frozen=True)
class Quality:
    rows: list
    raters: list
    cases: int  # responses with a pair of submitted first ratings


def _paired_cases(form):
    query = (select(RatingCase).join(Response).join(Attempt).join(Enrollment).join(ExamSession)
             .where(ExamSession.form_id == form.id)
             .options(selectinload(RatingCase.ratings), selectinload(RatingCase.response))
             .order_by(RatingCase.id))
    return [case for case in db.session.scalars(query)
            if sum(1 for rating in case.first_ratings if rating.submitted) >= 2]


def _pairs(case):
    return list(combinations([rating for rating in case.first_ratings if rating.submitted], 2))


def form_quality(form):
    cases = _paired_cases(form)
    by_question = {}
    for case in cases:
        by_question.setdefault(case.response.form_item, []).append(case)
    rows = []
    for form_item, group in sorted(by_question.items(), key=lambda pair: question_name(pair[0])):
        question = staff_question_name(form_item)
        criteria = group[0].response.form_item.item_version.content["rubric"]["criteria"]
        pairs = [pair for case in group for pair in _pairs(case)]
        for criterion in criteria:
            levels = sorted(level["points"] for level in criterion["levels"])
            a = [first.scores[criterion["id"]] for first, _ in pairs]
            b = [second.scores[criterion["id"]] for _, second in pairs]
            # The rubric's own levels, so a level nobody used still counts as a step.
            rows.append(Row(question, criterion["name"], pair_agreement(a, b, categories=levels)))
        possible = max_points(group[0].response)
        rows.append(Row(question, "Total", pair_agreement([first.points for first, _ in pairs],
                                                          [second.points for _, second in pairs],
                                                          categories=range(possible + 1))))
    if len(by_question) > 1:
        pairs = [pair for case in cases for pair in _pairs(case)]
        most = max(max_points(case.response) for case in cases)
        rows.append(Row(None, "Total, every vignette", pair_agreement([first.points for first, _ in pairs],
                                                                      [second.points for _, second in pairs],
                                                                      categories=range(most + 1))))
    return Quality(rows, _severities(cases), len(cases))


def _severities(cases):
    rater_a, rater_b, score_a, score_b, adjudicated = [], [], [], [], []
    for case in cases:
        went = case.status == CaseStatus.ADJUDICATION or case.adjudicated
        for first, second in _pairs(case):
            rater_a.append(first.rater_id)
            rater_b.append(second.rater_id)
            score_a.append(first.points)
            score_b.append(second.points)
            adjudicated.append(went)
    if not cases:
        return []
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(set(rater_a + rater_b))))}
    rows = [RaterRow(users[entry.rater], entry)
            for entry in rater_severity(rater_a, rater_b, score_a, score_b, adjudicated)]
    return sorted(rows, key=lambda row: row.rater.email)
