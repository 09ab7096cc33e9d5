"""`flask portfolio ...`: the portfolio's work that runs from cron."""

import click
from flask.cli import AppGroup

from accounts.cli import command_line_actor
from clock import utcnow
from competencies import references, renewal
from extensions import db
from mail import outbox

portfolio_cli = AppGroup("portfolio", help="Endorsement portfolios: reference and renewal reminders.")


@portfolio_cli.command("remind-references")
def remind_references_command():
    """Email a reminder to every reference who has not answered 7 and 14 days
    after being asked. Safe to run from cron as often as you like."""
    with outbox.at_public_url():
        reminded = references.remind(command_line_actor(), utcnow())
        db.session.commit()
    click.echo(f"{reminded} reference(s) reminded.")


@portfolio_cli.command("remind-renewals")
def remind_renewals_command():
    """Remind endorsed candidates 60 and 30 days before their renewal date.
    Each reminder goes once, so it is safe to run daily from cron."""
    now = utcnow()
    with outbox.at_public_url():
        reminded = renewal.remind(now.date(), now)
        db.session.commit()
    click.echo(f"{len(reminded)} renewal reminder(s) queued.")
