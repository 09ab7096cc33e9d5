"""`flask exam ...`: schedule sessions, enrol candidates, finish overdue attempts."""

from datetime import timedelta, timezone

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts.cli import command_line_actor
from accounts.roles import PROCTORS, Role
from accounts.users import user_by_email
from clock import utcnow
from exam import delivery, proctoring, sessions
from exam.models import ExamSession
from extensions import db
from item_bank.models import Form

exam_cli = AppGroup("exam", help="Exam sessions, enrolment, timing and closing.")


@exam_cli.command("finish-overdue")
def finish_overdue_command():
    """Finish every attempt whose time has run out, at its deadline, with its
    saved answers. Safe to run from cron as often as you like."""
    finished = delivery.finish_overdue(utcnow(), command_line_actor())
    db.session.commit()
    click.echo(f"{finished} overdue attempt(s) finished.")


def _utc(value):
    return value.replace(tzinfo=timezone.utc)


@exam_cli.command("create-session")
@click.argument("name")
@click.option("--form", "form_code", required=True, help="Code of a published form, e.g. MENTOR-A.")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]), help="UTC; default now.")
@click.option("--hours", type=click.IntRange(1, 24 * 30), default=4, show_default=True, help="How long it stays open.")
@click.option("--location", default="online", show_default=True)
@click.option("--access-code", help="Default: eight random letters and digits.")
@click.option("--grace-seconds", type=click.IntRange(0, 600), default=30, show_default=True,
              help="Saves this long after a section's deadline still count.")
@click.option("--capacity", type=click.IntRange(1, 5000), help="Seats; default no limit.")
@click.option("--admission", type=click.Choice(["auto", "proctor"]), default="auto", show_default=True,
              help="auto: candidates start as they agree to the terms; proctor: a proctor admits each one.")
@click.option("--readmit", is_flag=True,
              help="A candidate who reopens a started examination elsewhere waits for a proctor to re-admit them.")
@click.option("--identity-check", is_flag=True,
              help="No one is admitted until a proctor records that they saw the candidate's identity document.")
@click.option("--require-seb", is_flag=True,
              help="Candidates sit in Safe Exam Browser started with the session's .seb file; other browsers are "
                   "refused.")
@click.option("--proctor", "proctor_emails", multiple=True, metavar="EMAIL",
              help="A proctor assigned to the session (repeat for several); they see it on their board.")
def create_session_command(name, form_code, opens, hours, location, access_code, grace_seconds, capacity,
                           admission, readmit, identity_check, require_seb, proctor_emails):
    """Schedule the exam session NAME for a published form; prints its access code."""
    form = db.session.scalar(select(Form).where(Form.code == form_code.upper()))
    if form is None:
        raise click.BadParameter(f"no form has the code {form_code!r}", param_hint="--form")
    proctors = []
    for email in proctor_emails:
        user = user_by_email(email)
        if user is None or not user.has_role(*PROCTORS):
            raise click.BadParameter(f"{email} is not a proctor's account", param_hint="--proctor")
        proctors.append(user)
    opens_at = _utc(opens) if opens else utcnow()
    options = sessions.Options(name, form, opens_at, opens_at + timedelta(hours=hours), location, capacity=capacity,
                               auto_admit=admission == "auto", readmit_on_resume=readmit,
                               requires_identity_check=identity_check, require_seb=require_seb,
                               grace_seconds=grace_seconds, proctors=proctors)
    try:
        session = sessions.schedule(options, command_line_actor(), access_code)
    except sessions.SessionError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"Session {session.id} {name!r}: form {form.code}, open {session.opens_at:%Y-%m-%d %H:%M} to "
               f"{session.closes_at:%Y-%m-%d %H:%M} UTC, access code {session.access_code}")


@exam_cli.command("enroll")
@click.argument("session_id", type=int)
@click.argument("emails", nargs=-1, required=True)
@click.option("--time-multiplier", type=click.FloatRange(1, 4), default=1.0, show_default=True,
              help="Accommodation: each section's time is multiplied by this.")
@click.option("--extra-minutes", type=click.IntRange(0, 600), default=0, show_default=True,
              help="Accommodation: minutes added to each section.")
@click.option("--large-text", is_flag=True, help="Accommodation: larger text.")
@click.option("--high-contrast", is_flag=True, help="Accommodation: high contrast.")
def enroll_command(session_id, emails, time_multiplier, extra_minutes, large_text, high_contrast):
    """Enrol candidates (by email) in a session, with the accommodations given.
    All or nothing: an unknown email or a non-candidate enrols no one."""
    session = db.session.get(ExamSession, session_id)
    if session is None:
        raise click.BadParameter(f"no session has the id {session_id}", param_hint="SESSION_ID")
    candidates = []
    for email in emails:
        user = user_by_email(email)
        if user is None or not user.has_role(Role.CANDIDATE):
            raise click.BadParameter(f"{email} is not a candidate's account", param_hint="EMAILS")
        candidates.append(user)
    try:
        for user in candidates:
            sessions.enroll(session, user, command_line_actor(), time_multiplier=time_multiplier,
                            extra_minutes=extra_minutes, large_text=large_text, high_contrast=high_contrast)
    except sessions.SessionError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}: no one was enrolled")
    db.session.commit()
    click.echo(f"Enrolled {len(candidates)} candidate(s) in session {session.id}.")


@exam_cli.command("close-session")
@click.argument("session_id", type=int)
@click.option("--reason", default="", help="A note for the session report.")
def close_session_command(session_id, reason):
    """Close a session as its proctor would: every attempt still open is
    submitted now with its saved answers, and no one can join after."""
    session = db.session.get(ExamSession, session_id)
    if session is None:
        raise click.BadParameter(f"no session has the id {session_id}", param_hint="SESSION_ID")
    try:
        finished, not_admitted = proctoring.close_session(session, utcnow(), command_line_actor(), reason)
    except proctoring.ActionRefused as refusal:
        raise click.ClickException(str(refusal))
    db.session.commit()
    click.echo(f"Session {session.id} closed: {finished} attempt(s) submitted, {not_admitted} never admitted.")
