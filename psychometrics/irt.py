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

Standard errors come from the expected information of the last M-step.
Person abilities are EAP estimates with their posterior SD. A fit that has
not converged says so.
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


@dataclass(frozen=True)
class Calibration:
    model: str  # "rasch" or "2pl"
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray  # NaN for the Rasch model's fixed slope
    se_b: np.ndarray
    converged: bool
    cycles: int
    log_likelihood: float
    points: np.ndarray  # quadrature points, on the reported scale
    weights: np.ndarray


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


def _squarem(em, parameters, free, tolerance):
    """EM cycles to convergence, two at a time followed by a SQUAREM step
    (scheme S3) in the `free` parameters; returns the parameters and whether
    they converged."""
    while not em.spent:
        first, _ = em(parameters)
        change = first - parameters
        if np.abs(change).max() < tolerance:
            return first, True
        if em.spent:
            return first, False
        second, likelihood = em(first)
        parameters = _extrapolated(em, parameters, change, second - first - change, second, likelihood, free)
    return parameters, False


def _extrapolated(em, start, change, curvature, second, likelihood, free):
    """start + 2 s change + s^2 curvature in the free parameters, with
    s = |change| / |curvature|, then one EM cycle from there, if the likelihood
    there is no lower than after the first of the two cycles (`likelihood`);
    else the two cycles' result `second`."""
    change, curvature = change[free], curvature[free]
    pace = np.sqrt((change @ change) / (curvature @ curvature)) if curvature.any() else 1.0
    if pace <= 1 or em.spent:
        return second  # s = 1 is the two cycles' result itself
    trial = second.copy()
    trial[free] = start[free] + 2 * pace * change + pace ** 2 * curvature
    half = trial.shape[0] // 2
    trial[:half] = np.clip(trial[:half], *SLOPES)
    stabilised, trial_likelihood = em(trial)
    return stabilised if trial_likelihood >= likelihood - SLACK else second


def calibrate(scored, model="2pl", *, tolerance=1e-4, max_cycles=500):
    """Fit the Rasch model or the 2PL to a persons x items 0/1 matrix; converged
    when an EM cycle moves no parameter by `tolerance` or more."""
    if model not in ("rasch", "2pl"):
        raise ValueError(f"unknown model {model!r}: rasch or 2pl")
    scored = np.asarray(scored, dtype=np.float64)
    em = _EM(scored, model == "rasch", max_cycles)
    # An item everyone, or no one, answered right has no finite intercept: EM cycles move it a step at a time
    # (the fit does not converge), and extrapolating along a likelihood that flat would throw the rest off.
    p = scored.mean(axis=0)
    free = np.tile((p > 0) & (p < 1), 2)
    parameters, converged = _squarem(em, _start(scored, model == "rasch"), free, tolerance)
    a, c = np.split(parameters, 2)
    return _report(model, scored, a, c, em.points, em.weights, converged, em.cycles)


def _report(model, scored, a, c, points, weights, converged, cycles):
    posterior, log_likelihood = _posterior(scored, a, c, points, weights)
    expected_n = posterior.sum(axis=0)
    p = _probabilities(a, c, points)
    info = expected_n[None, :] * p * (1 - p)
    h_cc, h_ac, h_aa = info.sum(axis=1), info @ points, info @ points ** 2
    b = -c / a
    if model == "rasch":
        # On the logit scale: slope 1, abilities N(0, a^2); b_logit = a b, se from var(c) / 1.
        scale = a[0]
        schur = h_aa.sum() - (h_ac ** 2 / h_cc).sum()
        var_c = 1 / h_cc + (h_ac / h_cc) ** 2 / schur
        return Calibration(model, np.ones_like(a), b * scale, np.full_like(a, np.nan), np.sqrt(var_c), converged,
                           cycles, log_likelihood, points * scale, weights)
    determinant = h_aa * h_cc - h_ac ** 2
    var_a, var_c, cov_ac = h_cc / determinant, h_aa / determinant, -h_ac / determinant
    # b = -c / a: the delta method.
    var_b = (var_c + b ** 2 * var_a + 2 * b * cov_ac) / a ** 2
    return Calibration(model, a, b, np.sqrt(var_a), np.sqrt(var_b), converged, cycles, log_likelihood, points,
                       weights)


@dataclass(frozen=True)
class Abilities:
    theta: np.ndarray  # EAP
    se: np.ndarray  # posterior SD


def abilities(scored, calibration):
    """EAP ability estimates and their standard errors, on the calibration's scale."""
    scored = np.asarray(scored, dtype=np.float64)
    a, c = calibration.a, -calibration.a * calibration.b
    posterior, _ = _posterior(scored, a, c, calibration.points, calibration.weights)
    theta = posterior @ calibration.points
    return Abilities(theta, np.sqrt(np.maximum(posterior @ calibration.points ** 2 - theta ** 2, 0)))


def information(calibration, theta):
    """Test information at each theta, and the conditional SEM (1 / sqrt(information))."""
    theta = np.asarray(theta, dtype=np.float64)
    p = 1 / (1 + np.exp(-calibration.a[:, None] * (theta[None, :] - calibration.b[:, None])))
    information = (calibration.a[:, None] ** 2 * p * (1 - p)).sum(axis=0)
    return information, 1 / np.sqrt(information)
