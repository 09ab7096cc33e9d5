"""`flask item-bank ...`: import and export the item bank, load the standard's domains."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from accounts.cli import command_line_actor
from accounts.roles import Role
from extensions import db
from item_bank import exporting, importing
from item_bank.blueprints import BlueprintError, create_blueprint
from item_bank.domains import domain_by_code, load_standard_domains

item_bank_cli = AppGroup("item-bank", help="Import, export and seed the item bank.")
# Whoever runs the command line holds the database (it creates admins, too):
# they import with an admin's rights.
COMMAND_LINE_ROLES = {Role.ADMIN}


def report(plan, dry_run):
    """The import report, as lines for the terminal."""
    lines = []
    verb = "would be" if dry_run else "were"
    lines.append(
        f"{len(plan.created)} items {verb} created, {len(plan.updated)} updated, "
        f"{len(plan.unchanged)} unchanged; {len(plan.new_domains)} new domains, "
        f"{len(plan.new_enemies)} new enemy pairs."
    )
    for identifier in plan.created:
        lines.append(f"  create {identifier}")
    for identifier, numbers in plan.updated:
        lines.append(f"  update {identifier}: version {', '.join(map(str, numbers))}")
    for original, new, notice in plan.renamed:
        lines.append(f"{'Would import' if dry_run else 'Imported'} {original} as {new}: {notice}")
    if plan.keep_statuses:
        lines.append("Statuses kept as the file gives them.")
    elif plan.created or plan.updated:
        lines.append("Every version written is a draft, for review.")
    if plan.untagged:
        lines.append(f"Untagged (no competency domain; imported as drafts): {', '.join(plan.untagged)}")
    for notice in plan.notices:
        lines.append(f"Note: {notice}")
    for skip in plan.skipped:
        lines.append(f"Skipped: {skip}")
    return lines


@item_bank_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check everything and report what would change; write nothing.")
@click.option("--domain", "domain_code", metavar="CODE",
              help="Competency domain for items that arrive without one (as QTI items from other systems do).")
@click.option("--keep-statuses", is_flag=True,
              help="Write each version with the status the file gives (approved, retired, ...) instead of as a "
                   "draft for review; audited.")
def import_command(path, dry_run, domain_code, keep_statuses):
    """Import items from PATH: a native JSON file, an IMS QTI 2.1 content
    package (.zip with imsmanifest.xml), a folder, or one QTI assessmentItem
    (.xml).

    All or nothing: if any item is bad, the bank is left untouched and every
    problem is listed with its file, line or item identifier, and field.
    choiceInteraction and extendedTextInteraction items are imported; other
    interactions are reported and skipped.

    Every version written is a draft for review (unless --keep-statuses),
    with no author (the command line has no account); the author, status and
    identifier the file gives are kept as the version's provenance. An item
    whose identifier an earlier item in the import holds is imported as
    IDENTIFIER-2 (-3, ...). The file's new domains are added.
    """
    default_domain = None
    if domain_code:
        default_domain = domain_by_code(domain_code)
        if default_domain is None:
            raise click.BadParameter(f"no competency domain has the code {domain_code!r}", param_hint="--domain")
    plan = importing.plan_import(importing.read_path(path), COMMAND_LINE_ROLES, default_domain, keep_statuses)
    if not plan.ok:
        for problem in plan.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing imported: {len(plan.problems)} problem(s) in {path}.", err=True)
        sys.exit(1)
    if not dry_run:
        importing.apply_import(plan, command_line_actor(), str(path))
        db.session.commit()
    for line in report(plan, dry_run):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")


@item_bank_cli.command("export")
@click.option("--format", "format_", type=click.Choice(["json", "qti"]), required=True,
              help="json: Attest's native format; qti: an IMS QTI content package (.zip).")
@click.option("--qti", "qti_version", type=click.Choice(exporting.QTI_VERSIONS), default="2.1", show_default=True,
              help="The QTI version of a qti package: 2.1 (assessmentItem) or 3.0 (qti-assessment-item).")
@click.argument("out", type=click.Path(path_type=Path))
def export_command(format_, qti_version, out):
    """Write every item, with every version, domains, tags and enemies, to OUT."""
    if format_ == "json":
        document = exporting.bank_document()
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        count = len(document["items"])
    else:
        data, count = exporting.qti_package(qti_version)
        out.write_bytes(data)
        format_ = f"QTI {qti_version}"
    click.echo(f"Exported {count} items to {out} ({format_}).")


@item_bank_cli.command("load-domains")
def load_domains_command():
    """Create the competency domains of the standard the demo uses (idempotent)."""
    created = load_standard_domains(command_line_actor())
    db.session.commit()
    click.echo(f"{created} competency domains created.")


@item_bank_cli.command("load-blueprint")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_blueprint_command(path):
    """Create a blueprint from a JSON file (see docs/item-bank-json.md, "Blueprints"):
    its sections, their time limits and navigation, and how many items of each
    kind each takes from each competency domain."""
    try:
        spec = json.loads(path.read_text())
        blueprint = create_blueprint(spec, command_line_actor())
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path}, line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}")
    except (KeyError, TypeError) as error:
        raise click.ClickException(f"{path}: a blueprint needs name and sections; missing or malformed: {error}")
    except BlueprintError as error:
        raise click.ClickException(f"{path}: {error}")
    db.session.commit()
    click.echo(f"Created the blueprint {blueprint.name!r}: "
               + "; ".join(f"{s.title}, {s.item_count} items" for s in blueprint.sections))
