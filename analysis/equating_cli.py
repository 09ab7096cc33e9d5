"""`flask equate`: one form's scores expressed on another's scale, from CSV.

A form is given either as total scores, `candidate_id,total` (the lighter
input: whole numbers from 0 to the form's maximum, `--max-x`/`--max-y`,
by default the highest total in the file), or as item responses in the
`flask item-analysis` format (`candidate_id,ITEM1,...`, each cell an option
letter) with its key (`--key-x`/`--key-y`), scored number-right. IRT equating
needs item responses for both forms: the items whose column names appear in
both files are the common items (`--anchor` names a subset).
"""

import json
import sys
from pathlib import Path

import click
import numpy as np

from analysis import csv_input
from analysis.csv_input import InputError
from psychometrics import equating
from psychometrics.scoring import score

FILE = click.Path(exists=True, dir_okay=False)
TOTALS_HEADER = ["candidate_id", "total"]
METHODS = (*equating.OBSERVED_METHODS, "irt")


def read_totals(path, max_score=None):
    """Whole-number totals of `candidate_id,total`, and the form's maximum
    (`max_score`, or the highest total given)."""
    lines = csv_input.file_records(path)
    line, header = next(lines, (1, []))
    if [name.strip() for name in header] != TOTALS_HEADER:
        raise InputError(path, line, f"the header must be {','.join(TOTALS_HEADER)}")
    totals, first_line = [], {}
    for line, fields in lines:
        if len(fields) != 2:
            raise InputError(path, line, f"{len(fields)} fields, but the header has 2", min(len(fields), 2) + 1)
        candidate, text = fields[0].strip(), fields[1].strip()
        if not candidate:
            raise InputError(path, line, "the candidate_id is empty", 1, "candidate_id")
        if candidate in first_line:
            raise InputError(path, line, f"candidate {candidate!r} already appears on line {first_line[candidate]}",
                             1, "candidate_id")
        first_line[candidate] = line
        totals.append(_whole_score(path, line, text, max_score))
    if not totals:
        raise InputError(path, 2, "no candidates after the header")
    return np.array(totals, dtype=np.int64), max(totals) if max_score is None else max_score


def _whole_score(path, line, text, max_score):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and value.is_integer()):
        raise InputError(path, line, f"{text!r} is not a total score: give a whole number from 0", 2, "total")
    if max_score is not None and value > max_score:
        raise InputError(path, line, f"total {text} is above the form's maximum, {max_score}", 2, "total")
    return int(value)


def _is_totals(path):
    _, header = next(csv_input.file_records(path), (1, []))
    return [name.strip() for name in header] == TOTALS_HEADER


class FormScores:
    """One form's candidates as totals and, from item responses, the 0/1 matrix."""

    def __init__(self, path, key_path, max_score, name):
        self.path, self.name = path, name
        if _is_totals(path):
            self.item_ids, self.scored = None, None
            self.totals, self.max_score = read_totals(path, max_score)
            return
        if key_path is None:
            raise click.UsageError(f"{Path(path).name} holds item responses: give its key with --key-{name}")
        responses = csv_input.read_responses(path)
        key = csv_input.read_key(key_path, responses, path)
        self.item_ids, self.scored = responses.item_ids, score(responses.choices, key.keys)
        self.totals, self.max_score = self.scored.sum(axis=1).astype(np.int64), len(responses.item_ids)

    def as_json(self, moments):
        return {"file": Path(self.path).name, "candidates": int(self.totals.shape[0]), "max_score": self.max_score,
                "moments": _moments(moments)}


def _common(x, y, anchor):
    """Positions of the common items in each form: those named in both
    files, or the `anchor` items, which must be in both."""
    for form in (x, y):
        if form.scored is None:
            raise InputError(form.path, 1, "IRT equating needs item responses (candidate_id,ITEM1,...) and a key, "
                                           "not totals")
    names = list(anchor) or [item_id for item_id in x.item_ids if item_id in set(y.item_ids)]
    for form in (x, y):
        missing = [name for name in names if name not in form.item_ids]
        if missing:
            raise InputError(form.path, 1, f"anchor item {missing[0]!r} is not a column of this file")
    if not names:
        raise InputError(y.path, 1, f"no item column in common with {Path(x.path).name}; IRT equating links "
                                    "the forms through common items")
    return names, [x.item_ids.index(name) for name in names], [y.item_ids.index(name) for name in names]


def _number(value):
    return None if value != value else round(float(value), 6)


def _moments(moments):
    return {name: _number(value) for name, value in moments.as_json().items()}


@click.command("equate")
@click.argument("x_path", metavar="FORM_X.csv", type=FILE)
@click.argument("y_path", metavar="FORM_Y.csv", type=FILE)
@click.option("--method", type=click.Choice(METHODS), default="equipercentile", show_default=True,
              help="Random groups: mean, linear, equipercentile. Common items: irt (2PL, Stocking-Lord, "
                   "true-score equating).")
@click.option("--smooth", "degree", type=click.IntRange(min=1), metavar="DEGREE",
              help="Presmooth both distributions by the log-linear model of this degree (equipercentile only).")
@click.option("--bootstrap", "replications", type=click.IntRange(min=0), default=0, show_default=True,
              metavar="N", help="Bootstrap standard errors of equating from N resamples of candidates.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the bootstrap's resampling.")
@click.option("--key-x", "key_x", metavar="KEY.csv", type=FILE, help="Key of FORM_X.csv when it holds responses.")
@click.option("--key-y", "key_y", metavar="KEY.csv", type=FILE, help="Key of FORM_Y.csv when it holds responses.")
@click.option("--max-x", "max_x", type=click.IntRange(min=1), help="Form X's maximum score (totals input).")
@click.option("--max-y", "max_y", type=click.IntRange(min=1), help="Form Y's maximum score (totals input).")
@click.option("--anchor", multiple=True, metavar="ITEM_ID",
              help="A common item for IRT linking; repeat for each. Default: every item column in both files.")
@click.option("--out", "out_path", metavar="FILE.json", type=click.Path(dir_okay=False, writable=True),
              help="Write the JSON here instead of standard output.")
def equate_command(x_path, y_path, method, degree, replications, seed, key_x, key_y, max_x, max_y, anchor,
                   out_path):
    """Equate form X's scores to form Y's scale.

    Each file is `candidate_id,total` (whole-number totals; the maximum score
    from --max-x/--max-y, else the highest total) or item responses in the
    `flask item-analysis` format with --key-x/--key-y, scored number-right.
    Random-groups methods (mean, linear, equipercentile with optional
    log-linear presmoothing, --smooth) read the totals; irt calibrates each
    form under the 2PL, links them by Stocking-Lord on the common items and
    equates true scores.

    Prints JSON: method, smoothing_degree, x and y {file, candidates,
    max_score, moments {mean, sd, skewness, kurtosis}}, equated_moments,
    bootstrap {replications, seed} or null, linking {A, B, converged,
    iterations, common_items, anchor} for irt, and concordance: one row per
    score of X, {x, y, se}, se null without --bootstrap. Moments use N in
    the denominators, as Kolen & Brennan's.

    Bad input is refused with its file, line and column, and exit code 2;
    data that cannot be equated (no spread, an item IRT cannot place) exit 1
    with the reason.
    """
    if degree is not None and method != "equipercentile":
        raise click.UsageError("--smooth applies to --method equipercentile only")
    try:
        x, y = FormScores(x_path, key_x, max_x, "x"), FormScores(y_path, key_y, max_y, "y")
        common = _common(x, y, anchor) if method == "irt" else None
    except InputError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    rng = np.random.default_rng(seed)
    try:
        if method == "irt":
            result = equating.equate_irt(x.scored, y.scored, common[1], common[2], replications=replications,
                                         rng=rng)
        else:
            result = equating.equate_observed(equating.scores_counts(x.totals, x.max_score),
                                              equating.scores_counts(y.totals, y.max_score), method,
                                              degree=degree, replications=replications, rng=rng)
    except equating.EquatingRefused as refusal:
        click.echo(f"Error: {refusal}", err=True)
        sys.exit(1)
    report = {
        "method": method, "smoothing_degree": degree,
        "x": x.as_json(result.x), "y": y.as_json(result.y),
        "equated_moments": _moments(result.equated_moments),
        "bootstrap": {"replications": result.replications, "seed": seed} if replications else None,
        "concordance": [{"x": int(point), "y": _number(value), "se": _number(se)}
                        for point, value, se in zip(result.points, result.equated, result.se)],
    }
    if result.linking is not None:
        report["linking"] = {**result.linking.as_json(), "anchor": common[0]}
    text = json.dumps(report, indent=2, allow_nan=False)
    if out_path:
        Path(out_path).write_text(text + "\n", encoding="utf-8")
        click.echo(f"Equating of {Path(x_path).name} to {Path(y_path).name} ({method}) written to {out_path}.",
                   err=True)
    else:
        click.echo(text)
