"""The rated part of a form's statistics: final criterion points read per
vignette and criterion (a blank counted answer scores 0, a rating not final
is left out), the reliability of both parts, and the form's page."""

import html
import re

import numpy as np
import pytest

from analysis import rated_statistics
from analysis.item_statistics import compute, form_analysis
from psychometrics.polytomous import describe, reliability
from psychometrics.simulate import simulate_gpcm
from results.matrices import Criterion, rated_matrix
from tests.exam_fixtures import BY, T0
from tests.rating.test_rating_service import rate, two_raters

pytestmark = pytest.mark.built_once


@pytest.fixture
def rated(sit, raters, db):
    """Five candidates on EXAM-T (three questions; one of two vignettes, criteria C1 and C2 scored 0-3). Keyed
    right: 3, 2, 1, 0, 1. The vignette's final points: (3, 2.5), raters a point apart on C2; (2, 2); (1, 1); left
    blank (0, 0); the fifth still being rated."""
    attempts = [sit(right=3), sit(right=2), sit(right=1), sit(right=0, text=None), sit(right=1)]
    for attempt, (first, second) in zip(attempts, [((3, 3), (3, 2)), ((2, 2), (2, 2)), ((1, 1), (1, 1))]):
        one, other = two_raters(attempt, raters)
        rate(one, *first)
        rate(other, *second)
    two_raters(attempts[4], raters)
    db.session.commit()
    return attempts


def test_the_rated_matrix_holds_final_points_blank_answers_as_zero_and_pending_ones_as_missing(rated, exam_form):
    matrix = rated_matrix(exam_form, [attempt.id for attempt in rated])

    assert [len(criteria) for criteria in matrix.criteria] == [2, 2]
    assert [criterion.levels for criterion in matrix.criteria[0]] == [[0, 1, 2, 3], [0, 1, 2, 3]]
    chosen, other = matrix.points[:, matrix.columns(0)], matrix.points[:, matrix.columns(1)]
    assert chosen[:4].tolist() == [[3, 2.5], [2, 2], [1, 1], [0, 0]]
    assert np.isnan(chosen[4]).all() and np.isnan(other).all()  # pending; and the vignette nobody chose
    assert matrix.pending == 1


def test_statistics_per_criterion_and_vignette_match_a_hand_computation(rated, exam_form, db):
    compute(exam_form, T0, BY)
    summary = form_analysis(exam_form).summary["rated"]

    assert (summary["scored"], summary["pending"]) == (4, 1)
    chosen, unchosen = summary["vignettes"]
    c1, c2 = chosen["criteria"]
    assert (c1["n"], c1["mean"], c1["counts"], c1["between"]) == (4, 1.5, [1, 1, 1, 1], 0)
    assert (c2["n"], c2["mean"], c2["counts"], c2["between"]) == (4, 1.375, [1, 1, 1, 0], 1)
    assert c2["sd"] == pytest.approx(np.std([2.5, 2, 1, 0], ddof=1))
    # The rest of the exam for C1: keyed points plus C2, over the four candidates scored.
    assert c1["item_rest"] == pytest.approx(np.corrcoef([3, 2, 1, 0], [3 + 2.5, 2 + 2, 1 + 1, 0])[0, 1])
    assert (chosen["levels"], chosen["n"], chosen["mean"]) == ([0, 1, 2, 3, 4, 5, 6], 4, (5.5 + 4 + 2 + 0) / 4)
    assert (chosen["counts"], chosen["between"]) == ([1, 0, 1, 0, 1, 0, 0], 1)
    assert unchosen["n"] == 0 and unchosen["mean"] is None


def test_reliability_counts_each_candidates_answer_with_the_keyed_items(rated, exam_form, db):
    compute(exam_form, T0, BY)
    summary = form_analysis(exam_form).summary["rated"]

    keyed = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 0, 0]])
    answer = np.array([[5.5], [4], [2], [0], [np.nan]])
    expected = reliability(np.hstack([keyed, answer]), ["Part One"] * 3 + ["Part Two"])
    by_answer = summary["reliability"]["vignettes"]
    assert by_answer["alpha"] == pytest.approx(expected.alpha)
    assert by_answer["part_one"] == pytest.approx(expected.parts["Part One"])
    assert by_answer["part_two"] is None and by_answer["stratified"] is None  # one answer: no alpha of its own
    criteria = np.array([[3, 2.5], [2, 2], [1, 1], [0, 0], [np.nan, np.nan]])
    by_criterion = reliability(np.hstack([keyed, criteria]), ["Part One"] * 3 + ["Part Two"] * 2)
    assert summary["reliability"]["criteria"]["stratified"] == pytest.approx(by_criterion.stratified)
    assert summary["gpcm"] == {"skipped": "The GPCM needs at least 100 candidates; this form has 5."}


def test_the_form_page_shows_part_two(rated, exam_form, client, login_as, db):
    compute(exam_form, T0, BY)
    db.session.commit()
    login_as("psychometrician")

    page = html.unescape(re.sub("<[^>]+>", "", client.get(f"/analysis/forms/{exam_form.id}").get_data(as_text=True)))

    assert "Part Two (rated)" in page
    assert "1 counted response(s) were still being rated and are left out." in page
    assert "0: 1 · 1: 1 · 2: 1 · 3: 0 · between levels: 1" in page
    assert "The GPCM needs at least 100 candidates; this form has 5." in page


def test_with_no_final_rating_yet_part_two_waits(sit, exam_form, db):
    sit(right=3)
    sit(right=1)

    compute(exam_form, T0, BY)

    assert form_analysis(exam_form).summary["rated"] == {
        "pending": 2, "scored": 0, "skipped": "0 candidate(s) have final ratings; statistics need at least 2."}


def test_a_criterion_scored_the_wrong_way_round_is_not_estimable_and_says_why():
    simulated = simulate_gpcm(1500, [2] * 8 + [4, 4], seed=12)
    scored, points = simulated.scores[:, :8], simulated.scores[:, 8:].copy()
    points[:, 1] = 3 - points[:, 1]  # a reversed rubric: the able score low
    levels = [[0, 1, 2, 3], [0, 1, 2, 3]]
    calibration = rated_statistics._calibration(scored, points, levels, 100)
    items = describe(points, levels, scored.sum(axis=1))

    right, reversed_ = (rated_statistics._criterion(Criterion(f"C{n}", f"C{n}", levels[n]), items, n, calibration)
                        for n in (0, 1))

    assert right["gpcm"]["a"] > 0.5 and right["gpcm"]["bound"] is None
    assert reversed_["gpcm"] == {"not_estimable": "its slope runs to the lower bound 0.05: the criterion does not "
                                                  "discriminate, or discriminates the wrong way (check its rubric "
                                                  "and ratings)"}
