"""A form's attempts as the matrices `psychometrics/` works on: one row per
attempt, one column per keyed item, each answer coded by its kind into the
place of its choice in authored order (letter A is the first option whatever
a candidate's shuffled order was), keys, weights and dropped items from the
scoring rules. Scoring, rescoring and the item statistics all read attempts
through here, so they cannot disagree on what a candidate chose or earned.
The rated part has its own matrix in the same rows: the final points of
each vignette's rubric criteria."""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from accounts.models import User
from exam.models import Attempt, AttemptStatus, Enrollment, ExamSession, Response
from extensions import db
from item_bank.kinds import kind_of
from psychometrics import OMITTED
from rating.models import CaseStatus
from rating.responses import cases_by_response, counted_responses, finished_attempts


@dataclass(frozen=True)
class FormMatrix:
    attempt_ids: list
    candidates: list  # (email, name) per row
    form_items: list  # keyed FormItems, in form order
    positions: list  # each one's question number on the form
    labels: list  # per item, its choices (option ids) in authored order
    domains: list  # per item, its primary competency domain
    choices: np.ndarray  # persons x items, int8 codes into labels, OMITTED where unanswered
    keys: np.ndarray  # items x options booleans, from the rules
    weights: np.ndarray
    dropped: np.ndarray  # booleans

    @property
    def n_options(self):
        return self.keys.shape[1]

    def kept(self):
        """The same matrix without the dropped items."""
        keep = ~self.dropped
        return FormMatrix(self.attempt_ids, self.candidates,
                          *([entry for entry, k in zip(column, keep) if k]
                            for column in (self.form_items, self.positions, self.labels, self.domains)),
                          self.choices[:, keep], self.keys[keep], self.weights[keep], self.dropped[keep])


def _kind(form_item):
    return kind_of(form_item.item_version.item.kind)


def keyed_items(form):
    """(question number, FormItem) of the form's keyed items."""
    return [(position, form_item) for position, form_item in enumerate(form.form_items, start=1)
            if not _kind(form_item).rated]


def _matrix(form, rules, attempts, answers):
    """`attempts` are (attempt id, email, name) rows; `answers` (attempt id,
    form item id, answer) triples, of any item of the form."""
    numbered = keyed_items(form)
    form_items = [form_item for _, form_item in numbered]
    kinds = [_kind(form_item) for form_item in form_items]
    labels = [kind.choices(form_item.item_version.content) for kind, form_item in zip(kinds, form_items)]
    column = {form_item.id: index for index, form_item in enumerate(form_items)}
    code = [{label: number for number, label in enumerate(item_labels)} for item_labels in labels]
    row = {attempt_id: index for index, (attempt_id, _, _) in enumerate(attempts)}
    choices = np.full((len(attempts), len(form_items)), OMITTED, dtype=np.int8)
    for attempt_id, form_item_id, answer in answers:
        if attempt_id in row and form_item_id in column:
            index = column[form_item_id]
            choices[row[attempt_id], index] = code[index].get(kinds[index].choice(answer), OMITTED)
    n_options = max((len(item_labels) for item_labels in labels), default=1)
    keys = np.zeros((len(form_items), n_options), dtype=bool)
    weights, dropped = np.ones(len(form_items)), np.zeros(len(form_items), dtype=bool)
    for index, form_item in enumerate(form_items):
        rule = rules.items[form_item.id]
        keys[index, [code[index][key] for key in rule.keys]] = True
        weights[index], dropped[index] = rule.weight, rule.dropped
    return FormMatrix([attempt_id for attempt_id, _, _ in attempts], [(email, name) for _, email, name in attempts],
                      form_items, [position for position, _ in numbered], labels,
                      [form_item.item_version.primary_domain for form_item in form_items],
                      choices, keys, weights, dropped)


def form_matrix(form, rules):
    """What the item statistics read: every submitted attempt of the form that
    started, one row each; a terminated attempt says nothing reliable about
    the items. Read as columns, not objects, whatever the number of attempts."""
    attempts = db.session.execute(
        select(Attempt.id, User.email, User.name).join(Enrollment, Attempt.enrollment_id == Enrollment.id)
        .join(ExamSession).join(User, Enrollment.candidate_id == User.id)
        .where(ExamSession.form_id == form.id, Attempt.status == AttemptStatus.SUBMITTED,
               Attempt.started_at.is_not(None))
        .order_by(Attempt.id)).all()
    answers = db.session.execute(
        select(Response.attempt_id, Response.form_item_id, Response.answer)
        .where(Response.attempt_id.in_(select(Attempt.id).join(Enrollment).join(ExamSession)
                                       .where(ExamSession.form_id == form.id)),
               Response.answered.is_(True)))
    return _matrix(form, rules, attempts, answers)


def attempts_matrix(form, rules, attempts):
    """The given attempts of the form (loaded, with their responses), one row each in that order."""
    rows = [(attempt.id, attempt.enrollment.candidate.email, attempt.enrollment.candidate.name)
            for attempt in attempts]
    answers = ((attempt.id, response.form_item_id, response.answer)
               for attempt in attempts for response in attempt.responses)
    return _matrix(form, rules, rows, answers)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    levels: list  # its levels' points, ascending


@dataclass(frozen=True)
class RatedMatrix:
    vignettes: list  # (question number, FormItem) of the form's rated items, in form order
    criteria: list  # per vignette, its rubric's Criterion list
    points: np.ndarray  # persons x every vignette's criteria in turn: final points (a mean of ratings may fall
    # between levels); NaN where the vignette does not count for the attempt (another was chosen) or is being rated
    pending: int  # counted, answered responses whose rating is not final

    def columns(self, vignette):
        """The columns of `points` that are the vignette's criteria (an index into `vignettes`)."""
        start = sum(len(criteria) for criteria in self.criteria[:vignette])
        return slice(start, start + len(self.criteria[vignette]))


def rated_matrix(form, attempt_ids):
    """The rated part of the given attempts of the form, one row each in that
    order: a counted response left blank scores 0 on every criterion, as in
    the exam result."""
    vignettes = [(position, form_item) for position, form_item in enumerate(form.form_items, start=1)
                 if _kind(form_item).rated]
    criteria = [[Criterion(criterion["id"], criterion["name"], sorted(level["points"] for level in criterion["levels"]))
                 for criterion in form_item.item_version.content["rubric"]["criteria"]] for _, form_item in vignettes]
    first_column = {form_item.id: sum(len(c) for c in criteria[:index])
                    for index, (_, form_item) in enumerate(vignettes)}
    row = {attempt_id: index for index, attempt_id in enumerate(attempt_ids)}
    attempts = [attempt for attempt in finished_attempts(form) if attempt.id in row]
    counted = [response for attempt in attempts for response in counted_responses(attempt)]
    cases = cases_by_response(counted)
    points = np.full((len(attempt_ids), sum(len(c) for c in criteria)), np.nan)
    pending = 0
    for response in counted:
        start = first_column[response.form_item_id]
        ids = [criterion["id"] for criterion in response.form_item.item_version.content["rubric"]["criteria"]]
        case = cases.get(response.id)
        if not response.answered:
            points[row[response.attempt_id], start:start + len(ids)] = 0
        elif case is not None and case.status == CaseStatus.FINAL:
            points[row[response.attempt_id], start:start + len(ids)] = [case.final_scores[id_] for id_ in ids]
        else:
            pending += 1
    return RatedMatrix(vignettes, criteria, points, pending)
