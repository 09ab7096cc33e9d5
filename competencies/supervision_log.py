"""Importing a reflective supervision/consultation log from a CSV file, as
kept in a spreadsheet: every row is checked before anything is written, and
a file with any problem writes nothing and names each problem by line and
column.

The format (the template `TEMPLATE` is offered for download):
- UTF-8 text (Excel's "CSV UTF-8", with its byte order mark, is fine),
  comma-separated, with a header row naming the columns in any order;
- `date` (YYYY-MM-DD, not in the future), `hours` (more than 0, at most 8, a
  decimal point for parts of an hour), `supervisor` (the supervisor's or
  consultant's name) and `format` (individual or group) are required;
  `supervisor_email` and `notes` may be added;
- at most `MAX_ROWS` sessions and `MAX_BYTES` bytes; blank rows are skipped;
- a row that repeats a session already logged (or an earlier row), same
  date, supervisor and hours, is refused as a duplicate.
Peer supervision is not imported: it is logged one session at a time.
"""

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from datetime import date

from audit import log
from competencies.models import SupervisionEntry
from competencies.portfolio import check_editable
from extensions import db

MAX_BYTES = 256 * 1024
MAX_ROWS = 500
MAX_HOURS = 8
REQUIRED = ("date", "hours", "supervisor", "format")
OPTIONAL = ("supervisor_email", "notes")
FORMATS = ("individual", "group")
LENGTHS = {"supervisor": 120, "supervisor_email": 254, "notes": 1000}
TEMPLATE = ("date,hours,supervisor,format,supervisor_email,notes\r\n"
            "2026-01-15,1.5,Robin Reflective,individual,robin@example.org,Monthly session\r\n")


@dataclass(frozen=True)
class Problem:
    line: int  # the line of the file, the header being line 1; 0 for the file as a whole
    column: str  # the column's name, or "" for the whole row or file
    message: str

    def __str__(self):
        where = "the file" if not self.line else f"line {self.line}" + (f", column {self.column}" if self.column
                                                                        else "")
        return f"{where}: {self.message}"


class LogRefused(ValueError):
    """The file's problems, each naming its line and column; nothing was imported."""

    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Session:
    met_on: date
    hours: float
    provider_name: str
    format: str
    provider_email: str = ""
    notes: str = ""


def _key(met_on, provider_name, hours):
    return met_on, provider_name.strip().casefold(), round(hours, 2)


def _text(data):
    if len(data) > MAX_BYTES:
        raise LogRefused([Problem(0, "", f"is {math.ceil(len(data) / 1024)} KB; a log may be {MAX_BYTES // 1024} KB at most")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LogRefused([Problem(0, "", "is not UTF-8 text; save it as \"CSV UTF-8\"")]) from None


def _header(reader):
    header = [name.strip().casefold() for name in next(reader, [])]
    problems = [Problem(1, name, "is not a column of the log") for name in header
                if name not in REQUIRED + OPTIONAL]
    problems += [Problem(1, name, "is missing from the header row") for name in REQUIRED if name not in header]
    problems += [Problem(1, name, "appears twice in the header row") for name in set(header)
                 if header.count(name) > 1]
    if problems:
        raise LogRefused(problems)
    return header


def _date(value, today, problems, line):
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(line, "date", f"{value!r} is not a date written YYYY-MM-DD"))
        return None
    if day > today:
        problems.append(Problem(line, "date", f"{day.isoformat()} is in the future"))
        return None
    return day


def _hours(value, problems, line):
    try:
        hours = float(value)
    except ValueError:
        problems.append(Problem(line, "hours", f"{value!r} is not a number of hours"))
        return None
    if not 0 < hours <= MAX_HOURS:
        problems.append(Problem(line, "hours", f"{value} is not more than 0 and at most {MAX_HOURS}"))
        return None
    return hours


def _row(cells, line, today, problems):
    found = len(problems)
    for name in REQUIRED:
        if not cells.get(name):
            problems.append(Problem(line, name, "is empty"))
    for name, most in LENGTHS.items():
        if len(cells.get(name, "")) > most:
            problems.append(Problem(line, name, f"is longer than {most} characters"))
    day = _date(cells["date"], today, problems, line) if cells.get("date") else None
    hours = _hours(cells["hours"], problems, line) if cells.get("hours") else None
    kind = cells.get("format", "").casefold()
    if kind and kind not in FORMATS:
        problems.append(Problem(line, "format", f"{cells['format']!r} is not individual or group"))
    if len(problems) > found:
        return None
    return Session(day, hours, cells["supervisor"], kind, cells.get("supervisor_email", ""), cells.get("notes", ""))


def read(data, today, logged=()):
    """The sessions of the CSV file `data` (bytes), or LogRefused with every problem;
    `logged` holds the sessions already in the log, (date, supervisor, hours) each."""
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    try:
        header = _header(reader)
        seen = {_key(*session): "is already in your log" for session in logged}
        sessions, problems = [], []
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(sessions) + len(problems) >= MAX_ROWS:
                raise LogRefused([Problem(0, "", f"has more than {MAX_ROWS} sessions; import it in parts")])
            if len(values) > len(header):
                problems.append(Problem(line, "", f"has {len(values)} cells; the header names {len(header)}"))
                continue
            session = _row(dict(zip(header, (value.strip() for value in values))), line, today, problems)
            if session is None:
                continue
            key = _key(session.met_on, session.provider_name, session.hours)
            if key in seen:
                problems.append(Problem(line, "", f"repeats a session that {seen[key]} (same date, supervisor "
                                                  "and hours)"))
                continue
            seen[key] = f"is on line {line}"
            sessions.append(session)
    except csv.Error as error:
        raise LogRefused([Problem(reader.line_num, "", f"is not readable as CSV ({error})")]) from None
    if problems:
        raise LogRefused(problems)
    if not sessions:
        raise LogRefused([Problem(0, "", "has no sessions below its header row")])
    return sessions


def import_log(application, filename, data, by, today):
    """Add every session of the CSV file to the application's log, or none (LogRefused, PortfolioRefused)."""
    check_editable(application, SupervisionEntry)
    logged = [(entry.met_on, entry.provider_name, entry.hours) for entry in application.supervision]
    sessions = read(data, today, logged)
    entries = [SupervisionEntry(application=application, met_on=session.met_on, hours=session.hours,
                                format=session.format, provider_name=session.provider_name,
                                provider_email=session.provider_email, notes=session.notes, peer=False)
               for session in sessions]
    db.session.add_all(entries)
    db.session.flush()
    log.record("portfolio.import_supervision", by, application, filename=filename, sessions=len(entries),
               hours=sum(session.hours for session in sessions), sha256=hashlib.sha256(data).hexdigest(),
               entry_ids=[entry.id for entry in entries])
    return entries
