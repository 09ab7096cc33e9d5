"""Reading RESPONSES.csv: the raw byte reader agrees with Python's csv module
on every file, down to the sentence that refuses it, and the files it leaves
to the csv module (quotes, lone carriage returns, text not UTF-8) are read
the same way as before."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import csv_input
from psychometrics import OMITTED

CELLS = ["A", "b", "D", "", "", " ", " c ", "\t", "z", "?", "AB", "é", "1", "\x00"]
CANDIDATES = ["c1", "c2", "c3", " c4 ", "", "é5", "c1"]


def read_both(tmp_path, text):
    """(what the raw reader gives, what the csv module's reader gives): Responses or the refusal's sentence."""
    path = tmp_path / "responses.csv"
    path.write_bytes(text.encode("utf-8"))
    results = []
    for read in (lambda: csv_input._read_responses_raw(path, path.read_bytes().removeprefix(csv_input.BOM)),
                 lambda: csv_input._read_responses_with_csv(path)):
        try:
            responses = read()
        except csv_input.InputError as error:
            results.append(str(error))
        else:
            results.append((responses.candidate_ids, responses.item_ids, responses.choices.tolist(),
                            responses.choices.dtype, responses.n_options))
    return results


@st.composite
def response_files(draw):
    n_items = draw(st.integers(1, 4))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["candidate_id," + ",".join(f"Q{item}" for item in range(1, n_items + 1))]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 5)) == 0:
            lines.append("")  # a blank line, skipped but counted
            continue
        width = n_items if draw(st.integers(0, 6)) else draw(st.integers(0, n_items + 2))
        cells = draw(st.lists(st.sampled_from(CELLS), min_size=width, max_size=width))
        lines.append(",".join([draw(st.sampled_from(CANDIDATES)), *cells]))
    text = newline.join(lines)
    return text + (newline if draw(st.booleans()) else "")


@settings(max_examples=300, deadline=None)
@given(text=response_files())
def test_the_raw_reader_agrees_with_the_csv_module(tmp_path_factory, text):
    raw, with_csv = read_both(tmp_path_factory.mktemp("responses"), text)

    assert raw == with_csv


@pytest.mark.parametrize("text, message", [
    ("candidate_id,Q1,Q2\nc1,A,B\nc2,A\n", "responses.csv, line 3, column 3 (Q2): 2 fields, but the header has 3"),
    ("candidate_id,Q1\n\nc1,A\n\nc1,B\n", "responses.csv, line 5, column 1 (candidate_id): candidate 'c1' already "
                                          "appears on line 3"),
    ("candidate_id,Q1,Q2\r\nc1,A,B\r\nc2, x? ,B\r\n", "responses.csv, line 3, column 2 (Q1): unknown option label "
                                                       "'x?'"),
    ("candidate_id,Q1\n", "responses.csv, line 2: no candidates after the header"),
    ("\n\n", "responses.csv, line 1: the file is empty"),
    ("Q1,candidate_id\nA,c1\n", "responses.csv, line 1, column 1 (Q1): the first column must be candidate_id"),
])
def test_both_readers_refuse_with_the_same_sentence(tmp_path, text, message):
    raw, with_csv = read_both(tmp_path, text)

    assert raw == with_csv and raw.startswith(message)


def test_a_plain_export_is_read_from_its_bytes(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(csv_input.BOM + b"candidate_id,Q1,Q2,Q3\r\nc1,A,b,\r\n\r\nc2, c ,,D\r\nc3,,A,B")

    responses = csv_input.read_responses(path)

    assert responses.candidate_ids == ["c1", "c2", "c3"] and responses.item_ids == ["Q1", "Q2", "Q3"]
    assert responses.choices.tolist() == [[0, 1, OMITTED], [2, OMITTED, 3], [OMITTED, 0, 1]]
    assert responses.n_options == 4


@pytest.mark.parametrize("data, expected", [
    (b'candidate_id,Q1\n"c,1",A\n', (["c,1"], [[0]])),  # quoted: the csv module
    (b"candidate_id,Q1\rc1,B\r", (["c1"], [[1]])),  # old Mac line ends: the csv module
])
def test_files_with_quotes_or_lone_carriage_returns_are_read_by_the_csv_module(tmp_path, data, expected):
    path = tmp_path / "responses.csv"
    path.write_bytes(data)

    responses = csv_input.read_responses(path)

    assert (responses.candidate_ids, responses.choices.tolist()) == expected


def test_text_that_is_not_utf_8_is_refused(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(b"candidate_id,Q1\nc1,A\nc\xe92,B\n")

    with pytest.raises(csv_input.InputError, match=r"^responses.csv, line \d+: not UTF-8 text$"):
        csv_input.read_responses(path)


def test_every_one_byte_cell_reads_as_its_stripped_text_does():
    for byte in range(128):
        text = chr(byte).strip().upper()
        if not text:
            expected = OMITTED
        elif text in csv_input.LETTERS:
            expected = csv_input.LETTERS.index(text)
        else:
            expected = csv_input.UNKNOWN

        assert csv_input.BYTE_CODES[byte] == expected, repr(chr(byte))


def test_a_large_file_is_read_in_slices_to_the_same_matrix(tmp_path, monkeypatch):
    rng = np.random.default_rng(7)
    choices = rng.integers(-1, 4, (300, 5))
    lines = ["candidate_id,Q1,Q2,Q3,Q4,Q5"] + [
        f"p{row}," + ",".join("" if code < 0 else "ABCD"[code] for code in codes) for row, codes in enumerate(choices)]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(csv_input, "CHUNK_BYTES", 64)  # a few lines per slice

    responses = csv_input.read_responses(path)

    assert responses.choices.tolist() == choices.tolist()
    assert responses.candidate_ids == [f"p{row}" for row in range(300)]
