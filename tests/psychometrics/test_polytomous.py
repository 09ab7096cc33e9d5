"""Rated items' statistics and the reliability of both parts together, on
hand-worked examples."""

import numpy as np
import pytest

from psychometrics.ctt import analyse
from psychometrics.polytomous import covariance, describe, level_numbers, reliability
from psychometrics.simulate import simulate_gpcm

LEVELS = [[0, 1, 2, 3], [0, 1, 2, 3]]
# Two criteria scored 0-3 for five candidates; the fourth was not scored on the second (another vignette chosen),
# and the fifth's 2.5 is the mean of raters who gave 2 and 3. `OTHER` is their Part One points.
CRITERIA = np.array([[0, 1], [1, np.nan], [2, 3], [3, 3], [2.5, 2]])
OTHER = np.array([2, 3, 5, 6, 4])


def test_each_criterion_has_its_mean_sd_and_use_of_each_level():
    items = describe(CRITERIA, LEVELS, OTHER)

    # First: 8.5 / 5; squared deviations 2.89 + 0.49 + 0.09 + 1.69 + 0.64 = 5.8 over n - 1 = 4.
    # Second, over its four candidates: 9 / 4; 1.5625 + 0.5625 + 0.5625 + 0.0625 = 2.75 over 3.
    assert items.n.tolist() == [5, 4]
    assert items.mean.tolist() == pytest.approx([1.7, 2.25])
    assert items.sd.tolist() == pytest.approx([np.sqrt(5.8 / 4), np.sqrt(2.75 / 3)])
    assert items.counts.tolist() == [[1, 1, 1, 1], [0, 1, 1, 2]]  # a level nobody reached counts 0
    assert items.between.tolist() == [1, 0]
    assert items.proportions[1].tolist() == [0, 0.25, 0.25, 0.5]


def test_the_item_total_correlation_is_with_the_rest_of_the_exam():
    items = describe(CRITERIA, LEVELS, OTHER)

    # First: rest = Part One + the second criterion (0 where not taken) = 3, 3, 8, 9, 6 (mean 5.8): cross products
    # of deviations 11.7, sums of squares 5.8 and 30.8. Second, over its four candidates: rest = 2, 7, 9, 6.5 (mean
    # 6.125): 7.875, 2.75 and 26.1875.
    assert items.item_rest.tolist() == pytest.approx([11.7 / np.sqrt(5.8 * 30.8), 7.875 / np.sqrt(2.75 * 26.1875)])


def test_levels_that_differ_by_more_than_a_point_count_by_their_own_points():
    items = describe(np.array([[0.0], [2], [4], [4], [3]]), [[0, 2, 4]])

    assert items.counts.tolist() == [[1, 1, 2]] and items.between.tolist() == [1]


def test_level_numbers_place_a_score_between_two_levels_in_proportion():
    numbers = level_numbers(np.array([[3.0, 2.5], [4, np.nan], [0, 1]]), [[0, 2, 4], [0, 1, 2, 3]])

    assert numbers[:, 0].tolist() == [1.5, 2, 0]
    assert numbers[0, 1] == 2.5 and np.isnan(numbers[1, 1]) and numbers[2, 1] == 1


# Two 0/1 items (Part One) and two criteria scored 0-3 (Part Two), four candidates. Covariances (n - 1 = 3):
# variances 1/3, 1/3, 5/3, 4/3; covariances 0 (items 1, 2), 2/3 (1, 3), 2/3 (1, 4), 1/3 (2, 3), 0 (2, 4), 4/3 (3, 4).
BOTH_PARTS = np.array([[1, 1, 3, 2], [1, 0, 2, 2], [0, 1, 1, 0], [0, 0, 0, 0]], dtype=np.float64)
PARTS = ["one", "one", "two", "two"]


def test_alpha_of_both_parts_together():
    result = reliability(BOTH_PARTS, PARTS)

    # The matrix sums to 11/3 + 2 (0 + 2/3 + 2/3 + 1/3 + 0 + 4/3) = 29/3: alpha = 4/3 (1 - (11/3) / (29/3)) = 24/29.
    assert result.alpha == pytest.approx(24 / 29)
    assert result.alpha == pytest.approx(analyse(BOTH_PARTS).test.alpha)
    # Part One: 2 (1 - (2/3) / (2/3)) = 0; Part Two: 2 (1 - 3 / (17/3)) = 16/17.
    assert result.parts == pytest.approx({"one": 0.0, "two": 16 / 17})


def test_stratified_alpha_weighs_each_part_by_its_variance():
    result = reliability(BOTH_PARTS, PARTS)

    # Cronbach, Schoenemann & McKie (1965): 1 - (2/3 (1 - 0) + 17/3 (1 - 16/17)) / (29/3) = 1 - 3/29.
    assert result.stratified == pytest.approx(26 / 29)


def test_a_part_of_one_item_has_no_alpha_nor_stratified_alpha():
    result = reliability(BOTH_PARTS[:, :3], PARTS[:3])

    assert np.isnan(result.parts["two"]) and np.isnan(result.stratified) and not np.isnan(result.alpha)


def test_with_no_scores_missing_the_covariance_is_the_ordinary_one():
    scores = simulate_gpcm(200, [2, 2, 4, 4], seed=1).scores

    assert covariance(scores) == pytest.approx(np.cov(scores, rowvar=False))


def test_each_covariance_is_over_the_candidates_scored_on_both_items():
    scores = np.array([[1, 3, np.nan], [0, np.nan, 2], [1, 1, 0], [0, 0, 1], [1, 2, np.nan]])

    matrix = covariance(scores)

    assert matrix[0, 1] == pytest.approx(np.cov(scores[[0, 2, 3, 4]][:, :2], rowvar=False)[0, 1])
    assert matrix[1, 2] == pytest.approx(np.cov([[1, 0], [0, 1]], rowvar=False)[0, 1])  # candidates 3 and 4
    assert matrix[2, 2] == pytest.approx(np.var([2, 0, 1], ddof=1))


def test_items_no_candidate_took_together_leave_alpha_undefined():
    chose_one_or_the_other = np.array([[1, np.nan, 1], [np.nan, 2, 0], [3, np.nan, 1], [np.nan, 0, 1]])

    assert np.isnan(reliability(chose_one_or_the_other, ["a", "a", "b"]).alpha)
