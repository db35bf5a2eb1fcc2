"""The outbox's edge to the world: hand one message to an SMTP server, or print it where none is configured.

A transport says what went wrong in two ways only, so the sender knows what to count: `MessageRefused`
when the server answered that it will not take this message (its recipient or its content), and
`ServerUnavailable` when no message could have gone (no connection, TLS, login, our sender address refused).
Both carry the server's answer or the network's error, never the message's content.
"""
import smtplib
import ssl
import sys
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from signage.config import ConfigurationError

DEFAULT_MAIL_FROM = "signage@localhost"


class MessageRefused(Exception):
    """The server refused this message; others may still go. The text is the server's reply."""


class ServerUnavailable(Exception):
    """No message can go now: the server cannot be reached or refuses us. The text says why."""


def transport_from_config(config: Mapping):
    """Return the SMTP transport when SMTP_HOST is set; otherwise the console transport, outside production.

    A production install without SMTP_HOST is refused rather than given the console: it would print each
    message to the server's log and mark it sent, and nobody would ever receive it.
    """
    if config.get("SMTP_HOST"):
        return SmtpTransport(
            host=config["SMTP_HOST"], port=int(config.get("SMTP_PORT") or 25),
            username=config.get("SMTP_USERNAME"), password=config.get("SMTP_PASSWORD"),
            starttls=bool(config.get("SMTP_STARTTLS")), use_ssl=bool(config.get("SMTP_SSL")),
            mail_from=config.get("MAIL_FROM") or DEFAULT_MAIL_FROM, timeout=float(config.get("SMTP_TIMEOUT") or 10))
    if config.get("ENV") == "production":
        raise ConfigurationError("SIGNAGE_SMTP_HOST is not set: the outbox's messages wait until it is.")
    return ConsoleTransport(mail_from=config.get("MAIL_FROM") or DEFAULT_MAIL_FROM)


def email_message(mail_from: str, recipient: str, subject: str, body: str) -> EmailMessage:
    """Build the e-mail: UTF-8 throughout (subjects may be Chinese), marked as sent by a machine."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=mail_from.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer it
    message.set_content(body, charset="utf-8")
    return message


class SmtpTransport:
    """Send each message over its own SMTP connection: a relay nearby, a few messages an hour."""

    def __init__(self, *, host: str, port: int, username: str | None, password: str | None, starttls: bool,
                 use_ssl: bool, mail_from: str, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password = username, password
        self.starttls, self.use_ssl, self.mail_from = starttls, use_ssl, mail_from

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Hand one message to the server; raise MessageRefused or ServerUnavailable if it was not taken."""
        try:
            message = email_message(self.mail_from, recipient, subject, body)
        except ValueError as error:  # a line break in the subject, say: no server would ever take it
            raise MessageRefused(f"not a valid message: {error}") from None
        try:
            smtp = self._connect()
        except OSError as error:  # refused connection, timeout, TLS, login (smtplib's errors are OSErrors)
            raise ServerUnavailable(_describe(error)) from None
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MessageRefused("; ".join(_reply(code, text) for code, text in error.recipients.values())) from None
        except (smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as error:
            # its content refused, or its address needs SMTPUTF8, which this server lacks
            raise MessageRefused(_describe(error)) from None
        except OSError as error:  # our sender address refused, or the connection lost: no message would go
            raise ServerUnavailable(_describe(error)) from None
        finally:
            _close(smtp)

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _close(smtp: smtplib.SMTP) -> None:
    # once the server has taken the message, a failed QUIT must not make it look unsent (and go out again)
    try:
        smtp.quit()
    except OSError:
        smtp.close()


def _describe(error: OSError) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return f"{type(error).__name__}: {error}"


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"


class ConsoleTransport:
    """Print each message to stdout instead of sending it: development, where `make run` shows the mail."""

    def __init__(self, *, mail_from: str):
        self.mail_from = mail_from

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Print the message as the recipient would read it."""
        # sys.stdout looked up on each call, not kept: the CLI's test runner swaps it per command
        print(f"From: {self.mail_from}\nTo: {recipient}\nSubject: {subject}\n\n{body}\n{'-' * 40}",
              file=sys.stdout, flush=True)
