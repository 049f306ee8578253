"""One SMTP connection for a run of e-mails (usability test F13), against a real SMTP
server (aiosmtpd on a random loopback port)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import Email, ReminderService, failure_kind
from reports.reminding import reminder_log
from tests.mail import MailCatcher
from tests.reports.helpers import ReportsLRS
from tests.reports.test_reminders import recipient


def mailer(port: int) -> SmtpMailer:
    return SmtpMailer(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            user=None,
            password=None,
            sender_address="valsakerhet@lansstyrelsen.se",
            sender_name="Länsstyrelsen",
            timeout=5,
        )
    )


def email(number: int) -> Email:
    return Email(to=f"deltagare{number}@kommun.se", subject=f"Nummer {number}", body="Hej!")


async def test_the_emails_of_a_run_share_one_connection(smtp: tuple[MailCatcher, int]) -> None:
    catcher, port = smtp
    async with mailer(port).connection() as connection:
        for number in range(5):
            await connection.send(email(number))
    assert [to for to, _ in catcher.messages] == [[f"deltagare{n}@kommun.se"] for n in range(5)]
    assert catcher.on_connection == [5]


async def test_a_dropped_connection_is_opened_again_once(smtp: tuple[MailCatcher, int]) -> None:
    """A server that closes each connection after two messages (an idle timeout or a
    limit per connection): every e-mail still goes, on three connections."""
    catcher, port = smtp
    catcher.close_after = 2
    async with mailer(port).connection() as connection:
        for number in range(5):
            await connection.send(email(number))
            if number % 2 == 1:  # let the server's close arrive before the next one
                await _settle()
    assert len(catcher.messages) == 5
    assert catcher.on_connection == [2, 2, 1]


async def test_a_refused_message_keeps_the_connection(smtp: tuple[MailCatcher, int]) -> None:
    catcher, port = smtp
    catcher.refuse = 1
    sent = mailer(port)
    async with sent.connection() as connection:
        try:
            await connection.send(email(1))
        except Exception as error:
            assert "451" in str(error)
        else:
            raise AssertionError("the 451 was not raised")
        await connection.send(email(2))
        await connection.send(email(3))
    assert catcher.on_connection == [2] and connection.opened == 1


async def test_a_reminder_run_uses_one_connection(
    lrs: ReportsLRS, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, port = smtp
    service = ReminderService(
        reminder_log(lrs.store), mailer(port), window=timedelta(hours=72), sender="x"
    )
    outcome = await service.send(
        [recipient(n) for n in range(1, 8)], now=datetime(2026, 1, 10, tzinfo=UTC)
    )
    assert len(outcome.sent) == 7 and outcome.failed == []
    assert catcher.on_connection == [7]


async def test_an_unreachable_server_is_one_connect_error(lrs: ReportsLRS) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with mailer(closed).connection() as connection:
        try:
            await connection.send(email(1))
        except Exception as error:
            assert failure_kind(str(error)) == "unreachable"
        else:
            raise AssertionError("nothing listens there")


async def _settle() -> None:
    await asyncio.sleep(0.2)
