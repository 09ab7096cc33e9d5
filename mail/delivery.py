"""Delivering the outbox: what `flask mail work` does, one message at a time.

At most once: a worker claims a due message (status `sending`) and commits
the claim before it hands the message to the transport, and marks it `sent`
after. A worker that dies between the two leaves it `sending`; no worker
claims it again, and once it is older than `UNCERTAIN_AFTER` admins see it as
"delivery uncertain", since it may have arrived. On PostgreSQL the claim
skips rows another worker holds (`FOR UPDATE SKIP LOCKED`), so workers never
take the same message; SQLite lets one writer at a time claim.

A temporary failure (no connection, a 4xx reply) queues the message again
after 1, 2, 4 ... minutes (at most an hour), until `MAX_ATTEMPTS`; a
permanent one (5xx) fails it at once. An admin may send a failed or
uncertain message again.
"""

from datetime import timedelta

from sqlalchemy import select

from audit import log
from clock import utcnow
from extensions import db
from mail.models import MessageStatus, OutboxMessage
from mail.transport import DeliveryUncertain, PermanentFailure, TemporaryFailure, build_email

MAX_ATTEMPTS = 8  # waits of 1 + 2 + ... + 60 minutes: about three hours of trying
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
ERROR_LENGTH = 1000  # OutboxMessage.last_error's


class SendAgainRefused(ValueError):
    pass


def next_due(now):
    """The query for the next message due, skipping any another worker is claiming."""
    return (select(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True))


def claim(now):
    """The next due message, claimed for this worker (not committed), or None."""
    message = db.session.scalars(next_due(now)).first()
    if message is None:
        db.session.rollback()  # ends the read, and on SQLite gives up the write lock
        return None
    message.status = MessageStatus.SENDING
    message.claimed_at = now
    message.attempts += 1
    return message


def deliver_one(transport, sender, now):
    """Claim the next due message and send it; returns it, or None when none is due."""
    message = claim(now)
    if message is None:
        return None
    # Built before the claim commits, so that nothing is read during the
    # sending: no transaction stays open (on SQLite, holding the write lock)
    # while a mail server takes its time.
    email, message_id = build_email(message, sender, now), message.id
    db.session.commit()
    try:
        transport.send(email, message_id)
    except TemporaryFailure as failure:
        _try_later(message, str(failure), utcnow())
    except PermanentFailure as failure:
        message.status = MessageStatus.FAILED
        message.last_error = str(failure)[:ERROR_LENGTH]
    except DeliveryUncertain as failure:
        message.last_error = str(failure)[:ERROR_LENGTH]  # still sending: uncertain, not sent again
    else:
        message.status = MessageStatus.SENT
        message.sent_at = utcnow()
    db.session.commit()
    return message


def deliver_due(transport, sender):
    """Send every message due now, one by one; returns them as they ended."""
    delivered = []
    while (message := deliver_one(transport, sender, utcnow())) is not None:
        delivered.append(message)
    return delivered


def _try_later(message, error, now):
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.last_error = f"{error} (gave up after {message.attempts} attempts)"[:ERROR_LENGTH]
        return
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = now + min(FIRST_WAIT * 2 ** (message.attempts - 1), LONGEST_WAIT)
    message.last_error = error[:ERROR_LENGTH]


def send_again(message, by, now):
    """Queue a failed or uncertain message for a new round of attempts, as an
    admin decides (an uncertain one may arrive twice); audited."""
    standing = message.standing(now)
    if standing not in (MessageStatus.FAILED, "uncertain"):
        raise SendAgainRefused(f"Only a failed message or one whose delivery is uncertain is sent again; "
                               f"this one is {standing}.")
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now
    log.record("mail.send_again", by, message, before=standing, to=message.to_address)
