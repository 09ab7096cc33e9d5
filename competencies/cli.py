"""`flask portfolio ...`: the portfolio's work that runs from cron."""

import click
from flask import current_app
from flask.cli import AppGroup

from accounts.cli import command_line_actor
from clock import utcnow
from competencies import references
from extensions import db

portfolio_cli = AppGroup("portfolio", help="Endorsement portfolios: reference reminders.")


def addressed():
    """A request context at PUBLIC_URL, so messages written from a command link
    to where people reach Attest (a command has no request to take it from)."""
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])


@portfolio_cli.command("remind-references")
def remind_references_command():
    """Email a reminder to every reference who has not answered 7 and 14 days
    after being asked. Safe to run from cron as often as you like."""
    with addressed():
        reminded = references.remind(command_line_actor(), utcnow())
        db.session.commit()
    click.echo(f"{reminded} reference(s) reminded.")
