"""Rater agreement: small examples worked by hand, published kappas (vcd's
SexualFun, Agresti's Siskel and Ebert), the quadratic kappa's moment identity,
Shrout & Fleiss's one-way ICCs, rater severity, and the undefined cases."""

import math

import numpy as np
import pytest

from psychometrics.agreement import (
    adjacent_agreement,
    exact_agreement,
    icc_oneway,
    pair_agreement,
    rater_severity,
    weighted_kappa,
)

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = np.array([
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
], dtype=float)
# Six responses scored 0..2 by two raters.
A = [0, 1, 2, 2, 1, 0]
B = [0, 2, 2, 1, 1, 1]


def from_table(table):
    """Rating vectors with table[i][j] pairs scored (i, j)."""
    table = np.asarray(table)
    rows, columns = np.indices(table.shape)
    return np.repeat(rows.ravel(), table.ravel()), np.repeat(columns.ravel(), table.ravel())


def quadratic_kappa_by_moments(a, b):
    """Quadratic weighted kappa as 2 cov(a, b) / (var a + var b + (mean a - mean b)^2),
    population moments: the same statistic when the categories are consecutive integers."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    covariance = ((a - a.mean()) * (b - b.mean())).mean()
    return 2 * covariance / (a.var() + b.var() + (a.mean() - b.mean()) ** 2)


def test_exact_and_adjacent_agreement_worked_by_hand():
    # Differences a - b: 0, -1, 0, 1, 0, -1.
    assert exact_agreement(A, B) == pytest.approx(3 / 6)
    assert adjacent_agreement(A, B) == 1.0
    assert adjacent_agreement(A, B, within=0) == pytest.approx(3 / 6)
    assert adjacent_agreement([0, 0, 3], [2, 1, 0], within=2) == pytest.approx(2 / 3)


def test_totals_of_fractional_points_agree_despite_rounding():
    assert exact_agreement([0.1 + 0.2], [0.3]) == 1.0
    assert adjacent_agreement([1.1 + 0.2], [0.3]) == 1.0


def test_weighted_kappa_worked_by_hand():
    # Observed counts O (rows a = 0, 1, 2; columns b):  Expected E = row total x column total / 6,
    #   [1 1 0]                                          rows (2, 2, 2), columns (1, 3, 2):
    #   [0 1 1]                                          every row [1/3, 1, 2/3]
    #   [0 1 1]
    # Quadratic weights (i - j)^2 / 4: sum w O = 3 x 1/4 = 3/4;
    #   sum w E = (1/4 + 2/3) + (1/4 x 1/3 + 1/4 x 2/3) + (1/3 + 1/4) = 7/4; kappa = 1 - 3/7 = 4/7.
    # Linear weights |i - j| / 2: sum w O = 3 x 1/2 = 3/2;
    #   sum w E = (1/2 + 2/3) + (1/6 + 1/3) + (1/3 + 1/2) = 5/2; kappa = 1 - 3/5 = 2/5.
    # Unweighted: 3 of 6 disagree, 6 - (1/3 + 1 + 2/3) = 4 expected to; kappa = 1 - 3/4 = 1/4.
    assert weighted_kappa(A, B) == pytest.approx(4 / 7)
    assert weighted_kappa(A, B, weights="linear") == pytest.approx(2 / 5)
    assert weighted_kappa(A, B, weights="none") == pytest.approx(1 / 4)
    assert quadratic_kappa_by_moments(A, B) == pytest.approx(4 / 7)


def test_kappa_of_vcd_sexual_fun():
    # Husband (rows) by wife (columns), "Sex is fun for me and my partner", never or occasionally .. almost
    # always, 91 couples: Hout, Duncan & Sobel (1987), given by Agresti (1990) and as SexualFun in the vcd R
    # package. Its Kappa(SexualFun) example prints unweighted 0.1293 and weighted 0.2374 with the default
    # "Equal-Spacing" weights 1 - |i - j| / (r - 1), our linear ones (vcd reference manual, examples of Kappa
    # and print.Kappa; also in the vcdExtra vignette on tests, section Measures of Agreement).
    husband, wife = from_table([
        [7, 7, 2, 3],
        [2, 8, 3, 7],
        [1, 5, 4, 9],
        [2, 8, 9, 14],
    ])

    assert weighted_kappa(husband, wife, weights="none") == pytest.approx(0.1293, abs=5e-5)
    assert weighted_kappa(husband, wife, weights="linear") == pytest.approx(0.2374, abs=5e-5)
    assert weighted_kappa(wife, husband, weights="linear") == pytest.approx(0.2374, abs=5e-5)


def test_kappa_of_siskel_and_ebert():
    # 160 movies rated con / mixed / pro by Siskel (rows) and Ebert (columns): Agresti & Winner (1997),
    # Evaluating agreement and disagreement among movie reviewers, Chance 10(2), 10-14; Agresti (2002),
    # Categorical Data Analysis, 2nd ed., sec. 10.5, kappa = 0.389.
    siskel, ebert = from_table([
        [24, 8, 13],
        [8, 13, 11],
        [10, 9, 64],
    ])

    assert weighted_kappa(siskel, ebert, weights="none") == pytest.approx(0.389, abs=5e-4)


@pytest.mark.parametrize("seed", range(5))
def test_quadratic_kappa_equals_its_moment_formula(seed):
    rng = np.random.default_rng(seed)
    k = rng.integers(3, 8)
    a = rng.integers(0, k, size=60)
    b = np.clip(a + rng.integers(-2, 3, size=60), 0, k - 1)

    assert weighted_kappa(a, b, categories=range(k)) == pytest.approx(quadratic_kappa_by_moments(a, b))
    # Shifting the scale changes nothing: weights are by position among the categories.
    assert weighted_kappa(a + 10, b + 10, categories=range(10, 10 + k)) == pytest.approx(
        quadratic_kappa_by_moments(a, b))


def test_the_categories_place_the_scores_on_the_scale():
    a, b = [0, 1, 3, 3, 1], [1, 1, 3, 1, 0]

    # Nobody scored 2: among the scores seen (the default), 1 and 3 are one step apart, as if 3 were 2;
    # on the 0..3 scale they are two.
    assert weighted_kappa(a, b, categories=range(4)) == pytest.approx(quadratic_kappa_by_moments(a, b))
    assert weighted_kappa(a, b) == pytest.approx(quadratic_kappa_by_moments([0, 1, 2, 2, 1], [1, 1, 2, 1, 0]))
    assert weighted_kappa(a, b) != pytest.approx(weighted_kappa(a, b, categories=range(4)))
    # A category nobody used adds an empty row and column: unweighted kappa does not move.
    assert weighted_kappa(a, b, categories=range(6), weights="none") == pytest.approx(
        weighted_kappa(a, b, weights="none"))


def test_scores_off_the_categories_and_unknown_weights_are_refused():
    with pytest.raises(ValueError, match="one of the categories"):
        weighted_kappa([0, 1, 4], [0, 1, 2], categories=range(4))
    with pytest.raises(ValueError, match="distinct"):
        weighted_kappa([0, 1], [0, 1], categories=[0, 1, 1])
    with pytest.raises(ValueError, match="weights must be one of"):
        weighted_kappa(A, B, weights="cubic")


def test_the_shapes_are_checked():
    with pytest.raises(ValueError, match="same length"):
        exact_agreement([0, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="one-dimensional"):
        weighted_kappa([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="not be negative"):
        adjacent_agreement(A, B, within=-1)
    with pytest.raises(ValueError, match="targets x raters"):
        icc_oneway([1, 2, 3])
    with pytest.raises(ValueError, match="targets x raters"):
        icc_oneway([[1], [2]])


def test_the_one_way_icc_of_shrout_and_fleiss_table():
    single, mean = icc_oneway(SHROUT_FLEISS)

    # Shrout & Fleiss (1979), Table 4 on the Table 2 data: ICC(1,1) = .17, ICC(1,k) = .44.
    assert single == pytest.approx(0.17, abs=0.005)
    assert mean == pytest.approx(0.44, abs=0.005)


def test_the_one_way_icc_worked_by_hand():
    # Target means 1.5 and 3.5 around 2.5: BMS = 2 x (1 + 1) / 1 = 4; WMS = 4 x 0.25 / 2 = 0.5.
    single, mean = icc_oneway([[1, 2], [3, 4], [np.nan, 7]])  # the row with a NaN is left out

    assert single == pytest.approx(3.5 / 4.5)
    assert mean == pytest.approx(3.5 / 4)
    assert icc_oneway([[1, 1], [3, 3], [2, 2]]) == pytest.approx((1.0, 1.0))


def test_the_one_way_icc_is_nan_when_undefined():
    assert all(math.isnan(value) for value in icc_oneway([[1, 2]]))  # one target
    assert all(math.isnan(value) for value in icc_oneway(np.empty((0, 2))))
    assert all(math.isnan(value) for value in icc_oneway([[1, 2], [2, 1], [0, 3]]))  # targets alike
    assert all(math.isnan(value) for value in icc_oneway(np.full((4, 2), 2.0)))


def test_pair_agreement_gathers_the_statistics():
    result = pair_agreement(A + [np.nan], B + [2])  # the pair with a missing score is left out

    assert result.pairs == 6
    assert result.exact == pytest.approx(0.5) and result.adjacent == 1.0
    assert result.kappa == pytest.approx(4 / 7)
    assert result.icc == pytest.approx(icc_oneway(np.column_stack([A, B]))[0])
    assert result.mean_difference == pytest.approx(-1 / 6)
    assert pair_agreement(A, B, categories=range(5)).kappa == pytest.approx(4 / 7)


def test_raters_always_agreeing_on_one_score_agree_exactly_but_have_no_kappa():
    # Expected disagreement is 0: chance explains all of the agreement, so kappa is undefined, not 1.
    result = pair_agreement([2] * 5, [2] * 5)

    assert result.exact == 1.0 and result.adjacent == 1.0
    assert math.isnan(result.kappa) and math.isnan(result.icc)
    assert math.isnan(weighted_kappa([2] * 5, [2] * 5, categories=range(4), weights="none"))
    assert result.mean_difference == 0.0
    # Constant on different scores: disagreement exactly as expected by chance.
    assert weighted_kappa([1] * 5, [2] * 5, weights="none") == 0.0


def test_no_pairs_give_nan_everywhere():
    for a, b in (([], []), ([np.nan, 1], [2, np.nan])):
        result = pair_agreement(a, b)
        assert result.pairs == 0
        assert all(math.isnan(value) for value in (result.exact, result.adjacent, result.kappa, result.icc,
                                                   result.mean_difference))
        assert math.isnan(weighted_kappa(a, b, categories=range(4)))


def test_a_lenient_rater_is_one_point_above_the_co_raters():
    result = rater_severity(
        rater_a=["L", "B", "L", "A"],
        rater_b=["A", "L", "C", "L"],
        score_a=[5, 3, 8, 6],
        score_b=[4, 4, 7, 7],
        adjudicated=[False, True, False, True],
    )

    assert [r.rater for r in result] == ["L", "A", "B", "C"]  # order of first appearance
    lenient, a, b, c = result
    assert (lenient.ratings, lenient.pairs, lenient.adjudicated) == (4, 4, 2)
    assert lenient.severity == pytest.approx(1.0) and lenient.adjudication_rate == pytest.approx(0.5)
    assert [r.severity for r in (a, b, c)] == pytest.approx([-1.0, -1.0, -1.0])
    assert [(r.pairs, r.adjudicated) for r in (a, b, c)] == [(2, 1), (1, 1), (1, 0)]
    assert [r.adjudication_rate for r in (a, b, c)] == pytest.approx([0.5, 1.0, 0.0])


def test_severity_averages_the_differences_and_skips_missing_scores():
    result = rater_severity(
        rater_a=np.array([1, 1, 2, 3]),
        rater_b=np.array([2, 3, 3, 1]),
        score_a=[10, 6, 7, np.nan],
        score_b=[8, 7, 7, 9],
        adjudicated=np.array([True, False, False, False]),
    )
    by_rater = {r.rater: r for r in result}

    # Rater 1: +2 against 2, -1 against 3; it scored the last response too, but rater 3 did not:
    # a rating without a pair.
    assert (by_rater[1].ratings, by_rater[1].pairs) == (3, 2) and by_rater[1].severity == pytest.approx(0.5)
    assert by_rater[2].severity == pytest.approx(-1.0) and by_rater[2].adjudication_rate == pytest.approx(0.5)
    assert (by_rater[3].ratings, by_rater[3].pairs) == (2, 2) and by_rater[3].severity == pytest.approx(0.5)


def test_severity_without_pairs_is_nan_and_empty_input_gives_no_raters():
    result = rater_severity(["x"], ["y"], [np.nan], [3], [False])

    assert [(r.rater, r.ratings, r.pairs, r.adjudicated) for r in result] == [("x", 0, 0, 0), ("y", 1, 0, 0)]
    assert all(math.isnan(r.severity) and math.isnan(r.adjudication_rate) for r in result)
    assert rater_severity([], [], [], [], []) == []


def test_severity_input_is_checked():
    with pytest.raises(ValueError, match="same length"):
        rater_severity(["x", "y"], ["y"], [1, 2], [1], [False])
    with pytest.raises(ValueError, match="two different raters"):
        rater_severity(["x"], ["x"], [1], [2], [False])
