"""A real SMTP server in this process (aiosmtpd), and messages to deliver."""

import socket
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller

from extensions import db as _db
from mail.models import OutboxMessage

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


class RecordingHandler:
    """Answers DATA with `reply` (250 takes the message) and keeps what it took."""

    def __init__(self):
        self.reply = "250 Message accepted for delivery"
        self.received = []
        self.offered = 0

    async def handle_DATA(self, server, session, envelope):
        self.offered += 1
        if self.reply.startswith("250"):
            self.received.append(envelope)
        return self.reply


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """An SMTP server on loopback that MAIL_URL points at; yields its handler."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    yield handler
    controller.stop()


@pytest.fixture
def queue_message(db):
    """Factory: queue_message(**fields): a queued message, committed, as `outbox.post` leaves one."""

    def queue(**fields):
        message = OutboxMessage(**{
            "to_address": "ana@example.org", "kind": "test.hello", "subject": "Your reference was received",
            "text_body": "Hello Ana.\n", "html_body": "<p>Hello <b>Ana</b>.</p>", "reason": "you asked",
            **fields})
        _db.session.add(message)
        _db.session.commit()
        return message

    return queue
