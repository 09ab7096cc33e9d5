"""The generalised partial credit model: against mirt 1.2.0 on shared data, as
the 2PL where items have two categories, its observed information against a
numerical Hessian (with vignettes not taken and scores between levels),
recovery on simulated data, and the items it leaves out and refusals."""

import numpy as np
import pytest

from psychometrics import gpcm
from psychometrics.gpcm import CalibrationRefused, abilities, calibrate
from psychometrics.irt import calibrate as calibrate_2pl
from psychometrics.simulate import simulate_2pl, simulate_gpcm

CATEGORIES = [2] * 4 + [4] * 4  # four keyed items, four criteria scored 0-3
SHARED = simulate_gpcm(1000, CATEGORIES, seed=2026)


def test_the_shared_data_are_those_given_to_mirt():
    # Category counts of the four criteria: what the pinned values below were fitted to.
    counts = [np.bincount(SHARED.scores[:, item].astype(int)).tolist() for item in range(4, 8)]
    assert counts == [[145, 266, 376, 213], [601, 252, 76, 71], [186, 391, 237, 186], [224, 484, 169, 123]]


def test_the_gpcm_agrees_with_mirt_on_shared_data():
    fit = calibrate(SHARED.scores, CATEGORIES)

    # The Python package mirt 1.2.0 (PyPI), fit_mirt(SHARED.scores.astype(int), model="GPCM", n_quadpts=41,
    # n_categories=CATEGORIES): its discrimination, steps and Oakes (observed-information) standard errors.
    # Its log-likelihood is -5998.864; its quadrature is not Attest's, so parameters differ in the fourth place.
    assert fit.converged and fit.log_likelihood == pytest.approx(-5998.864, abs=0.01)
    assert fit.a.tolist() == pytest.approx([0.9492, 1.4625, 1.2826, 1.9765, 1.5892, 1.4487, 1.4337, 2.3265],
                                           abs=0.002)
    mirt_steps = [[-0.6794], [-1.3353], [-2.3555], [-0.7859], [-1.2206, -0.3550, 0.9743], [0.5654, 1.5221, 1.3461],
                  [-1.1653, 0.4077, 0.9197], [-0.9126, 0.7561, 1.2022]]
    mirt_se_steps = [[0.0959], [0.1055], [0.2310], [0.0643], [0.0847, 0.0668, 0.0742], [0.0804, 0.1169, 0.1322],
                     [0.0839, 0.0752, 0.0845], [0.0606, 0.0653, 0.0744]]
    for item, (steps, errors) in enumerate(zip(mirt_steps, mirt_se_steps)):
        assert fit.steps[item, :len(steps)].tolist() == pytest.approx(steps, abs=0.002)
        assert fit.se_steps[item, :len(errors)].tolist() == pytest.approx(errors, rel=0.01)
        assert np.isnan(fit.steps[item, len(steps):]).all()
    assert fit.se_a.tolist() == pytest.approx([0.0970, 0.1480, 0.1719, 0.1813, 0.1241, 0.1251, 0.1117, 0.2003],
                                              rel=0.01)


def test_items_of_two_categories_are_the_2pl():
    scored = simulate_2pl(1500, 8, seed=3).scored

    fit, two_pl = calibrate(scored, [2] * 8), calibrate_2pl(scored, "2pl")

    assert fit.log_likelihood == pytest.approx(two_pl.log_likelihood, abs=1e-3)
    assert fit.a.tolist() == pytest.approx(two_pl.a.tolist(), abs=1e-3)
    assert fit.steps[:, 0].tolist() == pytest.approx(two_pl.b.tolist(), abs=1e-3)
    assert fit.se_a.tolist() == pytest.approx(two_pl.se_a.tolist(), rel=1e-3)
    assert fit.se_steps[:, 0].tolist() == pytest.approx(two_pl.se_b.tolist(), rel=1e-3)


def _marginal_log_likelihood(scores, categories, parameters):
    """The marginal log-likelihood at (a of each item, then each item's d_1..d_3)."""
    valid = gpcm._valid(categories)
    n_items = categories.shape[0]
    d = np.zeros(valid.shape)
    d[:, 1:] = parameters[n_items:].reshape(n_items, -1)
    points, weights = gpcm._grid()
    flat = gpcm._indicators(scores, categories)[:, valid].astype(np.float64)
    log_p = gpcm._log_probabilities(parameters[:n_items], d, points, valid)
    return gpcm._posterior(flat, log_p, valid, weights)[1]


def test_the_observed_information_is_the_negative_hessian_with_missing_and_split_scores():
    rng = np.random.default_rng(11)
    categories = np.array([4, 4, 4, 2])
    scores = simulate_gpcm(300, categories, seed=4).scores
    scores[rng.random(scores.shape) < 0.2] = np.nan  # vignettes not chosen, ratings not final
    scores[5, 1], scores[7, 2], scores[9, 0] = 1.5, 2.5, 0.5  # means of raters a level apart
    fit = calibrate(scores, categories)
    n_items, width = categories.shape[0], categories.max()
    d = np.concatenate([np.zeros((n_items, 1)), -np.cumsum(np.nan_to_num(fit.steps) * fit.a[:, None], axis=1)],
                       axis=1)
    parameters = np.concatenate([fit.a, d[:, 1:].ravel()])

    step, size = 1e-4, parameters.shape[0]
    hessian = np.empty((size, size))
    for row, column in np.ndindex(size, size):
        e, f = np.eye(size)[row] * step, np.eye(size)[column] * step
        hessian[row, column] = sum(sign * _marginal_log_likelihood(scores, categories, parameters + shift)
                                   for sign, shift in ((1, e + f), (-1, e - f), (-1, f - e), (1, -e - f))) / step ** 2 / 4

    valid = gpcm._valid(categories)
    points, weights = gpcm._grid()
    log_p = gpcm._log_probabilities(fit.a, d, points, valid)
    posterior, _ = gpcm._posterior(gpcm._indicators(scores, categories)[:, valid].astype(np.float64), log_p, valid,
                                   weights)
    info = gpcm._observed_information(scores, posterior, np.exp(log_p), points, gpcm._statistics(width, points),
                                      valid)
    # The Hessian's order is (every a, then every item's d's); the information's item by item, valid ones only.
    order = np.concatenate([[item] + [n_items + (width - 1) * item + k for k in range(categories[item] - 1)]
                            for item in range(n_items)])
    assert info == pytest.approx(-hessian[np.ix_(order, order)], abs=1e-3 * np.abs(hessian).max())


def test_a_score_between_two_levels_counts_half_in_each():
    weights = gpcm._indicators(np.array([[2.5, np.nan, 1.0]]), np.array([4, 4, 2]))

    assert weights[0].tolist() == [[0, 0, 0.5, 0.5], [0, 0, 0, 0], [0, 1, 0, 0]]


def test_both_parts_recover_their_parameters_on_one_scale_with_vignettes_chosen():
    categories = [2] * 20 + [4] * 6  # 20 keyed items; two vignettes of three criteria, one of them chosen
    simulated = simulate_gpcm(3000, categories, seed=7)
    scores = simulated.scores.copy()
    chose_first = np.arange(3000) % 2 == 0
    scores[chose_first, 23:], scores[~chose_first, 20:23] = np.nan, np.nan

    fit = calibrate(scores, categories)
    theta = abilities(scores, fit)

    assert fit.converged
    assert np.sqrt(np.mean((fit.a - simulated.a) ** 2)) < 0.1
    assert np.sqrt(np.nanmean((fit.steps - simulated.steps) ** 2)) < 0.12
    assert np.corrcoef(theta.theta, simulated.theta)[0, 1] > 0.9
    # The standard errors are those of estimates from about half the candidates for each vignette.
    assert np.nanmean(fit.se_steps[20:]) > np.nanmean(fit.se_steps[:20])


def test_a_score_almost_no_one_reached_is_calibrated_with_its_neighbour():
    categories = [2] * 5 + [4]
    scores = simulate_gpcm(800, categories, seed=8).scores
    scores[:, 5] = np.where(scores[:, 5] == 0, 1, scores[:, 5])
    scores[:3, 5] = 0  # three candidates at 0 points
    joined = scores.copy()
    joined[:, 5] = np.maximum(scores[:, 5] - 1, 0)  # 0 and 1 as one score

    fit, fit_joined = calibrate(scores, categories), calibrate(joined, [2] * 5 + [3])

    assert fit.left_out[5] is None and fit.merged[5] == "0 and 1 calibrated as one: only 3 candidate(s) scored 0"
    assert fit.groups[5] == ((0, 1), (2,), (3,))
    assert np.isnan(fit.steps[5, 0]) and np.isnan(fit.se_steps[5, 0])  # no step between 0 and 1
    assert fit.steps[5, 1:].tolist() == pytest.approx(fit_joined.steps[5, :2].tolist())
    assert fit.se_steps[5, 1:].tolist() == pytest.approx(fit_joined.se_steps[5, :2].tolist())
    assert fit.a.tolist() == pytest.approx(fit_joined.a.tolist())
    assert abilities(scores, fit).theta.tolist() == pytest.approx(abilities(joined, fit_joined).theta.tolist())


def test_an_unused_level_is_calibrated_with_the_one_below():
    categories = [2] * 5 + [4]
    scores = simulate_gpcm(800, categories, seed=8).scores
    scores[:, 5] = np.minimum(scores[:, 5], 2)  # no one reached 3 points

    fit = calibrate(scores, categories)

    assert fit.merged[5] == "2 and 3 calibrated as one: only 0 candidate(s) scored 3"
    assert np.isnan(fit.steps[5, 2]) and not np.isnan(fit.steps[5, :2]).any()


def test_a_0_1_item_almost_everyone_answered_right_is_left_out_with_the_reason():
    categories = [2] * 6
    scores = simulate_gpcm(800, categories, seed=8).scores
    scores[:, 5] = 1
    scores[:3, 5] = 0

    fit = calibrate(scores, categories)

    assert fit.left_out[5] == "only 3 candidate(s) scored 0; the GPCM needs at least 5 at each of two scores"
    assert np.isnan(fit.a[5]) and np.isnan(fit.steps[5]).all() and np.isnan(fit.covariance[-2:]).all()
    assert fit.calibrated.tolist() == [True] * 5 + [False]


def test_too_few_items_or_candidates_are_refused():
    scores = simulate_gpcm(800, [4, 4], seed=9).scores
    with pytest.raises(CalibrationRefused, match="at least 3 items"):
        calibrate(scores, [4, 4])
    rng = np.random.default_rng(9)
    half_right = np.array([rng.permutation([0.0] * 5 + [1.0] * 5) for _ in range(20)]).T  # 10 candidates
    with pytest.raises(CalibrationRefused, match="40 parameters; 10 candidates"):
        calibrate(half_right, [2] * 20)


def test_a_score_outside_its_item_is_an_error():
    with pytest.raises(ValueError, match="outside"):
        calibrate(np.array([[0.0, 4.0, 1.0]]), [2, 4, 2])


def test_a_criterion_scored_the_wrong_way_round_holds_its_slope_at_the_lower_bound():
    categories = [2] * 8 + [4]
    scores = simulate_gpcm(1500, categories, seed=12).scores
    scores[:, 8] = 3 - scores[:, 8]  # a reversed rubric: the able score low

    fit = calibrate(scores, categories)

    assert fit.bound[8] == "lower" and fit.a[8] == pytest.approx(0.05)
    assert np.isnan(fit.se_a[8]) and not np.isnan(fit.se_steps[8]).any()  # steps conditional on the held slope
    assert fit.bound[:8] == (None,) * 8
