"""One standard across parallel forms: each other published form of the same
blueprint (the reference) has its pass mark carried to this form by
equating, shown beside the policy cut and the Angoff cut, with a bootstrap
standard error. Staff adopt one through key review and rescoring, as any
other change of the pass mark.

The forms' candidates are taken as random groups from one population (the
design of a testing program that spirals forms), so linear and
equipercentile equating (log-linear presmoothed) read each form's
number-right totals under its current scoring; IRT true-score equating links
the forms through the item versions they share, which does not need the
groups to be equivalent. Equating carries the reference's raw cut to this
form's scale at the cut itself, on the continuized score distributions, so a
cut between whole scores stays where it is. Bootstrap resamples are seeded:
the page shows the same numbers at every visit.

Equating with its bootstrap costs most of a second at 30 candidates a form
and seconds once IRT calibrates both forms 20 times: work for a staff
member's deliberate POST, not for the form page that staff open while
candidates sit. So the equated cuts are computed when staff equate (`equate`)
and stored (`EquatedCuts`) with the basis they were computed on: each form's
scoring revision, pass mark, and count and latest id of its submitted
attempts, and the settings below. The page reads them in a few queries and
never computes. When the basis has changed since (a new submitted attempt or
a rescoring of either form), the page shows the stored cuts as of then, says
what changed, and offers no cut to adopt until staff equate again.
"""

from dataclasses import dataclass, fields

import numpy as np
from sqlalchemy import func, select

from analysis import standard_setting
from analysis.item_statistics import MIN_IRT_CANDIDATES
from analysis.models import EquatedCuts
from audit import log
from exam.models import Attempt, AttemptStatus, Enrollment, ExamSession, ScoringRevision
from extensions import db
from item_bank.models import Form, FormStatus
from psychometrics import equating
from psychometrics.scoring import score
from results.matrices import form_matrix
from results.rules import current_rules

MIN_CANDIDATES = 30  # per form: fewer, and random-groups equating error swamps the difference it corrects
SMOOTHING_DEGREE = 4  # keeps each distribution's mean, SD, skewness and kurtosis
REPLICATIONS = 200  # bootstrap resamples for the observed-score methods
IRT_REPLICATIONS = 20  # each one calibrates both forms again
SEED = 20261124
SETTINGS = [MIN_CANDIDATES, SMOOTHING_DEGREE, REPLICATIONS, IRT_REPLICATIONS, SEED, MIN_IRT_CANDIDATES]


@dataclass(frozen=True)
class FormScores:
    form: Form
    totals: np.ndarray  # number-right, per submitted attempt
    scored: np.ndarray  # persons x kept keyed items, 0/1
    version_ids: list  # per kept item, its item version
    pass_percent: float
    refused: str | None  # why the form's scores cannot be equated

    @property
    def possible(self):
        return len(self.version_ids)


@dataclass(frozen=True)
class EquatedCut:
    reference: Form
    reference_cut_raw: float
    reference_cut_percent: float
    method: str  # how it reads in a sentence, also the rescoring's reason
    raw: float | None  # the cut on this form; None with `refused`
    percent: float | None
    se: float | None
    refused: str | None

    @property
    def reason(self):
        return f"equated cut from {self.reference.code} ({self.method})"

    @property
    def adoptable(self):
        return self.percent is not None and 0 < self.percent <= 100


@dataclass(frozen=True)
class CutComparison:
    possible: int
    current_percent: float
    policy_percent: float
    angoff_study: object  # the latest AngoffStudy with a cut, or None
    angoff: object  # its psychometrics.angoff.Angoff
    equated: list  # EquatedCut per reference form and method, as last equated
    references: list  # the parallel forms
    equated_at: object  # when they were equated; None before the first time
    changed: list  # what changed since, in sentences: the stored cuts are not to be adopted while any did

    @property
    def current(self):
        return self.equated_at is not None and not self.changed


def parallel_forms(form):
    """The other published forms built from the form's blueprint."""
    if form.blueprint_id is None:
        return []
    return db.session.scalars(select(Form).where(Form.blueprint_id == form.blueprint_id, Form.id != form.id,
                                                 Form.status == FormStatus.PUBLISHED).order_by(Form.code)).all()


def cut_comparison(form):
    """The form's pass mark beside the policy cut, the latest Angoff cut and
    the cuts equated from each parallel form by each method, as last equated,
    with what changed since. It reads; it never equates."""
    references = parallel_forms(form)
    study, angoff = _angoff(form)
    stored = db.session.scalar(select(EquatedCuts).where(EquatedCuts.form_id == form.id))
    if stored is None:
        rules = current_rules(form)
        possible = sum(1 for rule in rules.items.values() if not rule.dropped)
        return CutComparison(possible, rules.pass_percent, standard_setting.POLICY_CUT_PERCENT, study, angoff, [],
                             references, None, [])
    by_id = {reference.id: reference for reference in references}
    equated = [EquatedCut(**{**cut, "reference": by_id[cut["reference"]]}) for cut in stored.cuts
               if cut["reference"] in by_id]
    return CutComparison(stored.possible, stored.current_percent, standard_setting.POLICY_CUT_PERCENT, study, angoff,
                         equated, references, stored.computed_at,
                         _changes(stored.basis, basis([form, *references]), {form.id: form, **by_id}))


def equate(form, now, by):
    """Equate the cuts of the form's parallel forms to it and store them with
    their basis, in the caller's transaction."""
    references = parallel_forms(form)
    this = form_scores(form)
    cuts = [cut for reference in references for cut in equated_cuts(form_scores(reference), this)]
    values = {"basis": basis([form, *references]), "possible": this.possible, "current_percent": this.pass_percent,
              "cuts": [_stored_cut(cut) for cut in cuts], "computed_at": now}
    stored = db.session.scalar(select(EquatedCuts).where(EquatedCuts.form_id == form.id).with_for_update())
    if stored is None:
        stored = EquatedCuts(form_id=form.id, **values)
        db.session.add(stored)
    else:
        for name, value in values.items():
            setattr(stored, name, value)
    log.record("form.cuts_equated", by, form, references=[reference.code for reference in references],
               cuts=len(cuts))
    db.session.flush()
    return stored


def basis(forms):
    """What equating these forms reads, in two queries: per form its latest
    scoring revision, pass mark, and count and latest id of the submitted
    attempts `form_scores` reads, with the equating settings."""
    ids = [form.id for form in forms]
    revisions = dict(db.session.execute(
        select(ScoringRevision.form_id, func.max(ScoringRevision.number))
        .where(ScoringRevision.form_id.in_(ids)).group_by(ScoringRevision.form_id)).all())
    attempts = {form_id: [count, latest] for form_id, count, latest in db.session.execute(
        select(ExamSession.form_id, func.count(Attempt.id), func.max(Attempt.id))
        .join(Enrollment, Attempt.enrollment_id == Enrollment.id).join(ExamSession)
        .where(ExamSession.form_id.in_(ids), Attempt.status == AttemptStatus.SUBMITTED,
               Attempt.started_at.is_not(None))
        .group_by(ExamSession.form_id))}
    return [SETTINGS] + [[form.id, revisions.get(form.id, 0), form.pass_percent, *attempts.get(form.id, [0, None])]
                         for form in forms]


def _changes(then, now, forms):
    """What differs between two bases, one sentence a form."""
    if then[0] != now[0]:
        return ["the equating settings changed"]
    before = {row[0]: row for row in then[1:]}
    changes = [] if set(before) == {row[0] for row in now[1:]} else ["the parallel forms changed"]
    for form_id, revision, pass_percent, count, latest in now[1:]:
        if form_id not in before:
            continue
        _, old_revision, old_percent, old_count, old_latest = before[form_id]
        code = forms[form_id].code
        if (revision, pass_percent) != (old_revision, old_percent):
            changes.append(f"{code} was rescored")
        if (count, latest) != (old_count, old_latest):
            new = count - old_count
            changes.append(f"{code} has {new} more submitted attempt(s)" if new > 0
                           else f"{code}'s submitted attempts changed")
    return changes


def _stored_cut(cut):
    return {field.name: getattr(cut, field.name) for field in fields(cut)} | {"reference": cut.reference.id}


def _angoff(form):
    for study in standard_setting.studies(form):
        outcome = standard_setting.result(study).angoff
        if outcome is not None and outcome.cut_percent == outcome.cut_percent:
            return study, outcome
    return None, None


def form_scores(form):
    """Number-right totals of the form's submitted attempts under its current scoring."""
    rules = current_rules(form)
    matrix = form_matrix(form, rules).kept()
    scored = score(matrix.choices, matrix.keys)
    refused = None
    if (matrix.weights != 1).any():
        refused = f"{form.code} weights some items; equating reads number-right scores"
    elif scored.shape[0] < MIN_CANDIDATES:
        refused = f"{form.code} has {scored.shape[0]} submitted attempt(s); equating needs {MIN_CANDIDATES}"
    return FormScores(form, scored.sum(axis=1).astype(np.int64), scored,
                      [form_item.item_version_id for form_item in matrix.form_items], rules.pass_percent, refused)


def equated_cuts(reference, this):
    """The reference's raw cut carried to this form's scale, by linear,
    presmoothed equipercentile and IRT true-score equating."""
    cut = reference.pass_percent * reference.possible / 100
    degree = min(SMOOTHING_DEGREE, reference.possible, this.possible)
    methods = [("linear", "linear"),
               ("equipercentile", f"equipercentile, log-linear presmoothing of degree {degree}"),
               ("irt", "IRT true-score, 2PL linked by Stocking-Lord")]
    cuts = []
    for method, label in methods:
        try:
            result = _equate(method, reference, this, cut, degree)
        except equating.EquatingRefused as refusal:
            cuts.append(EquatedCut(reference.form, cut, reference.pass_percent, label, None, None, None,
                                   str(refusal)))
            continue
        raw, se = float(result.equated[0]), float(result.se[0])
        cuts.append(EquatedCut(reference.form, cut, reference.pass_percent, label, raw,
                               100 * raw / this.possible, se if se == se else None, None))
    return cuts


def _equate(method, reference, this, cut, degree):
    for scores in (reference, this):
        if scores.refused:
            raise equating.EquatingRefused(scores.refused)
    rng = np.random.default_rng(SEED)
    if method == "irt":
        return _equate_irt(reference, this, cut, rng)
    return equating.equate_observed(equating.scores_counts(reference.totals, reference.possible),
                                    equating.scores_counts(this.totals, this.possible), method,
                                    degree=degree if method == "equipercentile" else None, points=[cut],
                                    replications=REPLICATIONS, rng=rng)


def _equate_irt(reference, this, cut, rng):
    for scores in (reference, this):
        if scores.scored.shape[0] < MIN_IRT_CANDIDATES:
            raise equating.EquatingRefused(f"{scores.form.code} has {scores.scored.shape[0]} submitted "
                                           f"attempt(s); IRT needs {MIN_IRT_CANDIDATES}")
    shared = [version for version in reference.version_ids if version in set(this.version_ids)]
    if len(shared) < equating.MIN_COMMON:
        raise equating.EquatingRefused(f"{reference.form.code} and {this.form.code} share {len(shared)} item(s); "
                                       f"IRT linking needs at least {equating.MIN_COMMON}")
    return equating.equate_irt(reference.scored, this.scored,
                               [reference.version_ids.index(version) for version in shared],
                               [this.version_ids.index(version) for version in shared],
                               points=[cut], replications=IRT_REPLICATIONS, rng=rng)
