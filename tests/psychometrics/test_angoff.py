"""Modified Angoff: a three-panelist example worked by hand, Shrout & Fleiss's
ICC table, missing ratings (a panelist who has not finished, or not begun),
polytomous items, a panel of one, and the per-item spread a panel is shown."""

import math

import numpy as np
import pytest

from psychometrics.angoff import angoff, icc_consistency

# Panelists x items.
HAND = np.array([
    [0.6, 0.7, 0.5, 0.8],
    [0.5, 0.8, 0.4, 0.7],
    [0.7, 0.9, 0.6, 0.9],
])

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = np.array([
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
], dtype=float)


def test_the_cut_and_its_spread_worked_by_hand():
    result = angoff(HAND)

    assert result.item_means.tolist() == pytest.approx([0.6, 0.8, 0.5, 0.8])
    assert result.cut_raw == pytest.approx(2.7)
    assert result.cut_percent == pytest.approx(67.5)
    assert result.panelist_cuts.tolist() == pytest.approx([2.6, 2.4, 3.1])
    # Deviations -0.1, -0.3, 0.4: variance 0.26 / 2 = 0.13.
    assert result.sd == pytest.approx(math.sqrt(0.13))
    assert result.se == pytest.approx(math.sqrt(0.13 / 3))


def test_the_panel_agreement_worked_by_hand():
    result = angoff(HAND)

    # Items as targets: grand mean 0.675; SS items 0.2025 (BMS 0.0675), SS panelists 0.065,
    # SS total 0.2825, so SS error 0.015 over 3 x 2 df: EMS 0.0025.
    assert result.icc_single == pytest.approx(0.065 / (0.0675 + 2 * 0.0025))
    assert result.icc_mean == pytest.approx(0.065 / 0.0675)
    for panelist in range(3):
        others = np.delete(HAND, panelist, axis=0).mean(axis=0)
        assert result.panelist_r[panelist] == pytest.approx(np.corrcoef(HAND[panelist], others)[0, 1])
    assert result.agreement_panelists == 3


def test_the_icc_of_shrout_and_fleiss_table():
    single, mean = icc_consistency(SHROUT_FLEISS)

    assert single == pytest.approx(0.71, abs=0.005)
    assert mean == pytest.approx(0.91, abs=0.005)


def test_the_icc_through_angoff_with_items_as_targets_and_panelists_as_judges():
    result = angoff(SHROUT_FLEISS.T, max_points=10)  # ratings out of 10 points: proportions of the maximum

    assert result.icc_single == pytest.approx(0.71, abs=0.005)
    assert result.icc_mean == pytest.approx(0.91, abs=0.005)
    assert result.cut_raw == pytest.approx(SHROUT_FLEISS.mean(axis=1).sum())
    assert result.cut_percent == pytest.approx(SHROUT_FLEISS.mean() * 10)


def test_a_missing_rating_leaves_the_item_mean_and_the_panelist_cut():
    ratings = HAND.copy()
    ratings[1, 2] = np.nan  # panelist 2 did not rate item 3

    result = angoff(ratings)

    assert result.item_means[2] == pytest.approx(0.55)  # (0.5 + 0.6) / 2
    assert result.cut_raw == pytest.approx(2.75)
    assert np.isnan(result.panelist_cuts[1]) and result.panelist_cuts[[0, 2]].tolist() == pytest.approx([2.6, 3.1])
    assert result.sd == pytest.approx(0.5 / math.sqrt(2)) and result.se == pytest.approx(0.25)
    # Agreement among the two panelists who rated every item, on all four items.
    assert result.agreement_panelists == 2
    assert result.icc_mean == pytest.approx(icc_consistency(HAND[[0, 2]].T)[1])
    assert np.isnan(result.panelist_r[1]) and np.isfinite(result.panelist_r[[0, 2]]).all()


def test_a_panelist_who_has_not_rated_leaves_the_others_agreement():
    ratings = np.vstack([HAND, np.full(4, np.nan)])  # a fourth panelist, nothing rated yet

    result = angoff(ratings)
    without = angoff(HAND)

    assert result.agreement_panelists == 3
    assert (result.icc_single, result.icc_mean) == pytest.approx((without.icc_single, without.icc_mean))
    assert result.panelist_r[:3].tolist() == pytest.approx(without.panelist_r.tolist())
    assert np.isnan(result.panelist_r[3])
    assert result.cut_raw == pytest.approx(2.7) and result.se == pytest.approx(without.se)


def test_the_spread_of_each_items_ratings():
    ratings = HAND.copy()
    ratings[1, 2] = np.nan
    ratings[:, 3] = np.nan

    result = angoff(ratings)

    assert result.item_medians[:3].tolist() == pytest.approx([0.6, 0.8, 0.55])
    assert result.item_lows[:3].tolist() == pytest.approx([0.5, 0.7, 0.5])
    assert result.item_highs[:3].tolist() == pytest.approx([0.7, 0.9, 0.6])
    assert result.item_raters.tolist() == [3, 3, 2, 0]
    assert np.isnan([result.item_medians[3], result.item_lows[3], result.item_highs[3]]).all()


def test_polytomous_items_count_points_and_agree_on_proportions():
    ratings = HAND * [1, 1, 2, 3]  # items 3 and 4 worth 2 and 3 points

    result = angoff(ratings, max_points=[1, 1, 2, 3])

    assert result.cut_raw == pytest.approx(0.6 + 0.8 + 1.0 + 2.4)
    assert result.cut_percent == pytest.approx(4.8 / 7 * 100)
    assert result.icc_single == pytest.approx(angoff(HAND).icc_single)


def test_one_panelist_gives_a_cut_but_no_spread_or_agreement():
    result = angoff(HAND[:1])

    assert result.cut_raw == pytest.approx(2.6) and result.panelist_cuts.tolist() == pytest.approx([2.6])
    assert math.isnan(result.sd) and math.isnan(result.se)
    assert math.isnan(result.icc_single) and math.isnan(result.icc_mean) and np.isnan(result.panelist_r).all()


def test_an_item_nobody_rated_leaves_no_cut_and_no_panelist_counted():
    ratings = HAND.copy()
    ratings[:, 1] = np.nan

    result = angoff(ratings)

    assert np.isnan(result.item_means[1]) and math.isnan(result.cut_raw) and np.isnan(result.panelist_cuts).all()
    assert result.agreement_panelists == 0 and math.isnan(result.icc_mean) and np.isnan(result.panelist_r).all()


def test_a_flat_panelist_has_no_correlation_with_the_others():
    ratings = HAND.copy()
    ratings[0] = 0.7  # panelist 1 rates every item alike

    result = angoff(ratings)

    assert np.isnan(result.panelist_r[0]) and np.isfinite(result.panelist_r[1:]).all()


def test_items_rated_alike_by_the_panel_give_no_icc():
    assert all(math.isnan(value) for value in icc_consistency(np.full((4, 3), 0.7)))


def test_ratings_outside_the_points_are_refused():
    with pytest.raises(ValueError, match="between 0 and"):
        angoff(HAND * 2)
    with pytest.raises(ValueError, match="between 0 and"):
        angoff(HAND, max_points=[1, 1, 0.5, 1])
