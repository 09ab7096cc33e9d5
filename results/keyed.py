"""The part of an exam result scored by key: points, percent, per competency
domain, and the outcome under the pass rule. Attempts are scored a form at a
time through `psychometrics/scoring.py`, on the same matrices the item
statistics read (`results/matrices.py`). Rated (vignette) responses stay
pending here; `results/exam_result.py` joins the raters' part.
"""

from dataclasses import dataclass, field

from item_bank.kinds import kind_of
from psychometrics.scoring import passes, score, total_scores
from results.matrices import attempts_matrix
from results.rules import original_rules


@dataclass
class DomainResult:
    code: str
    name: str
    points: float = 0.0
    possible: float = 0.0

    @property
    def percent(self):
        return round(100 * self.points / self.possible, 1) if self.possible else None


@dataclass
class AttemptResult:
    points: float
    possible: float
    pass_percent: float
    domains: list = field(default_factory=list)
    rated_pending: int = 0

    @property
    def percent(self):
        return round(100 * self.points / self.possible, 1) if self.possible else None

    @property
    def keyed_outcome(self):
        """Pass or fail on the items scored by key, whatever raters have yet to score."""
        return "pass" if passes(self.points, self.possible, self.pass_percent) else "fail"

    @property
    def outcome(self):
        return "pending" if self.rated_pending else self.keyed_outcome


def score_attempts(form, attempts, rules=None):
    """An AttemptResult per attempt of `form`, in order, under `rules` (None: the form's original keys)."""
    rules = rules or original_rules(form)
    matrix = attempts_matrix(form, rules, attempts)
    domains = {domain.code: domain for domain in matrix.domains}
    totals = total_scores(score(matrix.choices, matrix.keys), weights=matrix.weights, dropped=matrix.dropped,
                          domains=[domain.code for domain in matrix.domains], cut_percent=rules.pass_percent)
    # A domain whose every item is dropped counts for no one, so it is left out.
    counted = sorted(code for code, possible in totals.subscore_possible.items() if possible)
    # An attempt lays out a response for every item of its form, so each started one has as many rated.
    rated = sum(1 for form_item in form.form_items if kind_of(form_item.item_version.item.kind).rated)
    results = []
    for row, attempt in enumerate(attempts):
        if not attempt.responses:
            # Responses are laid out when an attempt starts: one that never did had nothing to score.
            results.append(AttemptResult(0.0, 0.0, rules.pass_percent))
            continue
        results.append(AttemptResult(
            float(totals.raw[row]), totals.possible, rules.pass_percent,
            [DomainResult(code, domains[code].name, float(totals.subscores[code][row]), totals.subscore_possible[code])
             for code in counted], rated))
    return results


def score_attempt(attempt, rules=None):
    return score_attempts(attempt.session.form, [attempt], rules)[0]
