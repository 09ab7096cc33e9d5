"""Reading exported responses, keys and groups from CSV into the matrices of
`psychometrics/`, refusing bad input with its file, line and column.

RESPONSES.csv  `candidate_id,ITEM1,ITEM2,...`; each cell the chosen option's
               letter (A, B, C, ...) or empty for omitted.
KEY.csv        `item_id,key[,domain]`; several keys as `A|C`.
GROUPS.csv     `candidate_id,group` with `reference` or `focal`.

Letters are read case-insensitively. The options in use are A up to the
highest letter any candidate chose; a key outside them is refused.

RESPONSES.csv is read as bytes when it has no quotes (as exports have not):
numpy finds the line ends and commas on the raw buffer and maps each one-byte
cell through a 256-entry table, so 100,000 x 150 cells are read in a fraction
of a second. A file with quotes, lone carriage returns or text that is not
UTF-8 takes Python's csv module; both ways refuse the same input with the
same sentences.
"""

import csv
import io
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from psychometrics import OMITTED

LETTERS = string.ascii_uppercase
UNKNOWN = np.iinfo(np.int8).min  # a cell that is neither a letter nor empty, refused once every row is read
BOM = b"\xef\xbb\xbf"
NEWLINE, RETURN, COMMA = b"\n"[0], b"\r"[0], b","[0]
CHUNK_BYTES = 1 << 20  # the raw file is split into fields this many bytes at a time, so the positions stay small


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


def file_records(path):
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


def _check_width(path, line, n_fields, names):
    if n_fields != len(names):
        column = min(n_fields, len(names)) + 1
        raise InputError(path, line, f"{n_fields} fields, but the header has {len(names)}", column,
                         names[column - 1] if column <= len(names) else None)


def read_responses(path):
    data = Path(path).read_bytes().removeprefix(BOM)
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n") or not _utf_8(data):
        return _read_responses_with_csv(path)
    return _read_responses_raw(path, data)


def _utf_8(data):
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _item_ids(path, header_line, names):
    if names[0] != "candidate_id":
        raise InputError(path, header_line, "the first column must be candidate_id", 1, names[0])
    item_ids = names[1:]
    for column, item_id in enumerate(item_ids, start=2):
        if not item_id:
            raise InputError(path, header_line, "an item column has no name", column)
    if not item_ids:
        raise InputError(path, header_line, "no item columns after candidate_id")
    return item_ids


def _candidates(path, records, names, header_line):
    """Each record's line and candidate_id, refusing a ragged row or a missing or
    repeated candidate_id at the first line that has one; `records` gives
    (line, how many fields, the first field)."""
    lines, candidate_ids, first_line = [], [], {}
    for line, n_fields, first in records:
        _check_width(path, line, n_fields, names)
        candidate = first.strip()
        if not candidate:
            raise InputError(path, line, "the candidate_id is empty", 1, "candidate_id")
        if candidate in first_line:
            raise InputError(path, line, f"candidate {candidate!r} already appears on line {first_line[candidate]}",
                             1, "candidate_id")
        first_line[candidate] = line
        lines.append(line)
        candidate_ids.append(candidate)
    if not candidate_ids:
        raise InputError(path, header_line + 1, "no candidates after the header")
    return lines, candidate_ids


def _label_code(text):
    """A cell's option code: a letter's, OMITTED when empty, UNKNOWN otherwise."""
    label = text.strip().upper()
    if not label:
        return OMITTED
    return LETTERS.index(label) if len(label) == 1 and label in LETTERS else UNKNOWN


def _responses(path, candidate_ids, item_ids, codes, lines, cell_text):
    """The Responses, once no cell is UNKNOWN; `cell_text(row, column)` is the cell as written."""
    unknown = codes == UNKNOWN
    if unknown.any():
        row, column = divmod(int(np.argmax(unknown)), codes.shape[1])
        raise InputError(path, lines[row], f"unknown option label {cell_text(row, column).strip()!r}; "
                         "use a letter A-Z, or leave the cell empty for an omitted response",
                         column + 2, item_ids[column])
    return Responses(candidate_ids, item_ids, codes, int(codes.max()) + 1 if (codes >= 0).any() else 1)


def _read_responses_with_csv(path):
    rows = file_records(path)
    header_line, names = _header(path, rows, ["candidate_id"])
    item_ids = _item_ids(path, header_line, names)
    cells = []

    def records():
        for line, fields in rows:
            yield line, len(fields), fields[0]
            cells.append(fields[1:])

    lines, candidate_ids = _candidates(path, records(), names, header_line)
    code = {}  # per distinct cell text: a file has few
    codes = np.array([[code[cell] if cell in code else code.setdefault(cell, _label_code(cell)) for cell in row]
                      for row in cells], dtype=np.int8)
    return _responses(path, candidate_ids, item_ids, codes, lines, lambda row, column: cells[row][column])


def _byte_codes():
    """The option code of every one-byte cell: letters either case, and a lone
    blank (empty once stripped) omitted."""
    table = np.full(256, UNKNOWN, dtype=np.int8)
    for byte in range(128):
        table[byte] = _label_code(chr(byte))
    return table


BYTE_CODES = _byte_codes()


@dataclass(frozen=True)
class _Lines:
    """The non-blank lines of a raw file: where each starts and ends (before its
    line break) and its number, counting blank lines as csv does."""

    starts: np.ndarray
    ends: np.ndarray
    numbers: np.ndarray

    @classmethod
    def of(cls, buffer):
        ends = np.flatnonzero(buffer == NEWLINE)
        if buffer.size and (not ends.size or ends[-1] != buffer.size - 1):
            ends = np.append(ends, buffer.size)  # a last line without a line break
        starts = np.append(0, ends[:-1] + 1)[:ends.size]
        ends = ends - ((ends > starts) & (buffer[ends - 1] == RETURN))  # a CR before the LF ends the line too
        kept = ends > starts
        return cls(starts[kept], ends[kept], np.flatnonzero(kept) + 1)


def _read_responses_raw(path, data):
    buffer = np.frombuffer(data, dtype=np.uint8)
    lines = _Lines.of(buffer)
    header = [] if not lines.numbers.size else [
        (int(lines.numbers[0]), data[lines.starts[0]:lines.ends[0]].decode("utf-8").split(","))]
    header_line, names = _header(path, iter(header), ["candidate_id"])
    item_ids = _item_ids(path, header_line, names)
    body = _Lines(lines.starts[1:], lines.ends[1:], lines.numbers[1:])
    n_fields, firsts, codes = _split(data, buffer, body, len(item_ids))
    firsts = _texts(data, body.starts, firsts)
    numbers, candidate_ids = body.numbers.tolist(), [first.strip() for first in firsts]
    if not (candidate_ids and (n_fields == len(names)).all() and all(candidate_ids)
            and len(set(candidate_ids)) == len(candidate_ids)):
        _candidates(path, zip(numbers, n_fields.tolist(), firsts), names, header_line)  # says where

    def cell_text(row, column):
        return data[body.starts[row]:body.ends[row]].decode("utf-8").split(",")[column + 1]

    return _responses(path, candidate_ids, item_ids, codes, numbers, cell_text)


def _split(data, buffer, lines, n_items):
    """Per line, how many fields and where the first ends; and, when every line
    has 1 + n_items fields, the cells' option codes. A slice of lines at a time,
    so that the positions of its commas stay small."""
    n = lines.starts.size
    n_fields, firsts = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    codes = np.empty((n, n_items), dtype=np.int8)
    regular = True
    step = max(1, CHUNK_BYTES * n // max(int(lines.ends[-1] - lines.starts[0]), 1)) if n else 1
    for first in range(0, n, step):
        rows = slice(first, first + step)
        starts, ends = lines.starts[rows], lines.ends[rows]
        commas = np.flatnonzero(buffer[starts[0]:ends[-1]] == COMMA) + starts[0]
        before = np.searchsorted(commas, starts)
        n_fields[rows] = np.searchsorted(commas, ends) - before + 1
        first_comma = commas[np.minimum(before, commas.size - 1)] if commas.size else ends
        firsts[rows] = np.where(n_fields[rows] > 1, first_comma, ends)
        regular = regular and bool((n_fields[rows] == n_items + 1).all())
        if regular:
            codes[rows] = _cell_codes(data, buffer, commas.reshape(-1, n_items), ends)
    return n_fields, firsts, codes


def _cell_codes(data, buffer, commas, ends):
    """The option codes of the cells after each line's first comma: a one-byte
    cell through the table, an empty one omitted, a longer one (a letter with
    blanks around it, say) read as text once per distinct value."""
    width = np.diff(np.concatenate([commas, ends[:, None]], axis=1), axis=1) - 1
    codes = BYTE_CODES[buffer.take(commas + 1, mode="clip")]  # clipped: an empty last cell at the file's end
    codes[width == 0] = OMITTED
    code = {}
    for index in np.flatnonzero(width > 1).tolist():
        start = int(commas.flat[index]) + 1
        text = data[start:start + int(width.flat[index])]
        codes.flat[index] = code[text] if text in code else code.setdefault(text, _label_code(text.decode("utf-8")))
    return codes


def _texts(data, starts, ends):
    """The text between each start and end, decoded at once."""
    return b"\n".join(data[start:end] for start, end in zip(starts.tolist(), ends.tolist())).decode(
        "utf-8").split("\n")


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
    rows = file_records(path)
    header_line, names = _header(path, rows, ["item_id", "key"])
    item_column, key_column = names.index("item_id"), names.index("key")
    domain_column = names.index("domain") if "domain" in names else None
    position = {item_id: index for index, item_id in enumerate(responses.item_ids)}
    keys = np.zeros((len(responses.item_ids), responses.n_options), dtype=bool)
    domains = [None] * len(responses.item_ids)
    first_line = {}
    for line, fields in rows:
        _check_width(path, line, len(fields), names)
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
    rows = file_records(path) if text is None else _records(io.StringIO(text, newline=""), path)
    _, names = _header(path, rows, ["candidate_id", "group"])
    id_column, group_column = names.index("candidate_id"), names.index("group")
    position = {candidate: index for index, candidate in enumerate(responses.candidate_ids)}
    reference = np.zeros(len(position), dtype=bool)
    focal = np.zeros(len(position), dtype=bool)
    first_line = {}
    for line, fields in rows:
        _check_width(path, line, len(fields), names)
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
