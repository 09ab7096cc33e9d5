"""`flask exam release-results`: the release screen's service from the command line."""

import click
from flask.cli import with_appcontext

from accounts.cli import command_line_actor
from clock import utcnow
from exam.models import ExamSession
from extensions import db
from results import release


@click.command("release-results")
@click.argument("session_id", type=int)
@with_appcontext
def release_results_command(session_id):
    """Let the session's candidates see their results and feedback letters
    under the latest scoring; refused while any written response is still
    being rated."""
    session = db.session.get(ExamSession, session_id)
    if session is None:
        raise click.BadParameter(f"no session has the id {session_id}", param_hint="SESSION_ID")
    try:
        release.release(session, utcnow(), command_line_actor())
    except release.ReleaseRefused as refusal:
        raise click.ClickException(str(refusal))
    db.session.commit()
    click.echo(f"Results of session {session.id} are released.")
