"""Rasch and 2PL calibration by marginal maximum likelihood: parameter
recovery on simulated data, standard errors, abilities, information."""

import numpy as np
import pytest

from psychometrics.irt import Calibration, abilities, calibrate, information
from psychometrics.simulate import simulate_2pl, simulate_rasch


@pytest.fixture(scope="module")
def two_pl():
    data = simulate_2pl(4000, 40, seed=21)
    return data, calibrate(data.scored)


def test_the_2pl_recovers_the_simulated_parameters(two_pl):
    data, fit = two_pl

    assert fit.converged and fit.model == "2pl"
    assert np.corrcoef(fit.b, data.b)[0, 1] > 0.99
    assert np.corrcoef(fit.a, data.a)[0, 1] > 0.95
    assert np.abs(fit.b - data.b).mean() < 0.1


def test_standard_errors_are_finite_and_shrink_with_twice_the_candidates(two_pl):
    _, fit = two_pl
    bigger = calibrate(simulate_2pl(16000, 40, seed=21).scored)

    assert np.all(np.isfinite(fit.se_a)) and np.all(fit.se_b > 0)
    # Four times the persons: standard errors about halve.
    assert np.median(bigger.se_b) / np.median(fit.se_b) == pytest.approx(0.5, abs=0.08)


def test_the_rasch_model_recovers_difficulties_on_the_logit_scale():
    data = simulate_rasch(4000, 30, seed=4)

    fit = calibrate(data.scored, "rasch")

    assert fit.converged and np.all(fit.a == 1) and np.all(np.isnan(fit.se_a))
    assert np.corrcoef(fit.b, data.b)[0, 1] > 0.995
    assert np.abs(fit.b - data.b).max() < 0.15
    assert fit.points.max() / 6 == pytest.approx(1, abs=0.05)  # the ability SD, estimated, is 1 here


def test_eap_abilities_follow_the_true_ones(two_pl):
    data, fit = two_pl

    estimated = abilities(data.scored, fit)

    assert np.corrcoef(estimated.theta, data.theta)[0, 1] > 0.9
    assert np.all(estimated.se > 0) and estimated.se.mean() < 0.5


def test_a_fit_stopped_early_says_it_did_not_converge():
    fit = calibrate(simulate_2pl(500, 10, seed=2).scored, max_cycles=2)

    assert fit.converged is False and fit.cycles == 2


def test_information_and_the_conditional_sem_of_one_item():
    one = Calibration("2pl", np.array([2.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]), True, 1, 0.0,
                      np.array([0.0]), np.array([1.0]), np.zeros((2, 2)), (None,), (None,))

    info, sem = information(one, [0.0, 1.0])

    # a^2 p (1 - p): 4 x 0.25 at b; at theta = 1, p = 1 / (1 + e^-2).
    p = 1 / (1 + np.exp(-2.0))
    assert info.tolist() == pytest.approx([1.0, 4 * p * (1 - p)])
    assert sem.tolist() == pytest.approx([1.0, 1 / np.sqrt(4 * p * (1 - p))])


def test_an_unknown_model_is_refused():
    with pytest.raises(ValueError, match="rasch or 2pl"):
        calibrate(np.zeros((3, 2)), "3pl")


def test_the_2pl_recovers_a_long_test_taken_by_many():
    data = simulate_2pl(10000, 100, seed=7)

    fit = calibrate(data.scored)

    assert fit.converged
    assert np.corrcoef(fit.b, data.b)[0, 1] > 0.99
    assert np.corrcoef(fit.a, data.a)[0, 1] > 0.98
