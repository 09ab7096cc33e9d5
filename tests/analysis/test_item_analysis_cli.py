"""`flask item-analysis`: the JSON contract on hand-checked data, and bad
input refused with file, line and column and exit code 2."""

import json
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.cli import item_analysis_command
from psychometrics import OMITTED
from psychometrics.simulate import choices_from, simulate_2pl

RESPONSES = """candidate_id,Q1,Q2,Q3,Q4
c1,A,B,C,D
c2,A,B,,D
c3,B,b,C,A
c4,A,C,C,D
c5,C,B,A,
c6,A,B,C,B
"""
KEY = """item_id,key,domain
Q4,D,Ethics
Q1,A,Practice
Q2,B|C,Practice
Q3,C,Ethics
"""
# Scored by hand from the two files above (Q2 accepts B and C; omitted scores 0).
SCORED = {
    "c1": [1, 1, 1, 1], "c2": [1, 1, 0, 1], "c3": [0, 1, 1, 0],
    "c4": [1, 1, 1, 1], "c5": [0, 1, 0, 0], "c6": [1, 1, 1, 0],
}


def run(tmp_path, *args, responses=RESPONSES, key=KEY, groups=None):
    (tmp_path / "responses.csv").write_text(responses)
    (tmp_path / "key.csv").write_text(key)
    arguments = [str(tmp_path / "responses.csv"), "--key", str(tmp_path / "key.csv"), *args]
    if groups is not None:
        (tmp_path / "groups.csv").write_text(groups)
        arguments += ["--group", str(tmp_path / "groups.csv")]
    return CliRunner().invoke(item_analysis_command, arguments)


def test_the_report_matches_a_hand_computation(tmp_path):
    result = run(tmp_path)

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    totals = [sum(row) for row in SCORED.values()]
    assert report["n_candidates"] == 6 and report["n_items"] == 4
    assert report["total"] == pytest.approx({"mean": statistics.mean(totals), "sd": statistics.stdev(totals),
                                             "min": 1, "max": 4})
    columns = list(zip(*SCORED.values()))
    item_variance = sum(statistics.variance(column) for column in columns)
    alpha = 4 / 3 * (1 - item_variance / statistics.variance(totals))
    assert report["reliability"]["alpha"] == pytest.approx(alpha)
    assert report["reliability"]["sem"] == pytest.approx(statistics.stdev(totals) * (1 - alpha) ** 0.5)
    assert [item["item_id"] for item in report["items"]] == ["Q1", "Q2", "Q3", "Q4"]  # column order, not key order
    q1, q2, q3, q4 = report["items"]
    assert q1["domain"] == "Practice" and q4["domain"] == "Ethics"
    assert q1["p"] == pytest.approx(4 / 6) and q3["p"] == pytest.approx(4 / 6)
    rest = [total - item for total, item in zip(totals, columns[0])]
    assert q1["r_pbis"] == pytest.approx(statistics.correlation(columns[0], rest))
    assert q1["r_pbis_total"] == pytest.approx(statistics.correlation(columns[0], totals))
    assert q3["omit_rate"] == pytest.approx(1 / 6) and q1["omit_rate"] == 0
    assert set(q1["options"]) == {"A", "B", "C"} and set(q4["options"]) == {"A", "B", "C", "D"}
    assert q1["options"]["B"]["proportion"] == pytest.approx(1 / 6)
    b_chosen = [1 if name == "c3" else 0 for name in SCORED]
    assert q1["options"]["B"]["r_pbis"] == pytest.approx(statistics.correlation(b_chosen, rest))
    assert "irt" not in q1 and "dif" not in q1


def test_the_discrimination_index_is_the_same_whatever_the_order_of_the_rows(tmp_path):
    # 400 candidates on 5 items: six possible totals, so many candidates are tied at each 27% cut.
    choices, keys = choices_from(simulate_2pl(400, 5, seed=9).scored, 4, seed=1, omit_rate=0.1)
    rows = [f"c{person}," + ",".join("" if code < 0 else "ABCD"[code] for code in codes)
            for person, codes in enumerate(choices.tolist())]
    key = "item_id,key\n" + "".join(f"Q{item},{'ABCD'[keyed.argmax()]}\n" for item, keyed in enumerate(keys, 1))
    header = "candidate_id,Q1,Q2,Q3,Q4,Q5\n"
    orders = [rows, rows[::-1], sorted(rows), [rows[i] for i in np.random.default_rng(2).permutation(400)]]

    indices = []
    for number, order in enumerate(orders):
        folder = tmp_path / str(number)
        folder.mkdir()
        result = run(folder, responses=header + "\n".join(order) + "\n", key=key)
        indices.append([item["discrimination_index"] for item in json.loads(result.stdout)["items"]])

    assert indices[1:] == [indices[0]] * 3


def test_a_biserial_beyond_1_is_flagged_out_of_range(tmp_path):
    q1, q2, q3, _ = json.loads(run(tmp_path).stdout)["items"]

    # Q1: p 2/3, r_pbis_total 0.883; r_bis = 0.883 sqrt(2/9) / phi(z at 2/3) = 1.145, which no correlation can be.
    assert q1["r_bis"] == pytest.approx(1.1453895) and q1["biserial_out_of_range"] is True
    assert q3["biserial_out_of_range"] is False
    assert q2["r_bis"] is None and q2["biserial_out_of_range"] is False


def test_a_constant_item_reports_null_not_nan(tmp_path):
    result = run(tmp_path)

    q2 = json.loads(result.stdout)["items"][1]
    assert q2["p"] == 1.0 and "easy" in q2["flags"]
    assert q2["r_pbis"] is None and q2["r_pbis_total"] is None and q2["r_bis"] is None
    assert q2["options"]["A"] == {"proportion": 0.0, "r_pbis": None}
    assert "NaN" not in result.stdout


def simulated_files(n_persons=400, n_items=6, seed=11):
    """RESPONSES and KEY texts of simulated 2PL answers; Q1 everyone answers right, Q2 no one answers, and Q3 is
    answered right by the weaker candidates, as if miskeyed."""
    scored = simulate_2pl(n_persons, n_items, seed).scored
    scored[:, 0] = 1
    scored[:, 2] = 1 - scored[:, 2]
    choices, keys = choices_from(scored, 4, seed)
    choices[:, 1] = OMITTED
    letters = "ABCD"
    rows = [f"c{person},{','.join(letters[code] if code >= 0 else '' for code in row)}"
            for person, row in enumerate(choices.tolist())]
    items = [f"Q{number}" for number in range(1, n_items + 1)]
    key = "item_id,key\n" + "".join(f"{item},{letters[keyed.argmax()]}\n" for item, keyed in zip(items, keys))
    return f"candidate_id,{','.join(items)}\n" + "\n".join(rows) + "\n", key


@pytest.mark.parametrize("model, fields", [("rasch", {"b", "se_b", "bound"}),
                                           ("2pl", {"a", "b", "se_a", "se_b", "bound"})])
def test_irt_adds_the_models_parameters_and_how_the_calibration_went(tmp_path, model, fields):
    responses, key = simulated_files()

    result = run(tmp_path, "--irt", model, responses=responses, key=key)

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert all(set(item["irt"]) == fields for item in report["items"][2:])
    summary = report["irt"]
    assert summary["model"] == model and summary["refused"] is None and summary["converged"] is True
    assert summary["cycles"] > 0 and summary["log_likelihood"] < 0
    assert ("ability_sd" in summary) == (model == "rasch")


def test_items_the_calibration_cannot_place_get_null_and_a_reason(tmp_path):
    responses, key = simulated_files()

    result = run(tmp_path, "--irt", "2pl", responses=responses, key=key)

    q1, q2, q3 = json.loads(result.stdout)["items"][:3]
    assert q1["irt"] is None and q1["irt_reason"] == "everyone answered it right"
    assert q2["irt"] is None and q2["irt_reason"] == "no one answered it"
    # The miskeyed item: its slope runs to the lower bound, where b means nothing; flagged, with no slope SE.
    assert q3["irt"]["bound"] == "lower" and q3["irt"]["a"] == 0.05 and q3["irt"]["se_a"] is None
    assert "IRT slope at its lower bound 0.05" in q3["flags"]
    assert "NaN" not in result.stdout


def test_a_calibration_the_data_cannot_carry_is_refused_with_its_reason(tmp_path):
    result = run(tmp_path, "--irt", "2pl")  # six candidates: no item has five right and five missed

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    reason = "the 2pl needs at least 3 items the data can place; there are 0"
    assert report["irt"] == {"model": "2pl", "refused": reason, "converged": None, "cycles": None,
                             "log_likelihood": None}
    assert all(item["irt"] is None and item["irt_reason"] == reason for item in report["items"])
    assert f"Warning: The 2pl calibration was refused: {reason}." in result.stderr


def test_groups_add_mantel_haenszel_dif_and_out_writes_a_file(tmp_path):
    groups = "candidate_id,group\nc1,reference\nc2,focal\nc3,Reference\nc4,focal\nc5,reference\n"

    result = run(tmp_path, "--out", str(tmp_path / "report.json"), groups=groups)

    assert result.exit_code == 0 and result.stdout == ""
    assert "written to" in result.stderr
    items = json.loads((tmp_path / "report.json").read_text())["items"]
    assert all(set(item["dif"]) == {"mh_d_dif", "ets_class", "se_mh_d_dif", "mh_chi_square", "mh_p_value"}
               for item in items)


@pytest.mark.parametrize("responses, key, groups, message", [
    (RESPONSES, KEY.replace("Q3,C,", "Q3,E,"), None,
     "key.csv, line 5, column 2 (key): unknown key label 'E': the responses use options A-D only"),
    (RESPONSES, KEY.replace("Q3,C,", "Q3,7,"), None, "key.csv, line 5, column 2 (key): unknown key label '7'"),
    (RESPONSES, KEY + "Q9,A,Ethics\n", None,
     "key.csv, line 6, column 1 (item_id): item 'Q9' is not a column of responses.csv"),
    (RESPONSES, KEY.replace("Q4,D,Ethics\n", ""), None,
     "responses.csv, line 1, column 5 (Q4): item 'Q4' has no key in key.csv"),
    (RESPONSES.replace("c5,", "c2,"), KEY, None,
     "responses.csv, line 6, column 1 (candidate_id): candidate 'c2' already appears on line 3"),
    (RESPONSES.replace("c4,A,C,C,D", "c4,A,C,C"), KEY, None,
     "responses.csv, line 5, column 5 (Q4): 4 fields, but the header has 5"),
    (RESPONSES.replace("c4,A,C,C,D", "c4,A,C,C,D,A"), KEY, None,
     "responses.csv, line 5, column 6: 6 fields, but the header has 5"),
    (RESPONSES.replace("c3,B,b", "c3,B,?"), KEY, None,
     "responses.csv, line 4, column 3 (Q2): unknown option label '?'"),
    (RESPONSES, KEY, "candidate_id,group\nc1,men\n",
     "groups.csv, line 2, column 2 (group): unknown group 'men'; use reference or focal"),
    (RESPONSES, KEY, "candidate_id,group\nc1,focal\nzz,focal\n",
     "groups.csv, line 3, column 1 (candidate_id): candidate 'zz' is not in the responses"),
    ("", KEY, None, "responses.csv, line 1: the file is empty"),
    (RESPONSES, "item,answer\n", None, "key.csv, line 1: the header has no 'item_id' column"),
])
def test_bad_input_is_refused_with_where_and_exit_code_2(tmp_path, responses, key, groups, message):
    result = run(tmp_path, responses=responses, key=key, groups=groups)

    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(
        item_analysis_command, [str(tmp_path / "nowhere.csv"), "--key", str(tmp_path / "key.csv")])

    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_flask_knows_the_command(app, tmp_path):
    (tmp_path / "responses.csv").write_text(RESPONSES)
    (tmp_path / "key.csv").write_text(KEY)

    result = app.test_cli_runner().invoke(
        args=["item-analysis", str(tmp_path / "responses.csv"), "--key", str(tmp_path / "key.csv")])

    assert result.exit_code == 0 and json.loads(result.output)["n_items"] == 4


def test_python_m_runs_the_same_command_without_the_web_application(app, tmp_path):
    (tmp_path / "responses.csv").write_text(RESPONSES)
    (tmp_path / "key.csv").write_text(KEY)
    (tmp_path / "groups.csv").write_text("candidate_id,group\nc1,reference\nc2,focal\nc3,reference\nc4,focal\n")
    arguments = [str(tmp_path / "responses.csv"), "--key", str(tmp_path / "key.csv"), "--irt", "rasch",
                 "--group", str(tmp_path / "groups.csv")]

    through_flask = app.test_cli_runner().invoke(args=["item-analysis", *arguments])
    light = subprocess.run([sys.executable, "-X", "importtime", "-m", "analysis.cli", *arguments],
                           cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)

    assert light.returncode == 0 and light.stdout == through_flask.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in light.stderr.splitlines() if line.startswith("import time")}
    assert "numpy" in imported and not imported & {"app", "flask", "flask_sqlalchemy", "sqlalchemy", "extensions"}


@pytest.mark.parametrize("command", ["item-analysis", "equate"])
def test_the_flask_command_runs_without_building_the_web_application(app, tmp_path, command):
    """FLASK_APP names an application that cannot be imported: the command
    still runs, so `flask` found it as a plugin (pyproject.toml's entry points,
    installed by make) and never built the app."""
    (tmp_path / "responses.csv").write_text(RESPONSES)
    (tmp_path / "key.csv").write_text(KEY)
    files = [str(tmp_path / "responses.csv"), "--key", str(tmp_path / "key.csv")]
    arguments = files if command == "item-analysis" else [
        files[0], files[0], "--key-x", files[2], "--key-y", files[2], "--method", "mean"]

    through_flask = app.test_cli_runner().invoke(args=[command, *arguments])
    plugin = subprocess.run([str(Path(sys.executable).parent / "flask"), command, *arguments], cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin", "FLASK_APP": "no_such_application:create_app"},
                            capture_output=True, text=True, timeout=60)

    assert plugin.returncode == 0, plugin.stderr
    assert plugin.stdout == through_flask.stdout


def test_python_m_refuses_bad_input_as_flask_does(tmp_path):
    (tmp_path / "responses.csv").write_text(RESPONSES.replace("c3,B,b", "c3,B,?"))
    (tmp_path / "key.csv").write_text(KEY)

    light = subprocess.run([sys.executable, "-m", "analysis.cli", str(tmp_path / "responses.csv"), "--key",
                            str(tmp_path / "key.csv")], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                           text=True, timeout=60)

    assert light.returncode == 2 and light.stdout == ""
    assert "responses.csv, line 4, column 3 (Q2): unknown option label '?'" in light.stderr
