"""`flask item-analysis`: the classical report, IRT and DIF of exported responses.

It reads files, not the database, so `flask` finds it as a plugin command
(an entry point in pyproject.toml) without building the web application;
`python -m analysis.cli` runs the same command where the project is not
installed: the same arguments, output and exit codes."""

import json
import sys

import click

from analysis import csv_input
from analysis.report import IRT_MODELS, item_analysis

FILE = click.Path(exists=True, dir_okay=False)


@click.command("item-analysis")
@click.argument("responses_path", metavar="RESPONSES.csv", type=FILE)
@click.option("--key", "key_path", metavar="KEY.csv", type=FILE, required=True,
              help="item_id,key[,domain]; several keys as A|C.")
@click.option("--irt", type=click.Choice(IRT_MODELS), default="none", show_default=True,
              help="Also calibrate the Rasch model or the 2PL (marginal maximum likelihood).")
@click.option("--group", "groups_path", metavar="GROUPS.csv", type=FILE,
              help="candidate_id,group with reference or focal: adds Mantel-Haenszel DIF per item.")
@click.option("--out", "out_path", metavar="FILE.json", type=click.Path(dir_okay=False, writable=True),
              help="Write the JSON here instead of standard output.")
def item_analysis_command(responses_path, key_path, irt, groups_path, out_path):
    """Item analysis of RESPONSES.csv (candidate_id,ITEM1,ITEM2,...; each
    cell the chosen option's letter, empty when omitted) scored with KEY.csv.

    Prints JSON: n_candidates, n_items, total {mean, sd, min, max},
    reliability {alpha, sem} and, per item in column order, p, r_pbis
    (corrected, item-rest), r_pbis_total, r_bis, biserial_out_of_range (r_bis
    beyond -1 or 1), discrimination_index (upper and lower 27%, candidates
    tied at a cut sharing its weight, whatever the row order),
    alpha_if_deleted, omit_rate, options {letter: {proportion, r_pbis}}, irt
    and dif {mh_d_dif, ets_class, se_mh_d_dif, mh_chi_square, mh_p_value} when
    asked, and flags. Omitted responses score 0; SD and SEM use n-1;
    undefined values are null. With --irt, each item's irt is null, with
    irt_reason, where the calibration cannot place it, and a top-level irt
    says {model, refused, converged, cycles, log_likelihood}.

    Bad input is refused with its file, line and column, and exit code 2.
    It runs without building the web application (as `python -m
    analysis.cli` too).
    """
    try:
        responses = csv_input.read_responses(responses_path)
        key = csv_input.read_key(key_path, responses, responses_path)
        groups = csv_input.read_groups(groups_path, responses) if groups_path else None
    except csv_input.InputError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    report = item_analysis(responses.item_ids, key.domains, responses.choices, key.keys, irt=irt, groups=groups)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    text = json.dumps(report.fields, indent=2, allow_nan=False)
    if out_path:
        with open(out_path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        click.echo(f"Item analysis of {report.fields['n_candidates']} candidates and "
                   f"{report.fields['n_items']} items written to {out_path}.", err=True)
    else:
        click.echo(text)


if __name__ == "__main__":
    item_analysis_command(prog_name="python -m analysis.cli")
