"""Conditional SEM and Subkoviak's decision consistency against a six-person
matrix worked by hand, binomial sums done independently with math.comb."""

import math

import numpy as np
import pytest

from psychometrics.reliability import conditional_sem, decision_consistency, kuder_richardson
from psychometrics.simulate import simulate_2pl

# Totals 4, 3, 3, 2, 1, 0: mean 13/6, population variance 39/6 - (13/6)^2 = 65/36.
HAND = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]], dtype=float)
KR21 = 0.6  # 4/3 (1 - (13/6)(11/6) / (4 * 65/36)) = 4/3 * 117/260
KR20 = 128 / 195  # item p 4/6, 4/6, 3/6, 2/6: sum pq = 11/12; 4/3 (1 - (11/12) / (65/36)) = 4/3 * 32/65


def at_least(needed, n, p):
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(needed, n + 1))


def test_kuder_richardson_of_the_hand_worked_matrix():
    assert kuder_richardson(HAND) == pytest.approx((KR20, KR21))


def test_the_conditional_sem_at_the_cut_worked_by_hand():
    at_three = conditional_sem(HAND, 3)
    at_two = conditional_sem(HAND, 2)

    assert at_three.lord == pytest.approx(1.0)  # sqrt(3 * 1 / 3)
    assert at_two.lord == pytest.approx(math.sqrt(4 / 3))  # sqrt(2 * 2 / 3)
    # Keats: times sqrt((1 - 128/195) / (1 - 0.6)) = sqrt(67 / 78), below 1 as KR-20 > KR-21.
    assert at_three.keats == pytest.approx(math.sqrt(67 / 78))
    assert (at_three.kr20, at_three.kr21) == pytest.approx((KR20, KR21))


def test_the_conditional_sem_is_zero_at_the_ends_and_undefined_outside():
    assert conditional_sem(HAND, 0).lord == 0 and conditional_sem(HAND, 4).lord == 0
    assert math.isnan(conditional_sem(HAND, 5).lord) and math.isnan(conditional_sem(HAND, -1).keats)


def test_subkoviak_agreement_and_kappa_worked_by_hand():
    result = decision_consistency(HAND, 3)

    # True proportions regressed with KR-21: 0.6 x / 4 + 0.4 (13/6) / 4, for x = 4, 3, 3, 2, 1, 0.
    passing = [at_least(3, 4, 0.6 * x / 4 + 0.4 * 13 / 24) for x in (4, 3, 3, 2, 1, 0)]
    agreement = sum(p * p + (1 - p) * (1 - p) for p in passing) / 6
    pass_rate = sum(passing) / 6
    chance = pass_rate ** 2 + (1 - pass_rate) ** 2
    assert result.agreement == pytest.approx(agreement)
    assert result.pass_rate == pytest.approx(pass_rate)
    assert result.kappa == pytest.approx((agreement - chance) / (1 - chance))
    assert result.kr21 == pytest.approx(KR21) and "Subkoviak" in result.method


def test_a_fractional_cut_needs_the_next_whole_score():
    assert decision_consistency(HAND, 2.5) == decision_consistency(HAND, 3)
    assert decision_consistency(HAND, (0.1 + 0.2) * 10) == decision_consistency(HAND, 3)  # 3.0000000000000004


def test_a_cut_below_everyone_or_above_the_maximum_agrees_surely():
    below, above = decision_consistency(HAND, 0), decision_consistency(HAND, 5)

    assert below.agreement == 1 and below.pass_rate == 1 and math.isnan(below.kappa)
    assert above.agreement == 1 and above.pass_rate == 0 and math.isnan(above.kappa)


def test_a_longer_more_reliable_test_decides_more_consistently_away_from_the_middle():
    data = simulate_2pl(1000, 40, seed=6).scored
    short = data[:, :10]

    middle, far = decision_consistency(data, 20), decision_consistency(data, 36)
    short_middle = decision_consistency(short, 5)

    assert 0.5 < short_middle.agreement < middle.agreement < far.agreement < 1
    assert 0 < short_middle.kappa < middle.kappa < 1


def test_scores_that_do_not_vary_give_undefined_values_not_a_crash():
    constant = np.ones((5, 4))
    one_item = HAND[:, :1]

    assert math.isnan(decision_consistency(constant, 3).agreement)
    assert math.isnan(conditional_sem(constant, 3).keats) and conditional_sem(constant, 3).lord == 1.0
    assert math.isnan(decision_consistency(one_item, 1).kappa) and math.isnan(conditional_sem(one_item, 1).lord)
    assert math.isnan(decision_consistency(HAND[:1], 2).agreement)


def test_points_are_refused():
    with pytest.raises(ValueError, match="0/1"):
        decision_consistency(HAND * 2, 3)
