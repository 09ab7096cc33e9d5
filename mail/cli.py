"""`flask mail work`: the worker that delivers the outbox, run beside the web processes."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from mail import delivery
from mail.transport import transport_for

mail_cli = AppGroup("mail", help="Deliver the outbox.")


@mail_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit (for cron).")
@click.option("--poll-seconds", default=10.0, show_default=True, help="The pause between looks at the outbox.")
def work_command(once, poll_seconds):
    """Send queued messages as they fall due, through MAIL_URL (.eml files without one).
    Several workers may run at once; none sends a message another has taken."""
    transport = transport_for(current_app.config["MAIL_URL"], current_app.config["MAIL_DIR"])
    sender = current_app.config["MAIL_FROM"]
    click.echo(f"flask mail work: {transport.describe()}.")
    while True:
        for message in delivery.deliver_due(transport, sender):
            said = f": {message.last_error}" if message.status != "sent" and message.last_error else ""
            click.echo(f"message {message.id} to {message.to_address}: {message.status}{said}")
        if once:
            return
        time.sleep(poll_seconds)
