"""Sending e-mail over SMTP with aiosmtplib (STARTTLS or implicit TLS, optional login).

aiosmtplib is the maintained asyncio SMTP client; sending from the event loop keeps the
service responsive while a slow mail server answers.

A run of e-mails (a reminder or invitation send) goes over one connection
(``SmtpMailer.connection``): each e-mail then costs the MAIL/RCPT/DATA round trips, not a
connect, TLS handshake and log-in of its own. A connection the server dropped between two
e-mails (an idle timeout, a limit of messages per connection) is opened again once, and the
e-mail sent on the new one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

import aiosmtplib

from reports.reminders import Email, MailError


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    """'none', 'starttls' or 'tls'."""
    user: str | None
    password: str | None
    sender_address: str
    sender_name: str
    timeout: float = 30.0


_DROPPED = (aiosmtplib.SMTPServerDisconnected, ConnectionError)
"""The connection is gone (closed by the server or the network): open it again."""
_CLOSING = 421
"""The server's answer when it closes the connection (RFC 5321, 3.8)."""


class SmtpConnection:
    """One SMTP connection for several e-mails, opened on the first one."""

    def __init__(self, mailer: SmtpMailer) -> None:
        self.mailer = mailer
        self._client: aiosmtplib.SMTP | None = None
        self.opened = 0
        """How many times a connection was opened (once for a run that went well)."""

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.mailer.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            username=s.user or None,
            password=s.password or None,
            timeout=s.timeout,
        )
        await client.connect()  # and STARTTLS and log-in, as the settings say
        self.opened += 1
        self._client = client
        return client

    async def send(self, email: Email) -> None:
        """Deliver one e-mail or raise MailError (the connection is kept for the next
        one unless it broke)."""
        message = self.mailer.message(email)
        try:
            client = self._client
            if client is not None and client.is_connected:
                try:
                    await client.send_message(message)
                    return
                except _DROPPED:
                    self._drop()
                except aiosmtplib.SMTPResponseException as error:
                    if error.code != _CLOSING:
                        raise
                    self._drop()
            else:
                self._drop()
            client = await self._connect()  # the first e-mail, or once more after a drop
            await client.send_message(message)
        except (aiosmtplib.SMTPException, OSError) as error:
            if not isinstance(error, aiosmtplib.SMTPResponseException) or error.code == _CLOSING:
                self._drop()
            raise MailError(f"{type(error).__name__}: {error}") from error

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def close(self) -> None:
        """Say QUIT (politely, briefly) and close."""
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            with suppress(aiosmtplib.SMTPException, OSError):
                await client.quit(timeout=5)
            client.close()


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((self.settings.sender_name, self.settings.sender_address))
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=True)  # not every relay adds one
        if email.reply_to:
            message["Reply-To"] = email.reply_to
        message["Message-ID"] = make_msgid(domain=self.settings.sender_address.split("@")[-1])
        message.set_content(email.body)
        return message

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[SmtpConnection]:
        """One connection for the e-mails of a run, closed at the end."""
        opened = SmtpConnection(self)
        try:
            yield opened
        finally:
            await opened.close()

    async def send(self, email: Email) -> None:
        """One e-mail on a connection of its own."""
        async with self.connection() as connection:
            await connection.send(email)
