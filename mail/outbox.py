"""Writing messages: `post` renders a message and adds it to the outbox in
the caller's transaction, so a message exists exactly when the action that
causes it commits (a rolled-back action sends nothing). The worker
(`mail.delivery`) sends what is queued.

A message is two templates, `templates/mail/<template>.txt` and `.html`, each
given the context, `reason` (why this person gets it, which every message
says) and `link(endpoint, **values)` for absolute addresses in the app.

Reading it: everything for admins, failed and uncertain first (`for_admins`);
a person's own messages only (`to_person`, `one_to_person`).
"""

from contextlib import contextmanager

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import and_, case, or_, select

from extensions import db
from mail.models import UNCERTAIN_AFTER, MessageStatus, OutboxMessage


def link(endpoint, **values):
    """An absolute address in the app, as a message needs one."""
    with _addressed():
        return url_for(endpoint, _external=True, **values)


def post(to_address, subject, template, reason, *, kind, to_user_id=None, **context):
    """Queue a message to `to_address`; returns it (flushed, not committed)."""
    values = {**context, "subject": subject, "reason": reason, "link": link}
    with _addressed():
        text_body = render_template(f"mail/{template}.txt", **values)
        html_body = render_template(f"mail/{template}.html", **values)
    message = OutboxMessage(to_address=to_address, to_user_id=to_user_id, kind=kind, subject=subject, reason=reason,
                            text_body=text_body, html_body=html_body)
    db.session.add(message)
    db.session.flush()
    return message


@contextmanager
def _addressed():
    """Where absolute addresses start: the request's own host in a view; where
    there is no request (the worker, a command from cron), PUBLIC_URL."""
    if has_request_context():
        yield
        return
    with at_public_url():
        yield


def at_public_url():
    """A request made up at PUBLIC_URL, so that links point where people reach
    the app: what a command that writes messages runs its work in, whatever
    context it was started from."""
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])


def for_admins(now):
    """Every message, those needing an admin's eye (failed, or uncertain: see
    `delivery`) first, then the newest."""
    needs_an_eye = or_(
        OutboxMessage.status == MessageStatus.FAILED,
        and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at <= now - UNCERTAIN_AFTER),
    )
    return select(OutboxMessage).order_by(case((needs_an_eye, 0), else_=1), OutboxMessage.created_at.desc(),
                                          OutboxMessage.id.desc())


def to_person(user_id):
    """The messages sent to one person, newest first."""
    return (select(OutboxMessage).where(OutboxMessage.to_user_id == user_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


def one_to_person(user_id, message_id):
    """The message if it was sent to this person, else None: another's is as none."""
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id == message_id,
                                                          OutboxMessage.to_user_id == user_id)).first()
