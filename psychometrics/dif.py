"""Differential item functioning: the Mantel-Haenszel procedure with the ETS
A/B/C classification (Holland & Thayer 1988; Zwick 2012).

Candidates of the reference and focal groups are matched on their total
score (the studied item included, as usual); in each score stratum a 2x2
table of group by right/wrong is formed. Strata with only one group carry
no information and drop out of every sum. MH D-DIF's standard error is 2.35
times the Robins-Breslow-Greenland (1986) standard error of ln(alpha_MH);
the chi-square (1 df, with the continuity correction) and its p are those
of R's `mantelhaen.test`.
"""

import math
from dataclasses import dataclass

import numpy as np

D_SCALE = -2.35  # MH D-DIF = -2.35 ln(alpha_MH), on the ETS delta scale
Z_05 = 1.6448536269514722  # one-sided 5% normal quantile


@dataclass(frozen=True)
class Dif:
    alpha_mh: float  # common odds ratio, reference over focal
    mh_d_dif: float  # negative: the item favours the reference group
    se: float  # of mh_d_dif (Robins, Breslow & Greenland)
    chi_square: float  # MH chi-square with continuity correction, 1 df
    p_value: float
    ets_class: str | None  # "A", "B", "C"; None when undefined
    n_reference: int
    n_focal: int


UNDEFINED = float("nan")


def mantel_haenszel(correct, matching, reference, focal):
    """DIF of one item: `correct` 0/1 per person, `matching` the score each is
    matched on, `reference` and `focal` boolean masks of the two groups."""
    correct = np.asarray(correct, dtype=bool)
    strata = np.unique(np.asarray(matching)[reference | focal], return_inverse=True)[1]
    in_groups = reference | focal
    size = strata.max() + 1 if strata.size else 0

    def count(mask):
        return np.bincount(strata, weights=mask[in_groups].astype(float), minlength=size)

    a, b = count(reference & correct), count(reference & ~correct)
    c, d = count(focal & correct), count(focal & ~correct)
    n = a + b + c + d
    informative = (a + b > 0) & (c + d > 0)
    a, b, c, d, n = (v[informative] for v in (a, b, c, d, n))
    n_reference, n_focal = int(reference.sum()), int(focal.sum())
    r, s = (a * d / n).sum(), (b * c / n).sum()
    if not (r > 0 and s > 0):
        return Dif(UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, None, n_reference, n_focal)
    alpha = r / s
    p_k, q_k = (a + d) / n, (b + c) / n
    variance_log = ((p_k * a * d / n).sum() / (2 * r * r)
                    + ((p_k * b * c + q_k * a * d) / n).sum() / (2 * r * s)
                    + (q_k * b * c / n).sum() / (2 * s * s))
    d_dif = D_SCALE * math.log(alpha)
    se = abs(D_SCALE) * math.sqrt(variance_log)
    chi_square, p_value = _chi_square(a, b, c, d, n)
    return Dif(alpha, d_dif, se, chi_square, p_value, ets_class(d_dif, se, p_value), n_reference, n_focal)


def _chi_square(a, b, c, d, n):
    right, wrong = a + c, b + d
    expected = (a + b) * right / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.where(n > 1, (a + b) * (c + d) * right * wrong / (n * n * (n - 1)), 0.0)
    total_variance = variance.sum()
    if not total_variance > 0:
        return UNDEFINED, UNDEFINED
    difference = abs(a.sum() - expected.sum())
    # Yates' half, as R's mantelhaen.test takes it: only from a difference it cannot overshoot.
    chi_square = (difference - (0.5 if difference >= 0.5 else 0.0)) ** 2 / total_variance
    return chi_square, math.erfc(math.sqrt(chi_square / 2))  # the upper tail of chi-square with 1 df


def ets_class(d_dif, se, p_value):
    """A: negligible (|D| < 1 or not significant); C: large (|D| >= 1.5 and
    significantly above 1); B: moderate, the rest."""
    size = abs(d_dif)
    if size < 1.0 or p_value >= 0.05:
        return "A"
    if size >= 1.5 and (size - 1.0) / se > Z_05:
        return "C"
    return "B"


def dif_all(scored, reference, focal):
    """Mantel-Haenszel DIF for every item of a persons x items 0/1 matrix, matched on the total score."""
    scored = np.asarray(scored, dtype=np.float64)
    total = scored.sum(axis=1)
    reference, focal = np.asarray(reference, dtype=bool), np.asarray(focal, dtype=bool)
    return [mantel_haenszel(scored[:, item], total, reference, focal) for item in range(scored.shape[1])]
