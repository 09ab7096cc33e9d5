"""A form's responses and statistics for staff who also use R or jMetrik.

The raw responses and the key are written in the formats `flask
item-analysis` reads (options as letters A, B, C, ... in authored order), so
an export can be analysed again from the command line; the statistics JSON
is that command's report.
"""

import csv
import io
import string

from analysis.report import item_analysis
from spreadsheet import cell

LETTERS = string.ascii_uppercase
STATISTIC_COLUMNS = ("p", "r_pbis", "r_pbis_total", "r_bis", "discrimination_index", "alpha_if_deleted",
                     "omit_rate")


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def _item_ids(matrix):
    return [form_item.item_version.item.identifier for form_item in matrix.form_items]


def raw_csv(matrix):
    rows = ([email] + [LETTERS[code] if code >= 0 else "" for code in codes]
            for (email, _), codes in zip(matrix.candidates, matrix.choices.tolist()))
    return _csv(["candidate_id", *_item_ids(matrix)], rows)


def scored_csv(matrix, scored):
    rows = ([email] + [f"{value:g}" for value in values] for (email, _), values in zip(matrix.candidates,
                                                                                       scored.tolist()))
    return _csv(["candidate_id", *_item_ids(matrix)], rows)


def key_csv(matrix):
    rows = ([item_id, "|".join(LETTERS[option] for option in keyed.nonzero()[0]),
             form_item.item_version.primary_domain.code if form_item.item_version.primary_domain else ""]
            for item_id, keyed, form_item in zip(_item_ids(matrix), matrix.keys, matrix.form_items))
    return _csv(["item_id", "key", "domain"], rows)


def statistics_report(matrix, min_irt_candidates):
    """The `flask item-analysis` JSON of the form, with the 2PL when there
    are enough candidates for it to mean something."""
    domains = [form_item.item_version.primary_domain.code if form_item.item_version.primary_domain else None
               for form_item in matrix.form_items]
    irt = "2pl" if len(matrix.attempt_ids) >= min_irt_candidates else "none"
    return item_analysis(_item_ids(matrix), domains, matrix.choices, matrix.keys, irt=irt).fields


def statistics_csv(report):
    """One row per item: the report's numbers, then each option's proportion and r_pbis."""
    labels = sorted({label for item in report["items"] for label in item["options"]})
    header = ["item_id", "domain", *STATISTIC_COLUMNS, "irt_a", "irt_b", "irt_se_a", "irt_se_b",
              *(f"{label}_{name}" for label in labels for name in ("proportion", "r_pbis")), "flags"]
    rows = []
    for item in report["items"]:
        irt = item.get("irt") or {}  # null where the item was left out of the calibration
        options = [item["options"].get(label, {}).get(name) for label in labels for name in ("proportion", "r_pbis")]
        rows.append([item["item_id"], item["domain"], *(item[name] for name in STATISTIC_COLUMNS),
                     *(irt.get(name) for name in ("a", "b", "se_a", "se_b")), *options, "; ".join(item["flags"])])
    return _csv(header, rows)
