"""What the candidates who sat did, as an Angoff panel sees it between
rounds (Cizek & Bunch 2007, ch. 6): each item's proportion right ("reality")
and, per form built to the same blueprint, how many candidates would pass
the keyed part at a proposed cut ("impact"). Candidates are the forms'
submitted attempts, scored under each form's current scoring rules, as the
item statistics read them."""

from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from item_bank.models import Form, FormStatus
from psychometrics.scoring import score, total_scores
from results.matrices import form_matrix
from results.rules import current_rules


def proportions_right(form):
    """{keyed form item id: the share of the form's candidates who scored its key}; empty when nobody sat it."""
    matrix = form_matrix(form, current_rules(form))
    if not matrix.attempt_ids:
        return {}
    right = score(matrix.choices, matrix.keys).mean(axis=0)
    return {form_item.id: float(share) for form_item, share in zip(matrix.form_items, right)}


@dataclass(frozen=True)
class FormImpact:
    form: Form
    candidates: int
    passing: int  # at the cut

    @property
    def share(self):
        return self.passing / self.candidates if self.candidates else None


def impact(form, cut_percent):
    """How many of each sister form's candidates would pass at `cut_percent` of
    its keyed points, the studied form first. The same percentage on another
    form is not an equated cut: forms differ in difficulty."""
    return [_at_cut(sister, cut_percent) for sister in _sisters(form)]


def _sisters(form):
    """The form, then the other published forms of its blueprint by code."""
    if form.blueprint_id is None:
        return [form]
    others = db.session.scalars(select(Form).where(Form.blueprint_id == form.blueprint_id, Form.id != form.id,
                                                   Form.status == FormStatus.PUBLISHED).order_by(Form.code)).all()
    return [form, *others]


def _at_cut(form, cut_percent):
    rules = current_rules(form)
    matrix = form_matrix(form, rules)
    if not matrix.attempt_ids:
        return FormImpact(form, 0, 0)
    totals = total_scores(score(matrix.choices, matrix.keys), weights=matrix.weights, dropped=matrix.dropped,
                          cut_percent=cut_percent)
    return FormImpact(form, len(matrix.attempt_ids), int(totals.passed.sum()))
