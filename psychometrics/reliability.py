"""Precision at the cut score of a test of 0/1 items: the conditional standard
error of measurement there, and the consistency of pass/fail decisions
estimated from one administration.

Conditional SEM: Lord's binomial error model (Lord 1955; Lord & Novick 1968,
ch. 23) treats a person's raw score as binomial over n items of their own
true proportion, so the error variance at raw score x is x (n - x) / (n - 1).
It assumes items of equal difficulty; Keats' correction (Keats 1957; Feldt,
Steffen & Gupta 1985) scales it by (1 - KR-20) / (1 - KR-21), which is below 1
when difficulties vary. Both are reported; Keats' is the one to quote for a
real test, Lord's the model's uncorrected figure.

Decision consistency: Subkoviak's single-administration method (Subkoviak
1976; tables in Subkoviak 1988). Each person's true proportion is estimated
by regressing the observed one toward the mean with KR-21, the probability
of passing (raw >= cut) on a parallel test is binomial at that proportion, and
the chance of the same decision twice is P^2 + (1 - P)^2; the agreement p0 is
its mean over persons. KR-21 rather than KR-20 or alpha: it is the
reliability the binomial error model itself implies (one minus the mean of
the error variances x (n - x) / (n - 1) over the score variance is KR-21),
and the one Subkoviak used, so the regression and the binomial error come
from one model. Chance agreement uses the model's pass rate, mean P, on
both administrations: pc = P^2 + (1 - P)^2; kappa = (p0 - pc) / (1 - pc).

Cut scores are raw points on the scale of scored.sum(axis=1); a person passes
with raw >= cut, the same rule as `scoring.total_scores`. Variances here are
the population ones (divided by n), as the Kuder-Richardson formulas have
them; KR-20 so computed equals `ctt`'s alpha for 0/1 items.
"""

import math
from dataclasses import dataclass

import numpy as np

METHOD = "Subkoviak (1976), true proportions regressed with KR-21"
NAN = float("nan")


@dataclass(frozen=True)
class ConditionalSem:
    cut_score: float
    lord: float  # sqrt(x (n - x) / (n - 1)) at x = cut: Lord's binomial error model
    keats: float  # lord * sqrt((1 - KR-20) / (1 - KR-21)): corrected for unequal item difficulties
    kr20: float
    kr21: float


@dataclass(frozen=True)
class DecisionConsistency:
    agreement: float  # p0: probability of the same pass/fail decision on two parallel forms
    kappa: float  # p0 corrected for chance agreement
    method: str
    pass_rate: float  # the model's expected pass rate on either form
    kr21: float  # the regression weight used (before clipping to 0 .. 1)


def _zero_one(scored):
    scored = np.asarray(scored, dtype=np.float64)
    if not np.isin(scored, (0, 1)).all():
        raise ValueError("the binomial error model needs a 0/1 scored matrix")
    return scored


def kuder_richardson(scored):
    """KR-20 and KR-21 of a persons x items 0/1 matrix; NaN when the totals do not vary."""
    n_persons, n_items = scored.shape
    if n_persons < 2 or n_items < 2:
        return NAN, NAN
    total = scored.sum(axis=1)
    variance, mean = total.var(), total.mean()
    if not variance > 0:
        return NAN, NAN
    kr20 = n_items / (n_items - 1) * (1 - scored.var(axis=0).sum() / variance)
    kr21 = n_items / (n_items - 1) * (1 - mean * (n_items - mean) / (n_items * variance))
    return float(kr20), float(kr21)


def conditional_sem(scored, cut_score):
    """The conditional SEM of the raw score at the cut, by Lord's binomial error
    model and with Keats' correction. NaN for a cut outside 0 .. n or under two items."""
    scored = _zero_one(scored)
    n_items = scored.shape[1]
    kr20, kr21 = kuder_richardson(scored)
    x = float(cut_score)
    lord = math.sqrt(x * (n_items - x) / (n_items - 1)) if n_items >= 2 and 0 <= x <= n_items else NAN
    keats = lord * math.sqrt((1 - kr20) / (1 - kr21)) if kr21 < 1 and kr20 <= 1 else NAN
    return ConditionalSem(x, lord, keats, kr20, kr21)


def decision_consistency(scored, cut_score):
    """Subkoviak's single-administration agreement and kappa at the cut. NaN
    when KR-21 is undefined (totals that do not vary, fewer than two items or
    persons); kappa NaN when chance agreement is 1 (everyone surely passes or fails)."""
    scored = _zero_one(scored)
    n_persons, n_items = scored.shape
    _, kr21 = kuder_richardson(scored)
    if math.isnan(kr21):
        return DecisionConsistency(NAN, NAN, METHOD, NAN, kr21)
    # A negative KR-21 says no true-score variance was found: everyone regresses to the mean.
    weight = min(max(kr21, 0.0), 1.0)
    total = scored.sum(axis=1)
    raw, counts = np.unique(total, return_counts=True)  # persons with one raw score share everything
    true = (weight * raw + (1 - weight) * total.mean()) / n_items
    passing = _binomial_at_least(_right_answers_needed(cut_score), n_items, true)
    agreement = float(counts @ (passing ** 2 + (1 - passing) ** 2) / n_persons)
    pass_rate = float(counts @ passing / n_persons)
    chance = pass_rate ** 2 + (1 - pass_rate) ** 2
    kappa = (agreement - chance) / (1 - chance) if chance < 1 else NAN
    return DecisionConsistency(agreement, kappa, METHOD, pass_rate, kr21)


def _right_answers_needed(cut_score):
    """The least whole raw score at or above the cut, forgiving float noise as `scoring` does."""
    return math.ceil(float(cut_score) - 1e-9)


def _binomial_at_least(needed, n, p):
    """P(X >= needed) for X binomial(n, p), for each p in an array; exactly 1 or 0
    when the cut is outside 1 .. n."""
    if needed <= 0:
        return np.ones_like(p)
    if needed > n:
        return np.zeros_like(p)
    k = np.arange(n + 1)
    log_comb = np.array([math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in k])
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 where p is 0 or 1; 0 log 0 set to 0 below
        log_p, log_q = np.log(p)[:, None], np.log1p(-p)[:, None]
        log_pmf = log_comb + np.where(k > 0, k * log_p, 0) + np.where(k < n, (n - k) * log_q, 0)
    return np.exp(log_pmf)[:, needed:].sum(axis=1)
