"""Equating: Kolen & Brennan's worked examples (the four-point example of
their chapter 2, and the ACT mathematics forms of their Table 2.5), moment
preservation and an independent fit of the log-linear model, the bootstrap,
and Stocking-Lord linking with true-score equating on exact and simulated
item parameters."""

import numpy as np
import pytest
from scipy.optimize import minimize

from psychometrics import equating
from psychometrics.equating import EquatingRefused

# Kolen & Brennan (2014), Test Equating, Scaling, and Linking, 3rd ed., section
# 2.5, Tables 2.2 and 2.3 (pp. 41-42 of the 2004 edition): four-item forms,
# relative frequencies of X .2 .3 .2 .2 .1 and of Y .1 .2 .2 .3 .2. The same
# example is replicated in SNSequate's eqp.eq documentation.
KB_SMALL_X = np.array([2, 3, 2, 2, 1])
KB_SMALL_Y = np.array([1, 2, 2, 3, 2])

# Kolen & Brennan (2014), Table 2.5: the ACT mathematics forms, 40 items,
# frequencies of scores 0..40 on form X (4,329 examinees) and form Y (4,152);
# the same counts are R's equate::ACTmath.
ACT_X = np.array([0, 1, 1, 3, 9, 18, 59, 67, 91, 144, 149, 192, 192, 192, 201, 204, 217, 181, 184, 170, 201, 147,
                  163, 147, 140, 147, 126, 113, 100, 106, 107, 91, 83, 73, 72, 75, 50, 37, 38, 23, 15])
ACT_Y = np.array([0, 1, 3, 13, 42, 59, 95, 131, 158, 161, 194, 164, 166, 197, 177, 158, 169, 132, 158, 151, 134, 137,
                  122, 110, 116, 132, 104, 104, 114, 97, 107, 88, 80, 79, 70, 61, 48, 47, 29, 32, 12])

# Kolen & Brennan (2014), p. 48: the percentile ranks of form X's scores 0..40,
# to two decimals.
ACT_X_PERCENTILE_RANKS = [0.00, 0.01, 0.03, 0.08, 0.22, 0.53, 1.42, 2.88, 4.70, 7.42, 10.80, 14.74, 19.17, 23.61,
                          28.15, 32.83, 37.69, 42.28, 46.50, 50.59, 54.87, 58.89, 62.47, 66.05, 69.37, 72.68, 75.84,
                          78.60, 81.06, 83.44, 85.90, 88.18, 90.19, 92.00, 93.67, 95.37, 96.81, 97.82, 98.68, 99.39,
                          99.83]


def test_the_four_point_example_of_kolen_and_brennan():
    # Worked: P(1) = 100 (.2 + .3 / 2) = 35; the smallest Y score with G above
    # .35 is 2 (G = .5), so e(1) = (.35 - .3) / .2 + 1.5 = 1.75.
    equated = equating.equipercentile_equate(KB_SMALL_X, KB_SMALL_Y, np.arange(5))

    assert equated.tolist() == pytest.approx([0.5, 1.75, 2.8333, 3.5, 4.25], abs=1e-4)
    assert equating.percentile_ranks(KB_SMALL_X, np.arange(5)).tolist() == pytest.approx([10, 35, 60, 80, 95])


def test_the_act_forms_percentile_ranks_as_kolen_and_brennan_print_them():
    ranks = equating.percentile_ranks(ACT_X, np.arange(41))

    assert np.round(ranks, 2).tolist() == ACT_X_PERCENTILE_RANKS


def test_the_act_forms_equated_moments_as_kolen_and_brennan_report_them():
    # Kolen & Brennan (2014), section 2.5.2 and Table 2.7: form Y's mean 18.9798
    # and SD 8.9393, which linear equating reproduces; X's SD 8.2116, which
    # mean equating keeps; the equipercentile equivalents' mean 18.9799 and SD
    # 8.9352 (reproduced too by Equate.jl's tests of the same data).
    mean = equating.equate_observed(ACT_X, ACT_Y, "mean")
    linear = equating.equate_observed(ACT_X, ACT_Y, "linear")
    equipercentile = equating.equate_observed(ACT_X, ACT_Y, "equipercentile")

    assert (mean.equated_moments.mean, mean.equated_moments.sd) == pytest.approx((18.9798, 8.2116), abs=1e-4)
    assert (linear.equated_moments.mean, linear.equated_moments.sd) == pytest.approx((18.9798, 8.9393), abs=1e-4)
    assert (equipercentile.equated_moments.mean, equipercentile.equated_moments.sd) == \
        pytest.approx((18.9799, 8.9352), abs=1e-4)
    assert (equipercentile.x.mean, equipercentile.x.sd) == pytest.approx((19.8524, 8.2116), abs=1e-4)


def test_equipercentile_equating_is_symmetric_on_continuous_scores():
    forward = equating.equipercentile_equate(ACT_X, ACT_Y, np.arange(1, 40))
    back = equating.equipercentile_equate(ACT_Y, ACT_X, forward)

    assert back == pytest.approx(np.arange(1, 40), abs=1e-9)


def test_a_cut_between_whole_scores_is_equated_on_the_continuized_distribution():
    # P(2.3) = 100 [F(1) + (2.3 - 1.5) f(2)] = 100 (.5 + .8 x .2) = 66; e = (.66 - .5) / .3 + 2.5.
    equated = equating.equipercentile_equate(KB_SMALL_X, KB_SMALL_Y, [2.3])

    assert equated[0] == pytest.approx(0.16 / 0.3 + 2.5)


def test_scores_above_everyone_observed_map_to_the_top_of_the_scale():
    equated = equating.equipercentile_equate([1, 2, 1, 0, 0], [1, 1, 1, 1, 1], [4])

    assert equated[0] == 4.5  # P = 100: K + .5, as Kolen & Brennan's eq. 2.18 sets it


@pytest.mark.parametrize("degree", [2, 3, 4, 6])
def test_loglinear_smoothing_keeps_the_first_degree_moments(degree):
    smoothed = equating.loglinear(ACT_X, degree)
    scores = np.arange(41)

    assert smoothed.sum() == pytest.approx(ACT_X.sum())
    for power in range(1, degree + 1):
        assert smoothed @ scores ** power == pytest.approx(ACT_X @ scores ** power, rel=1e-8)
    assert (smoothed > 0).all()


def test_loglinear_smoothing_agrees_with_an_independent_maximum_likelihood_fit():
    # The multinomial likelihood of log f(x) = b0 + b1 z + b2 z^2 + b3 z^3 in the
    # raw powers of z = x / 40, maximised by scipy's BFGS: the same model,
    # parameterised and solved differently.
    z = np.arange(41) / 40
    design = np.stack([z, z ** 2, z ** 3], axis=1)

    def negative_likelihood(beta):
        eta = design @ beta
        return -(ACT_X @ (eta - np.log(np.exp(eta).sum())))

    beta = minimize(negative_likelihood, np.zeros(3), method="BFGS", options={"gtol": 1e-9}).x
    eta = design @ beta
    independent = ACT_X.sum() * np.exp(eta) / np.exp(eta).sum()

    assert equating.loglinear(ACT_X, 3) == pytest.approx(independent, rel=1e-4)


def test_saturated_loglinear_smoothing_returns_the_observed_distribution():
    assert equating.loglinear(KB_SMALL_X, 4) == pytest.approx(KB_SMALL_X, abs=1e-8)


def test_a_smoothing_degree_beyond_the_scale_is_refused():
    with pytest.raises(EquatingRefused, match="from 1 to 4"):
        equating.loglinear(KB_SMALL_X, 5)


def test_presmoothed_equating_is_smoother_and_close_to_the_unsmoothed():
    raw = equating.equate_observed(ACT_X, ACT_Y, "equipercentile")
    smoothed = equating.equate_observed(ACT_X, ACT_Y, "equipercentile", degree=6)

    middle = slice(5, 38)
    assert np.abs(smoothed.equated[middle] - raw.equated[middle]).max() < 0.5
    assert np.abs(np.diff(smoothed.equated, 2)[middle]).sum() < np.abs(np.diff(raw.equated, 2)[middle]).sum() / 3
    assert smoothed.degree == 6


def test_the_bootstrap_se_of_linear_equating_matches_its_delta_method_se():
    # The delta method on l(x) = mean_Y + sd_Y z, z = (x - mean_X) / sd_X, with
    # var(mean) = sd^2 / N, var(sd) = sd^2 (kurtosis - 1) / 4N and
    # cov(mean, sd) = sd^2 skewness / 2N in each sample: per form,
    # sd_Y^2 / N [1 + z skewness + z^2 (kurtosis - 1) / 4]. Normal scores give
    # Kolen & Brennan's (2014) sd_Y^2 / 2 (1/N_X + 1/N_Y)(2 + z^2).
    result = equating.equate_observed(ACT_X, ACT_Y, "linear", replications=2000, rng=np.random.default_rng(7))
    z = (np.arange(41) - result.x.mean) / result.x.sd
    variance = sum(result.y.sd ** 2 / counts.sum() * (1 + z * form.skewness + z ** 2 * (form.kurtosis - 1) / 4)
                   for counts, form in ((ACT_X, result.x), (ACT_Y, result.y)))

    assert result.replications == 2000
    assert result.se == pytest.approx(np.sqrt(variance), rel=0.08)


def test_without_bootstrap_there_are_no_standard_errors():
    result = equating.equate_observed(ACT_X, ACT_Y, "mean")

    assert np.isnan(result.se).all() and result.replications == 0


def test_scores_without_spread_are_refused():
    with pytest.raises(EquatingRefused, match="same score"):
        equating.equate_observed([0, 5, 0], [1, 2, 3], "linear")


@pytest.mark.parametrize("scores", [[72, 87], [72, 74], [10, 11, 12, 13]])
def test_loglinear_smoothing_of_scores_at_too_few_points_is_refused_not_a_crash(scores):
    """A form just submitted by a handful of candidates: four moments cannot be
    matched at two (or four) distinct scores, and the Newton system once went
    singular there (a 500 on the form page under the load bench)."""
    counts = np.bincount(scores, minlength=90).astype(np.float64)

    with pytest.raises(EquatingRefused, match=f"needs scores at more than 4 points; these are at {len(scores)}"):
        equating.loglinear(counts, 4)


def test_presmoothing_other_methods_is_refused():
    with pytest.raises(EquatingRefused, match="equipercentile"):
        equating.equate_observed(ACT_X, ACT_Y, "linear", degree=3)


# IRT

def _two_pl(a, b, theta, rng):
    return (rng.random((theta.shape[0], a.shape[0])) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)


def test_stocking_lord_recovers_a_known_scale_transformation():
    rng = np.random.default_rng(3)
    a_y, b_y = rng.uniform(0.6, 2.0, 10), rng.normal(0, 1, 10)
    # The same items calibrated in a group whose abilities are 1.3 theta_Y... : on
    # X's scale theta_X = (theta_Y - B) / A, so a_X = A a_Y and b_X = (b_Y - B) / A.
    scale, shift = 1.3, -0.4
    linking = equating.stocking_lord(scale * a_y, (b_y - shift) / scale, a_y, b_y)

    assert linking.converged
    assert (linking.A, linking.B) == pytest.approx((scale, shift), abs=1e-8)


def test_true_score_equating_of_a_form_to_itself_is_the_identity():
    rng = np.random.default_rng(4)
    a, b = rng.uniform(0.6, 2.0, 12), rng.normal(0, 1, 12)
    identity = equating.Linking(1.0, 0.0, True, 0, 12)

    equated = equating.true_score_equate(a, b, a, b, identity, np.arange(13))

    assert equated == pytest.approx(np.arange(13), abs=1e-8)


def test_true_score_equating_hand_checked_on_one_item_each():
    # X: one item a = 1, b = 0; Y: one item a = 1, b = 1. True score .5 on X is
    # theta 0, where Y's item gives 1 / (1 + e) = .2689.
    identity = equating.Linking(1.0, 0.0, True, 0, 1)
    equated = equating.true_score_equate([1.0], [0.0], [1.0], [1.0], identity, [0, 0.5, 1])

    assert equated.tolist() == pytest.approx([0, 1 / (1 + np.e), 1])


def test_irt_equating_recovers_the_true_equating_across_nonequivalent_groups():
    """Two 24-item forms sharing 8 items, taken by groups of different
    ability: the estimate follows the true-score equating of the
    generating items."""
    rng = np.random.default_rng(11)
    common_a, common_b = rng.uniform(0.8, 1.8, 8), rng.normal(0, 1, 8)
    a_x = np.concatenate([common_a, rng.uniform(0.8, 1.8, 16)])
    b_x = np.concatenate([common_b, rng.normal(0.4, 1, 16)])  # X is harder
    a_y = np.concatenate([common_a, rng.uniform(0.8, 1.8, 16)])
    b_y = np.concatenate([common_b, rng.normal(-0.2, 1, 16)])
    scored_x = _two_pl(a_x, b_x, rng.normal(0.5, 1.1, 4000), rng)
    scored_y = _two_pl(a_y, b_y, rng.normal(0.0, 1.0, 4000), rng)
    truth = equating.true_score_equate(a_x, b_x, a_y, b_y, equating.Linking(1.0, 0.0, True, 0, 8), np.arange(25))

    result = equating.equate_irt(scored_x, scored_y, np.arange(8), np.arange(8))

    # The X group's abilities are N(.5, 1.1): on Y's scale A = 1.1, B = .5.
    assert (result.linking.A, result.linking.B) == pytest.approx((1.1, 0.5), abs=0.1)
    assert np.abs(result.equated - truth)[2:23].max() < 0.4
    assert result.equated[0] == 0 and result.equated[24] == 24
    assert result.method == "irt"


def test_irt_equating_bootstraps_its_standard_errors():
    rng = np.random.default_rng(12)
    a, b = rng.uniform(0.8, 1.8, 10), rng.normal(0, 1, 10)
    scored_x, scored_y = _two_pl(a, b, rng.normal(0, 1, 600), rng), _two_pl(a, b, rng.normal(0, 1, 600), rng)

    result = equating.equate_irt(scored_x, scored_y, np.arange(10), np.arange(10), points=[5.0, 8.0],
                                 replications=10, rng=np.random.default_rng(1))

    assert result.replications == 10
    assert ((result.se > 0.01) & (result.se < 1)).all()


def test_linking_on_fewer_than_two_common_items_is_refused():
    with pytest.raises(EquatingRefused, match="at least 2 common items"):
        equating.stocking_lord([1.0], [0.0], [1.0], [0.2])
