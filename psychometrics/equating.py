"""Equating parallel forms: scores on form X expressed on form Y's scale, as
Kolen & Brennan define it (Test Equating, Scaling, and Linking, 3rd ed.,
2014; "K&B" below).

Random groups (each form taken by a random sample of one population; ch. 2):
mean and linear equating, and equipercentile equating on the continuized
distributions, percentile ranks P(x) = 100 [F(x* - 1) + (x - x* + .5) f(x*)]
(x* the integer nearest x, so an integer score counts half its own
frequency; eq. 2.14) and the inverse through the smallest score whose
cumulative proportion exceeds the rank (eq. 2.18). Equipercentile equating
may be presmoothed by the polynomial log-linear model of Holland & Thayer
(2000; K&B ch. 3.2): log f(x) is a polynomial of degree C in x, fitted by
maximum likelihood with Newton-Raphson steps, so the fitted distribution
keeps the first C moments of the observed one.

Common items (ch. 6): each form is calibrated alone under the 2PL
(`psychometrics/irt.py`, abilities N(0, 1) in each group), the constants A,
B placing X's abilities on Y's scale (theta_Y = A theta_X + B) are those of
Stocking & Lord (1983), minimising the squared difference of the common
items' test characteristic curves over quadrature points on Y's scale, and X
true scores are equated through the ability at which X's curve reaches them
(Newton-Raphson). The 2PL has no guessing, so true scores fill (0, K): scores
0 and K, which no ability reaches, map to 0 and Y's K by convention.

Standard errors of equating are bootstrapped (K&B ch. 7.2): each form's
sample is drawn again with replacement, the whole procedure (smoothing,
calibration, linking) repeated, and the SD of each equivalent across the
replications reported.

Score distributions are counts over 0..K (index = score). Results are
dataclasses of arrays; a sample that cannot be equated raises
`EquatingRefused` with the reason.
"""

from dataclasses import dataclass

import numpy as np

from psychometrics import irt

OBSERVED_METHODS = ("mean", "linear", "equipercentile")
QUADRATURE = np.linspace(-4, 4, 41)  # Stocking-Lord's points on Y's scale, weighted N(0, 1)
THETA_LIMIT = 40.0  # abilities searched for a true score: far past where any 2PL curve is flat
MIN_COMMON = 2  # common items: two fix the two linking constants


class EquatingRefused(ValueError):
    """Why these scores cannot be equated, in a sentence."""


@dataclass(frozen=True)
class Moments:
    mean: float
    sd: float
    skewness: float
    kurtosis: float

    def as_json(self):
        return {"mean": self.mean, "sd": self.sd, "skewness": self.skewness, "kurtosis": self.kurtosis}


def moments(counts, points=None):
    """Of a distribution given as counts at `points` (default 0..K), with N in
    the denominators as K&B report them; kurtosis not in excess (normal: 3)."""
    counts = np.asarray(counts, dtype=np.float64)
    points = np.arange(counts.shape[0], dtype=np.float64) if points is None else np.asarray(points, np.float64)
    weights = counts / counts.sum()
    mean = weights @ points
    deviation = points - mean
    variance = weights @ deviation ** 2
    sd = float(np.sqrt(variance))
    if sd == 0:
        return Moments(float(mean), 0.0, float("nan"), float("nan"))
    return Moments(float(mean), sd, float(weights @ deviation ** 3 / sd ** 3), float(weights @ deviation ** 4 / sd ** 4))


def percentile_ranks(counts, x):
    """P(x) in percent for any real x (K&B eq. 2.14): the cumulative
    proportion interpolated linearly across each score's unit interval."""
    counts = np.asarray(counts, dtype=np.float64)
    cumulative = np.concatenate([[0.0], np.cumsum(counts) / counts.sum()])
    knots = np.arange(counts.shape[0] + 1) - 0.5
    return 100 * np.interp(np.asarray(x, dtype=np.float64), knots, cumulative)


def percentile_inverse(counts, ranks):
    """The score with percentile rank `ranks` (K&B eq. 2.18): within the
    smallest score whose cumulative proportion exceeds the rank, y_U, the
    point (P / 100 - G(y_U - 1)) / g(y_U) + y_U - .5; a rank of 100 is K + .5."""
    counts = np.asarray(counts, dtype=np.float64)
    g = counts / counts.sum()
    cumulative = np.cumsum(g)
    proportion = np.asarray(ranks, dtype=np.float64) / 100
    upper = np.minimum(np.searchsorted(cumulative, proportion, side="right"), counts.shape[0] - 1)
    below = np.where(upper > 0, cumulative[upper - 1], 0.0)
    inside = (proportion - below) / g[upper] + upper - 0.5
    top = counts.shape[0] - 0.5
    return np.where(proportion >= cumulative[-1], top, np.minimum(inside, top))


def mean_equate(x_counts, y_counts, points):
    """x - mean(X) + mean(Y) (K&B eq. 2.3)."""
    return np.asarray(points, dtype=np.float64) - moments(x_counts).mean + moments(y_counts).mean


def linear_equate(x_counts, y_counts, points):
    """sd(Y) / sd(X) (x - mean(X)) + mean(Y) (K&B eq. 2.6)."""
    x, y = moments(x_counts), moments(y_counts)
    return y.sd / x.sd * (np.asarray(points, dtype=np.float64) - x.mean) + y.mean


def equipercentile_equate(x_counts, y_counts, points):
    """e_Y(x) = P_Y^-1[P_X(x)] (K&B eq. 2.17)."""
    return percentile_inverse(y_counts, percentile_ranks(x_counts, points))


EQUATE = {"mean": mean_equate, "linear": linear_equate, "equipercentile": equipercentile_equate}


def loglinear(counts, degree, *, tolerance=1e-10, max_iterations=100):
    """Holland & Thayer's polynomial log-linear smoothing of degree `degree`:
    fitted counts with the same total whose first `degree` moments equal the
    observed ones. The powers of the score are orthonormalised first (a QR
    factorisation: the same model, a well-conditioned Newton system), and a
    Newton step that would lower the likelihood is halved."""
    counts = np.asarray(counts, dtype=np.float64)
    n_points, total = counts.shape[0], counts.sum()
    if not 1 <= degree <= n_points - 1:
        raise EquatingRefused(f"the smoothing degree must be from 1 to {n_points - 1} (the scores run 0 to "
                              f"{n_points - 1}); it is {degree}")
    if degree == n_points - 1:
        return counts.copy()  # the saturated model: every moment kept is the observed distribution itself
    distinct = int(np.count_nonzero(counts))
    if distinct <= degree:
        # Moments up to the degree of fewer distinct scores than that pin the fit to them: the
        # maximum-likelihood model does not exist (its Newton system turns singular on the way).
        raise EquatingRefused(f"the log-linear model of degree {degree} needs scores at more than {degree} "
                              f"points; these are at {distinct}")
    scaled = np.linspace(-1, 1, n_points)
    powers = scaled[:, None] ** np.arange(1, degree + 1)[None, :]
    basis, _ = np.linalg.qr(powers - powers.mean(axis=0))
    beta = np.zeros(degree)
    likelihood = _multinomial(counts, basis @ beta)
    for _ in range(max_iterations):
        p = _softmax(basis @ beta)
        gradient = basis.T @ (counts - total * p)
        if np.abs(gradient).max() <= tolerance * total:
            return total * p
        weighted = basis * p[:, None]
        hessian = total * (basis.T @ weighted - np.outer(weighted.sum(axis=0), weighted.sum(axis=0)))
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        for _ in range(30):
            trial = _multinomial(counts, basis @ (beta + step))
            if trial >= likelihood:
                break
            step /= 2
        beta, likelihood = beta + step, trial
    raise EquatingRefused(f"the log-linear model of degree {degree} does not converge on these scores "
                          "(too few distinct scores for that degree); choose a lower degree")


def _softmax(eta):
    eta = eta - eta.max()
    weights = np.exp(eta)
    return weights / weights.sum()


def _multinomial(counts, eta):
    return float(counts @ (eta - eta.max() - np.log(np.exp(eta - eta.max()).sum())))


@dataclass(frozen=True)
class Equating:
    """Points on X and their equivalents on Y's scale, with bootstrap SEs
    (NaN without bootstrap); `replications` counts the resamples the SEs
    rest on (0 without bootstrap)."""

    method: str
    degree: int | None  # the log-linear presmoothing's, or None
    points: np.ndarray
    equated: np.ndarray
    se: np.ndarray
    replications: int
    x: Moments
    y: Moments
    equated_moments: Moments  # of the equivalents of X's integer scores, weighted by X's counts
    linking: object = None  # Linking, for IRT equating


def scores_counts(totals, max_score):
    """Counts at 0..max_score of whole-number total scores."""
    return np.bincount(np.asarray(totals, dtype=np.int64), minlength=max_score + 1).astype(np.float64)


def equate_observed(x_counts, y_counts, method, *, degree=None, points=None, replications=0, rng=None):
    """Random-groups equating of X's score distribution to Y's: mean, linear
    or equipercentile (presmoothed when `degree` is given), at `points`
    (default X's scores 0..K), with `replications` bootstrap samples."""
    if method not in OBSERVED_METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(OBSERVED_METHODS)}")
    if degree is not None and method != "equipercentile":
        raise EquatingRefused("presmoothing applies to equipercentile equating only")
    x_counts, y_counts = np.asarray(x_counts, np.float64), np.asarray(y_counts, np.float64)
    for name, counts in (("X", x_counts), ("Y", y_counts)):
        if (counts > 0).sum() < 2:
            raise EquatingRefused(f"form {name}'s candidates all have the same score; equating needs a spread")
    integer_points = np.arange(x_counts.shape[0], dtype=np.float64)
    points = integer_points if points is None else np.asarray(points, dtype=np.float64)

    def run(x_sample, y_sample, at):
        if degree is not None:
            x_sample, y_sample = loglinear(x_sample, degree), loglinear(y_sample, degree)
        return EQUATE[method](x_sample, y_sample, at)

    both = np.concatenate([points, integer_points])
    equated = run(x_counts, y_counts, both)
    se, replicated = _bootstrap_observed(run, x_counts, y_counts, points, replications, rng)
    return Equating(method, degree, points, equated[:points.shape[0]], se, replicated, moments(x_counts),
                    moments(y_counts), moments(x_counts, equated[points.shape[0]:]))


def _bootstrap_observed(run, x_counts, y_counts, points, replications, rng):
    """Each sample redrawn from its own observed distribution (a multinomial
    of its size, which is resampling candidates with replacement)."""
    rng = rng or np.random.default_rng()

    def draw():
        x_sample = rng.multinomial(int(x_counts.sum()), x_counts / x_counts.sum())
        y_sample = rng.multinomial(int(y_counts.sum()), y_counts / y_counts.sum())
        return run(x_sample, y_sample, points)
    return _spread(draw, replications, points.shape[0])


def _spread(draw, replications, size):
    """The SD of `replications` draws, and how many there were: a resample
    the procedure refuses (all candidates on one score, an item everyone
    answered right) is left out, as it is not an equating that could be run."""
    if not replications:
        return np.full(size, np.nan), 0
    draws = []
    for _ in range(replications):
        try:
            draws.append(draw())
        except EquatingRefused:
            continue
    if len(draws) < 2:
        return np.full(size, np.nan), len(draws)
    return np.array(draws).std(axis=0, ddof=1), len(draws)


# IRT true-score equating through common items

@dataclass(frozen=True)
class Linking:
    """theta on Y's scale = A theta on X's + B; X's items there have slopes
    a / A and difficulties A b + B."""

    A: float
    B: float
    converged: bool
    iterations: int
    common: int  # the common items it rests on

    def as_json(self):
        return {"A": self.A, "B": self.B, "converged": self.converged, "iterations": self.iterations,
                "common_items": self.common}


def _curves(a, b, theta):
    """Items x points 2PL probabilities, and their derivatives in the logit."""
    p = 1 / (1 + np.exp(-a[:, None] * (theta[None, :] - b[:, None])))
    return p, p * (1 - p)


def stocking_lord(a_x, b_x, a_y, b_y, *, tolerance=1e-10, max_iterations=100):
    """A and B minimising sum_q w_q [T_Y(theta_q) - T_X*(theta_q)]^2 over
    the common items, given their parameters on each form's own scale; T_X*
    the curve of X's parameters placed on Y's scale. Gauss-Newton with
    Levenberg damping, from the mean/sigma constants."""
    a_x, b_x, a_y, b_y = (np.asarray(values, dtype=np.float64) for values in (a_x, b_x, a_y, b_y))
    if a_x.shape[0] < MIN_COMMON:
        raise EquatingRefused(f"linking needs at least {MIN_COMMON} common items the calibrations place; "
                              f"there are {a_x.shape[0]}")
    weights = np.exp(-QUADRATURE ** 2 / 2)
    weights /= weights.sum()
    target = _curves(a_y, b_y, QUADRATURE)[0].sum(axis=0)
    scale = b_y.std() / b_x.std() if b_x.std() > 0 else 1.0
    constants = np.array([scale, b_y.mean() - scale * b_x.mean()])
    damping, current = 1e-3, _criterion(constants, a_x, b_x, target, weights)[0]
    for iteration in range(1, max_iterations + 1):
        _, residual, jacobian = _criterion(constants, a_x, b_x, target, weights)
        gradient = jacobian.T @ (weights * residual)
        if np.abs(gradient).max() < tolerance:
            return Linking(float(constants[0]), float(constants[1]), True, iteration, a_x.shape[0])
        normal = jacobian.T @ (jacobian * weights[:, None])
        while True:
            trial = constants - np.linalg.solve(normal + damping * np.diag(np.diag(normal)), gradient)
            loss = _criterion(trial, a_x, b_x, target, weights)[0] if trial[0] > 0 else np.inf
            if loss <= current:
                constants, current, damping = trial, loss, damping / 10
                break
            damping *= 10
            if damping > 1e12:
                # No step lowers the criterion any more: the minimum, to machine precision.
                return Linking(float(constants[0]), float(constants[1]), True, iteration, a_x.shape[0])
    return Linking(float(constants[0]), float(constants[1]), False, max_iterations, a_x.shape[0])


def _criterion(constants, a_x, b_x, target, weights):
    """Stocking-Lord's criterion at (A, B), its residuals per quadrature point
    and their Jacobian in (A, B): X's logit (a / A)(theta - B) - a b has
    derivatives -a (theta - B) / A^2 and -a / A."""
    scale, shift = constants
    p, slope = _curves(a_x / scale, scale * b_x + shift, QUADRATURE)
    residual = target - p.sum(axis=0)
    d_scale = (slope * (-a_x[:, None] / scale ** 2) * (QUADRATURE[None, :] - shift)).sum(axis=0)
    d_shift = (slope * (-a_x / scale)[:, None]).sum(axis=0)
    return float(weights @ residual ** 2), residual, -np.stack([d_scale, d_shift], axis=1)


def true_score_equate(a_x, b_x, a_y, b_y, linking, points, *, tolerance=1e-10):
    """Y's true score at the ability where X's test characteristic curve (its
    items placed on Y's scale) reaches each of `points`; 0 and X's K map to 0
    and Y's K. The ability is found by Newton-Raphson, kept inside a bracket
    that bisection narrows, so every point converges."""
    a_x, b_x = np.asarray(a_x, np.float64) / linking.A, linking.A * np.asarray(b_x, np.float64) + linking.B
    a_y, b_y = np.asarray(a_y, np.float64), np.asarray(b_y, np.float64)
    points = np.asarray(points, dtype=np.float64)
    inside = (points > 0) & (points < a_x.shape[0])
    target = points[inside]
    theta, low, high = np.zeros_like(target), np.full_like(target, -THETA_LIMIT), np.full_like(target, THETA_LIMIT)
    for _ in range(200):
        p, slope = _curves(a_x, b_x, theta)
        miss = p.sum(axis=0) - target
        if np.abs(miss).max(initial=0) < tolerance:
            break
        low, high = np.where(miss < 0, theta, low), np.where(miss > 0, theta, high)
        newton = theta - miss / np.maximum((a_x[:, None] * slope).sum(axis=0), 1e-300)
        theta = np.where((newton > low) & (newton < high), newton, (low + high) / 2)
    equated = np.where(points >= a_x.shape[0], float(a_y.shape[0]), 0.0)
    equated[inside] = _curves(a_y, b_y, theta)[0].sum(axis=0)
    return equated


def equate_irt(scored_x, scored_y, common_x, common_y, *, points=None, replications=0, rng=None):
    """IRT true-score equating of X's number-right scores to Y's: each 0/1
    matrix (persons x items) calibrated under the 2PL, linked by Stocking-Lord
    on the common items (`common_x[i]` of X is `common_y[i]` of Y), with
    `replications` bootstrap samples of candidates, each form's drawn again
    and everything recomputed."""
    scored_x, scored_y = np.asarray(scored_x, np.float64), np.asarray(scored_y, np.float64)
    common_x, common_y = np.asarray(common_x, dtype=np.int64), np.asarray(common_y, dtype=np.int64)
    integer_points = np.arange(scored_x.shape[1] + 1, dtype=np.float64)
    points = integer_points if points is None else np.asarray(points, dtype=np.float64)
    equated, linking = _irt_run(scored_x, scored_y, common_x, common_y, np.concatenate([points, integer_points]))
    rng = rng or np.random.default_rng()

    def draw():
        x_rows = rng.integers(scored_x.shape[0], size=scored_x.shape[0])
        y_rows = rng.integers(scored_y.shape[0], size=scored_y.shape[0])
        return _irt_run(scored_x[x_rows], scored_y[y_rows], common_x, common_y, points)[0]
    se, replicated = _spread(draw, replications, points.shape[0])
    x_counts = scores_counts(scored_x.sum(axis=1), scored_x.shape[1])
    y_counts = scores_counts(scored_y.sum(axis=1), scored_y.shape[1])
    return Equating("irt", None, points, equated[:points.shape[0]], se, replicated, moments(x_counts),
                    moments(y_counts), moments(x_counts, equated[points.shape[0]:]), linking)


def _irt_run(scored_x, scored_y, common_x, common_y, points):
    x, y = _calibrated(scored_x, "X"), _calibrated(scored_y, "Y")
    linking = stocking_lord(x.a[common_x], x.b[common_x], y.a[common_y], y.b[common_y])
    return true_score_equate(x.a, x.b, y.a, y.b, linking, points), linking


def _calibrated(scored, name):
    """The form's 2PL calibration; every item must be placed, since each one
    counts in the number-right score the true scores stand for."""
    try:
        calibration = irt.calibrate(scored, "2pl")
    except irt.CalibrationRefused as refusal:
        raise EquatingRefused(f"form {name}: {refusal}") from None
    for index, reason in enumerate(calibration.left_out):
        if reason is not None:
            raise EquatingRefused(f"form {name}: item {index + 1} cannot be calibrated ({reason}); "
                                  "IRT equating needs every item")
    return calibration
