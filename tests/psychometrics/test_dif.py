"""Mantel-Haenszel DIF against a hand-worked two-stratum example, and on simulated data."""

import math

import numpy as np
import pytest

from psychometrics.dif import dif_all, ets_class, mantel_haenszel
from psychometrics.simulate import simulate_2pl


def tables(strata):
    """Persons from (matching score, A, B, C, D) rows: A/B reference right/wrong, C/D focal right/wrong."""
    correct, matching, reference = [], [], []
    for score, *cells in strata:
        for count, is_reference, is_correct in zip(cells, (True, True, False, False), (True, False, True, False)):
            correct += [is_correct] * count
            matching += [score] * count
            reference += [is_reference] * count
    reference = np.array(reference)
    return np.array(correct), np.array(matching), reference, ~reference


def test_the_common_odds_ratio_and_d_dif_match_the_hand_worked_example():
    # Stratum 1: A10 B10 C5 D15 (N 40); stratum 2: A20 B5 C15 D10 (N 50).
    # R = 10*15/40 + 20*10/50 = 7.75; S = 10*5/40 + 5*15/50 = 2.75.
    result = mantel_haenszel(*tables([(1, 10, 10, 5, 15), (2, 20, 5, 15, 10)]))

    assert result.alpha_mh == pytest.approx(7.75 / 2.75)
    assert result.mh_d_dif == pytest.approx(-2.35 * math.log(7.75 / 2.75))
    # Sum A = 30; E(A) = 20*15/40 + 25*35/50 = 25; Var(A) = 20*20*15*25/(40^2*39) + 25*25*35*15/(50^2*49).
    variance = 20 * 20 * 15 * 25 / (40 ** 2 * 39) + 25 * 25 * 35 * 15 / (50 ** 2 * 49)
    assert result.chi_square == pytest.approx((abs(30 - 25) - 0.5) ** 2 / variance)
    # Robins-Breslow-Greenland: P 0.625/0.6, Q 0.375/0.4, R_k 3.75/4, S_k 1.25/1.5.
    variance_log = ((0.625 * 3.75 + 0.6 * 4) / (2 * 7.75 ** 2)
                    + (0.625 * 1.25 + 0.375 * 3.75 + 0.6 * 1.5 + 0.4 * 4) / (2 * 7.75 * 2.75)
                    + (0.375 * 1.25 + 0.4 * 1.5) / (2 * 2.75 ** 2))
    assert result.se == pytest.approx(2.35 * math.sqrt(variance_log))
    # |D| = 2.43 is large, but 90 persons do not show it significantly above 1: class B.
    assert result.se > (abs(result.mh_d_dif) - 1) / 1.645
    assert result.ets_class == "B"
    assert (result.n_reference, result.n_focal) == (45, 45)


Z_975 = 1.959963984540054


def log_odds_ratio_se(low, high):
    """The standard error of ln(alpha_MH) behind a printed 95% confidence interval exp(ln alpha -+ 1.96 SE)."""
    return math.log(high / low) / (2 * Z_975)


# Each stratum as (score, A, B, C, D): A/B the first row's first/second column, C/D the second row's.
# Agresti (1990), penicillin and rabbits: the example of R's ?mantelhaen.test, rows Delay (none, 1.5h),
# columns Response (cured, died), strata the penicillin level.
RABBITS = [(1, 0, 6, 0, 5), (2, 3, 3, 0, 6), (3, 6, 0, 2, 4), (4, 5, 1, 6, 0), (5, 2, 0, 5, 0)]
# R's UCBAdmissions (Bickel et al. 1975), Admit x Gender x Dept, strata the departments A-F.
UCB_ADMISSIONS = [(1, 512, 313, 89, 19), (2, 353, 207, 17, 8), (3, 120, 205, 202, 391), (4, 138, 279, 131, 244),
                  (5, 53, 138, 94, 299), (6, 22, 351, 24, 317)]


@pytest.mark.parametrize("strata, chi_square, p_value, odds_ratio, interval", [
    # R (stats package), the examples of ?mantelhaen.test, as R prints them:
    # `mantelhaen.test(Rabbits)`: Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747;
    # 95 percent confidence interval 1.026713 47.725133; common odds ratio 7.
    (RABBITS, 3.9286, 0.04747, 7.0, (1.026713, 47.725133)),
    # `mantelhaen.test(UCBAdmissions)`: Mantel-Haenszel X-squared = 1.4269, df = 1, p-value = 0.2323;
    # 95 percent confidence interval 0.7719074 1.0603298; common odds ratio 0.9046968.
    (UCB_ADMISSIONS, 1.4269, 0.2323, 0.9046968, (0.7719074, 1.0603298)),
], ids=["rabbits", "UCBAdmissions"])
def test_the_chi_square_p_and_standard_error_match_r_mantelhaen_test(strata, chi_square, p_value, odds_ratio,
                                                                       interval):
    result = mantel_haenszel(*tables(strata))

    assert result.chi_square == pytest.approx(chi_square, abs=5e-5)
    assert result.p_value == pytest.approx(p_value, abs=5e-6 if p_value < 0.1 else 5e-5)
    assert result.alpha_mh == pytest.approx(odds_ratio, rel=1e-7)
    # MH D-DIF's standard error is 2.35 times R's (Robins-Breslow-Greenland) SE of the log odds ratio.
    assert result.se == pytest.approx(2.35 * log_odds_ratio_se(*interval), rel=1e-6)


def test_the_continuity_correction_is_left_out_below_a_half_as_r_does():
    # Stratum 1: A1 B1 C1 D0, E(A) = 2 * 2 / 3; stratum 2: A1 B1 C1 D1, E(A) = 1: A - E(A) = -1/3.
    # Var = 2*1*2*1 / (3^2 * 2) + 2*2*2*2 / (4^2 * 3) = 2/9 + 1/3; R: (1/3)^2 / (5/9) = 0.2, uncorrected.
    result = mantel_haenszel(*tables([(1, 1, 1, 1, 0), (2, 1, 1, 1, 1)]))

    assert result.chi_square == pytest.approx(0.2)


def test_a_stratum_with_one_group_only_changes_nothing():
    with_empty = mantel_haenszel(*tables([(1, 10, 10, 5, 15), (2, 20, 5, 15, 10), (3, 7, 2, 0, 0)]))
    without = mantel_haenszel(*tables([(1, 10, 10, 5, 15), (2, 20, 5, 15, 10)]))

    assert with_empty.alpha_mh == pytest.approx(without.alpha_mh)
    assert with_empty.chi_square == pytest.approx(without.chi_square)


def test_an_item_nobody_gets_wrong_has_undefined_dif():
    result = mantel_haenszel(*tables([(1, 10, 0, 10, 0)]))

    assert math.isnan(result.mh_d_dif) and result.ets_class is None


@pytest.mark.parametrize("d_dif, se, p_value, expected", [
    (-0.9, 0.1, 0.001, "A"),  # small
    (-1.2, 0.5, 0.2, "A"),  # not significant
    (-1.2, 0.1, 0.001, "B"),
    (1.6, 0.5, 0.001, "B"),  # large but not significantly above 1
    (1.6, 0.2, 0.001, "C"),
])
def test_the_ets_classes(d_dif, se, p_value, expected):
    assert ets_class(d_dif, se, p_value) == expected


def test_an_item_made_harder_for_the_focal_group_is_found():
    data = simulate_2pl(4000, 20, seed=8).scored.copy()
    focal = np.arange(4000) % 2 == 1
    rng = np.random.default_rng(1)
    data[focal & (rng.random(4000) < 0.35), 0] = 0  # item 1 loses a third of its focal right answers

    results = dif_all(data, ~focal, focal)

    assert results[0].ets_class == "C" and results[0].mh_d_dif < -1.5  # negative D: favours the reference group
    assert sum(result.ets_class == "A" for result in results[1:]) >= 17
