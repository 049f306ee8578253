"""A send in the background (usability test F13): its rows are claimed up front, and a
service that stops while it runs logs what it did not try, against a real SMTP server that
answers slowly (aiosmtpd on a random loopback port) and a real database of each engine."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import STOPPED, ReminderService, failure_kind
from reports.reminding import Background, reminder_log
from tests.mail import MailCatcher
from tests.reports.helpers import ReportsLRS
from tests.reports.test_reminders import recipient

NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def service(lrs: ReportsLRS, port: int) -> ReminderService:
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
    return ReminderService(
        reminder_log(lrs.store), mailer, window=timedelta(hours=72), sender="x", backoff=0.01
    )


async def test_a_run_is_in_the_log_from_the_start_and_finishes_in_the_background(
    lrs: ReportsLRS, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, port = smtp
    catcher.delay = 0.3
    reminders = service(lrs, port)
    queued = await reminders.queue(
        [recipient(n) for n in range(1, 4)], now=NOW, trigger="manual:run-1", run="run-1"
    )
    rows = await reminders.log.run_entries("w1", "run-1")
    assert [(e.participant_id, e.status, e.attempts) for e in rows] == [
        ("p1", "queued", 0),
        ("p2", "queued", 0),
        ("p3", "queued", 0),
    ]
    background = Background()
    background.start(reminders.deliver(queued, now=NOW), "run-1")
    assert len(background) == 1
    await background.wait()
    assert len(background) == 0  # a finished send is forgotten
    rows = await reminders.log.run_entries("w1", "run-1")
    assert {e.status for e in rows} == {"sent"} and len(catcher.messages) == 3
    # Queued once: the same people are not queued twice under the run's trigger.
    again = await reminders.queue([recipient(1)], now=NOW, trigger="manual:run-1", run="run-1")
    assert again.send == []


async def test_a_send_cut_short_by_a_shutdown_logs_what_it_did_not_try(
    lrs: ReportsLRS, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, port = smtp
    catcher.delay = 5.0  # the first e-mail is still on its way when the service stops
    reminders = service(lrs, port)
    queued = await reminders.queue(
        [recipient(n) for n in range(1, 4)], now=NOW, trigger="manual:run-2", run="run-2"
    )
    background = Background()
    background.start(reminders.deliver(queued, now=NOW), "run-2")
    await asyncio.sleep(0.5)
    await background.stop(grace=0.1)
    assert len(background) == 0
    rows = {e.participant_id: e for e in await reminders.log.run_entries("w1", "run-2")}
    assert rows["p1"].status == "pending"  # on its way: never sent twice
    assert [(rows[p].status, rows[p].last_error) for p in ("p2", "p3")] == [
        ("failed", STOPPED),
        ("failed", STOPPED),
    ]
    assert failure_kind(STOPPED) == "stopped"
    # Later the one in flight is abandoned as unknown; the others may be sent again.
    await reminders.log.abandon_pending(NOW + timedelta(hours=2))
    rows = {e.participant_id: e for e in await reminders.log.run_entries("w1", "run-2")}
    assert rows["p1"].status == "unknown"
    catcher.delay = 0
    later = await reminders.send([recipient(n) for n in range(1, 4)], now=NOW)
    assert sorted(r.participant_id for r in later.sent) == ["p1", "p2", "p3"]


async def test_queued_rows_left_by_a_crash_may_be_sent_again(lrs: ReportsLRS) -> None:
    log = reminder_log(lrs.store)
    got = await log.queue([("w1", "p1"), ("w1", "p2")], "manual:run-3", NOW, None, 3, "run-3")
    assert got == {("w1", "p1"), ("w1", "p2")}
    assert await log.claim("w1", "p1", "manual:run-3", NOW, None, 3)  # on its way
    # ... the instance died here.
    assert await log.abandon_pending(NOW + timedelta(hours=2)) == 1
    rows = {e.participant_id: e for e in await log.run_entries("w1", "run-3")}
    assert (rows["p1"].status, rows["p2"].status) == ("unknown", "failed")
    assert failure_kind(rows["p2"].last_error) == "stopped"
