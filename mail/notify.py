"""Telling a person what happened: `notify(user, ...)` queues a message to
their account's address (`outbox.post`, which renders it at PUBLIC_URL where
no request exists: commands, the demo, tests)."""

from mail import outbox


def notify(user, subject, template, reason, *, kind, **context):
    """Queue a message to `user` (an account: its email and id); flushed in the caller's transaction."""
    return outbox.post(user.email, subject, template, reason, kind=kind, to_user_id=user.id, user=user, **context)
