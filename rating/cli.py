"""`flask rating ...`: fill a form's rating queue; and `flask exam
release-results`, which releases only when every response is rated."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts.cli import command_line_actor
from clock import utcnow
from exam.cli import exam_cli
from exam.models import ExamSession
from extensions import db
from item_bank.models import Form
from rating import assignment, dashboards, results

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


@exam_cli.command("release-results")
@click.argument("session_id", type=int)
def release_results_command(session_id):
    """Let the session's candidates see their results and feedback letters;
    refused while any written response is still being rated."""
    session = db.session.get(ExamSession, session_id)
    if session is None:
        raise click.BadParameter(f"no session has the id {session_id}", param_hint="SESSION_ID")
    try:
        results.release(session, utcnow(), command_line_actor())
    except results.ReleaseRefused as refusal:
        raise click.ClickException(str(refusal))
    db.session.commit()
    click.echo(f"Results of session {session.id} are released.")
