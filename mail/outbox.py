"""Writing messages: `post` renders a message and adds it to the outbox in
the caller's transaction, so a message exists exactly when the action that
causes it commits (a rolled-back action sends nothing). The worker
(`mail.delivery`) sends what is queued.

A message is two templates, `templates/mail/<template>.txt` and `.html`, each
given the context, `reason` (why this person gets it, which every message
says) and `link(endpoint, **values)` for absolute addresses in the app.
"""

from flask import render_template, url_for

from extensions import db
from mail.models import OutboxMessage


def link(endpoint, **values):
    """An absolute address in the app, as a message needs one."""
    return url_for(endpoint, _external=True, **values)


def post(to_address, subject, template, reason, *, kind, to_user_id=None, **context):
    """Queue a message to `to_address`; returns it (flushed, not committed)."""
    values = {**context, "subject": subject, "reason": reason, "link": link}
    message = OutboxMessage(
        to_address=to_address, to_user_id=to_user_id, kind=kind, subject=subject, reason=reason,
        text_body=render_template(f"mail/{template}.txt", **values),
        html_body=render_template(f"mail/{template}.html", **values),
    )
    db.session.add(message)
    db.session.flush()
    return message
