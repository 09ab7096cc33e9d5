"""Modified Angoff standard setting (Angoff 1971; Cizek & Bunch 2007, ch. 6).

Each panelist rates each item with the probability that a minimally
competent candidate answers it right (for an item worth several points, the
points such a candidate is expected to score, 0 .. max_points). The cut score
is the sum over items of the panel's mean rating, in raw points.

Missing ratings (NaN, an item a panelist did not rate) are left out of that
item's mean, so every rating given counts toward the cut. A panelist's own
cut, the sum of their ratings, exists only if they rated every item: a sum
over fewer items is not a cut on the same test. The spread of the panelist
cuts (SD with n - 1, and SE = SD / sqrt(panelists with a cut)) says how much
the cut depends on who sat on the panel.

Panel agreement is measured among the panelists who rated every item (those
with a cut), so one panelist who has not finished leaves the others'
agreement standing; it is on ratings as proportions of each item's maximum
(so items worth more points do not look like agreement): the two-way mixed,
consistency intraclass correlations of Shrout & Fleiss (1979) with items as
targets and panelists as judges, ICC(3,1) for one panelist and ICC(3,k) for
the mean ratings of that many panelists, and each one's correlation with the
mean of the others (low: a panelist who orders the items differently from
the rest).

Per item, the panel's ratings are also summed up as a panel sees them between
rounds (Cizek & Bunch 2007, ch. 6, normative feedback): the mean, the median,
the lowest and the highest rating, and how many panelists gave one.
"""

from dataclasses import dataclass

import numpy as np

NAN = float("nan")


@dataclass(frozen=True)
class Angoff:
    item_means: np.ndarray  # per item, the mean rating of the panelists who rated it; NaN if none did
    item_medians: np.ndarray  # per item, the same panelists' median rating
    item_lows: np.ndarray  # per item, the lowest rating
    item_highs: np.ndarray  # per item, the highest rating
    item_raters: np.ndarray  # per item, how many panelists rated it
    cut_raw: float  # sum of the item means, raw points; NaN if an item has no rating
    cut_percent: float  # cut_raw as a percentage of the possible points
    panelist_cuts: np.ndarray  # per panelist, the sum of their ratings; NaN unless they rated every item
    sd: float  # of the panelist cuts, n - 1
    se: float  # sd / sqrt(panelists with a cut)
    icc_single: float  # ICC(3,1): consistency of one panelist's ratings across items
    icc_mean: float  # ICC(3,k): consistency of the mean ratings of the k panelists counted
    panelist_r: np.ndarray  # per panelist counted, correlation with the mean of the others over items; else NaN
    agreement_panelists: int  # k, the panelists who rated every item, among whom agreement is measured


def angoff(ratings, max_points=None):
    """The Angoff cut score and the panel's agreement from panelists x items
    ratings (NaN where not rated); `max_points` per item, default 1."""
    ratings = np.asarray(ratings, dtype=np.float64)
    if ratings.ndim != 2:
        raise ValueError("ratings must be panelists x items")
    n_panelists, n_items = ratings.shape
    max_points = np.ones(n_items) if max_points is None else np.broadcast_to(
        np.asarray(max_points, dtype=np.float64), (n_items,))
    rated = ~np.isnan(ratings)
    if np.any((ratings[rated] < 0) | (ratings[rated] > np.broadcast_to(max_points, ratings.shape)[rated])):
        raise ValueError("every rating must lie between 0 and the item's maximum points")

    counts = rated.sum(axis=0)
    with np.errstate(invalid="ignore"):  # an item nobody rated: 0 / 0, NaN as wanted
        item_means = np.where(rated, ratings, 0).sum(axis=0) / counts
    cut_raw = float(item_means.sum())
    possible = float(max_points.sum())
    panelist_cuts = np.where(rated.all(axis=1), np.where(rated, ratings, 0).sum(axis=1), np.nan)
    sd, se = _spread(panelist_cuts[~np.isnan(panelist_cuts)])

    counted = rated.all(axis=1)
    complete = (ratings[counted] / max_points).T  # items x the panelists who rated every item
    icc_single, icc_mean = icc_consistency(complete)
    panelist_r = np.full(n_panelists, np.nan)
    panelist_r[counted] = _with_the_others(complete)
    return Angoff(item_means, _per_item(ratings, rated, np.median), _per_item(ratings, rated, np.min),
                  _per_item(ratings, rated, np.max), counts, cut_raw,
                  cut_raw / possible * 100 if possible > 0 else NAN, panelist_cuts, sd, se,
                  icc_single, icc_mean, panelist_r, int(counted.sum()))


def _per_item(ratings, rated, reduce):
    """`reduce` of each item's given ratings; NaN for an item nobody rated."""
    return np.array([reduce(column[given]) if given.any() else np.nan for column, given in zip(ratings.T, rated.T)])


def _spread(cuts):
    if cuts.size < 2:
        return NAN, NAN
    sd = float(cuts.std(ddof=1))
    return sd, sd / cuts.size ** 0.5


def icc_consistency(scores):
    """ICC(3,1) and ICC(3,k) of a targets x judges matrix (Shrout & Fleiss 1979):
    the two-way mixed model's consistency, judges' mean differences removed.
    NaN with fewer than two targets or judges, or no variance between targets."""
    n, k = scores.shape
    if n < 2 or k < 2:
        return NAN, NAN
    grand = scores.mean()
    between_targets = k * ((scores.mean(axis=1) - grand) ** 2).sum()
    between_judges = n * ((scores.mean(axis=0) - grand) ** 2).sum()
    residual = ((scores - grand) ** 2).sum() - between_targets - between_judges
    bms, ems = between_targets / (n - 1), residual / ((n - 1) * (k - 1))
    if not _varies(scores.mean(axis=1)):
        return NAN, NAN
    return float((bms - ems) / (bms + (k - 1) * ems)), float((bms - ems) / bms)


def _with_the_others(scores):
    """Per judge (column), the correlation over targets with the mean of the other judges."""
    n, k = scores.shape
    if n < 2 or k < 2:
        return np.full(k, np.nan)
    others = (scores.sum(axis=1, keepdims=True) - scores) / (k - 1)
    own_c, others_c = scores - scores.mean(axis=0), others - others.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (own_c * others_c).sum(axis=0) / np.sqrt((own_c ** 2).sum(axis=0) * (others_c ** 2).sum(axis=0))
    return np.where(_varies(scores, axis=0) & _varies(others, axis=0), r, np.nan)


def _varies(values, axis=None):
    """Not constant, beyond rounding: a mean of equal floats can miss them by an ulp,
    which would make a correlation of rounding noise."""
    return np.ptp(values, axis=axis) > 1e-12 * (1 + np.abs(values).max(initial=0))
