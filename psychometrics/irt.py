"""Item response theory: the Rasch model and the 2PL by marginal maximum
likelihood, with the Bock-Aitkin EM algorithm vectorised over quadrature
points (Bock & Aitkin 1981; Baker & Kim 2004, ch. 6).

Abilities are N(0, 1) on a fixed grid of quadrature points. The E-step is two
matrix products (persons x items by items x points): the log-likelihood of
a person's answers at each point is their scores times the logits plus the
sum of log(1 - p), one product, and the expected counts right are the other.
The M-step is a Newton step for every item at once, in the slope-intercept
form logit = a theta + c, solved as vectorised 2 x 2 systems. The Rasch model
shares one slope across items (a 1PL with N(0, 1) abilities), and is reported
on the logit scale, as with a slope of 1 and a free ability variance.

For speed: the cycles start from the classical item statistics, run their
products in float32 (0/1 scores are exact in it; the posterior needs no
more) and are accelerated by SQUAREM (Varadhan & Roland 2008), which
extrapolates along two EM cycles' progress when the likelihood gains by it.
Convergence is judged on a plain EM cycle, as without acceleration, and the
report (log-likelihood, standard errors) is computed in float64.

Items the data cannot place are left out before the cycles start, each with
its reason: everyone or no one answered it right, or fewer than `MIN_EACH`
candidates either way. With fewer than `MIN_ITEMS` items left, or fewer
candidates than parameters, the calibration is refused (`CalibrationRefused`).

Standard errors come from the observed information of the marginal
likelihood, the negative Hessian of log sum_q w_q L_i(theta_q) summed over
persons (Louis 1982): the complete-data information expected under each
person's posterior, less the posterior covariance of each person's
complete-data score, which is what the unknown abilities cost. Every term
reduces to products over quadrature points, save one persons x items x
items product; the full covariance across items is kept. A slope held at a
bound of `SLOPES` is not an estimate: it is flagged, treated as fixed (no
standard error, as ltm does for a constrained parameter), and its b's
standard error is conditional on it. An information matrix that is not
positive definite means the answers do not identify the model, and the
calibration is refused. Person abilities are EAP estimates with their
posterior SD. A fit that has not converged says so.
"""

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

POINTS = 41
LIMIT = 6.0
SLOPES = (0.05, 10.0)  # the range a slope is kept in
LOGISTIC = 1.702  # normal-ogive slopes times this are logistic ones
UNDERFLOW = -60.0  # posterior weights below e^-60 of a person's largest count as e^-60
SLACK = 1.0  # log-likelihood a SQUAREM step may lose and still be taken (as in R's SQUAREM)
MIN_EACH = 5  # right answers, and misses, an item needs: with fewer its estimates run to a bound
MIN_ITEMS = {"rasch": 2, "2pl": 3}  # two items leave the 2PL's four parameters three pattern frequencies
SINGULAR = 1e-10  # smallest eigenvalue of the information, relative to the largest, taken as zero


class CalibrationRefused(ValueError):
    """Why the answers cannot be calibrated under the model, in a sentence."""


@dataclass(frozen=True)
class Calibration:
    """Per item, NaN where an item was left out (its reason in `left_out`);
    `covariance` is of the reported parameters, ordered (a of each item, b of
    each item) for the 2PL and (ability SD, b of each item) for the Rasch
    model, NaN in the rows of items left out and of slopes held at a bound."""

    model: str  # "rasch" or "2pl"
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray  # NaN for the Rasch model's fixed slope and for slopes held at a bound
    se_b: np.ndarray
    converged: bool
    cycles: int
    log_likelihood: float
    points: np.ndarray  # quadrature points, on the reported scale
    weights: np.ndarray
    covariance: np.ndarray
    left_out: tuple  # per item: None if calibrated, else why not
    bound: tuple  # per item: None, or "lower" or "upper" where a slope is held at SLOPES
    ability_sd: float = 1.0  # the Rasch model estimates it; the 2PL fixes it at 1
    se_ability_sd: float = float("nan")

    @property
    def calibrated(self):
        return np.array([reason is None for reason in self.left_out], dtype=bool)


def _grid():
    points = np.linspace(-LIMIT, LIMIT, POINTS)
    weights = np.exp(-points ** 2 / 2)
    return points, weights / weights.sum()


def _probabilities(a, c, points):
    """Items x points probabilities of a right answer, clipped away from 0 and 1;
    in the tanh form, which cannot overflow however far an intercept drifts."""
    logit = a[:, None] * points[None, :] + c[:, None]
    return np.clip(0.5 * (1 + np.tanh(logit / 2)), 1e-10, 1 - 1e-10)


def _posterior(scored, a, c, points, weights):
    """Persons x points posterior weights, and the marginal log-likelihood; in
    the precision of `scored`."""
    logit = a[:, None] * points[None, :] + c[:, None]
    # log P(answers | theta) sums x logit + log(1 - p) over items, and log(1 - p) = -log(1 + e^logit): one product.
    log_likelihood = scored @ logit.astype(scored.dtype)
    log_likelihood += (np.log(weights) - np.logaddexp(0, logit).sum(axis=0)).astype(scored.dtype)
    return _normalised(log_likelihood)


def _normalised(log_likelihood):
    """Persons x points posterior weights from the log of the prior weight
    times the likelihood (overwritten), and the marginal log-likelihood."""
    peak = log_likelihood.max(axis=1, keepdims=True)
    log_likelihood -= peak
    # Left to underflow, tiny weights become subnormal numbers, which slow the products after many times.
    np.maximum(log_likelihood, UNDERFLOW, out=log_likelihood)
    posterior = np.exp(log_likelihood, out=log_likelihood)
    marginal = posterior.sum(axis=1, keepdims=True)
    posterior /= marginal
    return posterior, float(peak.sum(dtype=np.float64) + np.log(marginal).sum(dtype=np.float64))


def _m_step(expected_n, expected_r, a, c, points, shared_slope):
    """One Newton step for every item's (a, c); with a shared slope, one step for all."""
    p = _probabilities(a, c, points)
    residual = expected_r - expected_n[None, :] * p  # items x points
    info = expected_n[None, :] * p * (1 - p)
    g_c = residual.sum(axis=1)
    h_cc = info.sum(axis=1)
    g_a_items = residual @ points
    h_aa_items = info @ points ** 2
    h_ac = info @ points
    if shared_slope:
        # The slope's own equation sums over items; intercepts stay per item.
        g_a, h_aa = g_a_items.sum(), h_aa_items.sum()
        schur = h_aa - (h_ac ** 2 / h_cc).sum()
        step_a = (g_a - (h_ac * g_c / h_cc).sum()) / schur
        step_c = (g_c - h_ac * step_a) / h_cc
        return np.full_like(a, step_a), step_c
    determinant = h_aa_items * h_cc - h_ac ** 2
    step_a = (h_cc * g_a_items - h_ac * g_c) / determinant
    step_c = (h_aa_items * g_c - h_ac * g_a_items) / determinant
    return step_a, step_c


class _EM:
    """The EM cycle as a map of the parameters (the slopes, then the intercepts),
    counting the cycles run; its products in float32."""

    def __init__(self, scored, shared_slope, max_cycles):
        self.scored = scored.astype(np.float32)
        self.points, self.weights = _grid()
        self.shared_slope = shared_slope
        self.max_cycles = max_cycles
        self.cycles = 0

    def __call__(self, parameters):
        """The next parameters, and the log-likelihood of these."""
        self.cycles += 1
        a, c = np.split(parameters, 2)
        posterior, log_likelihood = _posterior(self.scored, a, c, self.points, self.weights)
        expected_n = posterior.sum(axis=0, dtype=np.float64)
        expected_r = (self.scored.T @ posterior).astype(np.float64)
        step_a, step_c = _m_step(expected_n, expected_r, a, c, self.points, self.shared_slope)
        step_a, step_c = np.clip(step_a, -1, 1), np.clip(step_c, -2, 2)  # damp wild first steps
        return np.concatenate([np.clip(a + step_a, *SLOPES), c + step_c]), log_likelihood

    @property
    def spent(self):
        """No cycle left."""
        return self.cycles >= self.max_cycles

    @staticmethod
    def bounded(parameters):
        """The parameters with the slopes (the first half) kept in SLOPES."""
        half = parameters.shape[0] // 2
        return np.concatenate([np.clip(parameters[:half], *SLOPES), parameters[half:]])


def _start(scored, shared_slope):
    """Slopes and intercepts from each item's p and biserial correlation r with
    the rest score, by the normal-ogive relations a = r / sqrt(1 - r^2) and
    b = z(1 - p) / r (Lord & Novick 1968, ch. 16), made logistic."""
    n = scored.shape[0]
    mean, total = scored.mean(axis=0), scored.sum(axis=1)
    item_var = mean * (1 - mean) * n / max(n - 1, 1)
    cov_total = (scored.T @ total - n * mean * total.mean()) / max(n - 1, 1)
    rest_var = total.var(ddof=1) + item_var - 2 * cov_total if n > 1 else np.zeros_like(mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_pbis = (cov_total - item_var) / np.sqrt(item_var * rest_var)
    p = np.clip(mean, 0.01, 0.99)
    normal = NormalDist()
    z = np.array([normal.inv_cdf(1 - value) for value in p])
    r = np.clip(np.nan_to_num(r_pbis * np.sqrt(p * (1 - p)) / np.array([normal.pdf(v) for v in z])), 0.05, 0.95)
    a = np.clip(LOGISTIC * r / np.sqrt(1 - r ** 2), *SLOPES)
    if shared_slope:
        a = np.full_like(a, a.mean())
    return np.concatenate([a, -a * z / r])


def _squarem(em, parameters, tolerance):
    """EM cycles to convergence, two at a time followed by a SQUAREM step
    (scheme S3); returns the parameters and whether they converged. `em` maps
    parameters to the next and the likelihood of these, says when it is
    `spent`, and keeps an extrapolated point in bounds (`bounded`)."""
    while not em.spent:
        first, _ = em(parameters)
        change = first - parameters
        if np.abs(change).max() < tolerance:
            return first, True
        if em.spent:
            return first, False
        second, likelihood = em(first)
        parameters = _extrapolated(em, parameters, change, second - first - change, second, likelihood)
    return parameters, False


def _extrapolated(em, start, change, curvature, second, likelihood):
    """start + 2 s change + s^2 curvature, with s = |change| / |curvature|,
    then one EM cycle from there, if the likelihood there is no lower than
    after the first of the two cycles (`likelihood`); else the two cycles'
    result `second`."""
    pace = np.sqrt((change @ change) / (curvature @ curvature)) if curvature.any() else 1.0
    if pace <= 1 or em.spent:
        return second  # s = 1 is the two cycles' result itself
    trial = em.bounded(start + 2 * pace * change + pace ** 2 * curvature)
    stabilised, trial_likelihood = em(trial)
    return stabilised if trial_likelihood >= likelihood - SLACK else second


def calibrate(scored, model="2pl", *, tolerance=1e-4, max_cycles=500):
    """Fit the Rasch model or the 2PL to a persons x items 0/1 matrix; converged
    when an EM cycle moves no parameter by `tolerance` or more. Raises
    CalibrationRefused when the answers cannot carry the model."""
    if model not in ("rasch", "2pl"):
        raise ValueError(f"unknown model {model!r}: rasch or 2pl")
    scored = np.asarray(scored, dtype=np.float64)
    left_out = left_out_items(scored)
    kept = np.array([reason is None for reason in left_out], dtype=bool)
    _refuse_too_little(model, scored.shape[0], int(kept.sum()))
    fitted = scored[:, kept]
    em = _EM(fitted, model == "rasch", max_cycles)
    parameters, converged = _squarem(em, _start(fitted, model == "rasch"), tolerance)
    a, c = np.split(parameters, 2)
    posterior, log_likelihood = _posterior(fitted, a, c, em.points, em.weights)
    info = _observed_information(fitted, posterior, a, c, em.points)
    estimates = _rasch(a, c, info) if model == "rasch" else _two_pl(a, c, info)
    return _placed(model, estimates, kept, tuple(left_out), converged, em.cycles, log_likelihood, em.points,
                   em.weights)


def left_out_items(scored):
    """Per item of a 0/1 matrix: None, or why it cannot be calibrated."""
    right = scored.sum(axis=0).astype(int)
    reasons = []
    for right_count, missed_count in zip(right, scored.shape[0] - right):
        if missed_count == 0:
            reasons.append("everyone answered it right")
        elif right_count == 0:
            reasons.append("no one answered it right")
        elif min(right_count, missed_count) < MIN_EACH:
            which = "answered it right" if right_count < missed_count else "missed it"
            reasons.append(f"only {min(right_count, missed_count)} candidate(s) {which}; "
                           f"IRT needs at least {MIN_EACH} either way")
        else:
            reasons.append(None)
    return reasons


def _refuse_too_little(model, n_persons, n_items):
    if n_items < MIN_ITEMS[model]:
        raise CalibrationRefused(f"the {model} needs at least {MIN_ITEMS[model]} items the data can place; "
                                 f"there are {n_items}")
    parameters = n_items + 1 if model == "rasch" else 2 * n_items
    if n_persons < parameters:
        raise CalibrationRefused(f"the {model} of {n_items} items has {parameters} parameters; "
                                 f"{n_persons} candidates cannot estimate them")


def _observed_information(scored, posterior, a, c, points):
    """The negative Hessian of the marginal log-likelihood in (a of each item,
    c of each item): summed over persons, the complete-data information
    expected under the posterior less the posterior covariance of the
    complete-data score (x_j - P_j) z, z = (theta, 1). With x fixed that
    covariance splits into Cov(P_j z, P_l z), through the points x points
    Gram matrix of the posteriors; x_j Cov(theta, P_l z), an items x points
    product; and x_j x_l Var(theta), the one persons x items x items product."""
    p = _probabilities(a, c, points)
    n = posterior.sum(axis=0)
    mean = posterior @ points
    deviation = posterior * (points[None, :] - mean[:, None])
    gram = posterior.T @ posterior
    p_theta = p * points
    x_cov_c = (scored.T @ deviation) @ p.T  # sum over persons of x_j Cov(theta, P_l)
    x_cov_a = (scored.T @ (deviation * points)) @ p.T  # of x_j Cov(theta, theta P_l)
    spread = scored * np.sqrt(np.maximum(posterior @ points ** 2 - mean ** 2, 0))[:, None]
    score_cc = (p * n) @ p.T - p @ gram @ p.T
    score_ac = (p_theta * n) @ p.T - p_theta @ gram @ p.T - x_cov_c
    score_aa = spread.T @ spread + (p_theta * points * n) @ p.T - p_theta @ gram @ p_theta.T - x_cov_a - x_cov_a.T
    complete = n * p * (1 - p)
    info_ac = np.diag(complete @ points) - score_ac
    return np.block([[np.diag(complete @ points ** 2) - score_aa, info_ac],
                     [info_ac.T, np.diag(complete.sum(axis=1)) - score_cc]])


@dataclass(frozen=True)
class _Estimates:
    """The calibrated items' reported parameters; `covariance` of (a, b), or of
    (ability SD, b) for the Rasch model, NaN in the rows of slopes held at a
    bound, which are not estimates: fixed there, as ltm treats a constrained
    parameter, with b's standard error conditional on them."""

    a: np.ndarray
    b: np.ndarray
    covariance: np.ndarray
    bound: tuple
    ability_sd: float = 1.0


def _two_pl(a, c, info):
    """b = -c / a, with the covariance by the delta method: db/da = -b / a,
    db/dc = -1 / a."""
    n_items = a.shape[0]
    bound = _bounds(a)
    held = np.concatenate([[value is not None for value in bound], np.zeros(n_items, dtype=bool)])
    b = -c / a
    jacobian = np.block([[np.eye(n_items), np.zeros((n_items, n_items))], [np.diag(-b / a), np.diag(-1 / a)]])
    covariance = jacobian @ _covariance(info, held, "2pl") @ jacobian.T
    covariance[held, :] = covariance[:, held] = np.nan
    return _Estimates(a, b, covariance, bound)


def _rasch(a, c, info):
    """On the logit scale: slope 1, abilities N(0, a^2), b = -c. The shared
    slope's information sums the 2PL's over the slopes; held at a bound, it
    flags every item."""
    n_items = a.shape[0]
    shared = np.zeros((2 * n_items, n_items + 1))
    shared[:n_items, 0] = 1
    shared[n_items:, 1:] = np.eye(n_items)
    bound = _bounds(a[:1]) * n_items
    held = np.concatenate([[bound[0] is not None], np.zeros(n_items, dtype=bool)])
    signs = np.concatenate([[1.0], -np.ones(n_items)])
    covariance = _covariance(shared.T @ info @ shared, held, "rasch") * np.outer(signs, signs)
    covariance[held, :] = covariance[:, held] = np.nan
    return _Estimates(np.ones(n_items), -c, covariance, bound, float(a[0]))


def _bounds(slopes):
    return tuple("lower" if value <= SLOPES[0] else "upper" if value >= SLOPES[1] else None for value in slopes)


def _covariance(info, held, model):
    """The inverse of the information in the parameters not `held` at a bound,
    which are fixed: zero variance, as the delta method then needs. Refused
    when that information is not positive definite."""
    free = ~held
    values, vectors = np.linalg.eigh(info[np.ix_(free, free)])
    if values[0] <= SINGULAR * abs(values[-1]):
        raise CalibrationRefused(f"the answers do not identify the {model}: its information matrix is not "
                                 "positive definite (some parameters are not determined by these data)")
    covariance = np.zeros_like(info)
    covariance[np.ix_(free, free)] = (vectors / values) @ vectors.T
    return covariance


def _placed(model, estimates, kept, left_out, converged, cycles, log_likelihood, points, weights):
    """The calibrated items' results among all items, NaN for those left out."""
    n_items, where = kept.shape[0], np.flatnonzero(kept)
    rows = np.concatenate([[0], 1 + where]) if model == "rasch" else np.concatenate([where, n_items + where])
    covariance = np.full((n_items + 1 if model == "rasch" else 2 * n_items,) * 2, np.nan)
    covariance[np.ix_(rows, rows)] = estimates.covariance
    variances = np.diag(covariance)
    a, b, se_a = np.full(n_items, np.nan), np.full(n_items, np.nan), np.full(n_items, np.nan)
    a[kept], b[kept] = estimates.a, estimates.b
    bound = [None] * n_items
    for index, value in zip(where, estimates.bound):
        bound[index] = value
    se_b = np.sqrt(variances[-n_items:])
    if model == "2pl":
        se_a = np.sqrt(variances[:n_items])
    return Calibration(model, a, b, se_a, se_b, converged, cycles, log_likelihood, points * estimates.ability_sd,
                       weights, covariance, left_out, tuple(bound), estimates.ability_sd,
                       float(np.sqrt(variances[0])) if model == "rasch" else float("nan"))


@dataclass(frozen=True)
class Abilities:
    theta: np.ndarray  # EAP
    se: np.ndarray  # posterior SD


def abilities(scored, calibration):
    """EAP ability estimates and their standard errors, on the calibration's
    scale, from the items it calibrated."""
    kept = calibration.calibrated
    scored = np.asarray(scored, dtype=np.float64)[:, kept]
    a, c = calibration.a[kept], -calibration.a[kept] * calibration.b[kept]
    posterior, _ = _posterior(scored, a, c, calibration.points, calibration.weights)
    theta = posterior @ calibration.points
    return Abilities(theta, np.sqrt(np.maximum(posterior @ calibration.points ** 2 - theta ** 2, 0)))


def information(calibration, theta):
    """Test information of the calibrated items at each theta, and the
    conditional SEM (1 / sqrt(information))."""
    theta = np.asarray(theta, dtype=np.float64)
    a, b = calibration.a[calibration.calibrated], calibration.b[calibration.calibrated]
    p = 1 / (1 + np.exp(-a[:, None] * (theta[None, :] - b[:, None])))
    information = (a[:, None] ** 2 * p * (1 - p)).sum(axis=0)
    return information, 1 / np.sqrt(information)
