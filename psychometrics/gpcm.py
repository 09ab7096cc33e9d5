"""The generalised partial credit model (Muraki 1992) by marginal maximum
likelihood, for rubric-scored items and 0/1 items together: both parts of a
form calibrated at once, on one ability scale.

An item with categories 0..m has, at ability theta, log odds of category k
over k - 1 of a (theta - b_k): its slope a and step difficulties b_k. A 0/1
item is the case m = 1, where the model is the 2PL and b its difficulty, so
the keyed items and the rated criteria are one calibration. The GPCM rather
than Samejima's graded response model because it is an exponential family:
in the slope-intercept form log P_k = a k theta + d_k - log sum_h e^(a h
theta + d_h), the category indicators and k theta are its sufficient
statistics, as the answer and theta are the 2PL's in irt.py. So the M-step
is one Newton step of a multinomial logit per item, and the observed
information has the 2PL's form. (NAEP scales its constructed-response items
by the GPCM beside its multiple-choice items for the same reason.)

Layout: `scores` persons x items of category numbers 0..m (0/1 for a
keyed item), NaN where a candidate was not scored on the item (a vignette
they did not choose, a rating not yet final). A number between two
categories (2.5, the mean of raters who gave 2 and 3) counts in each in
proportion to its nearness: half an observation of each rater's score.
`categories` is each item's number of categories, unused ones included.

The algorithm is irt.py's, on its quadrature (41 fixed points, abilities
N(0, 1)): the E-step one float32 product of the persons x categories
indicator matrix with the categories x points log-probabilities (an item not
taken is a row of zeros there, so it adds nothing to a candidate's
likelihood); the M-step a batch of small Newton systems, one per item;
SQUAREM acceleration checked against the likelihood. A category fewer than
`MIN_EACH` candidates reached is calibrated as one with its sparser
neighbour, and said so (the steps around an empty category run off to
infinity, and a rubric's lowest level often goes unused); an item left with
one category is left out with its reason. Refusals and standard errors are
as for the 2PL: Louis' identity on the observed information, the full
covariance across items, slopes held at a bound of `SLOPES` flagged and
fixed, steps by the delta method.
"""

from dataclasses import dataclass

import numpy as np

from psychometrics.irt import (
    LOGISTIC,
    MIN_EACH,
    SLOPES,
    CalibrationRefused,
    _bounds,
    _covariance,
    _grid,
    _normalised,
    _squarem,
)

MIN_ITEMS = 3  # as the 2PL's


@dataclass(frozen=True)
class GpcmCalibration:
    """Per item, NaN where an item was left out (its reason in `left_out`).
    `steps` is items x the most steps any item has, NaN past an item's own.
    `covariance` is of the reported parameters item by item, each item's a
    then its steps (`categories[j]` rows for item j), NaN in the rows of
    items left out and of slopes held at a bound. A step between two
    categories calibrated as one (see `merged`) is NaN."""

    a: np.ndarray
    steps: np.ndarray
    se_a: np.ndarray  # NaN for a slope held at a bound
    se_steps: np.ndarray
    categories: np.ndarray
    converged: bool
    cycles: int
    log_likelihood: float
    points: np.ndarray
    weights: np.ndarray
    covariance: np.ndarray
    left_out: tuple  # per item: None if calibrated, else why not
    bound: tuple  # per item: None, or "lower" or "upper" where a slope is held at SLOPES
    groups: tuple  # per item, its categories in the groups calibrated as one score: ((0,), (1,), ...) unless merged
    merged: tuple  # per item: None, or which categories were calibrated as one, and why

    @property
    def calibrated(self):
        return np.array([reason is None for reason in self.left_out], dtype=bool)


def _valid(categories):
    """Items x width: True for each category an item has; for the parameters,
    column 0 is the slope and column k the intercept d_k."""
    return np.arange(categories.max())[None, :] < categories[:, None]


def _indicators(scores, categories):
    """Persons x items x width weights of each category: 1 at a whole number,
    shared between the two categories around a fraction, 0 for an item not taken."""
    taken = ~np.isnan(scores)
    x = np.where(taken, scores, 0.0)
    lower = np.floor(x)
    upper_share = (x - lower)[:, :, None]
    k = np.arange(categories.max())[None, None, :]
    lower = lower[:, :, None]
    weights = (k == lower) * (1 - upper_share) + (k == lower + 1) * upper_share
    return (weights * taken[:, :, None]).astype(np.float32)


def _statistics(width, points):
    """t_k(theta), width x width x points: the sufficient statistic of category
    k, k theta for the slope and 1 for its own intercept d_k."""
    t = np.zeros((width, width, points.shape[0]))
    t[:, 0, :] = np.arange(width)[:, None] * points[None, :]
    t[np.arange(1, width), np.arange(1, width), :] = 1
    return t


def _log_probabilities(a, d, points, valid):
    """Items x width x points log P(category | theta); -inf for a category an
    item lacks. `d` is items x width with d[:, 0] = 0."""
    k = np.arange(valid.shape[1])
    z = a[:, None, None] * k[None, :, None] * points[None, None, :] + d[:, :, None]
    z = np.where(valid[:, :, None], z, -np.inf)
    return z - np.logaddexp.reduce(z, axis=1, keepdims=True)


def _posterior(indicators, log_p, valid, weights):
    """Persons x points posterior weights, and the marginal log-likelihood;
    in the precision of `indicators` (persons x the valid categories, flat)."""
    log_likelihood = indicators @ log_p[valid].astype(indicators.dtype)
    log_likelihood += np.log(weights).astype(indicators.dtype)
    return _normalised(log_likelihood)


def _complete_information(expected_n, p, t):
    """Per item, sum over points of the expected number scored there times the
    information of one response, Cov(t) under the category probabilities:
    items x width x width; and the mean of t, items x width x points."""
    mean = np.einsum("jkq,kcq->jcq", p, t)
    second = np.einsum("jkq,kcq,keq->jceq", p, t, t)
    covariance = second - mean[:, :, None, :] * mean[:, None, :, :]
    return np.einsum("jq,jceq->jce", expected_n, covariance), mean


def _newton_step(expected, p, t, valid):
    """One Newton step of every item's (a, d_1..d_m) from the expected
    counts in each category at each point (items x width x points)."""
    expected_n = expected.sum(axis=1)
    gradient = np.einsum("jkq,kcq->jc", expected - expected_n[:, None, :] * p, t)
    information, _ = _complete_information(expected_n, p, t)
    rows, columns = np.nonzero(~valid)  # a category an item lacks: its d stays 0
    information[rows, columns, columns] = 1
    return np.linalg.solve(information, gradient[:, :, None])[:, :, 0]


class _EM:
    """The EM cycle as a map of the parameters (the slopes, then every item's
    intercepts d_1..d_width-1, zero past its own), counting the cycles run;
    its products in float32."""

    def __init__(self, indicators, valid, max_cycles):
        self.indicators = indicators
        self.valid = valid
        self.points, self.weights = _grid()
        self.t = _statistics(valid.shape[1], self.points)
        self.max_cycles = max_cycles
        self.cycles = 0

    def split(self, parameters):
        n_items, width = self.valid.shape
        d = np.zeros((n_items, width))
        d[:, 1:] = parameters[n_items:].reshape(n_items, width - 1)
        return parameters[:n_items], d

    def bounded(self, parameters):
        """The parameters with the slopes kept in SLOPES."""
        n_items = self.valid.shape[0]
        return np.concatenate([np.clip(parameters[:n_items], *SLOPES), parameters[n_items:]])

    def __call__(self, parameters):
        """The next parameters, and the log-likelihood of these."""
        self.cycles += 1
        a, d = self.split(parameters)
        log_p = _log_probabilities(a, d, self.points, self.valid)
        posterior, log_likelihood = _posterior(self.indicators, log_p, self.valid, self.weights)
        expected = np.zeros(self.valid.shape + self.points.shape)
        expected[self.valid] = (self.indicators.T @ posterior).astype(np.float64)
        step = _newton_step(expected, np.exp(log_p), self.t, self.valid)
        step[:, 0], step[:, 1:] = np.clip(step[:, 0], -1, 1), np.clip(step[:, 1:], -2, 2)  # damp wild first steps
        return self.bounded(np.concatenate([a + step[:, 0], (d + step)[:, 1:].ravel()])), log_likelihood

    @property
    def spent(self):
        return self.cycles >= self.max_cycles


def _start(scores, counts, valid):
    """Slopes from each item's correlation r with the rest score, as the 2PL's
    start (a = 1.702 r / sqrt(1 - r^2)); intercepts from the log odds of each
    category over category 0 among those scored, widened by sqrt(1 + (a /
    1.702)^2), as the spread of abilities flattens a marginal logit by about
    that much."""
    taken = ~np.isnan(scores)
    x = np.where(taken, scores, 0.0)
    rest = x.sum(axis=1, keepdims=True) - x
    n = np.maximum(taken.sum(axis=0), 1)
    x_dev = (x - x.sum(axis=0) / n) * taken
    rest_dev = (rest - (rest * taken).sum(axis=0) / n) * taken
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (x_dev * rest_dev).sum(axis=0) / np.sqrt((x_dev ** 2).sum(axis=0) * (rest_dev ** 2).sum(axis=0))
    r = np.clip(np.nan_to_num(r), 0.05, 0.95)
    a = np.clip(LOGISTIC * r / np.sqrt(1 - r ** 2), *SLOPES)
    d = np.log((counts + 0.5) / (counts[:, :1] + 0.5)) * np.sqrt(1 + (a / LOGISTIC) ** 2)[:, None]
    return np.concatenate([a, np.where(valid, d, 0)[:, 1:].ravel()])


def calibrate(scores, categories, *, tolerance=1e-4, max_cycles=500):
    """Fit the GPCM to a persons x items matrix of category numbers (see the
    layout above); converged when an EM cycle moves no parameter by
    `tolerance` or more. Raises CalibrationRefused when the scores cannot
    carry the model."""
    scores = np.asarray(scores, dtype=np.float64)
    categories = np.asarray(categories, dtype=int)
    _check(scores, categories)
    weights = _indicators(scores, categories)
    collapses = [_collapsed(row[:n]) for row, n in zip(weights.sum(axis=0, dtype=np.float64), categories)]
    kept = np.array([collapse.reason is None for collapse in collapses], dtype=bool)
    groups = [collapse.groups for collapse, keep in zip(collapses, kept) if keep]
    _refuse_too_little(scores[:, kept], np.array([len(item_groups) for item_groups in groups], dtype=int))
    valid = _valid(np.array([len(item_groups) for item_groups in groups]))
    indicators = _grouped(weights[:, kept], groups, valid.shape[1])
    grouped_scores = np.where(np.isnan(scores[:, kept]), np.nan, indicators @ np.arange(valid.shape[1]))
    flat = indicators[:, valid]
    em = _EM(flat, valid, max_cycles)
    start = _start(grouped_scores, indicators.sum(axis=0, dtype=np.float64), valid)
    parameters, converged = _squarem(em, start, tolerance)
    a, d = em.split(parameters)
    log_p = _log_probabilities(a, d, em.points, valid)
    posterior, log_likelihood = _posterior(flat.astype(np.float64), log_p, valid, em.weights)
    info = _observed_information(grouped_scores, posterior, np.exp(log_p), em.points, em.t, valid)
    bound = _bounds(a)
    covariance = _reported_covariance(a, d, info, valid, bound)
    return _placed(a, d, covariance, kept, categories, collapses, bound, converged, em, log_likelihood)


def _check(scores, categories):
    if scores.ndim != 2 or categories.shape != (scores.shape[1],):
        raise ValueError("scores must be persons x items, with one number of categories per item")
    if (categories < 2).any():
        raise ValueError("every item needs at least two categories")
    taken = ~np.isnan(scores)
    if (scores[taken] < 0).any() or (scores > categories - 1).any():
        raise ValueError("a score lies outside its item's categories 0..m")


@dataclass(frozen=True)
class _Collapse:
    groups: tuple  # adjacent categories calibrated as one score
    reason: str | None  # why the item is left out, if it is
    merged: str | None  # which categories were joined, and why


def _collapsed(counts):
    """An item's categories in groups of adjacent ones, from the number of
    candidates in each: the sparsest group joins its sparser neighbour until
    every group has `MIN_EACH` candidates (the steps around a sparse category
    run off towards infinity, and an unused level is common on a rubric);
    an item left with one group is left out."""
    groups = [(category,) for category in range(counts.shape[0])]
    notes = []
    while len(groups) > 1:
        sizes = [counts[list(group)].sum() for group in groups]
        sparsest = int(np.argmin(sizes))
        if sizes[sparsest] >= MIN_EACH:
            break
        other = min((index for index in (sparsest - 1, sparsest + 1) if 0 <= index < len(groups)),
                    key=lambda index: sizes[index])
        first, last = sorted((sparsest, other))
        joined = groups[first] + groups[last]
        notes.append(f"{_named(joined, ' and ')} calibrated as one: only {sizes[sparsest]:g} candidate(s) "
                     f"scored {_named(groups[sparsest], ' or ')}")
        groups[first:last + 1] = [joined]
    if counts.sum() == 0:
        return _Collapse(tuple(groups), "no candidate was scored on it", None)
    if (counts > 0).sum() == 1:
        return _Collapse(tuple(groups), f"every candidate scored {int(np.argmax(counts))}", None)
    if len(groups) == 1:
        fewest = int(np.argmin(counts))
        return _Collapse(tuple(groups), f"only {counts[fewest]:g} candidate(s) scored {fewest}; the GPCM needs at "
                                        f"least {MIN_EACH} at each of two scores", None)
    return _Collapse(tuple(groups), None, "; ".join(notes) or None)


def _named(categories, joining):
    return joining.join(str(category) for category in categories)


def _grouped(weights, groups, width):
    """Persons x items x width weights of each item's groups of categories."""
    grouped = np.zeros(weights.shape[:2] + (width,), dtype=weights.dtype)
    for item, item_groups in enumerate(groups):
        for index, group in enumerate(item_groups):
            grouped[:, item, index] = weights[:, item, list(group)].sum(axis=1)
    return grouped


def _refuse_too_little(scores, categories):
    if categories.shape[0] < MIN_ITEMS:
        raise CalibrationRefused(f"the GPCM needs at least {MIN_ITEMS} items the data can place; "
                                 f"there are {categories.shape[0]}")
    parameters, n_persons = int(categories.sum()), int((~np.isnan(scores)).any(axis=1).sum())
    if n_persons < parameters:
        raise CalibrationRefused(f"the GPCM of {categories.shape[0]} items has {parameters} parameters; "
                                 f"{n_persons} candidates cannot estimate them")


def _observed_information(scores, posterior, p, points, t, valid):
    """The negative Hessian of the marginal log-likelihood in every item's
    (a, d_1..d_m), in item order (Louis 1982): the
    complete-data information expected under each candidate's posterior,
    sum_q N_jq Cov(t_j), less the posterior covariance of the complete-data
    score. That score is, up to a constant, v_j(theta) = x_j theta e_a -
    n_j F_j(theta), with x_j the candidate's score on the item, n_j 1 if
    they took it and F_j the mean of t; its second moments are sums over
    points of items x items tables (of x_j n_l and n_j n_l weighted by the
    posterior), and one persons x items x items product for x_j x_l E theta^2."""
    taken = (~np.isnan(scores)).astype(np.float64)
    x = np.where(taken > 0, scores, 0.0)
    expected_n = taken.T @ posterior
    complete, mean_t = _complete_information(expected_n, p, t)
    n_items, width = mean_t.shape[:2]
    theta_mean, theta_square = posterior @ points, posterior @ points ** 2
    spread = x * np.sqrt(theta_square)[:, None]
    x_n, n_n = _taken_products(x, taken, posterior), _taken_products(taken, taken, posterior)
    cross = np.einsum("jlq,lcq->jlc", x_n * points, mean_t, optimize=True)  # sum of x_j theta n_l F_l
    moments = np.einsum("jlq,jcq,leq->jcle", n_n, mean_t, mean_t, optimize=True)
    moments[:, 0, :, 0] += spread.T @ spread
    moments[:, 0, :, :] -= cross
    moments[:, :, :, 0] -= cross.transpose(1, 2, 0)
    mean_v = -taken[:, :, None] * (posterior @ mean_t.transpose(2, 0, 1).reshape(points.shape[0], -1)) \
        .reshape(scores.shape[0], n_items, width)
    mean_v[:, :, 0] += x * theta_mean[:, None]
    moments -= np.einsum("jl,jce->jcle", np.eye(n_items), complete)
    free = valid.ravel()
    mean_v = mean_v.reshape(scores.shape[0], n_items * width)[:, free]
    return mean_v.T @ mean_v - moments.reshape(n_items * width, n_items * width)[np.ix_(free, free)]


def _taken_products(values, taken, posterior):
    """sum over candidates of values_j n_l posterior_q, items x items x points:
    one product for all the items everyone took, one for each item some did not."""
    products = np.repeat((values.T @ posterior)[:, None, :], taken.shape[1], axis=1)
    for item in np.flatnonzero(taken.min(axis=0) < 1):
        products[:, item, :] = values.T @ (posterior * taken[:, item:item + 1])
    return products


def _reported_covariance(a, d, info, valid, bound):
    """The covariance of each item's (a, b_1..b_m), b_k = -(d_k - d_k-1) / a,
    by the delta method, over the valid parameters in item order; NaN in the
    rows of slopes held at a bound, which are fixed (conditional SEs for their steps)."""
    free = valid.ravel()
    held = np.zeros_like(valid)
    held[:, 0] = [value is not None for value in bound]
    held = held.ravel()[free]
    covariance = _covariance(info, held, "GPCM")
    n_items, width = valid.shape
    jacobian = np.zeros((n_items, width, n_items, width))
    steps = -np.diff(d, axis=1) / a[:, None]
    for item in range(n_items):
        jacobian[item, 0, item, 0] = 1
        for k in range(1, width):
            jacobian[item, k, item, 0] = -steps[item, k - 1] / a[item]
            jacobian[item, k, item, k] = -1 / a[item]
            if k > 1:
                jacobian[item, k, item, k - 1] = 1 / a[item]
    jacobian = jacobian.reshape(n_items * width, n_items * width)[np.ix_(free, free)]
    reported = jacobian @ covariance @ jacobian.T
    reported[held, :] = reported[:, held] = np.nan
    return reported


def _placed(a, d, covariance, kept, categories, collapses, bound, converged, em, log_likelihood):
    """The calibrated items' results among all items, in each item's own
    categories: NaN for items left out and for steps inside a group."""
    n_items, width = categories.shape[0], categories.max()
    starts = np.concatenate([[0], np.cumsum(categories)[:-1]])
    rows = []  # each calibrated parameter's row among all items' (a, b_1..b_m)
    for item in np.flatnonzero(kept):
        rows += [starts[item]] + [starts[item] + group[0] for group in collapses[item].groups[1:]]
    placed = np.full((categories.sum(),) * 2, np.nan)
    placed[np.ix_(rows, rows)] = covariance
    variances = np.diag(placed)
    full_a, steps, full_bound = np.full(n_items, np.nan), np.full((n_items, width - 1), np.nan), [None] * n_items
    item_steps = -np.diff(d, axis=1) / a[:, None]
    for index, item in enumerate(np.flatnonzero(kept)):
        full_a[item], full_bound[item] = a[index], bound[index]
        for step, group in enumerate(collapses[item].groups[1:]):
            steps[item, group[0] - 1] = item_steps[index, step]
    se_steps = np.full((n_items, width - 1), np.nan)
    for item in range(n_items):
        se_steps[item, :categories[item] - 1] = np.sqrt(variances[starts[item] + 1:starts[item] + categories[item]])
    return GpcmCalibration(full_a, steps, np.sqrt(variances[starts]), se_steps, categories, converged, em.cycles,
                           log_likelihood, em.points, em.weights, placed,
                           tuple(collapse.reason for collapse in collapses), tuple(full_bound),
                           tuple(collapse.groups for collapse in collapses),
                           tuple(collapse.merged for collapse in collapses))


@dataclass(frozen=True)
class Abilities:
    theta: np.ndarray  # EAP
    se: np.ndarray  # posterior SD


def abilities(scores, calibration):
    """EAP ability estimates and their standard errors on the calibration's
    scale, from the items it calibrated (a candidate's untaken items add nothing)."""
    kept = np.flatnonzero(calibration.calibrated)
    scores = np.asarray(scores, dtype=np.float64)[:, kept]
    groups = [calibration.groups[item] for item in kept]
    valid = _valid(np.array([len(item_groups) for item_groups in groups]))
    d = np.zeros(valid.shape)
    for index, (item, item_groups) in enumerate(zip(kept, groups)):
        steps = [calibration.steps[item, group[0] - 1] for group in item_groups[1:]]
        d[index, 1:len(item_groups)] = -np.cumsum(steps) * calibration.a[item]
    log_p = _log_probabilities(calibration.a[kept], d, calibration.points, valid)
    indicators = _grouped(_indicators(scores, calibration.categories[kept]), groups, valid.shape[1])
    posterior, _ = _posterior(indicators[:, valid].astype(np.float64), log_p, valid, calibration.weights)
    theta = posterior @ calibration.points
    return Abilities(theta, np.sqrt(np.maximum(posterior @ calibration.points ** 2 - theta ** 2, 0)))
