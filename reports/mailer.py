"""Sending e-mail over SMTP with aiosmtplib (STARTTLS or implicit TLS, optional login).

aiosmtplib is the maintained asyncio SMTP client; sending from the event loop keeps the
service responsive while a slow mail server answers.
"""

from __future__ import annotations

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

    async def send(self, email: Email) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                self.message(email),
                hostname=s.host,
                port=s.port,
                use_tls=s.security == "tls",
                start_tls=s.security == "starttls",
                username=s.user or None,
                password=s.password or None,
                timeout=s.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailError(f"{type(error).__name__}: {error}") from error
