"""How a message leaves: the email built from an outbox row, and the two
transports `MAIL_URL` names, SMTP (`smtp://user:pass@host:587`, STARTTLS when
the server offers it; `smtps://` for TLS from the start) and files
(`file:///path`, or no MAIL_URL: each message an .eml file in instance/mail/),
so that the embedded default needs no mail server.

A transport says how a sending ended by what it raises: `TemporaryFailure`
(try again later), `PermanentFailure` (the server refused it for good) or
`DeliveryUncertain` (the connection broke after the message was handed
over, so it may have arrived); returning means the server accepted it.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 30


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class DeliveryUncertain(Exception):
    pass


def build_email(message, sender, now):
    """The outbox row as an email: the text part and the HTML alternative,
    with a Message-ID of its own row, so that a reader can match the two."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.to_address
    email["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "attest.invalid"
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


class FileTransport:
    """Each message an .eml file in `folder`: the embedded default, and
    production's choice when it says MAIL_URL=file:///path."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def describe(self):
        return f"mail is written as .eml files to {self.folder}, not sent"

    def send(self, email, message_id):
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message_id:08d}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(bytes(email))
        partial.replace(path)  # whole or absent, never half a message


class SmtpTransport:
    def __init__(self, host, port, user, password, implicit_tls):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.implicit_tls = implicit_tls

    def describe(self):
        return f"mail is sent through {'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def send(self, email, message_id):
        connection = self._connect()
        try:
            self._hand_over(connection, email)
        finally:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()  # the message's fate is decided; a rude goodbye changes nothing

    def _connect(self):
        """A connection ready to take a message; any failure here is before
        anything was handed over, so the message may be tried again."""
        try:
            if self.implicit_tls:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"could not connect to {self.host}:{self.port}: {error}") from error
        try:
            self._greet(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _greet(self, connection):
        try:
            connection.ehlo()
            if not self.implicit_tls and connection.has_extn("starttls"):
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.user:
                connection.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError as error:
            # The server's configuration, not the message, is at fault: keep it for when that is fixed.
            raise TemporaryFailure(_said(error.smtp_code, error.smtp_error)) from error
        except smtplib.SMTPResponseException as error:
            raise _failure(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"the server at {self.host}:{self.port} broke off: {error}") from error

    def _hand_over(self, connection, email):
        try:
            # One address only: a refusal of it is an exception, never a returned dict.
            connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, said = next(iter(error.recipients.values()))
            raise _failure(code, said) from error
        except smtplib.SMTPResponseException as error:
            raise _failure(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            # The server may have taken the message before the connection broke.
            raise DeliveryUncertain(f"the connection broke while the message was handed over: {error}") from error


def _said(code, text):
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _failure(code, text):
    """A refusal by its reply code: 5xx is for good, anything else worth another try."""
    return (PermanentFailure if 500 <= code < 600 else TemporaryFailure)(_said(code, text))


def transport_for(mail_url, default_folder):
    """The transport `mail_url` names; files in `default_folder` when it names none."""
    if not mail_url:
        return FileTransport(default_folder)
    parts = urlsplit(mail_url)
    if parts.scheme == "file":
        return FileTransport(unquote(parts.path) or default_folder)
    if parts.scheme in ("smtp", "smtps"):
        implicit_tls = parts.scheme == "smtps"
        return SmtpTransport(parts.hostname or "localhost", parts.port or (465 if implicit_tls else 587),
                             unquote(parts.username or ""), unquote(parts.password or ""), implicit_tls)
    raise ValueError(f"MAIL_URL {parts.scheme}:// is not one of smtp://, smtps:// or file://")
