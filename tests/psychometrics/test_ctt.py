"""Classical item analysis against hand-worked values and against plain
per-item computations (np.corrcoef, a loop per item)."""

import math

import numpy as np
import pytest

from psychometrics import OMITTED
from psychometrics.ctt import Thresholds, analyse, plain
from psychometrics.scoring import keys_matrix, score, total_scores
from psychometrics.simulate import choices_from, simulate_2pl

# Five persons, three items; worked by hand below.
HAND = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)


def test_test_level_statistics_match_the_hand_worked_example():
    test = analyse(HAND).test

    # Totals 3, 2, 1, 1, 0: mean 1.4, variance 5.2 / 4 = 1.3 (n - 1).
    assert (test.n_persons, test.n_items, test.minimum, test.maximum) == (5, 3, 0, 3)
    assert test.mean == pytest.approx(1.4)
    assert test.sd == pytest.approx(math.sqrt(1.3))
    # Item variances 0.3, 0.3, 0.2: alpha = 3/2 (1 - 0.8 / 1.3) = 0.576923 (KR-20 for 0/1 items).
    assert test.alpha == pytest.approx(1.5 * (1 - 0.8 / 1.3))
    assert test.sem == pytest.approx(math.sqrt(1.3) * math.sqrt(1 - 1.5 * (1 - 0.8 / 1.3)))


def test_item_statistics_match_the_hand_worked_example():
    analysis = analyse(HAND)

    assert analysis.p.tolist() == pytest.approx([0.6, 0.6, 0.2])
    # Item 3 against the rest (2, 2, 1, 1, 0): cov 0.2, variances 0.2 and 0.7.
    assert analysis.r_pbis[2] == pytest.approx(0.2 / math.sqrt(0.2 * 0.7))
    # The upper and lower groups hold 27% of 5 persons, 1.35. Upper: the 3 whole, and 0.35 of the 2.
    # Lower: the 0 whole; the two tied at 1 share the remaining 0.35, 0.175 each, whatever their order.
    # Item 1 (1, 1, 1, 0, 0): upper (1 + 0.35) / 1.35 = 1, lower 0.175 * 1 / 1.35 (the first 1 was right).
    # Item 3 (1, 0, 0, 0, 0): upper 1 / 1.35, lower 0.
    assert analysis.discrimination_index.tolist() == pytest.approx([1 - 0.175 / 1.35, 1 - 0.175 / 1.35, 1 / 1.35])
    # Deleting item 3 leaves items 1 and 2: variances 0.3 + 0.3; their sum (2, 2, 1, 1, 0) has variance 0.7.
    assert analysis.alpha_if_deleted[2] == pytest.approx(2 * (1 - 0.6 / 0.7))


def test_correlations_agree_with_plain_per_item_computations():
    data = simulate_2pl(400, 12, seed=3).scored
    analysis = analyse(data)
    total = data.sum(axis=1)

    for item in range(12):
        rest = total - data[:, item]
        assert analysis.r_pbis_total[item] == pytest.approx(np.corrcoef(data[:, item], total)[0, 1])
        assert analysis.r_pbis[item] == pytest.approx(np.corrcoef(data[:, item], rest)[0, 1])
        without = np.delete(data, item, axis=1)
        variances = without.var(axis=0, ddof=1).sum()
        expected = 11 / 10 * (1 - variances / without.sum(axis=1).var(ddof=1))
        assert analysis.alpha_if_deleted[item] == pytest.approx(expected)


def test_the_biserial_exceeds_the_point_biserial_as_theory_says():
    analysis = analyse(simulate_2pl(2000, 10, seed=5).scored)

    # r_bis = r_pbis sqrt(pq) / phi(z): always larger in size for 0 < p < 1.
    assert np.all(np.abs(analysis.r_bis) > np.abs(analysis.r_pbis_total))


def test_options_are_analysed_and_a_miskeyed_item_is_flagged():
    scored = simulate_2pl(3000, 8, seed=11).scored
    choices, keys = choices_from(scored, 4, seed=2, omit_rate=0.1)
    wrong = keys.copy()
    right_option = int(np.flatnonzero(keys[0])[0])
    wrong[0] = False
    wrong[0, (right_option + 1) % 4] = True  # item 1 miskeyed

    analysis = analyse(score(choices, wrong), choices, wrong)

    assert analysis.option_proportion.sum(axis=1) + analysis.omit_rate == pytest.approx(np.ones(8))
    assert analysis.option_r_pbis[0, right_option] > 0.2  # the real key, now a "distractor", tracks ability
    assert "distractor with positive r_pbis" in analysis.flags[0]
    assert "key chosen less than a distractor" in analysis.flags[0]
    assert "low discrimination" in analysis.flags[0]
    assert analysis.option_upper[1, keys[1]][0] > analysis.option_lower[1, keys[1]][0]


def plain_correlation(a, b):
    """np.corrcoef, NaN (not a warning) when either is constant."""
    return np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else np.nan


def plain_group_weights(total):
    """Each person's weight in the upper and in the lower 27%, one person at a
    time: what is left of 27% of the persons once those above (below) them are
    counted, shared with the others of the same total, between 0 and 1."""
    group = 0.27 * len(total)
    upper, lower = np.zeros(len(total)), np.zeros(len(total))
    for person, value in enumerate(total):
        tied = np.count_nonzero(total == value)
        upper[person] = min(max((group - np.count_nonzero(total > value)) / tied, 0), 1)
        lower[person] = min(max((group - np.count_nonzero(total < value)) / tied, 0), 1)
    return upper / group, lower / group


def plain_report(scored, choices, n_options):
    """The item and option statistics the straightforward way: a loop over items
    and options, np.corrcoef, the 27% groups weighted person by person."""
    n, k = scored.shape
    total = scored.sum(axis=1)
    upper, lower = plain_group_weights(total)
    report = {name: np.full(k, np.nan) for name in ("p", "r_pbis", "r_pbis_total", "discrimination_index",
                                                    "omit_rate")}
    report |= {name: np.full((k, n_options), np.nan) for name in ("option_proportion", "option_upper",
                                                                 "option_lower", "option_r_pbis")}
    for item in range(k):
        points, rest = scored[:, item], total - scored[:, item]
        report["p"][item] = points.mean()
        report["r_pbis"][item] = plain_correlation(points, rest)
        report["r_pbis_total"][item] = plain_correlation(points, total)
        report["discrimination_index"][item] = upper @ points - lower @ points
        report["omit_rate"][item] = (choices[:, item] == OMITTED).mean()
        for option in range(n_options):
            chosen = (choices[:, item] == option).astype(float)
            report["option_proportion"][item, option] = chosen.mean()
            report["option_upper"][item, option] = upper @ chosen
            report["option_lower"][item, option] = lower @ chosen
            report["option_r_pbis"][item, option] = plain_correlation(chosen, rest)
    return report


@pytest.mark.parametrize("points", [None, [0.5, 1, 2, 1, 1, 3, 1, 1]], ids=["keyed 0/1", "weighted"])
def test_the_report_matches_a_plain_computation(points):
    # Omits; item 1 with two keys; on item 4 no one chooses one option; item 6 dropped.
    choices, keys = choices_from(simulate_2pl(300, 8, seed=17).scored, 4, seed=5, omit_rate=0.15)
    keys[0, (np.flatnonzero(keys[0])[0] + 2) % 4] = True
    unchosen = (np.flatnonzero(keys[3])[0] + 1) % 4
    choices[choices[:, 3] == unchosen, 3] = OMITTED
    keys[5] = False
    scored = score(choices, keys) * (1 if points is None else np.array(points))

    analysis = analyse(scored, choices, keys)

    for name, expected in plain_report(scored, choices, 4).items():
        np.testing.assert_allclose(getattr(analysis, name), expected, rtol=1e-9, atol=1e-12, err_msg=name)
    assert plain(analysis.option_r_pbis)[3][unchosen] is None and analysis.option_proportion[3, unchosen] == 0
    assert plain(analysis.r_pbis)[5] is None  # the dropped item scores 0 for everyone


def test_the_upper_and_lower_groups_do_not_depend_on_the_order_of_the_rows():
    # 600 persons on 6 items: 7 possible totals, so many persons are tied at each 27% cut.
    choices, keys = choices_from(simulate_2pl(600, 6, seed=21).scored, 4, seed=3, omit_rate=0.1)
    total = score(choices, keys).sum(axis=1)
    orders = {"as simulated": np.arange(600), "reversed": np.arange(600)[::-1],
              "by total, ties reversed": np.lexsort((-np.arange(600), total)),
              "shuffled": np.random.default_rng(4).permutation(600)}

    results = {name: analyse(score(choices[order], keys), choices[order], keys) for name, order in orders.items()}

    first = results["as simulated"]
    assert 0 < first.discrimination_index.min()
    for name, result in results.items():
        for statistic in ("discrimination_index", "option_upper", "option_lower"):
            np.testing.assert_array_equal(getattr(result, statistic), getattr(first, statistic), err_msg=name)


def test_a_constant_column_gives_undefined_values_not_nan_or_a_crash():
    data = HAND.copy()
    data[:, 1] = 1  # everyone right on item 2

    analysis = analyse(data)
    report = plain(analysis.r_pbis)

    assert report[1] is None and report[0] is not None
    assert plain(analysis.r_bis)[1] is None
    assert analysis.flags[1] == ["easy", "low discrimination"]


def test_one_person_or_one_item_does_not_crash():
    one_person = analyse(np.array([[1.0, 0.0, 1.0]]))
    one_item = analyse(np.array([[1.0], [0.0], [1.0]]))

    assert plain(one_person.test.sd) is None and plain(one_person.test.alpha) is None
    assert plain(one_item.test.alpha) is None and plain(one_item.alpha_if_deleted) == [None]


def test_flags_follow_the_thresholds_given():
    analysis = analyse(HAND, thresholds=Thresholds(p_low=0.3, p_high=0.5, r_pbis_low=-1))

    assert analysis.flags == [["easy"], ["easy"], ["hard"]]


def test_scoring_applies_several_keys_weights_dropped_items_and_the_cut():
    keys = keys_matrix([{0}, {1, 2}, set()], 4)  # item 2 accepts B or C; item 3 dropped
    choices = np.array([[0, 2, 3], [1, 1, OMITTED], [0, OMITTED, 0]], dtype=np.int8)

    scored = score(choices, keys)
    scores = total_scores(scored, weights=[2, 1, 1], dropped=[False, False, True], domains=["A", "B", "B"],
                          cut_percent=100, scale=(10, 100))

    assert scored.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]
    assert scores.raw.tolist() == [3, 1, 2] and scores.possible == 3
    assert scores.percent.tolist() == pytest.approx([100, 100 / 3, 200 / 3])
    assert scores.subscores == {"A": pytest.approx([2, 0, 2]), "B": pytest.approx([1, 1, 0])}
    assert scores.scaled.tolist() == [130, 110, 120]
    assert scores.passed.tolist() == [True, False, False]


def test_exactly_the_cut_passes():
    scored = np.zeros((1, 60))
    scored[0, :48] = 1

    assert total_scores(scored, cut_percent=80).passed.tolist() == [True]


def test_scoring_refuses_codes_outside_the_options():
    with pytest.raises(ValueError, match="option codes must be -1"):
        score(np.array([[4]]), keys_matrix([{0}], 4))
