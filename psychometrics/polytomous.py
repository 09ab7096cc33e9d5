"""Classical statistics of rated (polytomous) items, and reliability of a
test whose items are scored 0/1 and in rubric points together.

Layout: `points` persons x items in rubric points, NaN where a candidate
was not scored on the item (a vignette they did not choose, a rating not yet
final); `levels` per item the sorted points of its rubric's levels. A score
between two levels (the mean of raters who differed) is counted as between
them, and in `level_numbers` lies between their numbers, as `gpcm` reads it.

Per item: the number scored, mean and SD (n - 1), the candidates at each
level (a level nobody reached counts 0) and between levels, and the
corrected item-total correlation: with the rest of the candidate's total
(the other items, plus `other`, the points of the rest of the exam), over
the candidates scored on the item.

Reliability comes from one covariance matrix of the items: coefficient
alpha, k / (k - 1) (1 - sum of the item variances / the sum of the whole
matrix), for all items and for each part, and stratified alpha (Cronbach,
Schoenemann & McKie 1965; Feldt & Brennan 1989), 1 - sum over parts
of var_p (1 - alpha_p) / var_X, which does not take the parts, rated and
keyed, for measures of one thing as alpha does. When candidates choose
among vignettes, each covariance is over the candidates scored on both of
its items (available cases): the matrix, and so the alphas, describe the
full set of items as if everyone took them all. With no missing scores it
is the ordinary covariance matrix and these are the textbook values.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RatedItems:
    n: np.ndarray  # candidates scored on each item
    mean: np.ndarray
    sd: np.ndarray
    counts: np.ndarray  # items x the most levels any item has: candidates at each level; NaN past an item's own
    between: np.ndarray  # candidates whose score lies between two levels
    item_rest: np.ndarray  # correlation with the rest of the total

    @property
    def proportions(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.counts / self.n[:, None]


def describe(points, levels, other=None):
    """Per item statistics of a persons x items matrix of rubric points;
    `other` is each candidate's points on the rest of the exam, if any."""
    points = np.asarray(points, dtype=np.float64)
    taken = ~np.isnan(points)
    n = taken.sum(axis=0)
    filled = np.where(taken, points, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = filled.sum(axis=0) / n
        sd = np.sqrt(((filled - mean) ** 2 * taken).sum(axis=0) / (n - 1))
    width = max(len(item_levels) for item_levels in levels)
    counts = np.full((points.shape[1], width), np.nan)
    for item, item_levels in enumerate(levels):
        counts[item, :len(item_levels)] = (points[:, item, None] == np.asarray(item_levels)[None, :]).sum(axis=0)
    rest = filled.sum(axis=1, keepdims=True) - filled
    if other is not None:
        rest += np.asarray(other, dtype=np.float64)[:, None]
    return RatedItems(n, mean, np.where(n > 1, sd, np.nan), counts, n - np.nansum(counts, axis=1),
                      _correlations(filled, rest, taken))


def _correlations(x, y, taken):
    """Per column, the correlation of x and y over the rows taken."""
    n = taken.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_dev = (x - x.sum(axis=0) / n) * taken
        y_dev = (y - (y * taken).sum(axis=0) / n) * taken
        product = (x_dev ** 2).sum(axis=0) * (y_dev ** 2).sum(axis=0)
        r = (x_dev * y_dev).sum(axis=0) / np.sqrt(product)
    return np.where((n > 1) & (product > 0), r, np.nan)


def level_numbers(points, levels):
    """Rubric points as level numbers 0..m for `gpcm`: a score between two
    levels lies between their numbers in proportion (2.5 between the levels
    of 2 and 3 points is 2.5; 3 between levels of 2 and 4 points is 1.5)."""
    points = np.asarray(points, dtype=np.float64)
    numbers = np.full_like(points, np.nan)
    for item, item_levels in enumerate(levels):
        taken = ~np.isnan(points[:, item])
        numbers[taken, item] = np.interp(points[taken, item], item_levels, np.arange(len(item_levels)))
    return numbers


def covariance(scores):
    """The items x items covariance matrix (n - 1), each entry over the
    candidates scored on both items; NaN where fewer than two were."""
    scores = np.asarray(scores, dtype=np.float64)
    taken = (~np.isnan(scores)).astype(np.float64)
    filled = np.where(taken > 0, scores, 0.0)
    both = taken.T @ taken
    sums = filled.T @ taken  # [j, l]: the sum of item j over those scored on both
    with np.errstate(divide="ignore", invalid="ignore"):
        result = (filled.T @ filled - sums * sums.T / both) / (both - 1)
    return np.where(both > 1, result, np.nan)


def alpha_of(matrix):
    """Coefficient alpha from an items x items covariance matrix."""
    k = matrix.shape[0]
    total = matrix.sum()
    if k < 2 or not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(matrix) / total))


@dataclass(frozen=True)
class Reliability:
    alpha: float  # all items as one test
    parts: dict  # part: its alpha
    stratified: float


def reliability(scores, parts):
    """Alpha of all the items, of each part, and stratified alpha; `parts`
    names each item's part. NaN where undefined (a part of one item has no
    alpha, and then no stratified alpha either)."""
    matrix = covariance(scores)
    parts = np.asarray(parts)
    names = list(dict.fromkeys(parts.tolist()))
    alphas = {name: alpha_of(matrix[np.ix_(parts == name, parts == name)]) for name in names}
    total = matrix.sum()
    error = sum(matrix[np.ix_(parts == name, parts == name)].sum() * (1 - alphas[name]) for name in names)
    stratified = float(1 - error / total) if total > 0 else float("nan")
    return Reliability(alpha_of(matrix), alphas, stratified)
