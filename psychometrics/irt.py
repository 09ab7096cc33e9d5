"""Item response theory: the Rasch model and the 2PL by marginal maximum
likelihood, with the Bock-Aitkin EM algorithm vectorised over quadrature
points (Bock & Aitkin 1981; Baker & Kim 2004, ch. 6).

Abilities are N(0, 1) on a fixed grid of quadrature points. The E-step is two
matrix products (persons x items by items x points); the M-step is a Newton
step for every item at once, in the slope-intercept form logit = a theta + c,
solved as vectorised 2 x 2 systems. The Rasch model shares one slope across
items (a 1PL with N(0, 1) abilities), and is reported on the logit scale, as
with a slope of 1 and a free ability variance. Standard errors come from the
expected information of the last M-step. Person abilities are EAP estimates
with their posterior SD. A fit that has not converged says so.
"""

from dataclasses import dataclass

import numpy as np

POINTS = 41
LIMIT = 6.0


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
    """Items x points probabilities of a right answer, clipped away from 0 and 1."""
    return np.clip(1 / (1 + np.exp(-(a[:, None] * points[None, :] + c[:, None]))), 1e-10, 1 - 1e-10)


def _posterior(scored, a, c, points, weights):
    """Persons x points posterior weights, and the marginal log-likelihood."""
    p = _probabilities(a, c, points)
    log_likelihood = scored @ np.log(p) + (1 - scored) @ np.log1p(-p)  # persons x points
    log_likelihood += np.log(weights)
    peak = log_likelihood.max(axis=1, keepdims=True)
    posterior = np.exp(log_likelihood - peak)
    marginal = posterior.sum(axis=1, keepdims=True)
    return posterior / marginal, float((peak[:, 0] + np.log(marginal[:, 0])).sum())


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


def calibrate(scored, model="2pl", *, tolerance=1e-4, max_cycles=500):
    """Fit the Rasch model or the 2PL to a persons x items 0/1 matrix."""
    if model not in ("rasch", "2pl"):
        raise ValueError(f"unknown model {model!r}: rasch or 2pl")
    scored = np.asarray(scored, dtype=np.float64)
    n_items = scored.shape[1]
    points, weights = _grid()
    p = np.clip(scored.mean(axis=0), 0.01, 0.99)
    a = np.ones(n_items)
    c = np.log(p / (1 - p))
    shared = model == "rasch"
    converged, log_likelihood = False, float("nan")
    for cycle in range(1, max_cycles + 1):
        posterior, log_likelihood = _posterior(scored, a, c, points, weights)
        expected_n = posterior.sum(axis=0)
        expected_r = scored.T @ posterior
        step_a, step_c = _m_step(expected_n, expected_r, a, c, points, shared)
        step_a, step_c = np.clip(step_a, -1, 1), np.clip(step_c, -2, 2)  # damp wild first steps
        a, c = np.clip(a + step_a, 0.05, 10), c + step_c
        if max(np.abs(step_a).max(), np.abs(step_c).max()) < tolerance:
            converged = True
            break
    return _report(model, scored, a, c, points, weights, converged, cycle, log_likelihood)


def _report(model, scored, a, c, points, weights, converged, cycles, log_likelihood):
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
