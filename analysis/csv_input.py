"""Reading exported responses, keys and groups from CSV into the matrices of
`psychometrics/`, refusing bad input with its file, line and column.

RESPONSES.csv  `candidate_id,ITEM1,ITEM2,...`; each cell the chosen option's
               letter (A, B, C, ...) or empty for omitted.
KEY.csv        `item_id,key[,domain]`; several keys as `A|C`.
GROUPS.csv     `candidate_id,group` with `reference` or `focal`.

Letters are read case-insensitively. The options in use are A up to the
highest letter any candidate chose; a key outside them is refused.
"""

import csv
import io
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from psychometrics import OMITTED

LETTERS = string.ascii_uppercase


class InputError(Exception):
    """Bad input, located: `str()` reads "FILE, line N, column C (NAME): what is wrong"."""

    def __init__(self, file, line, message, column=None, column_name=None):
        self.file, self.line, self.column, self.column_name = Path(file).name, line, column, column_name
        self.message = message
        where = f"{self.file}, line {line}"
        if column is not None:
            where += f", column {column}" + (f" ({column_name})" if column_name else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Responses:
    candidate_ids: list
    item_ids: list
    choices: np.ndarray  # persons x items, int8 option codes, OMITTED where empty
    n_options: int  # A up to the highest letter chosen


@dataclass(frozen=True)
class Key:
    keys: np.ndarray  # items x options booleans, in the responses' column order
    domains: list  # per item, or None where KEY.csv has no domain


def _rows(path):
    """(line number, fields) for each non-blank record; a BOM is ignored."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        yield from _records(file, path)


def _records(lines, path):
    reader = csv.reader(lines)
    try:
        for fields in reader:
            if fields:
                yield reader.line_num, fields
    except csv.Error as error:
        raise InputError(path, reader.line_num, f"not readable as CSV ({error})") from None
    except UnicodeDecodeError:
        raise InputError(path, reader.line_num + 1, "not UTF-8 text") from None


def _header(path, rows, required):
    try:
        line, header = next(rows)
    except StopIteration:
        raise InputError(path, 1, f"the file is empty; the header must be {','.join(required)}") from None
    names = [name.strip() for name in header]
    for name in required:
        if name not in names:
            raise InputError(path, line, f"the header has no {name!r} column; it must be {','.join(required)}")
    for position, name in enumerate(names, start=1):
        if names.index(name) != position - 1:
            raise InputError(path, line, f"the column {name!r} appears twice", position, name)
    return line, names


def _check_width(path, line, fields, names):
    if len(fields) != len(names):
        column = min(len(fields), len(names)) + 1
        raise InputError(path, line, f"{len(fields)} fields, but the header has {len(names)}", column,
                         names[column - 1] if column <= len(names) else None)


def read_responses(path):
    rows = _rows(path)
    header_line, names = _header(path, rows, ["candidate_id"])
    if names[0] != "candidate_id":
        raise InputError(path, header_line, "the first column must be candidate_id", 1, names[0])
    item_ids = names[1:]
    for column, item_id in enumerate(item_ids, start=2):
        if not item_id:
            raise InputError(path, header_line, "an item column has no name", column)
    if not item_ids:
        raise InputError(path, header_line, "no item columns after candidate_id")
    lines, candidate_ids, cells, first_line = [], [], [], {}
    for line, fields in rows:
        _check_width(path, line, fields, names)
        candidate = fields[0].strip()
        if not candidate:
            raise InputError(path, line, "the candidate_id is empty", 1, "candidate_id")
        if candidate in first_line:
            raise InputError(path, line, f"candidate {candidate!r} already appears on line {first_line[candidate]}",
                             1, "candidate_id")
        first_line[candidate] = line
        lines.append(line)
        candidate_ids.append(candidate)
        cells.append(fields[1:])
    if not candidate_ids:
        raise InputError(path, header_line + 1, "no candidates after the header")
    choices = _option_codes(path, np.array(cells, dtype=str), lines, item_ids)
    return Responses(candidate_ids, item_ids, choices, int(choices.max()) + 1 if (choices >= 0).any() else 1)


def _option_codes(path, cells, lines, item_ids):
    """Letters to codes over the distinct cell values only, so a large file is
    checked at numpy speed."""
    values, inverse = np.unique(np.char.upper(np.char.strip(cells)), return_inverse=True)
    codes = np.empty(len(values), dtype=np.int8)
    bad = []
    for index, value in enumerate(values.tolist()):
        if value == "":
            codes[index] = OMITTED
        elif len(value) == 1 and value in LETTERS:
            codes[index] = LETTERS.index(value)
        else:
            bad.append(index)
    inverse = inverse.reshape(cells.shape)
    if bad:
        row, column = np.argwhere(np.isin(inverse, bad))[0]
        raise InputError(path, lines[row], f"unknown option label {cells[row, column].strip()!r}; "
                         "use a letter A-Z, or leave the cell empty for an omitted response",
                         column + 2, item_ids[column])
    return codes[inverse]


def _labels(path, line, text, n_options, column, name):
    labels = [label.strip().upper() for label in text.split("|")]
    if not text.strip():
        raise InputError(path, line, "the key is empty; give the keyed option's letter, or several as A|C",
                         column, name)
    for label in labels:
        if len(label) != 1 or label not in LETTERS:
            raise InputError(path, line, f"unknown key label {label!r}; keys are option letters, several as A|C",
                             column, name)
        if LETTERS.index(label) >= n_options:
            raise InputError(path, line, f"unknown key label {label!r}: the responses use options "
                             f"A-{LETTERS[n_options - 1]} only", column, name)
    return [LETTERS.index(label) for label in labels]


def read_key(path, responses, responses_path="RESPONSES.csv"):
    rows = _rows(path)
    header_line, names = _header(path, rows, ["item_id", "key"])
    item_column, key_column = names.index("item_id"), names.index("key")
    domain_column = names.index("domain") if "domain" in names else None
    position = {item_id: index for index, item_id in enumerate(responses.item_ids)}
    keys = np.zeros((len(responses.item_ids), responses.n_options), dtype=bool)
    domains = [None] * len(responses.item_ids)
    first_line = {}
    for line, fields in rows:
        _check_width(path, line, fields, names)
        item_id = fields[item_column].strip()
        if item_id not in position:
            raise InputError(path, line, f"item {item_id!r} is not a column of {Path(responses_path).name}",
                             item_column + 1, "item_id")
        if item_id in first_line:
            raise InputError(path, line, f"item {item_id!r} already has a key on line {first_line[item_id]}",
                             item_column + 1, "item_id")
        first_line[item_id] = line
        index = position[item_id]
        keys[index, _labels(path, line, fields[key_column], responses.n_options, key_column + 1, "key")] = True
        if domain_column is not None:
            domains[index] = fields[domain_column].strip() or None
    for index, item_id in enumerate(responses.item_ids):
        if item_id not in first_line:
            raise InputError(responses_path, 1, f"item {item_id!r} has no key in {Path(path).name}", index + 2,
                             item_id)
    return Key(keys, domains)


def read_groups(path, responses, text=None):
    """Boolean masks (reference, focal) over the responses' candidates; a
    candidate not listed is in neither group. With `text`, it is read instead
    of the file, and `path` only names it in messages (an upload)."""
    rows = _rows(path) if text is None else _records(io.StringIO(text, newline=""), path)
    _, names = _header(path, rows, ["candidate_id", "group"])
    id_column, group_column = names.index("candidate_id"), names.index("group")
    position = {candidate: index for index, candidate in enumerate(responses.candidate_ids)}
    reference = np.zeros(len(position), dtype=bool)
    focal = np.zeros(len(position), dtype=bool)
    first_line = {}
    for line, fields in rows:
        _check_width(path, line, fields, names)
        candidate = fields[id_column].strip()
        if candidate not in position:
            raise InputError(path, line, f"candidate {candidate!r} is not in the responses", id_column + 1,
                             "candidate_id")
        if candidate in first_line:
            raise InputError(path, line, f"candidate {candidate!r} already appears on line {first_line[candidate]}",
                             id_column + 1, "candidate_id")
        first_line[candidate] = line
        group = fields[group_column].strip().lower()
        if group not in ("reference", "focal"):
            raise InputError(path, line, f"unknown group {fields[group_column].strip()!r}; use reference or focal",
                             group_column + 1, "group")
        (reference if group == "reference" else focal)[position[candidate]] = True
    if not first_line:
        raise InputError(path, 2, "no candidates after the header")
    return reference, focal
