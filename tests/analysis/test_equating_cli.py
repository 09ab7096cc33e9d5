"""`flask equate`: Kolen & Brennan's four-point example through the command,
totals and item responses as input, IRT through common items, the bootstrap,
and bad input refused with file, line and column and exit code 2."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.equating_cli import equate_command


def _totals(counts):
    """A `candidate_id,total` file with `counts[score]` candidates on each score."""
    rows = [f"c{number},{score}" for number, score in enumerate(np.repeat(np.arange(len(counts)), counts))]
    return "candidate_id,total\n" + "\n".join(rows) + "\n"


# Kolen & Brennan (2014), Tables 2.2 and 2.3: relative frequencies .2 .3 .2 .2 .1 (X) and .1 .2 .2 .3 .2 (Y).
KB_X, KB_Y = _totals([2, 3, 2, 2, 1]), _totals([1, 2, 2, 3, 2])


def run(tmp_path, *args, x=KB_X, y=KB_Y, files=None):
    (tmp_path / "form_x.csv").write_text(x)
    (tmp_path / "form_y.csv").write_text(y)
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    return CliRunner().invoke(equate_command, [str(tmp_path / "form_x.csv"), str(tmp_path / "form_y.csv"),
                                               *[arg.replace("{tmp}", str(tmp_path)) for arg in args]])


def test_equipercentile_concordance_of_kolen_and_brennans_example(tmp_path):
    result = run(tmp_path, "--method", "equipercentile")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["method"] == "equipercentile" and report["smoothing_degree"] is None
    assert [row["x"] for row in report["concordance"]] == [0, 1, 2, 3, 4]
    assert [row["y"] for row in report["concordance"]] == pytest.approx([0.5, 1.75, 2.833333, 3.5, 4.25])
    assert all(row["se"] is None for row in report["concordance"])
    # Deviations from 1.7 are -1.7 -.7 .3 1.3 2.3 with weights .2 .3 .2 .2 .1: variance
    # 1.61, third moment .576 (skewness .576 / 1.61^1.5), fourth 5.1137 (kurtosis 5.1137 / 1.61^2).
    assert report["x"] == {"file": "form_x.csv", "candidates": 10, "max_score": 4,
                           "moments": pytest.approx({"mean": 1.7, "sd": 1.61 ** 0.5, "skewness": 0.576 / 1.61 ** 1.5,
                                                     "kurtosis": 5.1137 / 1.61 ** 2}, abs=1e-5)}
    assert report["bootstrap"] is None


def test_linear_equating_by_hand(tmp_path):
    # X: mean 1.7, SD sqrt(1.61); Y: mean 2.3, SD sqrt(1.61) as well, so l(x) = x + .6.
    result = run(tmp_path, "--method", "linear")

    report = json.loads(result.stdout)
    assert [row["y"] for row in report["concordance"]] == pytest.approx([0.6, 1.6, 2.6, 3.6, 4.6])


def test_the_maximum_score_extends_the_scale_past_the_highest_total(tmp_path):
    result = run(tmp_path, "--method", "mean", "--max-x", "6", "--max-y", "6")

    report = json.loads(result.stdout)
    assert [row["x"] for row in report["concordance"]] == list(range(7))
    assert report["y"]["max_score"] == 6


def test_smoothing_and_bootstrap_are_reported(tmp_path):
    rng = np.random.default_rng(5)
    x, y = np.bincount(rng.binomial(20, 0.6, 400), minlength=21), np.bincount(rng.binomial(20, 0.5, 400), minlength=21)

    result = run(tmp_path, "--smooth", "3", "--bootstrap", "50", "--seed", "9", x=_totals(x), y=_totals(y))

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["smoothing_degree"] == 3
    assert report["bootstrap"] == {"replications": 50, "seed": 9}
    assert all(0 < row["se"] < 2 for row in report["concordance"][3:18])
    again = json.loads(run(tmp_path, "--smooth", "3", "--bootstrap", "50", "--seed", "9",
                           x=_totals(x), y=_totals(y)).stdout)
    assert again == report  # the same seed, the same standard errors


RESPONSES_X = """candidate_id,Q1,Q2,Q3
a1,A,B,C
a2,A,C,C
a3,B,B,
a4,A,B,C
"""
RESPONSES_Y = """candidate_id,Q1,Q2,Q3
b1,A,B,D
b2,C,B,D
b3,A,A,D
b4,A,B,A
"""
KEY_X = "item_id,key\nQ1,A\nQ2,B\nQ3,C\n"
KEY_Y = "item_id,key\nQ1,A\nQ2,B\nQ3,D\n"


def test_item_responses_are_scored_with_their_key(tmp_path):
    # Totals: X 3, 2, 1, 3; Y 3, 2, 2, 2. Mean equating: x - 2.25 + 2.25.
    result = run(tmp_path, "--method", "mean", "--key-x", "{tmp}/key_x.csv", "--key-y", "{tmp}/key_y.csv",
                 x=RESPONSES_X, y=RESPONSES_Y, files={"key_x.csv": KEY_X, "key_y.csv": KEY_Y})

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["x"]["max_score"] == 3 and report["x"]["moments"]["mean"] == 2.25
    assert [row["y"] for row in report["concordance"]] == pytest.approx([0, 1, 2, 3])


def _responses(scored, items):
    letters = np.where(scored == 1, "A", "B")
    rows = [",".join([f"c{number}", *row]) for number, row in enumerate(letters)]
    return "candidate_id," + ",".join(items) + "\n" + "\n".join(rows) + "\n"


def test_irt_equating_links_through_the_common_item_columns(tmp_path):
    rng = np.random.default_rng(21)
    a, b = rng.uniform(0.8, 1.6, 10), rng.normal(0, 1, 10)

    def answers(shift, n):
        theta = rng.normal(shift, 1, n)
        return (rng.random((n, 10)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(int)

    items = [f"I{number}" for number in range(10)]
    key = "item_id,key\n" + "".join(f"{item},A\n" for item in items)
    result = run(tmp_path, "--method", "irt", "--key-x", "{tmp}/key.csv", "--key-y", "{tmp}/key.csv",
                 x=_responses(answers(0.5, 1500), items), y=_responses(answers(0.0, 1500), items),
                 files={"key.csv": key})

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    # The same ten items on both forms: X's group is half an SD abler, so B is
    # near .5 and the equating near the identity.
    assert report["linking"]["anchor"] == items and report["linking"]["converged"]
    assert report["linking"]["B"] == pytest.approx(0.5, abs=0.15)
    assert [row["y"] for row in report["concordance"]] == pytest.approx(list(range(11)), abs=0.35)


def test_irt_equating_needs_item_responses(tmp_path):
    result = run(tmp_path, "--method", "irt")

    assert result.exit_code == 2
    assert "form_x.csv, line 1: IRT equating needs item responses" in result.stderr


def test_an_anchor_item_missing_from_a_form_is_refused(tmp_path):
    result = run(tmp_path, "--method", "irt", "--anchor", "Q9", "--key-x", "{tmp}/key_x.csv", "--key-y",
                 "{tmp}/key_y.csv", x=RESPONSES_X, y=RESPONSES_Y, files={"key_x.csv": KEY_X, "key_y.csv": KEY_Y})

    assert result.exit_code == 2
    assert "form_x.csv, line 1: anchor item 'Q9' is not a column of this file" in result.stderr


@pytest.mark.parametrize(("text", "where"), [
    ("candidate_id,total\nc1,3\nc2,2.5\n", "form_x.csv, line 3, column 2 (total): '2.5' is not a total score"),
    ("candidate_id,total\nc1,3\nc2,-1\n", "form_x.csv, line 3, column 2 (total): '-1' is not a total score"),
    ("candidate_id,total\nc1,3\n\nc2,x\n", "form_x.csv, line 4, column 2 (total): 'x' is not a total score"),
    ("candidate_id,total\nc1,3\nc1,2\n", "form_x.csv, line 3, column 1 (candidate_id): candidate 'c1' already "
                                         "appears on line 2"),
    ("candidate_id,total\nc1,3,4\n", "form_x.csv, line 2, column 3: 3 fields, but the header has 2"),
    ("candidate_id,total\n", "form_x.csv, line 2: no candidates after the header"),
    ("candidate_id,total\nc1,9\n", "form_x.csv, line 2, column 2 (total): total 9 is above the form's maximum, 4"),
])
def test_bad_totals_are_refused_with_file_line_and_column(tmp_path, text, where):
    result = run(tmp_path, "--max-x", "4", x=text)

    assert result.exit_code == 2
    assert f"Error: {where}" in result.stderr


def test_bad_item_responses_are_refused_as_item_analysis_refuses_them(tmp_path):
    result = run(tmp_path, "--key-x", "{tmp}/key_x.csv", x="candidate_id,Q1,Q2,Q3\na1,A,B,7\n",
                 files={"key_x.csv": KEY_X})

    assert result.exit_code == 2
    assert "form_x.csv, line 2, column 4 (Q3): unknown option label '7'" in result.stderr


def test_item_responses_without_a_key_are_a_usage_error(tmp_path):
    result = run(tmp_path, x=RESPONSES_X)

    assert result.exit_code == 2
    assert "form_x.csv holds item responses: give its key with --key-x" in result.stderr


def test_scores_that_cannot_be_equated_exit_1_with_the_reason(tmp_path):
    result = run(tmp_path, "--method", "linear", x="candidate_id,total\nc1,2\nc2,2\n")

    assert result.exit_code == 1
    assert "form X's candidates all have the same score" in result.stderr


def test_smoothing_other_methods_is_a_usage_error(tmp_path):
    result = run(tmp_path, "--method", "linear", "--smooth", "2")

    assert result.exit_code == 2
    assert "--smooth applies to --method equipercentile only" in result.stderr
