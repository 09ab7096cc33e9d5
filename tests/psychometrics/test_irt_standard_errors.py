"""Standard errors of the Rasch and 2PL calibrations from the observed
information, against ltm's published LSAT output and a numerical Hessian;
items the data cannot place, slopes held at a bound, and refusals."""

import numpy as np
import pytest

from psychometrics.irt import (
    CalibrationRefused,
    _covariance,
    _observed_information,
    _posterior,
    abilities,
    calibrate,
    information,
)
from psychometrics.simulate import simulate_2pl

# LSAT section VI (Bock & Lieberman 1970), 1000 candidates x 5 items, as ltm's `LSAT` data set: the frequency of
# each answer pattern (item 1 first), as ltm's factor.scores(ltm(LSAT ~ z1)) lists them; 01010 and 01100 never occur.
LSAT_PATTERNS = {
    "00000": 3, "00001": 6, "00010": 2, "00011": 11, "00100": 1, "00101": 1, "00110": 3, "00111": 4,
    "01000": 1, "01001": 8, "01011": 16, "01101": 3, "01110": 2, "01111": 15, "10000": 10, "10001": 29,
    "10010": 14, "10011": 81, "10100": 3, "10101": 28, "10110": 15, "10111": 80, "11000": 16, "11001": 56,
    "11010": 21, "11011": 173, "11100": 11, "11101": 61, "11110": 28, "11111": 298,
}
LSAT = np.array([[int(answer) for answer in pattern] for pattern, count in LSAT_PATTERNS.items()
                 for _ in range(count)], dtype=np.float64)


def test_the_lsat_data_are_those_of_ltm():
    # ltm's descript(LSAT): proportions right .924 .709 .553 .763 .870 (Rizopoulos 2006, section 4).
    assert LSAT.shape == (1000, 5)
    assert LSAT.mean(axis=0).tolist() == pytest.approx([0.924, 0.709, 0.553, 0.763, 0.870])


def test_the_lsat_2pl_agrees_with_ltm_within_one_percent():
    fit = calibrate(LSAT, "2pl")

    # summary(ltm(LSAT ~ z1)), Rizopoulos (2006), J. Stat. Software 17(5), and the ltm documentation: 21
    # Gauss-Hermite points there, 41 fixed points here. log.Lik -2466.653.
    assert fit.converged and fit.log_likelihood == pytest.approx(-2466.653, abs=0.01)
    assert fit.b.tolist() == pytest.approx([-3.3597, -1.3696, -0.2799, -1.8659, -3.1236], rel=0.01)
    assert fit.a.tolist() == pytest.approx([0.8254, 0.7229, 0.8905, 0.6886, 0.6575], rel=0.01)
    assert fit.se_b.tolist() == pytest.approx([0.8669, 0.3073, 0.0997, 0.4341, 0.8700], rel=0.01)
    assert fit.se_a.tolist() == pytest.approx([0.2581, 0.1867, 0.2326, 0.1852, 0.2100], rel=0.01)


def test_the_lsat_rasch_model_agrees_with_ltms_common_discrimination_within_one_percent():
    fit = calibrate(LSAT, "rasch")

    # Attest's Rasch model fixes the slope at 1 and estimates the ability SD: ltm's rasch(LSAT), one discrimination
    # estimated with N(0, 1) abilities, reparameterised (Dscrmn = the SD, Dffclt = b / SD). Not comparable with
    # rasch(LSAT, constraint = cbind(length(LSAT) + 1, 1)), which fixes the SD at 1 as well.
    # summary(rasch(LSAT)) in ltm: log.Lik -2466.938; Dscrmn 0.7551 (0.0694).
    assert fit.converged and fit.log_likelihood == pytest.approx(-2466.938, abs=0.01)
    assert fit.ability_sd == pytest.approx(0.7551, rel=0.01)
    assert fit.se_ability_sd == pytest.approx(0.0694, rel=0.01)
    difficulty = fit.b / fit.ability_sd
    covariance = fit.covariance  # of (SD, b); Dffclt = b / SD by the delta method
    variance = (np.diag(covariance)[1:] + difficulty ** 2 * covariance[0, 0]
                - 2 * difficulty * covariance[0, 1:]) / fit.ability_sd ** 2
    assert difficulty.tolist() == pytest.approx([-3.6153, -1.3224, -0.3176, -1.7301, -2.7802], rel=0.01)
    assert np.sqrt(variance).tolist() == pytest.approx([0.3266, 0.1422, 0.0977, 0.1691, 0.2510], rel=0.01)


def test_the_observed_information_is_the_negative_hessian_of_the_marginal_log_likelihood():
    scored = simulate_2pl(400, 4, seed=5).scored
    fit = calibrate(scored)
    parameters = np.concatenate([fit.a, -fit.a * fit.b])

    def log_likelihood(values):
        return _posterior(scored, *np.split(values, 2), fit.points, fit.weights)[1]

    step, size = 1e-4, parameters.shape[0]
    hessian = np.empty((size, size))
    for row, column in np.ndindex(size, size):
        e, f = np.eye(size)[row] * step, np.eye(size)[column] * step
        hessian[row, column] = (log_likelihood(parameters + e + f) - log_likelihood(parameters + e - f)
                                - log_likelihood(parameters - e + f) + log_likelihood(parameters - e - f)) / step ** 2 / 4
    posterior, _ = _posterior(scored, *np.split(parameters, 2), fit.points, fit.weights)

    info = _observed_information(scored, posterior, *np.split(parameters, 2), fit.points)

    assert info == pytest.approx(-hessian, rel=1e-4, abs=1e-3)


def test_the_covariance_spans_all_items_and_gives_the_standard_errors():
    fit = calibrate(simulate_2pl(3000, 12, seed=8).scored)

    assert fit.covariance.shape == (24, 24) and np.allclose(fit.covariance, fit.covariance.T)
    assert np.sqrt(np.diag(fit.covariance)).tolist() == pytest.approx([*fit.se_a, *fit.se_b])
    assert np.abs(fit.covariance[0, 1:12]).max() > 0  # slopes covary across items: the abilities are shared


def test_standard_errors_match_the_spread_of_estimates_over_replications():
    """The complete-data information of the last M-step made them 34-80 % of ltm's on LSAT; here they are checked
    against the SD of the estimates over 40 samples of 1000 candidates from the same six items."""
    a, b = np.array([0.6, 0.9, 1.2, 1.5, 0.8, 1.1]), np.array([-1.5, -0.8, 0.0, 0.5, 1.0, 1.8])
    fits = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        theta = rng.standard_normal(1000)
        fits.append(calibrate((rng.random((1000, 6)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)))

    for estimate, error in (("a", "se_a"), ("b", "se_b")):
        spread = np.std([getattr(fit, estimate) for fit in fits], axis=0, ddof=1)
        reported = np.sqrt(np.mean([getattr(fit, error) ** 2 for fit in fits], axis=0))
        assert reported / spread == pytest.approx(np.ones(6), abs=0.3)


def test_items_the_data_cannot_place_are_left_out_with_their_reason():
    scored = simulate_2pl(2000, 10, seed=3).scored.copy()
    scored[:, 0], scored[:, 1] = 1, 0
    scored[:, 2] = 0
    scored[:3, 2] = 1

    fit = calibrate(scored)

    assert fit.left_out[:3] == ("everyone answered it right", "no one answered it right",
                                "only 3 candidate(s) answered it right; IRT needs at least 5 either way")
    assert np.isnan(fit.a[:3]).all() and np.isnan(fit.b[:3]).all() and np.isnan(fit.se_b[:3]).all()
    assert fit.calibrated.tolist() == [False] * 3 + [True] * 7
    # The rest calibrate as usual, and quickly: the tester's run went 500 cycles unconverged.
    assert fit.converged and fit.cycles < 100 and np.isfinite(fit.se_a[3:]).all()
    assert np.isfinite(abilities(scored, fit).theta).all() and np.isfinite(information(fit, [0.0])[0]).all()


def test_a_slope_at_its_bound_is_flagged_and_has_no_standard_error():
    scored = simulate_2pl(2000, 8, seed=4).scored.copy()
    scored[:, 5] = 1 - scored[:, 5]  # answered right by the weaker candidates, as a miskeyed item

    fit = calibrate(scored)

    assert fit.bound[5] == "lower" and fit.a[5] == 0.05 and np.isnan(fit.se_a[5])
    assert np.isfinite(fit.se_b[5]) and set(fit.bound[:5] + fit.bound[6:]) == {None}
    assert np.isnan(fit.covariance[5]).all() and np.isfinite(fit.covariance[13, 13])


@pytest.mark.parametrize("items, persons, reason", [
    (1, 500, "the 2pl needs at least 3 items the data can place; there are 1"),
    (2, 500, "the 2pl needs at least 3 items the data can place; there are 2"),
    (8, 12, "the 2pl of 8 items has 16 parameters; 12 candidates cannot estimate them"),
])
def test_a_2pl_on_too_few_items_or_candidates_is_refused(items, persons, reason):
    rng = np.random.default_rng(0)
    scored = np.column_stack([rng.permutation(np.arange(persons) % 2) for _ in range(items)]).astype(float)

    with pytest.raises(CalibrationRefused, match=reason):
        calibrate(scored, "2pl")


def test_an_information_matrix_that_is_not_positive_definite_is_refused():
    with pytest.raises(CalibrationRefused, match="do not identify the 2pl"):
        _covariance(np.array([[1.0, 1.0], [1.0, 1.0]]), np.zeros(2, dtype=bool), "2pl")
