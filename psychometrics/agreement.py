"""Agreement between the two raters of double-scored constructed (vignette)
responses, and each rater's severity against their co-raters.

The data are pairs: for each double-rated response, score a from one rater
and score b from the other. A pair with a missing score (NaN) on either side
is left out of every statistic; a statistic with no pairs left is NaN.

- Exact and adjacent agreement: the share of pairs whose scores are equal,
  or differ by at most `within` points. Easy to read, but they ignore
  chance: two raters who both give nearly everyone a 2 agree a lot.
- Weighted kappa (Cohen 1968) corrects for chance. With O the observed joint
  distribution of the two scores over the k ordered categories and E the
  product of its margins (what two raters with the same score distributions
  would produce scoring independently), and disagreement weights w_ij,
  kappa_w = 1 - sum(w O) / sum(w E). Quadratic weights ((i - j) / (k - 1))^2
  (Fleiss & Cohen 1973) give a kappa close to the intraclass correlation and
  are the usual choice for rubric scores; linear weights |i - j| / (k - 1)
  are vcd's "Equal-Spacing"; "none" (1 off the diagonal) is Cohen's (1960)
  unweighted kappa. Weights are by the position of a score among the
  categories, so the categories should be the scale's possible values: a
  score nobody gave still counts as a step between its neighbours. When the
  expected disagreement is 0 (both raters always gave the one same score)
  chance explains all the agreement there is, and kappa is NaN, not 1.
- The one-way random effects intraclass correlations ICC(1,1) and ICC(1,k)
  of Shrout & Fleiss (1979), responses as targets: each response is scored
  by its own draw of raters, which is how assigned raters work, so rater
  differences are part of the error and not removed as in the two-way
  models. ICC(1,1) is the reliability of one rater's score, ICC(1,k) that
  of the mean of the k scores.
- Severity: each rater's mean of (own score - co-rater's score) over the
  responses they scored as one of a pair, positive for a lenient rater.
  It is relative to the co-raters the rater happened to meet, so it is
  fair when pairings are random and many; a many-facet Rasch model (Linacre
  1989) is the model-based alternative when they are not.

References: Cohen, J. (1960). A coefficient of agreement for nominal scales.
Educational and Psychological Measurement, 20, 37-46. Cohen, J. (1968).
Weighted kappa. Psychological Bulletin, 70, 213-220. Fleiss, J. L. & Cohen, J.
(1973). The equivalence of weighted kappa and the intraclass correlation
coefficient as measures of reliability. Educational and Psychological
Measurement, 33, 613-619. Shrout, P. E. & Fleiss, J. L. (1979). Intraclass
correlations: uses in assessing rater reliability. Psychological Bulletin,
86, 420-428.
"""

from dataclasses import dataclass

import numpy as np

NAN = float("nan")
TOLERANCE = 1e-9  # totals summed from fractional points (0.1 + 0.2) can miss an equal total by an ulp
WEIGHTS = ("quadratic", "linear", "none")


@dataclass(frozen=True)
class PairAgreement:
    pairs: int  # pairs with both scores present: every statistic below is over these
    exact: float  # share of pairs with equal scores
    adjacent: float  # share of pairs whose scores differ by at most 1 point
    kappa: float  # quadratic weighted kappa
    icc: float  # ICC(1,1): reliability of a single rater's score
    mean_difference: float  # mean of a - b: a bias when a and b are roles (first and second marker), noise otherwise


@dataclass(frozen=True)
class RaterSeverity:
    rater: object  # the id as passed in
    ratings: int  # responses the rater scored as one of a pair (adjudication scores are not passed in)
    pairs: int  # of those, the ones the co-rater scored too: the pairs behind severity
    severity: float  # mean of (own score - co-rater's score) over the pairs; > 0 lenient, < 0 severe
    adjudicated: int  # of the pairs, how many went to adjudication
    adjudication_rate: float  # adjudicated / pairs


def exact_agreement(a, b):
    """The share of pairs with equal scores; NaN with no pairs."""
    a, b = _pairs(a, b)
    return _share(np.abs(a - b) <= TOLERANCE)


def adjacent_agreement(a, b, within=1):
    """The share of pairs whose scores differ by at most `within` points; NaN with no pairs."""
    if within < 0:
        raise ValueError("within must not be negative")
    a, b = _pairs(a, b)
    return _share(np.abs(a - b) <= within + TOLERANCE)


def weighted_kappa(a, b, categories=None, weights="quadratic"):
    """Cohen's weighted kappa of the pairs with "quadratic", "linear" or "none"
    (unweighted) disagreement weights. `categories`: the possible scores, in
    order (e.g. range(4) for a 0..3 criterion); default, the scores seen.
    NaN with no pairs or no disagreement to expect by chance."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHTS)}")
    a, b = _pairs(a, b)
    categories = _categories(a, b, categories)
    k = categories.size
    if a.size == 0 or k < 2:  # one category: every pair agrees, and by chance
        return NAN
    observed = np.bincount(_positions(a, categories) * k + _positions(b, categories),
                           minlength=k * k).reshape(k, k) / a.size
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    w = _disagreement_weights(k, weights)
    chance = (w * expected).sum()
    if chance <= 0:
        return NAN
    return float(1 - (w * observed).sum() / chance)


def icc_oneway(ratings):
    """ICC(1,1) and ICC(1,k) of a targets x k ratings matrix (Shrout & Fleiss
    1979, one-way random effects), over the rows without a NaN. NaN with
    fewer than two such rows or no variance between the targets' means."""
    ratings = np.asarray(ratings, dtype=np.float64)
    if ratings.ndim != 2 or ratings.shape[1] < 2:
        raise ValueError("ratings must be targets x raters, with at least two ratings per target")
    ratings = ratings[~np.isnan(ratings).any(axis=1)]
    n, k = ratings.shape
    if n < 2:
        return NAN, NAN
    target_means = ratings.mean(axis=1)
    bms = k * ((target_means - ratings.mean()) ** 2).sum() / (n - 1)
    wms = ((ratings - target_means[:, None]) ** 2).sum() / (n * (k - 1))
    # Targets alike: ICC(1,k) would divide by BMS = 0, and ICC(1,1) = -1/(k-1)
    # would say only that no target differs from another, not how raters agree.
    if not _varies(target_means):
        return NAN, NAN
    return float((bms - wms) / (bms + (k - 1) * wms)), float((bms - wms) / bms)


def pair_agreement(a, b, categories=None):
    """Exact and adjacent (1 point) agreement, quadratic weighted kappa and
    ICC(1,1) of two raters' scores on the same responses."""
    a, b = _pairs(a, b)
    return PairAgreement(
        pairs=int(a.size),
        exact=exact_agreement(a, b),
        adjacent=adjacent_agreement(a, b),
        kappa=weighted_kappa(a, b, categories),
        icc=icc_oneway(np.column_stack([a, b]))[0],
        mean_difference=float((a - b).mean()) if a.size else NAN,
    )


def rater_severity(rater_a, rater_b, score_a, score_b, adjudicated):
    """Per rater, severity against co-raters and adjudication rate. One entry
    per double-rated response: the two raters' ids, their scores (NaN where
    not given) and whether the response went to adjudication. Each pair counts
    for both raters. Raters come in order of first appearance (row by row,
    rater_a before rater_b)."""
    rater_a, rater_b = list(rater_a), list(rater_b)
    score_a, score_b = _vector(score_a, "score_a"), _vector(score_b, "score_b")
    adjudicated = np.asarray(adjudicated, dtype=bool)
    if adjudicated.ndim != 1:
        raise ValueError("adjudicated must be one-dimensional")
    if not len(rater_a) == len(rater_b) == score_a.size == score_b.size == adjudicated.size:
        raise ValueError("rater_a, rater_b, score_a, score_b and adjudicated must have the same length")
    if any(x == y for x, y in zip(rater_a, rater_b)):
        raise ValueError("a response must be double-scored by two different raters")

    raters = list(dict.fromkeys(rater for pair in zip(rater_a, rater_b) for rater in pair))
    index = {rater: i for i, rater in enumerate(raters)}
    # Both sides of every pair, each seen from its own rater.
    who = np.array([index[rater] for rater in rater_a + rater_b], dtype=np.intp)
    own, other = np.concatenate([score_a, score_b]), np.concatenate([score_b, score_a])
    sent = np.concatenate([adjudicated, adjudicated])
    rated = ~np.isnan(own)
    paired = rated & ~np.isnan(other)

    def count(mask, weights=None):
        return np.bincount(who[mask], weights=None if weights is None else weights[mask], minlength=len(raters))

    ratings, pairs, sent_on = count(rated), count(paired), count(paired & sent)
    with np.errstate(divide="ignore", invalid="ignore"):  # a rater with no pairs: 0 / 0, NaN as wanted
        severity = count(paired, own - other) / pairs
        rate = sent_on / pairs
    return [RaterSeverity(rater, int(ratings[i]), int(pairs[i]), float(severity[i]), int(sent_on[i]), float(rate[i]))
            for i, rater in enumerate(raters)]


def _vector(values, name):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return values


def _pairs(a, b):
    """The pairs with both scores present."""
    a, b = _vector(a, "a"), _vector(b, "b")
    if a.size != b.size:
        raise ValueError("a and b must have the same length")
    complete = ~(np.isnan(a) | np.isnan(b))
    return a[complete], b[complete]


def _share(hits):
    return float(hits.mean()) if hits.size else NAN


def _categories(a, b, categories):
    """The categories sorted, near-equal ones (by rounding) merged when taken from the scores."""
    if categories is None:
        seen = np.unique(np.concatenate([a, b]))
        return seen[np.r_[True, np.diff(seen) > TOLERANCE]] if seen.size else seen
    categories = np.sort(_vector(list(categories), "categories"))
    if np.isnan(categories).any() or np.any(np.diff(categories) <= TOLERANCE):
        raise ValueError("categories must be distinct numbers")
    return categories


def _positions(scores, categories):
    """Each score's position among the categories."""
    distance = np.abs(scores[:, None] - categories[None, :])
    nearest = distance.argmin(axis=1)
    if np.any(distance[np.arange(scores.size), nearest] > TOLERANCE):
        raise ValueError("every score must be one of the categories")
    return nearest


def _disagreement_weights(k, weights):
    i, j = np.indices((k, k))
    if weights == "none":
        return (i != j).astype(np.float64)
    steps = np.abs(i - j) / (k - 1)
    return steps ** 2 if weights == "quadratic" else steps


def _varies(values):
    """Not constant, beyond rounding: means of equal scores can differ by an ulp."""
    return np.ptp(values) > 1e-12 * (1 + np.abs(values).max(initial=0))
