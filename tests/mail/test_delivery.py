"""Delivering the outbox through a real SMTP server: both parts and their
headers, retries under a controlled clock, refusals, and a worker killed
between claiming a message and marking it sent."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy.dialects import postgresql

from extensions import db
from mail import cli, delivery
from mail.models import MessageStatus
from mail.transport import FileTransport, SmtpTransport, transport_for
from tests.mail.conftest import T0, RecordingHandler, free_port


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def work(runner):
    """`flask mail work --once`, then the test's view of the rows refreshed."""
    result = runner.invoke(args=["mail", "work", "--once"])
    db.session.expire_all()
    return result


def part(email, subtype):
    """A part's text, its lines ended as in Python (SMTP ends them with CRLF)."""
    return email.get_body((subtype,)).get_content().replace("\r\n", "\n")


def test_the_worker_sends_the_text_and_html_parts_with_their_headers(app, runner, smtp_server, queue_message, frozen):
    message = queue_message()

    result = work(runner)

    assert result.exit_code == 0, result.output
    assert f"message {message.id} to ana@example.org: sent" in result.output
    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["ana@example.org"]
    email = message_from_bytes(envelope.content, policy=policy.default)
    assert email["From"] == app.config["MAIL_FROM"]
    assert email["To"] == "ana@example.org" and email["Subject"] == "Your reference was received"
    assert email["Message-ID"] == f"<outbox-{message.id}@localhost>"
    assert email["Date"].datetime == T0
    assert email.get_content_type() == "multipart/alternative"
    assert part(email, "plain") == "Hello Ana.\n"
    assert part(email, "html") == "<p>Hello <b>Ana</b>.</p>\n"
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.SENT, 1, T0)


def test_a_message_not_yet_due_waits(runner, smtp_server, queue_message, frozen):
    message = queue_message(next_attempt_at=T0 + timedelta(seconds=1))

    work(runner)

    assert smtp_server.offered == 0 and message.status == MessageStatus.QUEUED


def test_a_temporary_refusal_is_tried_again_after_1_2_and_4_minutes(runner, smtp_server, queue_message, frozen):
    smtp_server.reply = "451 4.3.0 Try again later"
    message = queue_message()
    now = T0

    for attempt, wait in [(1, 1), (2, 2), (3, 4)]:
        work(runner)
        assert (message.status, message.attempts) == (MessageStatus.QUEUED, attempt)
        assert (message.next_attempt_at, message.last_error) == (now + timedelta(minutes=wait),
                                                                 "451 4.3.0 Try again later")
        frozen.move_to(message.next_attempt_at - timedelta(seconds=1), tick=False)
        work(runner)
        assert smtp_server.offered == attempt  # not due yet: not offered again
        now = message.next_attempt_at
        frozen.move_to(now, tick=False)
    smtp_server.reply = "250 OK"

    work(runner)

    assert (message.status, message.attempts, len(smtp_server.received)) == (MessageStatus.SENT, 4, 1)


def test_a_server_that_never_answers_fails_the_message_after_the_last_attempt(app, queue_message, frozen):
    message = queue_message()
    nobody = transport_for(f"smtp://127.0.0.1:{free_port()}", None)
    waits = []

    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(nobody, "attest@example.org")
        if message.status == MessageStatus.QUEUED:
            waits.append(message.next_attempt_at - message.claimed_at)
            frozen.move_to(message.next_attempt_at, tick=False)

    assert waits == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16, 32, 60)]
    assert (message.status, message.attempts) == (MessageStatus.FAILED, delivery.MAX_ATTEMPTS)
    assert message.last_error.startswith("could not connect to 127.0.0.1:")
    assert message.last_error.endswith(f"(gave up after {delivery.MAX_ATTEMPTS} attempts)")


def test_a_permanent_refusal_fails_the_message_at_once(runner, smtp_server, queue_message, frozen):
    smtp_server.reply = "550 5.1.1 No such mailbox"
    message = queue_message()

    result = work(runner)

    assert f"message {message.id} to ana@example.org: failed: 550 5.1.1 No such mailbox" in result.output
    assert (message.status, message.attempts, message.last_error) == (
        MessageStatus.FAILED, 1, "550 5.1.1 No such mailbox")
    frozen.shift(timedelta(days=1))
    work(runner)
    assert smtp_server.offered == 1


class WorkerKilled(BaseException):
    """The process ending between the server taking the message and the row saying so."""


def test_a_worker_killed_mid_send_neither_sends_twice_nor_loses_the_message(
        app, runner, smtp_server, queue_message, frozen, monkeypatch):
    message = queue_message()
    send = SmtpTransport.send

    def send_then_die(self, email, message_id):
        send(self, email, message_id)
        raise WorkerKilled

    monkeypatch.setattr(SmtpTransport, "send", send_then_die)
    with pytest.raises(WorkerKilled):
        delivery.deliver_due(transport_for(app.config["MAIL_URL"], None), "attest@example.org")
    db.session.rollback()  # the dead process's session, gone with it
    monkeypatch.setattr(SmtpTransport, "send", send)

    frozen.shift(timedelta(hours=1))
    work(runner)  # a worker started again

    assert len(smtp_server.received) == 1
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.SENDING, 1, None)
    assert message.standing(T0 + timedelta(minutes=4)) == MessageStatus.SENDING
    assert message.standing(T0 + timedelta(minutes=5)) == "uncertain"


def test_a_connection_lost_while_handing_over_leaves_the_message_uncertain(app, smtp_server, queue_message, frozen,
                                                                            monkeypatch):
    message = queue_message()

    def disconnected(self, email):
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr("smtplib.SMTP.send_message", disconnected)
    delivery.deliver_due(transport_for(app.config["MAIL_URL"], None), "attest@example.org")

    assert (message.status, message.attempts) == (MessageStatus.SENDING, 1)
    assert message.last_error == "the connection broke while the message was handed over: connection reset by peer"


def test_without_a_mail_url_each_message_is_an_eml_file(app, runner, queue_message, frozen, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path / "mail"))
    message = queue_message()

    result = work(runner)

    assert f"mail is written as .eml files to {tmp_path / 'mail'}" in result.output
    [written] = (tmp_path / "mail").iterdir()
    email = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert (written.name, email["To"], email["Message-ID"]) == (f"{message.id:08d}.eml", "ana@example.org",
                                                                f"<outbox-{message.id}@localhost>")
    assert part(email, "html") == "<p>Hello <b>Ana</b>.</p>\n"
    assert message.status == MessageStatus.SENT


@pytest.fixture
def server_with_login():
    """An SMTP server that lets mailer / p@ss log in; yields its handler, the logins it let in, and its port."""
    logins = []

    def authenticate(server, session, envelope, mechanism, credentials):
        success = (credentials.login, credentials.password) == (b"mailer", b"p@ss")
        logins.extend([credentials.login] if success else [])
        return AuthResult(success=success, handled=False)  # not handled: the server answers 535 itself

    handler = RecordingHandler()
    # Logging in over plain text is the test's shortcut; a real server offers STARTTLS first.
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    yield handler, logins, controller.port
    controller.stop()


def test_the_worker_logs_in_as_mail_url_says_and_keeps_the_mail_when_the_login_is_refused(
        queue_message, server_with_login, frozen):
    handler, logins, port = server_with_login
    refused, taken = queue_message(), queue_message(next_attempt_at=T0 + timedelta(seconds=1))

    delivery.deliver_due(transport_for(f"smtp://mailer:wrong@127.0.0.1:{port}", None), "attest@example.org")
    frozen.shift(timedelta(seconds=1))
    delivery.deliver_due(transport_for(f"smtp://mailer:p%40ss@127.0.0.1:{port}", None), "attest@example.org")

    assert (refused.status, refused.last_error) == (MessageStatus.QUEUED, "535 5.7.8 Authentication credentials invalid")
    assert taken.status == MessageStatus.SENT and len(handler.received) == 1 and logins == [b"mailer"]


def test_mail_url_names_the_transport():
    smtp = transport_for("smtp://mailer:p%40ss@mail.example.org:2525", "/unused")
    smtps = transport_for("smtps://mail.example.org", "/unused")

    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.implicit_tls) == (
        "mail.example.org", 2525, "mailer", "p@ss", False)
    assert (smtps.port, smtps.user, smtps.implicit_tls) == (465, "", True)
    assert transport_for("file:///var/mail/attest", "/unused").folder == FileTransport("/var/mail/attest").folder
    assert transport_for("", "/srv/default").folder == FileTransport("/srv/default").folder
    with pytest.raises(ValueError, match="MAIL_URL http:// is not one of"):
        transport_for("http://mail.example.org", "/unused")


def test_on_postgresql_a_worker_skips_the_messages_another_is_claiming():
    claim = str(delivery.next_due(T0).compile(dialect=postgresql.dialect()))

    assert claim.endswith("FOR UPDATE SKIP LOCKED")


class Stop(Exception):
    pass


def test_without_once_the_worker_sleeps_between_looks(runner, queue_message, frozen, monkeypatch):
    message = queue_message()
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        raise Stop

    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = runner.invoke(args=["mail", "work", "--poll-seconds", "3"])

    assert isinstance(result.exception, Stop) and slept == [3]
    assert f"message {message.id} to ana@example.org: sent" in result.output


class Watching:
    """A transport that notes whether a transaction was open while it sent."""

    def __init__(self):
        self.open_while_sending = []

    def send(self, email, message_id):
        self.open_while_sending.append(db.session().in_transaction())


def test_no_transaction_is_open_while_a_message_is_handed_over(queue_message, frozen):
    queue_message(), queue_message()
    transport = Watching()

    delivery.deliver_due(transport, "attest@example.org")

    assert transport.open_while_sending == [False, False]
