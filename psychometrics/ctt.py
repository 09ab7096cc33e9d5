"""Classical item analysis, as Iteman and Moodle's quiz statistics report it.

Per item: p, the point-biserial with the total (item included) and with the
rest (item excluded: the corrected one, used for flags), the biserial, the
upper-lower 27% discrimination index, the omit rate and alpha if the item is
deleted. Per option: the proportion choosing it overall and in the upper and
lower 27%, and its point-biserial with the rest score. Per test: mean, SD,
min, max, Cronbach's alpha (KR-20 for 0/1 items) and its SEM. Everything is
vectorised over items and options: one pass of matrix products, no loop
over persons. SD, variances and SEM use n - 1.
"""

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from psychometrics import OMITTED

GROUP_FRACTION = 0.27


@dataclass(frozen=True)
class Thresholds:
    """When an item is flagged; the defaults are the issue's (and Iteman's usual) ones."""

    p_low: float = 0.2
    p_high: float = 0.95
    r_pbis_low: float = 0.15


@dataclass(frozen=True)
class TestStatistics:
    n_persons: int
    n_items: int
    mean: float
    sd: float
    minimum: float
    maximum: float
    alpha: float
    sem: float


@dataclass(frozen=True)
class ItemAnalysis:
    test: TestStatistics
    p: np.ndarray
    r_pbis: np.ndarray  # item-rest, corrected
    r_pbis_total: np.ndarray
    r_bis: np.ndarray
    discrimination_index: np.ndarray
    omit_rate: np.ndarray
    alpha_if_deleted: np.ndarray
    option_proportion: np.ndarray | None = None  # items x options
    option_upper: np.ndarray | None = None
    option_lower: np.ndarray | None = None
    option_r_pbis: np.ndarray | None = None  # option chosen vs rest score
    flags: list = field(default_factory=list)  # per item, a list of strings


def _correlation(covariance, variance_a, variance_b):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = covariance / np.sqrt(variance_a * variance_b)
    return np.where((variance_a > 0) & (variance_b > 0), r, np.nan)


def cronbach_alpha(item_variances, total_variance, n_items):
    if n_items < 2 or not total_variance > 0:
        return float("nan")
    return n_items / (n_items - 1) * (1 - item_variances.sum() / total_variance)


def _biserial(r_pbis_total, p):
    """From the point-biserial: r_bis = r_pbis * sqrt(pq) / phi(z_p)."""
    inside = (p > 0) & (p < 1)
    ordinate = np.zeros_like(p)
    normal = NormalDist()
    ordinate[inside] = [normal.pdf(normal.inv_cdf(value)) for value in p[inside]]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = r_pbis_total * np.sqrt(p * (1 - p)) / ordinate
    return np.where(inside, r, np.nan)


def _groups(total):
    """Boolean masks of the upper and lower 27% by total score (ties broken by order)."""
    n = total.shape[0]
    size = max(1, int(round(n * GROUP_FRACTION))) if n >= 2 else 0
    order = np.argsort(total, kind="stable")
    lower, upper = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    lower[order[:size]] = True
    upper[order[n - size:]] = True
    return upper, lower


def analyse(scored, choices=None, keys=None, thresholds=Thresholds(), max_points=None):
    """The classical report of a persons x items scored matrix; with `choices`
    (option codes) and `keys`, the option (distractor) analysis and its flags
    too. `max_points` per item (default 1) turns means into p values."""
    x = np.asarray(scored, dtype=np.float64)
    n, k = x.shape
    total = x.sum(axis=1)
    item_mean = x.mean(axis=0)
    centred = x - item_mean
    total_centred = total - total.mean()
    item_var = (centred ** 2).sum(axis=0) / max(n - 1, 1)
    total_var = float((total_centred ** 2).sum() / max(n - 1, 1))
    cov_total = centred.T @ total_centred / max(n - 1, 1)
    rest_var = total_var + item_var - 2 * cov_total
    cov_rest = cov_total - item_var

    r_pbis_total = _correlation(cov_total, item_var, total_var)
    r_pbis = _correlation(cov_rest, item_var, rest_var)
    max_points = np.ones(k) if max_points is None else np.asarray(max_points, dtype=np.float64)
    p = item_mean / max_points
    upper, lower = _groups(total)
    with np.errstate(invalid="ignore"):
        discrimination = (x[upper].mean(axis=0) - x[lower].mean(axis=0)) / max_points if upper.any() else \
            np.full(k, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha_if_deleted = (k - 1) / (k - 2) * (1 - (item_var.sum() - item_var) / rest_var) if k > 2 else \
            np.full(k, np.nan)
    alpha_if_deleted = np.where(rest_var > 0, alpha_if_deleted, np.nan)
    omit_rate = (np.asarray(choices) == OMITTED).mean(axis=0) if choices is not None and n else np.zeros(k)

    alpha = cronbach_alpha(item_var, total_var, k)
    sd = float(np.sqrt(total_var))
    test = TestStatistics(n, k, float(total.mean()) if n else float("nan"), sd if n > 1 else float("nan"),
                          float(total.min()) if n else float("nan"), float(total.max()) if n else float("nan"),
                          alpha, sd * np.sqrt(1 - alpha) if alpha <= 1 else float("nan"))
    analysis = ItemAnalysis(test, p, r_pbis, r_pbis_total, _biserial(r_pbis_total, p), discrimination, omit_rate,
                            alpha_if_deleted)
    if choices is not None and keys is not None:
        analysis = _with_options(analysis, np.asarray(choices), keys, total, x, upper, lower)
    return _flagged(analysis, keys, thresholds)


def _with_options(analysis, choices, keys, total, x, upper, lower):
    """Option proportions overall, upper and lower, and option-rest point-biserials, items x options.
    One option at a time, so memory stays at a few persons x items arrays."""
    n, k = choices.shape
    n_options = keys.shape[1]
    denominator = max(n - 1, 1)
    rest = total[:, None] - x
    rest_centred = rest - rest.mean(axis=0)
    rest_var = (rest_centred ** 2).sum(axis=0) / denominator
    proportion, upper_share, lower_share, option_r = (np.full((k, n_options), np.nan) for _ in range(4))
    for option in range(n_options):
        chosen = choices == option
        share = chosen.mean(axis=0)
        proportion[:, option] = share
        if upper.any():
            upper_share[:, option] = chosen[upper].mean(axis=0)
            lower_share[:, option] = chosen[lower].mean(axis=0)
        covariance = (chosen * rest_centred).sum(axis=0) / denominator  # sum((c - mean) * rest_c) = sum(c * rest_c)
        option_var = share * (1 - share) * n / denominator
        option_r[:, option] = _correlation(covariance, option_var, rest_var)
    return ItemAnalysis(**{**analysis.__dict__, "option_proportion": proportion, "option_upper": upper_share,
                           "option_lower": lower_share, "option_r_pbis": option_r})


def _flagged(analysis, keys, thresholds):
    flags = []
    for item in range(analysis.p.shape[0]):
        these = []
        p, r = analysis.p[item], analysis.r_pbis[item]
        if p < thresholds.p_low:
            these.append("hard")
        if p > thresholds.p_high:
            these.append("easy")
        if np.isnan(r) or r < thresholds.r_pbis_low:
            these.append("low discrimination")
        if analysis.option_r_pbis is not None and keys is not None and keys[item].any():
            distractors = ~keys[item] & (analysis.option_proportion[item] > 0)
            if np.any(analysis.option_r_pbis[item][distractors] > 0):
                these.append("distractor with positive r_pbis")
            keyed_share = analysis.option_proportion[item][keys[item]].max()
            if distractors.any() and analysis.option_proportion[item][distractors].max() > keyed_share:
                these.append("key chosen less than a distractor")
        flags.append(these)
    return ItemAnalysis(**{**analysis.__dict__, "flags": flags})


def plain(value):
    """Arrays and floats as plain lists and numbers, NaN as None (for JSON)."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if np.isnan(value) else value
    return value
