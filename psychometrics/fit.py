"""Item fit for the Rasch model and the 2PL: infit and outfit mean squares
with their Wilson-Hilferty t, and Orlando & Thissen's S-X2.

Mean squares (Wright & Masters 1982; Linacre's Winsteps manual). With
the standardized residual z = (x - P) / sqrt(W), W = P(1 - P):
outfit = mean over persons of z^2 (unweighted, sensitive to surprising
answers far from the item), infit = sum (x - P)^2 / sum W (information
weighted, sensitive to misfit near the item). Each t ("ZSTD") is the
Wilson-Hilferty cube-root transformation of the mean square with the model's
variance q^2: t = (MS^(1/3) - 1) (3 / q) + q / 3.

Which abilities: every residual here is an expectation over the person's
posterior on the calibration's quadrature grid, not a residual at a point
estimate. Under the model, an ability drawn from the posterior given the
answers has the same joint distribution with the answers as the true
ability, so the posterior-expected mean squares have expectation 1 whatever
the test length, and zero or perfect scores need no special treatment. Point
estimates do not: EAP shrinks abilities toward the mean (mean squares of
0.85-0.94 on simulated Rasch data of 10-20 items), and ML or WLE abilities
are fitted to the very residuals being judged (0.87-0.98 there, and no
finite estimate at all for zero or perfect scores). Two consequences: the t
values are conservative (their SD under the Rasch model is 0.5-0.7 for
10-40 items, not 1, since averaging over the posterior removes some of the
variance the formula for q counts); and for the 2PL, whose estimating
equations already set the posterior residuals' sum and their covariance with
ability to zero, infit is close to 1 by construction. Judge 2PL items by S-X2.

S-X2 (Orlando & Thissen 2000, 2003): the persons are grouped by summed
score k = 1 .. n - 1; in each group the observed proportion right on the item
is set against the model's, E_k = integral of P(theta) f'(k - 1 | theta) g(theta)
over integral of f(k | theta) g(theta), where f is the summed-score
distribution of all items and f' that of the others, both by the
Lord-Wingersky recursion (Lord & Wingersky 1984), and g the calibration's
quadrature weights. Adjacent score groups are merged, from the lowest score
up, until the expected counts both right and wrong are at least 1 (the
default of mirt, irtQ and CDM, after Orlando & Thissen 2000); a remainder at
the top joins the last group. df = groups - item parameters (1 Rasch, 2 2PL).

Items everyone, or no one, answered right have no fit: their values are NaN.
"""

import math
from dataclasses import dataclass

import numpy as np

MINIMUM_EXPECTED = 1.0  # per cell, right and wrong, when merging S-X2 score groups
PARAMETERS = {"rasch": 1, "2pl": 2}


@dataclass(frozen=True)
class ItemFit:
    infit: np.ndarray  # information-weighted mean square, 1 expected
    outfit: np.ndarray  # unweighted mean square, 1 expected
    infit_t: np.ndarray  # Wilson-Hilferty standardized ("ZSTD"), conservative
    outfit_t: np.ndarray
    sx2: np.ndarray  # Orlando-Thissen S-X2; NaN (with df and p) when the groups leave no df
    sx2_df: np.ndarray  # score groups after merging - item parameters
    sx2_p: np.ndarray  # upper tail of chi-square with sx2_df


def item_fit(scored, calibration):
    """Infit, outfit and S-X2 of every item of a persons x items 0/1 matrix under
    a calibration from `psychometrics.irt.calibrate` of the same matrix."""
    scored = np.asarray(scored, dtype=np.float64)
    if not np.isin(scored, (0, 1)).all():
        raise ValueError("item fit needs a 0/1 scored matrix")
    # Items the calibration left out (everyone or no one right, too few either way) have no fit; the
    # summed scores of S-X2 are over the items it calibrated.
    kept = calibration.calibrated
    scored = scored[:, kept]
    p = _probabilities(calibration)[kept]
    posterior = _posterior(scored, p, calibration.weights)
    infit, outfit, infit_t, outfit_t = _mean_squares(scored, p, posterior)
    sx2, df, p_value = _sx2(scored, p, calibration.weights, PARAMETERS[calibration.model])
    placed = []
    for value in (infit, outfit, infit_t, outfit_t, sx2, df, p_value):
        every_item = np.full(kept.shape[0], np.nan)
        every_item[kept] = value
        placed.append(every_item)
    return ItemFit(*placed)


def _probabilities(calibration):
    """Items x points P(right), in the tanh form that cannot overflow for extreme b."""
    logit = calibration.a[:, None] * (calibration.points[None, :] - calibration.b[:, None])
    return np.clip(0.5 * (1 + np.tanh(logit / 2)), 1e-10, 1 - 1e-10)


def _posterior(scored, p, weights):
    """Persons x points posterior weights of ability given each person's answers."""
    log_posterior = scored @ np.log(p) + (1 - scored) @ np.log1p(-p) + np.log(weights)
    posterior = np.exp(log_posterior - log_posterior.max(axis=1, keepdims=True))
    return posterior / posterior.sum(axis=1, keepdims=True)


def _mean_squares(scored, p, posterior):
    """Infit, outfit and their t, each person's terms averaged over their posterior.

    With x in {0, 1}, (x - P)^2 = x (1 - 2P) + P^2 and z^2 = (1 - P) / P if right,
    P / (1 - P) if wrong: every expectation is one persons x points by points x
    items product."""
    w = p * (1 - p)
    n_persons = scored.shape[0]
    squared = scored * (posterior @ (1 - 2 * p).T) + posterior @ (p ** 2).T
    z_squared = scored * (posterior @ ((1 - p) / p).T) + (1 - scored) * (posterior @ (p / (1 - p)).T)
    information = (posterior @ w.T).sum(axis=0)
    cubes = p ** 3 + (1 - p) ** 3  # E(x - P)^4 = W cubes, so Var(z^2) = cubes / W - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        infit = squared.sum(axis=0) / information
        outfit = z_squared.sum(axis=0) / n_persons
        q_infit = np.sqrt((posterior @ (w * cubes - w ** 2).T).sum(axis=0)) / information
        q_outfit = np.sqrt((posterior @ (cubes / w - 1).T).sum(axis=0)) / n_persons
        return infit, outfit, _wilson_hilferty(infit, q_infit), _wilson_hilferty(outfit, q_outfit)


def _wilson_hilferty(mean_square, q):
    return (np.cbrt(mean_square) - 1) * (3 / q) + q / 3


def lord_wingersky(p):
    """The summed-score distribution, (items + 1) x points, from items x points
    probabilities of a right answer: adding one item at a time, a score k stays
    k if the item is wrong and becomes k + 1 if it is right."""
    n_items, n_points = p.shape
    distribution = np.zeros((n_items + 1, n_points))
    distribution[0] = 1
    for item in range(n_items):
        shifted = distribution[:-1] * p[item]
        distribution *= 1 - p[item]
        distribution[1:] += shifted
    return distribution


def _without_each_item(p):
    """Items x scores (0 .. n - 1) x points: the summed-score distribution of the
    other items, for every item at once. Item j is added to every distribution
    but its own, where its probability is set to 0 (never right: no change)."""
    n_items, n_points = p.shape
    distribution = np.zeros((n_items, n_items, n_points))
    distribution[:, 0] = 1
    for item in range(n_items):
        p_item = np.broadcast_to(p[item], (n_items, n_points)).copy()
        p_item[item] = 0
        shifted = distribution[:, :-1] * p_item[:, None, :]
        distribution *= 1 - p_item[:, None, :]
        distribution[:, 1:] += shifted
    return distribution


def _expected_proportions(p, weights):
    """Items x scores 1 .. n - 1: the model's proportion right among persons with that summed score."""
    n_items = p.shape[0]
    numerator = np.einsum("iq,ikq,q->ik", p, _without_each_item(p)[:, :n_items - 1], weights)
    denominator = lord_wingersky(p)[1:n_items] @ weights
    return numerator / denominator


def _sx2(scored, p, weights, n_parameters):
    n_persons, n_items = scored.shape
    nan = np.full(n_items, np.nan)
    if n_items < 3:  # with fewer, the score groups 1 .. n - 1 cannot outnumber the parameters
        return nan, nan, nan
    raw = scored.sum(axis=1).astype(int)
    groups = np.eye(n_items + 1)[raw][:, 1:n_items]  # persons x scores 1 .. n - 1, one-hot
    counts = groups.sum(axis=0)
    observed = scored.T @ groups  # items x scores: right answers
    expected = counts * _expected_proportions(p, weights)
    statistic, df, p_value = nan.copy(), nan.copy(), nan.copy()
    for item in range(n_items):
        n, o, e = _merged(counts, observed[item], expected[item])
        if n.size - n_parameters >= 1:
            statistic[item] = np.sum((o - e) ** 2 / e + (o - e) ** 2 / (n - e))  # Pearson, right and wrong cells
            df[item] = n.size - n_parameters
            p_value[item] = chi_square_sf(statistic[item], df[item])
    return statistic, df, p_value


def _merged(counts, observed, expected):
    """Adjacent score groups summed, from the lowest up, until the expected
    counts right and wrong both reach MINIMUM_EXPECTED; what is left at the top
    joins the last group."""
    bounds, start = [], 0
    running_right = running_wrong = 0.0
    for score in range(counts.size):
        running_right += expected[score]
        running_wrong += counts[score] - expected[score]
        if running_right >= MINIMUM_EXPECTED and running_wrong >= MINIMUM_EXPECTED:
            bounds.append(start)
            start, running_right, running_wrong = score + 1, 0.0, 0.0
    if not bounds:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return tuple(np.add.reduceat(values, bounds) for values in (counts, observed, expected))


def chi_square_sf(x, df):
    """P(chi-square with df > x): the regularized upper incomplete gamma Q(df / 2, x / 2),
    by its series below df / 2 + 1 and its continued fraction above (Press et al.,
    Numerical Recipes, 3rd ed., 6.2). NaN for a NaN statistic or df <= 0."""
    if not (x >= 0 and df > 0):
        return math.nan
    s, z = df / 2, x / 2
    if z == 0:
        return 1.0
    front = math.exp(s * math.log(z) - z - math.lgamma(s))
    if z < s + 1:
        term = total = 1 / s
        denominator = s
        while abs(term) > abs(total) * 1e-16:
            denominator += 1
            term *= z / denominator
            total += term
        return max(0.0, 1 - front * total)
    # Modified Lentz's method for the continued fraction of Q.
    tiny = 1e-300
    b = z + 1 - s
    c, d = 1 / tiny, 1 / b
    result = d
    for i in range(1, 10_000):
        a = -i * (i - s)
        b += 2
        d = a * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + a / c
        c = c if abs(c) > tiny else tiny
        result *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return front * result
