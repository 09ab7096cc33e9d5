"""`flask audit verify`: check the audit log's hash chain."""

import sys

import click
from flask.cli import AppGroup

from audit import chain
from extensions import db

audit_cli = AppGroup("audit", help="The tamper-evident audit log.")


@audit_cli.command("verify")
def verify_command():
    """Recompute every seal of the audit log's hash chain, oldest first.

    Exits 0 and prints the number of entries and the head hash when the chain
    is whole (keep the head hash outside the database: a later run that shows
    a different chain before it reveals removed entries). Exits 1 and names
    the first entry whose link is broken: changed, cut out, or written around
    the application."""
    verdict = chain.verify(db.session)
    if verdict.broken is None:
        click.echo(f"Audit log intact: {verdict.entries} entries, head hash {verdict.head_hash}")
        return
    broken = verdict.broken
    where = f"entry {broken.entry_id}" + (f" (seal {broken.position})" if broken.position else "")
    click.echo(f"Audit log broken at {where}: it {broken.problem}. "
               f"The {verdict.entries} entries before it verify.", err=True)
    sys.exit(1)
