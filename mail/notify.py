"""Telling a person what happened: `notify(user, ...)` queues a message to
their account's address (`outbox.post`), from a request or from anywhere
else the action runs.

The actions that notify also run from commands, the demo and tests, where no
request exists and `url_for` cannot build the absolute links a message holds,
nor the page context render its templates; there the message is rendered in
a request made up for it, at PUBLIC_URL (the address people reach Attest at).
"""

from contextlib import nullcontext

from flask import current_app, has_request_context

from mail import outbox

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def _request():
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL", DEFAULT_PUBLIC_URL))


def notify(user, subject, template, reason, *, kind, **context):
    """Queue a message to `user` (an account: its email and id); flushed in the caller's transaction."""
    with _request():
        return outbox.post(user.email, subject, template, reason, kind=kind, to_user_id=user.id, user=user,
                           **context)
