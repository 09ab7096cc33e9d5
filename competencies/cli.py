"""`flask portfolio ...`: the endorsement's scheduled work."""

import click
from flask.cli import AppGroup

from clock import utcnow
from competencies import renewal
from extensions import db

portfolio_cli = AppGroup("portfolio", help="Endorsement portfolios: renewal reminders.")


@portfolio_cli.command("remind-renewals")
def remind_renewals_command():
    """Remind endorsed candidates 60 and 30 days before their renewal date.
    Each reminder goes once, so it is safe to run daily from cron."""
    now = utcnow()
    reminded = renewal.remind(now.date(), now)
    db.session.commit()
    click.echo(f"{len(reminded)} renewal reminder(s) queued.")
