"""Classical item analysis, as Iteman and Moodle's quiz statistics report it.

Per item: p, the point-biserial with the total (item included) and with the
rest (item excluded: the corrected one, used for flags), the biserial, the
upper-lower 27% discrimination index, the omit rate and alpha if the item is
deleted. Per option: the proportion choosing it overall and in the upper and
lower 27%, and its point-biserial with the rest score. Per test: mean, SD,
min, max, Cronbach's alpha (KR-20 for 0/1 items) and its SEM. SD, variances
and SEM use n - 1. The upper and lower groups each hold exactly 27% of the
persons' weight: persons tied at a cut share what is left of it equally, so
no statistic depends on the order of the rows.

How, for speed (the full report at 100,000 x 150 costs a few passes over
the matrix): every statistic is a sum over persons, per item or per option,
of 1, the total score, membership of the upper or lower group, or the item
score. So persons are sorted by total and laid out in blocks, each within
one total and one group (padded with rows that count for no one); a sum over
"the persons who chose option o" is then a count per block of a byte mask,
and one small product of those counts with the blocks' totals and groups
gives all four. When the scores are the keys' 0/1 scoring of the choices
(as `scoring.score` makes them), the item statistics are counts of keyed
choices too; other scores take float sums over the matrix.
"""

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from psychometrics import OMITTED

GROUP_FRACTION = 0.27
MAX_BLOCK = 255  # persons per block, so that per-block counts fit in a byte
PADDING_SHARE = 8  # blocks are small enough that padding adds at most 1 / 8 of the persons
PADDING_CODE = OMITTED - 1  # an option code no one can choose
SLICE_CELLS = 2 ** 16  # persons x items per slice of one pass: the slice stays in cache


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


@dataclass(frozen=True)
class _Blocks:
    """Persons sorted by total and cut into blocks of `size`, each within one
    score stratum (the persons of one total). Laid out row r of every block,
    then row r + 1: counting per block is then adding `size` contiguous slabs.
    `rows` holds the person in each laid-out row, -1 for padding."""

    rows: np.ndarray
    size: int
    strata: np.ndarray  # each stratum's first block
    weights: np.ndarray  # strata x 4: 1, the stratum's total, a person's weight in the upper group, in the lower
    group: float  # the weight of each of the upper and lower groups: 27% of the persons
    upper: np.ndarray  # per person, in the input's order, their weight in the upper group
    lower: np.ndarray

    def arrange(self, matrix, padding):
        """A persons x items matrix in this layout, its padding rows set to `padding`."""
        laid_out = np.take(matrix, self.rows, axis=0)  # -1 takes the last person for now
        laid_out[self.rows < 0] = padding
        return laid_out

    def tally(self, mask):
        """Per item, over the persons where a laid-out boolean mask is True: how
        many, the sum of their totals, their weight in the upper and in the lower
        group (items x 4)."""
        counts = mask.reshape(self.size, -1, mask.shape[1]).sum(axis=0, dtype=np.uint8)
        # Counted per stratum before weighting: whole numbers that do not depend on the
        # persons' order, so neither does any result, to the last digit.
        return np.add.reduceat(counts, self.strata, axis=0, dtype=np.float64).T @ self.weights


def _group_weights(group, starts, lengths, n):
    """Each stratum's weight per person in the upper and in the lower group:
    whole strata from the top (bottom) down (up) to 27% of the persons, and the
    stratum the cut falls in shared equally by its persons, so that persons
    tied at the cut count alike whatever their order."""
    above = n - starts - lengths
    upper = np.clip((group - above) / lengths, 0, 1)
    lower = np.clip((group - starts) / lengths, 0, 1)
    return upper, lower


def _blocks(total, small_integers):
    """The blocks of persons ranked by `total`; `small_integers` if the totals are."""
    n = total.shape[0]
    group = GROUP_FRACTION * n if n >= 2 else 0.0
    # The stable radix sort of small integers gives the comparison sort's order, far sooner.
    order = np.argsort(total.astype(np.int16) if small_integers else total, kind="stable")
    ranked = total[order]
    starts = np.flatnonzero(np.append(True, ranked[1:] != ranked[:-1])) if n else np.zeros(0, dtype=np.intp)
    lengths = np.diff(np.append(starts, n))
    upper, lower = _group_weights(group, starts, lengths, n)
    size = int(np.clip(n // (PADDING_SHARE * max(len(starts), 1)), 1, MAX_BLOCK))
    n_blocks = -(-lengths // size)
    padded = n_blocks * size
    rows = np.full(int(padded.sum()), -1)
    rows[np.arange(n) + np.repeat(np.cumsum(padded) - padded - starts, lengths)] = order
    weights = np.column_stack([np.ones(len(starts)), ranked[starts], upper, lower])
    per_person = np.empty((2, n))
    per_person[:, order] = np.repeat(np.stack([upper, lower]), lengths, axis=1)
    return _Blocks(rows.reshape(-1, size).T.ravel(), size, np.cumsum(n_blocks) - n_blocks, weights, group,
                   *per_person)


@dataclass(frozen=True)
class _ItemMoments:
    mean: np.ndarray
    variance: np.ndarray
    covariance: np.ndarray  # with the total
    upper_mean: np.ndarray  # NaN without groups
    lower_mean: np.ndarray


def _totals(x, choices, keys):
    """Each person's total, and whether x is 1 where the choice is a key and 0
    elsewhere, as `scoring.score` makes it (then every sum over x is a count of
    choices): one pass over slices of persons, each read once from memory."""
    n, k = x.shape
    total = np.empty(n)
    by_keys = choices is not None and keys is not None
    codes = _key_codes(keys, choices.dtype) if by_keys else None
    n_keyed = 0
    step = max(1, SLICE_CELLS // max(k, 1))
    for start in range(0, n, step):
        rows = x[start:start + step]
        np.matmul(rows, np.ones(k), out=total[start:start + step])
        if by_keys:
            by_keys, count = _scored_by_keys(rows, choices[start:start + step], codes, keys.shape[1])
            n_keyed += count
    # The other scores are none of them negative and add up to 0: they are all 0.
    return total, by_keys and total.sum() == n_keyed


def _scored_by_keys(rows, choices, codes, n_options):
    """Whether a slice's scores are 1 for a key and 0 otherwise, and how many are keyed."""
    if rows.size == 0:
        return True, 0
    if choices.min() < OMITTED or choices.max() >= n_options:
        return False, 0
    keyed = _keyed(choices, codes)
    return np.array_equal(rows == 1, keyed) and rows.min() >= 0, np.count_nonzero(keyed)


def _key_codes(keys, dtype):
    """Items x (most keys of an item): each item's keyed option codes, then
    a code outside the options."""
    n_options = keys.shape[1]
    codes = np.sort(np.where(keys, np.arange(n_options), PADDING_CODE - 1), axis=1)[:, ::-1]
    return codes[:, :max(int(keys.sum(axis=1).max(initial=0)), 1)].astype(dtype)


def _keyed(choices, codes):
    """Where a choice is a key of its item: one comparison per key of the item
    with the most, not one per option."""
    keyed = choices == codes[:, 0]
    for rank in range(1, codes.shape[1]):
        keyed |= choices == codes[:, rank]
    return keyed


def _binary_moments(right, total, group):
    """Item moments of 0/1 scores from sums over the persons right on each item:
    how many, their totals, how many are in the upper and in the lower group."""
    n = total.shape[0]
    count, total_sum, upper, lower = right.T
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = count / n
        group = group or np.nan
        return _ItemMoments(mean, (count - count * mean) / max(n - 1, 1),  # the sum of (x - mean)^2 of 0/1 scores
                            (total_sum - count * total.mean()) / max(n - 1, 1), upper / group, lower / group)


def _float_moments(x, total, blocks):
    """Item moments of any scores, by float sums over the matrix."""
    n = x.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = x.mean(axis=0)
    centred = x - mean
    variance = np.einsum("ij,ij->j", centred, centred) / max(n - 1, 1)
    covariance = centred.T @ (total - total.mean()) / max(n - 1, 1) if n else np.full(x.shape[1], np.nan)
    if not blocks.group:
        return _ItemMoments(mean, variance, covariance, np.full_like(mean, np.nan), np.full_like(mean, np.nan))
    return _ItemMoments(mean, variance, covariance, blocks.upper @ x / blocks.group, blocks.lower @ x / blocks.group)


def _correlation(covariance, variance_a, variance_b):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = covariance / np.sqrt(variance_a * variance_b)
    return np.where((variance_a > 0) & (variance_b > 0), r, np.nan)


def cronbach_alpha(item_variances, total_variance, n_items):
    if n_items < 2 or not total_variance > 0:
        return float("nan")
    return n_items / (n_items - 1) * (1 - item_variances.sum() / total_variance)


def biserial_out_of_range(r_bis):
    """Where a biserial lies outside [-1, 1], as no correlation can: the normal
    ability it assumes behind the 0/1 item does not hold for these data, so
    read the point-biserial instead. Undefined biserials are not out of range."""
    with np.errstate(invalid="ignore"):
        return np.abs(np.asarray(r_bis, dtype=np.float64)) > 1


def _biserial(r_pbis_total, p):
    """From the point-biserial: r_bis = r_pbis * sqrt(pq) / phi(z_p)."""
    inside = (p > 0) & (p < 1)
    ordinate = np.zeros_like(p)
    normal = NormalDist()
    ordinate[inside] = [normal.pdf(normal.inv_cdf(value)) for value in p[inside]]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = r_pbis_total * np.sqrt(p * (1 - p)) / ordinate
    return np.where(inside, r, np.nan)


def analyse(scored, choices=None, keys=None, thresholds=Thresholds(), max_points=None):
    """The classical report of a persons x items scored matrix; with `choices`
    (option codes) and `keys`, the option (distractor) analysis and its flags
    too. `max_points` per item (default 1) turns means into p values."""
    x = np.asarray(scored, dtype=np.float64)
    n, k = x.shape
    if choices is not None:
        choices = np.asarray(choices)
        choices = choices.astype(np.promote_types(choices.dtype, np.int8), copy=False)  # signed, for the padding
    keys = None if keys is None else np.asarray(keys, dtype=bool)
    total, by_keys = _totals(x, choices, keys)
    blocks = _blocks(total, small_integers=by_keys and k < 2 ** 15)
    laid_choices = None if choices is None else blocks.arrange(choices, PADDING_CODE)
    with_options = choices is not None and keys is not None
    options = _option_sums(choices, laid_choices, x, keys, blocks, by_keys) if with_options else None
    items = _binary_moments(options.right(keys), total, blocks.group) if by_keys else \
        _float_moments(x, total, blocks)
    total_var = float(((total - total.mean()) ** 2).sum() / max(n - 1, 1)) if n else float("nan")
    rest_var = total_var + items.variance - 2 * items.covariance
    cov_rest = items.covariance - items.variance

    r_pbis_total = _correlation(items.covariance, items.variance, total_var)
    r_pbis = _correlation(cov_rest, items.variance, rest_var)
    max_points = np.ones(k) if max_points is None else np.asarray(max_points, dtype=np.float64)
    p = items.mean / max_points
    discrimination = (items.upper_mean - items.lower_mean) / max_points
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha_if_deleted = (k - 1) / (k - 2) * (1 - (items.variance.sum() - items.variance) / rest_var) if k > 2 \
            else np.full(k, np.nan)
    alpha_if_deleted = np.where(rest_var > 0, alpha_if_deleted, np.nan)
    omit_rate = blocks.tally(laid_choices == OMITTED)[:, 0] / n if choices is not None and n else np.zeros(k)

    alpha = cronbach_alpha(items.variance, total_var, k)
    sd = float(np.sqrt(total_var))
    test = TestStatistics(n, k, float(total.mean()) if n else float("nan"), sd if n > 1 else float("nan"),
                          float(total.min()) if n else float("nan"), float(total.max()) if n else float("nan"),
                          alpha, sd * np.sqrt(1 - alpha) if alpha <= 1 else float("nan"))
    analysis = ItemAnalysis(test, p, r_pbis, r_pbis_total, _biserial(r_pbis_total, p), discrimination, omit_rate,
                            alpha_if_deleted)
    if options is not None:
        analysis = _with_options(analysis, options, items, total, rest_var, blocks.group)
    return _flagged(analysis, keys, thresholds)


@dataclass(frozen=True)
class _OptionSums:
    """Items x options sums over the persons who chose each option."""

    tallies: np.ndarray  # items x options x (how many, their totals, how many upper, how many lower)
    score: np.ndarray  # of their scores on the item

    def right(self, keys):
        """The tallies of the persons who chose a key, when they are the ones scoring 1 (items x 4)."""
        return (self.tallies * keys[:, :, None]).sum(axis=1)


def _option_sums(choices, laid_choices, x, keys, blocks, by_keys):
    """The sums over each option's choosers: counts of laid-out byte masks and, for
    scores other than the keys' 0/1, float sums of the scores."""
    chosen = np.empty(laid_choices.shape, dtype=bool)  # one buffer: fresh memory costs page faults
    tallies = []
    for option in range(keys.shape[1]):
        tallies.append(blocks.tally(np.equal(laid_choices, option, out=chosen)))
    tallies = np.stack(tallies, axis=1)
    if by_keys:
        return _OptionSums(tallies, tallies[:, :, 0] * keys)  # the choosers of a key, and only they, score 1
    return _OptionSums(tallies, np.stack([np.einsum("ij,ij->j", x, choices == option)
                                          for option in range(keys.shape[1])], axis=1))


def _with_options(analysis, sums, items, total, rest_var, group):
    """Option proportions overall, upper and lower, and option-rest point-biserials, items x options."""
    n = total.shape[0]
    denominator = max(n - 1, 1)
    count, total_sum, upper, lower = np.moveaxis(sums.tallies, 2, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = count / n
        upper_share, lower_share = (upper / group, lower / group) if group else \
            (np.full_like(proportion, np.nan), np.full_like(proportion, np.nan))
        rest_mean = total.mean() - items.mean
    # The sum over the choosers of (rest - its mean), the rest being the total less the item's own score.
    covariance = (total_sum - sums.score - count * rest_mean[:, None]) / denominator
    option_var = proportion * (1 - proportion) * n / denominator
    option_r = _correlation(covariance, option_var, rest_var[:, None])
    return ItemAnalysis(**{**analysis.__dict__, "option_proportion": proportion, "option_upper": upper_share,
                           "option_lower": lower_share, "option_r_pbis": option_r})


FLAGS = ("hard", "easy", "low discrimination", "distractor with positive r_pbis", "key chosen less than a distractor")


def _flagged(analysis, keys, thresholds):
    raised = [analysis.p < thresholds.p_low, analysis.p > thresholds.p_high,
              ~(analysis.r_pbis >= thresholds.r_pbis_low)]  # an undefined r_pbis is low too
    if analysis.option_r_pbis is not None and keys is not None:
        proportion, keyed = analysis.option_proportion, keys.any(axis=1)
        distractors = ~keys & (proportion > 0)
        best_distractor = np.where(distractors, proportion, -np.inf).max(axis=1)
        raised += [keyed & (distractors & (analysis.option_r_pbis > 0)).any(axis=1),
                   keyed & (best_distractor > np.where(keys, proportion, -np.inf).max(axis=1))]
    flags = [[name for name, up in zip(FLAGS, item) if up] for item in zip(*(r.tolist() for r in raised))]
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
