"""Item fit: the Lord-Wingersky recursion against enumeration, the chi-square
tail against tabled values, infit/outfit and S-X2 on simulated data that fit
and on an item that does not."""

import itertools
import math

import numpy as np
import pytest

from psychometrics.fit import _expected_proportions, chi_square_sf, item_fit, lord_wingersky
from psychometrics.irt import calibrate
from psychometrics.simulate import simulate_2pl, simulate_rasch


def enumerated(p, score, right_on=None):
    """Sum over all answer patterns with this summed score of their probability
    (times the chance of a right answer on item `right_on`), per point."""
    total = np.zeros(p.shape[1])
    for pattern in itertools.product((0, 1), repeat=p.shape[0]):
        if sum(pattern) == score and (right_on is None or pattern[right_on]):
            total += np.prod([p[i] if x else 1 - p[i] for i, x in enumerate(pattern)], axis=0)
    return total


def test_lord_wingersky_gives_the_score_distribution_worked_by_hand():
    p = np.array([[0.2], [0.5], [0.9]])  # three items at one ability

    distribution = lord_wingersky(p)[:, 0]

    # P(0) = .8 .5 .1; P(1) = .2 .5 .1 + .8 .5 .1 + .8 .5 .9; P(2) = .2 .5 .1 + .2 .5 .9 + .8 .5 .9; P(3) = .2 .5 .9.
    assert distribution.tolist() == pytest.approx([0.04, 0.41, 0.46, 0.09])
    assert distribution.tolist() == pytest.approx([enumerated(p, k)[0] for k in range(4)])


def test_the_expected_proportions_right_per_score_agree_with_enumeration():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, (4, 5))  # four items at five points
    weights = rng.dirichlet(np.ones(5))

    expected = _expected_proportions(p, weights)

    for item, score in itertools.product(range(4), range(1, 4)):
        by_hand = enumerated(p, score, right_on=item) @ weights / (enumerated(p, score) @ weights)
        assert expected[item, score - 1] == pytest.approx(by_hand)


@pytest.mark.parametrize("x, df, upper", [
    (3.841458820694124, 1, 0.05), (5.991464547107979, 2, 0.05), (11.070497693516351, 5, 0.05),
    (18.307038053275146, 10, 0.05), (124.34211340400407, 100, 0.05), (1.0, 3, 0.8012519569012008),
    (0.0, 4, 1.0),
])
def test_the_chi_square_tail_matches_tabled_values(x, df, upper):
    assert chi_square_sf(x, df) == pytest.approx(upper, rel=1e-9)


def test_the_chi_square_tail_has_the_closed_forms_of_one_and_two_df():
    for x in (0.1, 2.0, 7.5, 30.0):
        assert chi_square_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-9)
        assert chi_square_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-9)
    assert math.isnan(chi_square_sf(float("nan"), 3)) and math.isnan(chi_square_sf(1.0, 0))


@pytest.fixture(scope="module")
def rasch_fit():
    data = simulate_rasch(2000, 20, seed=12).scored
    return item_fit(data, calibrate(data, "rasch"))


def test_rasch_data_fit_the_rasch_model(rasch_fit):
    assert np.all((rasch_fit.infit > 0.8) & (rasch_fit.infit < 1.2))
    assert np.all((rasch_fit.outfit > 0.8) & (rasch_fit.outfit < 1.2))
    # Posterior-expected mean squares have expectation 1: no shrinkage bias.
    assert rasch_fit.infit.mean() == pytest.approx(1, abs=0.02)
    assert rasch_fit.outfit.mean() == pytest.approx(1, abs=0.02)
    assert np.all(np.abs(rasch_fit.infit_t) < 3) and np.all(np.abs(rasch_fit.outfit_t) < 3)
    assert (rasch_fit.sx2_p < 0.05).mean() < 0.2
    assert np.all(rasch_fit.sx2_df >= 10)  # 19 score groups, few merged, less one parameter


@pytest.mark.parametrize("slope", [3.0, 0.2])
def test_an_item_with_another_slope_misfits_the_rasch_model(slope):
    data = simulate_rasch(2000, 20, seed=7)
    scored = data.scored.copy()
    rng = np.random.default_rng(1)
    scored[:, 4] = rng.random(2000) < 1 / (1 + np.exp(-slope * (data.theta - data.b[4])))

    fit = item_fit(scored, calibrate(scored, "rasch"))

    # Too steep: more predictable than the model says (overfit, < 1); too flat: noisy (> 1).
    assert fit.outfit[4] < 0.85 if slope > 1 else fit.outfit[4] > 1.15
    assert np.argmax(np.abs(fit.outfit_t)) == 4 and abs(fit.outfit_t[4]) > 4
    assert fit.sx2_p[4] < 0.01
    assert np.argmax(fit.sx2) == 4


def test_s_x2_p_values_of_2pl_data_under_the_2pl_are_roughly_uniform():
    p_values = []
    for seed in (1, 2):
        data = simulate_2pl(2000, 25, seed=seed).scored
        p_values += item_fit(data, calibrate(data, "2pl")).sx2_p.tolist()

    p_values = np.array(p_values)
    assert (p_values < 0.05).mean() < 0.15
    assert 0.3 < np.median(p_values) < 0.7


def test_items_everyone_or_no_one_answered_right_have_no_fit():
    scored = simulate_rasch(300, 8, seed=1).scored.copy()
    scored[:, 2], scored[:, 5] = 1, 0

    fit = item_fit(scored, calibrate(scored, "rasch"))

    for values in (fit.infit, fit.outfit, fit.infit_t, fit.outfit_t, fit.sx2, fit.sx2_df, fit.sx2_p):
        assert np.isnan(values[[2, 5]]).all() and np.isfinite(values[[0, 1, 3, 4, 6, 7]]).all()


def test_too_few_items_for_score_groups_give_no_s_x2():
    scored = simulate_2pl(500, 2, seed=3).scored

    fit = item_fit(scored, calibrate(scored, "rasch"))  # the 2PL needs three items

    assert np.isnan(fit.sx2).all() and np.isnan(fit.sx2_p).all() and np.isfinite(fit.infit).all()


def test_points_other_than_0_and_1_are_refused():
    scored = simulate_rasch(50, 4, seed=1).scored
    calibration = calibrate(scored, "rasch")

    with pytest.raises(ValueError, match="0/1"):
        item_fit(scored * 2, calibration)
