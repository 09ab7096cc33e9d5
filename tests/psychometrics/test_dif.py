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
