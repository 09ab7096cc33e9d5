"""Stored item statistics of a form's submitted attempts, checked against a
hand computation, and the exports read back in `flask item-analysis` formats."""

import csv
import io
import json

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from analysis import csv_input, exports
from analysis import item_statistics as item_statistics_module
from analysis.cli import item_analysis_command
from analysis.item_statistics import AnalysisRefused, compute, form_analysis, item_statistics
from analysis.models import FormAnalysis, ItemStatistic
from psychometrics import OMITTED
from psychometrics.scoring import score
from results import rescoring
from results.matrices import form_matrix
from results.rules import current_rules
from tests.exam_fixtures import BY, T0
from tests.results.test_rescoring import keys_of, proposal, sitter, sr_items

pytestmark = pytest.mark.built_once

# One mark per selected-response question in form order (see sitter): question 1
# everyone gets right; question 3 one candidate omits.
ANSWERS = {"c1": "++D", "c2": "++D", "c3": "+D+", "c4": "+D-", "c5": "+++"}
SCORED = {"c1": [1, 1, 0], "c2": [1, 1, 0], "c3": [1, 0, 1], "c4": [1, 0, 0], "c5": [1, 1, 1]}


@pytest.fixture
def sit(create_user, db):
    return sitter(create_user, db)


@pytest.fixture
def sat(exam_session, sit):
    """The five candidates of ANSWERS, submitted; name -> attempt."""
    return {name: sit(exam_session, answers, name=name, email=f"{name}@example.org")
            for name, answers in ANSWERS.items()}


def test_statistics_need_two_submitted_attempts(exam_session, sit, start_attempt, db):
    sit(exam_session, "+++")
    start_attempt()  # sitting, not submitted: not counted

    with pytest.raises(AnalysisRefused) as refusal:
        compute(exam_session.form, T0, BY)

    assert str(refusal.value) == "EXAM-T has 1 submitted attempt(s); item statistics need at least 2"
    assert db.session.scalar(select(func.count()).select_from(ItemStatistic)) == 0
    assert form_analysis(exam_session.form) is None


def test_statistics_match_a_hand_computation(exam_session, sat, start_attempt, db):
    form = exam_session.form
    start_attempt()  # in progress: left out

    compute(form, T0, BY)
    db.session.commit()
    db.session.expire_all()

    statistics = item_statistics(form)
    items = sr_items(form)
    assert [(s.position, s.form_item_id, s.item_version_id) for s in statistics] == [
        (position, form_item.id, form_item.item_version_id) for position, form_item in enumerate(items, start=1)]
    columns = list(zip(*SCORED.values()))
    assert [s.p for s in statistics] == pytest.approx([sum(column) / 5 for column in columns])  # 1.0, 0.6, 0.4
    assert [form_item.item_version.difficulty for form_item in items] == [s.p for s in statistics]
    assert [s.n for s in statistics] == [5, 5, 5]
    assert [s.omit_rate for s in statistics] == pytest.approx([0, 0, 0.2])
    constant = statistics[0]
    assert constant.p == 1.0 and constant.r_pbis is None and constant.r_pbis_total is None
    totals = [sum(row) for row in SCORED.values()]
    rest = [total - item for total, item in zip(totals, columns[2])]
    assert statistics[2].r_pbis == pytest.approx(float(np.corrcoef(columns[2], rest)[0, 1]))
    assert statistics[2].r_pbis < 0
    chose_d = [1, 1, 0, 0, 0]  # c1 and c2
    # The groups hold 27% of 5, 1.35: upper c5 (3) and lower c4 (1) whole, and c1, c2, c3, tied at 2,
    # share the 0.35 left of each: D's share of either group is 2 * 0.35 / 3 / 1.35.
    assert statistics[2].options["D"] == {
        "proportion": pytest.approx(0.4), "upper": pytest.approx(0.7 / 3 / 1.35),
        "lower": pytest.approx(0.7 / 3 / 1.35), "keyed": False,
        "r_pbis": pytest.approx(float(np.corrcoef(chose_d, rest)[0, 1]))}

    analysis = form_analysis(form)
    assert analysis.n_candidates == 5 and analysis.revision_number == 0
    assert analysis.summary["histogram"] == [0, 1, 3, 1] and sum(analysis.summary["histogram"]) == 5
    assert analysis.summary["test"]["mean"] == pytest.approx(2.0)
    assert analysis.summary["irt"] == {"skipped": "IRT needs at least 100 candidates; this form has 5."}
    assert all(s.irt_a is None and s.irt_b is None for s in statistics)
    # Stored as JSON null, never NaN, in the options and trace lines too.
    assert "NaN" not in json.dumps([s.options for s in statistics] + [s.details for s in statistics])


def test_a_dropped_item_is_left_out_of_the_statistics(exam_session, sat, db):
    form = exam_session.form
    compute(form, T0, BY)
    rescoring.rescore(form, rescoring.propose(form, proposal(form, q3=([keys_of(form)[2]], 1.0, True)), 80),
                      "Question 3 is out of date.", T0, BY)

    compute(form, T0, BY)
    db.session.commit()

    statistics = item_statistics(form)
    assert [s.form_item_id for s in statistics] == [form_item.id for form_item in sr_items(form)[:2]]
    assert db.session.scalar(select(func.count()).select_from(ItemStatistic)) == 2
    analysis = db.session.scalars(select(FormAnalysis)).one()
    assert analysis.revision_number == 1 and analysis.summary["test"]["n_items"] == 2
    assert analysis.summary["histogram"] == [0, 2, 3]  # totals of questions 1 and 2: 2, 2, 1, 1, 2


def read_csv(body):
    return list(csv.reader(io.StringIO(body)))


def test_exports_read_back_as_flask_item_analysis_input(exam_session, sat, db, tmp_path):
    form = exam_session.form
    key = keys_of(form)[2]
    rescoring.rescore(form, rescoring.propose(form, proposal(form, q3=([key, "D"], 1.0, False)), 80),
                      "D is also right.", T0, BY)
    compute(form, T0, BY)
    db.session.commit()
    matrix = form_matrix(form, current_rules(form)).kept()
    identifiers = [form_item.item_version.item.identifier for form_item in sr_items(form)]

    (tmp_path / "raw.csv").write_text(exports.raw_csv(matrix))
    (tmp_path / "key.csv").write_text(exports.key_csv(matrix))
    responses = csv_input.read_responses(tmp_path / "raw.csv")
    key_file = csv_input.read_key(tmp_path / "key.csv", responses)

    assert responses.candidate_ids == [f"{name}@example.org" for name in ANSWERS]
    assert responses.item_ids == identifiers
    letters = {name: [keys_of(form)[i] if mark == "+" else mark for i, mark in enumerate(answers)]
               for name, answers in ANSWERS.items()}
    expected = [["ABCD".index(letter) if letter != "-" else OMITTED for letter in row] for row in letters.values()]
    assert responses.choices.tolist() == matrix.choices.tolist() == expected
    assert key_file.keys.tolist() == matrix.keys.tolist()
    assert [list(np.flatnonzero(row)) for row in key_file.keys] == [["ABCD".index(k)] for k in keys_of(form)[:2]] + [
        sorted(["ABCD".index(key), 3])]
    assert key_file.domains == ["TF", "TF", "TF"]
    assert read_csv(exports.key_csv(matrix))[3] == [identifiers[2], "|".join(sorted([key, "D"])), "TF"]

    report = CliRunner().invoke(item_analysis_command,
                                [str(tmp_path / "raw.csv"), "--key", str(tmp_path / "key.csv")])
    assert report.exit_code == 0, report.output
    stored = {s.item_version.item.identifier: s.p for s in item_statistics(form)}
    assert {item["item_id"]: item["p"] for item in json.loads(report.stdout)["items"]} == pytest.approx(stored)
    assert stored[identifiers[2]] == pytest.approx(0.8)  # c1, c2 (D), c3 and c5


def test_the_scored_export_has_zero_one_cells(exam_session, sat):
    form = exam_session.form
    matrix = form_matrix(form, current_rules(form)).kept()

    rows = read_csv(exports.scored_csv(matrix, score(matrix.choices, matrix.keys)))

    assert rows[0] == ["candidate_id", *[f.item_version.item.identifier for f in sr_items(form)]]
    assert {cell for row in rows[1:] for cell in row[1:]} == {"0", "1"}
    assert {row[0].split("@")[0]: [int(cell) for cell in row[1:]] for row in rows[1:]} == SCORED


def test_statistics_csv_keeps_negative_numbers_and_guards_formula_text(exam_session, sat, sit):
    form = exam_session.form
    sit(exam_session, "++-", name="Mallory", email="=1+2@example.org")
    matrix = form_matrix(form, current_rules(form)).kept()

    rows = read_csv(exports.statistics_csv(exports.statistics_report(matrix, min_irt_candidates=2)))
    raw = read_csv(exports.raw_csv(matrix))

    header = rows[0]
    r_pbis = [row[header.index("r_pbis")] for row in rows[1:]]
    assert r_pbis[0] == ""  # question 1 is constant: undefined, an empty cell
    assert float(r_pbis[2]) < 0 and r_pbis[2].startswith("-")  # a plain number, no apostrophe
    assert all(not cell.startswith("'") for row in rows[1:] for cell in row)
    assert [row[0] for row in raw[1:]][-1] == "'=1+2@example.org"


def test_a_2pl_the_answers_cannot_carry_is_skipped_with_its_reason(exam_session, sat, db, monkeypatch):
    monkeypatch.setattr(item_statistics_module, "MIN_IRT_CANDIDATES", 5)
    form = exam_session.form

    compute(form, T0, BY)

    # Five candidates: no question has five right answers and five misses, so none can be placed.
    assert form_analysis(form).summary["irt"] == {
        "skipped": "The 2PL was refused: the 2pl needs at least 3 items the data can place; there are 0."}
    assert all(s.irt_a is None and "irt" not in s.details for s in item_statistics(form))


def test_the_statistics_csv_leaves_the_irt_cells_of_a_refused_calibration_empty(exam_session, sat):
    matrix = form_matrix(exam_session.form, current_rules(exam_session.form)).kept()

    rows = read_csv(exports.statistics_csv(exports.statistics_report(matrix, min_irt_candidates=2)))

    header = rows[0]
    assert {row[header.index(name)] for row in rows[1:] for name in ("irt_a", "irt_b", "irt_se_a", "irt_se_b")} == {""}
