"""`flask rating ...`: fill a form's rating queue; remind raters of overdue ratings."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts.cli import command_line_actor
from clock import utcnow
from extensions import db
from item_bank.models import Form
from mail import outbox
from rating import assignment, dashboards, notifications

rating_cli = AppGroup("rating", help="Vignette rating: assignment and the queue.")


@rating_cli.command("assign")
@click.argument("form_code")
def assign_command(form_code):
    """Put raters on every open place of FORM_CODE's rating queue (first
    raters, then adjudicators), balancing workloads and never a rater with a
    conflict. Safe to run from cron."""
    form = db.session.scalar(select(Form).where(Form.code == form_code.strip().upper()))
    if form is None:
        raise click.BadParameter(f"no form has the code {form_code!r}", param_hint="FORM_CODE")
    assigned = assignment.assign_automatically(form, utcnow(), command_line_actor())
    db.session.commit()
    queue = dashboards.form_queue(form)
    click.echo(f"{len(assigned.ratings)} rating(s) assigned; {assigned.unstaffed} place(s) found no eligible rater. "
               f"Queue of {form.code}: {queue.rating} being rated, {queue.adjudication} in adjudication, "
               f"{queue.final} final.")



@rating_cli.command("remind-overdue")
def remind_overdue_command():
    """Remind raters of ratings past their due date, on the day it passes and
    a week later: one message per rater, each reminder once, so it is safe to
    run daily from cron."""
    with outbox.at_public_url():
        reminded = notifications.remind_overdue(utcnow())
        db.session.commit()
    click.echo(f"{len(reminded)} overdue rating(s) reminded of.")
