"""Reminder e-mails against a real SMTP server (aiosmtpd on a random loopback port)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from lrs_bridge.schema import MIGRATIONS
from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import (
    Recipient,
    ReminderScheduler,
    ReminderService,
    Upcoming,
    due_triggers,
    failure_kind,
)
from reports.reminding import reminder_log
from statements.storage import open_store
from tests.mail import MailCatcher
from tests.reports.helpers import ReportsLRS

DEADLINE = datetime(2026, 1, 17, 22, 59, tzinfo=UTC)  # 23:59 in Stockholm (UTC+1)


@pytest.fixture
async def reminder_service(
    lrs: ReportsLRS, smtp: tuple[MailCatcher, int]
) -> AsyncIterator[ReminderService]:
    _, port = smtp
    mailer = SmtpMailer(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            user=None,
            password=None,
            sender_address="valsakerhet@lansstyrelsen.se",
            sender_name="Länsstyrelsen",
        )
    )
    yield ReminderService(
        reminder_log(lrs.store),
        mailer,
        window=timedelta(hours=72),
        sender="Länsstyrelsen i Västernorrlands län",
        attempts=3,
        backoff=0.01,
    )


def recipient(number: int, email_address: str | None = None) -> Recipient:
    return Recipient(
        workshop_id="w1",
        participant_id=f"p{number}",
        name=f"Deltagare {number}",
        email=email_address if email_address is not None else f"deltagare{number}@kommun.se",
        course="Introduktionsutbildning i valsäkerhet",
        course_url="https://utbildning.val.se/intro",
        deadline=DEADLINE,
        workshop="Workshop i valsäkerhet, Härnösand",
        workshop_date=date(2026, 1, 18),
    )


async def test_one_swedish_email_per_person(
    reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp
    now = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    outcome = await reminder_service.send(
        [recipient(1), recipient(2), recipient(3, email_address="")], now=now, sent_by="u1"
    )
    assert [r.participant_id for r in outcome.sent] == ["p1", "p2"]
    assert [s.recipient.participant_id for s in outcome.skipped] == ["p3"]
    assert [rcpts for rcpts, _ in catcher.messages] == [
        ["deltagare1@kommun.se"],
        ["deltagare2@kommun.se"],
    ]
    _, first = catcher.messages[0]
    assert first["Subject"] == (
        "Påminnelse: genomför Introduktionsutbildning i valsäkerhet senast "
        "17 januari 2026 kl. 23.59"
    )
    assert first["From"] == "Länsstyrelsen <valsakerhet@lansstyrelsen.se>"
    assert first["To"] == "deltagare1@kommun.se"
    body = first.get_content()
    assert body.startswith("Hej Deltagare 1!")
    assert "Workshop i valsäkerhet, Härnösand den 18 januari 2026" in body
    assert "https://utbildning.val.se/intro" in body
    assert "deltagare2@kommun.se" not in body  # no one sees another's address


async def test_preview_is_what_is_sent(
    reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp
    preview = reminder_service.compose(recipient(1))
    await reminder_service.send([recipient(1)], now=datetime(2026, 1, 10, tzinfo=UTC))
    _, sent = catcher.messages[0]
    assert sent["Subject"] == preview.subject
    assert sent.get_content().replace("\r\n", "\n").strip() == preview.body.strip()


async def test_no_one_is_reminded_twice_within_the_window(
    reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp
    now = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    await reminder_service.send([recipient(1)], now=now)
    soon = await reminder_service.send([recipient(1), recipient(2)], now=now + timedelta(hours=71))
    assert [r.participant_id for r in soon.sent] == ["p2"]
    assert [s.recipient.participant_id for s in soon.skipped] == ["p1"]
    assert "inom 72 timmar" in soon.skipped[0].reason
    later = await reminder_service.send([recipient(1)], now=now + timedelta(hours=73))
    assert [r.participant_id for r in later.sent] == ["p1"]
    assert [rcpts[0] for rcpts, _ in catcher.messages] == [
        "deltagare1@kommun.se",
        "deltagare2@kommun.se",
        "deltagare1@kommun.se",
    ]


async def test_a_refused_delivery_is_retried_and_logged(
    reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp
    catcher.refuse = 2  # two 451s, then the server takes it
    outcome = await reminder_service.send([recipient(1)], now=datetime(2026, 1, 10, tzinfo=UTC))
    assert [r.participant_id for r in outcome.sent] == ["p1"]
    assert len(catcher.messages) == 1
    (entry,) = await reminder_service.log.entries("w1")
    assert (entry.status, entry.last_error) == ("sent", None)

    catcher.refuse = 10  # down for longer than the retries
    failed = await reminder_service.send([recipient(2)], now=datetime(2026, 1, 10, tzinfo=UTC))
    assert [r.participant_id for r, _ in failed.failed] == ["p2"]
    assert "451" in failed.failed[0][1]
    entries = {e.participant_id: e for e in await reminder_service.log.entries("w1")}
    assert entries["p2"].status == "failed"
    assert "451" in (entries["p2"].last_error or "")


async def test_automatic_reminders_go_out_once_even_after_a_restart(
    store_url: str, reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp

    async def recipients() -> list[Recipient]:
        return [recipient(1), recipient(2)]

    async def source() -> list[Upcoming]:
        return [Upcoming("w1", DEADLINE, recipients)]

    offsets = [timedelta(days=7), timedelta(days=2)]
    scheduler = ReminderScheduler(reminder_service, source, offsets)
    before = await scheduler.run_once(DEADLINE - timedelta(days=8))
    assert before.sent == []
    seven = await scheduler.run_once(DEADLINE - timedelta(days=6, hours=23))
    assert [r.participant_id for r in seven.sent] == ["p1", "p2"]
    # A second instance (a store of its own on the same database) at the same moment
    # sends nothing.
    other = open_store(store_url, migrations=MIGRATIONS)
    await other.open()
    try:
        again = ReminderScheduler(
            ReminderService(
                reminder_log(other),
                reminder_service.mailer,
                window=timedelta(hours=1),
                sender="x",
                backoff=0.01,
            ),
            source,
            offsets,
        )
        repeat = await again.run_once(DEADLINE - timedelta(days=6, hours=22))
    finally:
        await other.close()
    assert repeat.sent == []
    two = await scheduler.run_once(DEADLINE - timedelta(days=1, hours=23))
    assert [r.participant_id for r in two.sent] == ["p1", "p2"]
    after = await scheduler.run_once(DEADLINE + timedelta(hours=1))
    assert after.sent == []
    assert len(catcher.messages) == 4
    triggers = sorted({e.trigger for e in await reminder_service.log.entries("w1")})
    assert triggers == ["auto:2d", "auto:7d"]


async def test_a_claim_lost_in_a_crash_is_not_resent(
    reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, _ = smtp
    claimed_at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert await reminder_service.log.claim("w1", "p1", "auto:7d", claimed_at, None, 3)
    # ...the process died here, before the e-mail's fate was recorded.
    assert await reminder_service.log.abandon_pending(claimed_at + timedelta(hours=2)) == 1
    outcome = await reminder_service.send(
        [recipient(1)], now=claimed_at + timedelta(hours=3), trigger="auto:7d"
    )
    assert outcome.sent == [] and catcher.messages == []
    (entry,) = await reminder_service.log.entries("w1")
    assert entry.status == "unknown"


async def test_a_reminder_claimed_by_one_instance_is_not_claimed_by_the_other(
    lrs: ReportsLRS, store_url: str
) -> None:
    """Two instances (two stores on one database) claiming the same reminders at the same
    moment: each reminder goes to exactly one, first time and when a failed one is retried."""
    other = open_store(store_url, migrations=MIGRATIONS)
    await other.open()
    try:
        ours, theirs = reminder_log(lrs.store), reminder_log(other)
        now = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
        people = [f"p{n}" for n in range(20)]

        async def both() -> list[tuple[bool, bool]]:
            won = await asyncio.gather(
                *(
                    log.claim("w1", person, "auto:7d", now, None, 3)
                    for person in people
                    for log in (ours, theirs)
                )
            )
            return list(zip(won[::2], won[1::2], strict=True))

        first = await both()
        assert all(a != b for a, b in first), first  # one of the two, never both
        for person in people:
            await ours.finish("w1", person, "auto:7d", status="failed", error="451", now=now)
        retried = await both()
        assert all(a != b for a, b in retried), retried
        entries = await theirs.entries("w1")
        assert sorted(e.participant_id for e in entries) == sorted(people)
        assert {(e.status, e.attempts) for e in entries} == {("pending", 2)}
        # Lost in flight: neither instance claims it again.
        assert not await ours.claim("w1", "p0", "auto:7d", now, None, 3)
        assert not await theirs.claim("w1", "p0", "auto:7d", now, None, 3)
    finally:
        await other.close()


def test_due_triggers() -> None:
    offsets = [timedelta(days=7), timedelta(days=2)]
    assert due_triggers(DEADLINE, DEADLINE - timedelta(days=8), offsets) == []
    assert due_triggers(DEADLINE, DEADLINE - timedelta(days=5), offsets) == ["auto:7d"]
    assert due_triggers(DEADLINE, DEADLINE - timedelta(days=1), offsets) == ["auto:2d"]
    assert due_triggers(DEADLINE, DEADLINE + timedelta(minutes=1), offsets) == []


async def test_an_unreachable_mail_server_fails_once_not_once_per_recipient(
    lrs: ReportsLRS, reminder_service: ReminderService, smtp: tuple[MailCatcher, int]
) -> None:
    """Usability test F13: a closed port is tried for the first person only (with its
    retries); the others fail with the same error at once, logged as failed but never
    tried (a run's rows are claimed up front), so that a later send reaches them."""
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    mailer = SmtpMailer(
        SmtpSettings(
            host="127.0.0.1",
            port=closed,
            security="none",
            user=None,
            password=None,
            sender_address="valsakerhet@lansstyrelsen.se",
            sender_name="Länsstyrelsen",
            timeout=5,
        )
    )
    service = ReminderService(
        reminder_log(lrs.store), mailer, window=timedelta(hours=72), sender="x", backoff=0.01
    )
    now = datetime(2026, 1, 10, tzinfo=UTC)
    outcome = await service.send([recipient(n) for n in range(1, 6)], now=now)
    assert outcome.sent == [] and len(outcome.failed) == 5
    assert {failure_kind(error) for _, error in outcome.failed} == {"unreachable"}
    entries = await service.log.entries("w1")
    assert [(e.participant_id, e.status, e.attempts) for e in entries] == [
        ("p1", "failed", 1),
        *((f"p{n}", "failed", 0) for n in range(2, 6)),
    ]
    assert {failure_kind(e.last_error) for e in entries} == {"unreachable"}
    catcher, _ = smtp  # the server answers again: a later send reaches everyone
    later = await reminder_service.send([recipient(n) for n in range(1, 6)], now=now)
    assert len(later.sent) == 5 and len(catcher.messages) == 5


async def test_no_reminder_after_the_last_day(reminder_service: ReminderService) -> None:
    """Usability test F3: nobody is asked to finish by a day that has passed."""
    after = DEADLINE + timedelta(minutes=1)
    outcome = await reminder_service.send([recipient(1)], now=after)
    assert outcome.sent == [] and outcome.failed == []
    (skipped,) = outcome.skipped
    assert skipped.reason == "sista dagen (17 januari 2026 kl. 23.59) har passerat"
    assert skipped.key == "reminder.skipped.deadline_passed"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("SMTPConnectError: Error connecting to 127.0.0.1 on port 8125", "unreachable"),
        ("SMTPRecipientsRefused: {'a@b.se': (550, b'no')}", "recipient"),
        ("SMTPDataError: (500, 'Error')", "rejected"),
        ("the e-mail could not be written (ValueError)", "unwritable"),
        (None, "rejected"),
    ],
)
def test_failures_are_told_apart(error: str | None, kind: str) -> None:
    assert failure_kind(error) == kind
