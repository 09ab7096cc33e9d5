"""The outbox: every message Attest sends, written with the action that causes it."""

import enum
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clock import UTCDateTime, utcnow
from extensions import db


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for the worker (again, after a failure, from `next_attempt_at`)
    SENDING = "sending"  # claimed by a worker; if it died mid-send the message is not sent again
    SENT = "sent"
    FAILED = "failed"  # given up on: shown to admins


# A message claimed longer ago than this, and neither sent nor failed, was
# being sent when its worker died or lost the connection: it may have arrived,
# so it is shown to admins as uncertain and never sent again by itself.
UNCERTAIN_AFTER = timedelta(minutes=5)


class OutboxMessage(db.Model):
    """One message to one address: its parts as rendered when the action
    happened, why it was sent, and where its delivery stands."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in MessageStatus)})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A plain user id, as the audit log keeps one: mail sits below accounts.
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(64), index=True)  # what caused it, e.g. "reference.requested"
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500))  # why the person got it, said in the message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))

    def uncertain(self, now):
        return self.status == MessageStatus.SENDING and self.claimed_at <= now - UNCERTAIN_AFTER

    def standing(self, now):
        """Its status, or "uncertain" for a sending that never ended."""
        return "uncertain" if self.uncertain(now) else self.status
