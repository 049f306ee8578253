"""Reminder e-mails for participants who have not finished a required course.

Who is a candidate comes from the readiness report (participants not completed); this
module decides who is reminded now, writes one e-mail per person from the Swedish template,
sends it, and keeps a log that makes two rules hold:

- no one is reminded twice within the repeat window (manual and automatic alike);
- an automatic reminder (e.g. 7 and 2 days before the deadline) goes out at most once per
  participant, even across restarts and several instances: a row is claimed in the log
  *before* sending, and a claim left 'pending' by a crash is never resent.

Failed deliveries are retried with backoff, then logged as failed and reported; a later
automatic run tries a failed one again. Nothing fails as a batch (finding 11 of the December
2026 review): whatever goes wrong for one recipient (a refused address, a header that cannot
be written) or one workshop is logged without personal data, counted, and the others go on.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from reports.contacts import Contact
from reports.texts import long_date, long_datetime, text
from statements.query import from_micros

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True, slots=True)
class Recipient:
    """A participant who has not finished a required course of a workshop."""

    workshop_id: str
    participant_id: str
    name: str
    email: str
    course: str
    course_url: str
    deadline: datetime
    workshop: str
    workshop_date: date
    contact: Contact | None = None
    """The county's contact person: Reply-To and the signature of the e-mail."""
    course_id: str = ""
    links: tuple[tuple[str, str], ...] = ()
    """The participant's personal launch links (course name, URL) of the courses they have
    not finished; the e-mail gives these instead of the courses' own pages."""


@dataclass(frozen=True, slots=True)
class Skipped:
    recipient: Recipient
    reason: str
    """Why, in the service's language (the reminder log and the API keep this)."""
    key: str = ""
    """The reason's catalogue key (``reports.texts``), for a page in the reader's language."""
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    send: list[Recipient]
    skipped: list[Skipped]


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    body: str
    reply_to: str | None = None
    """Where a participant's reply goes: the county's contact person, else the person who
    sent the reminder (the sender address is a no-reply one)."""


@dataclass(slots=True)
class Outcome:
    sent: list[Recipient] = field(default_factory=list)
    failed: list[tuple[Recipient, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    workshops_failed: list[str] = field(default_factory=list)
    """Workshops an automatic run could not handle at all (tried again next round)."""


@dataclass(frozen=True, slots=True)
class Queued:
    """A run claimed in the reminder log, not yet sent (``ReminderService.queue``)."""

    trigger: str
    send: list[Recipient]
    """Those whose rows this run claimed ('queued'), in the order they are sent."""
    outcome: Outcome
    """The skipped so far."""


def kind_of(error: BaseException) -> str:
    """What went wrong, for a log line: the exception's type, never its message (which
    may carry an address or a name)."""
    return type(error).__name__


@dataclass(frozen=True, slots=True)
class LogEntry:
    workshop_id: str
    participant_id: str
    trigger: str
    status: str
    """'queued' (waiting in its run), 'pending' (being sent), 'sent', 'failed', 'skipped'
    or 'unknown' (a crash between claim and send)."""
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    sent_by: str | None
    run: str | None = None
    """The send this row belongs to (a send started on the web pages; None for others)."""


def log_entry_of(row: Sequence[Any]) -> LogEntry:
    """A reminder log entry from its row (workshop_id, participant_id, trigger, status,
    attempts, last_error, created_at, sent_at, sent_by[, run]; times in µs), on either
    engine."""
    sent_at = row[7]
    return LogEntry(
        workshop_id=row[0],
        participant_id=row[1],
        trigger=row[2],
        status=row[3],
        attempts=row[4],
        last_error=row[5],
        created_at=from_micros(row[6]).astimezone(UTC),
        sent_at=from_micros(sent_at) if sent_at is not None else None,
        sent_by=row[8],
        run=row[9] if len(row) > 9 else None,
    )


class MailError(Exception):
    """The mail server did not take the message; the text says why."""


UNREACHABLE = "unreachable"
STOPPED = "stopped before sending (the service stopped); can be sent again"
"""The error of a queued e-mail whose run stopped before it was tried."""
_FAILURE_KINDS = (
    # (kind, exception names or words the stored error text starts with or holds)
    ("stopped", ("stopped before sending",)),
    ("unwritable", ("could not be written",)),
    ("interrupted", ("interrupted",)),
    ("login", ("SMTPAuthenticationError", "SMTPNotSupported")),
    ("recipient", ("SMTPRecipientsRefused", "SMTPRecipientRefused")),
    (
        UNREACHABLE,
        (
            "SMTPConnectError",
            "SMTPConnectTimeoutError",
            "SMTPServerDisconnected",
            "SMTPTimeoutError",
            "SMTPConnectResponseError",
            "ConnectionRefusedError",
            "ConnectionError",
            "TimeoutError",
            "OSError",
            "gaierror",
        ),
    ),
)


def failure_kind(error: str | None) -> str:
    """What kind of failure a stored error text is, for a message in the reader's
    language (``unreachable``, ``recipient``, ``login``, ``unwritable``, ``interrupted``,
    ``stopped``, or ``rejected``: the server refused the message)."""
    for kind, words in _FAILURE_KINDS:
        if error and any(word in error for word in words):
            return kind
    return "rejected"


class Sender(Protocol):
    async def send(self, email: Email) -> None:
        """Deliver one e-mail to the SMTP server or raise MailError."""


class Mailer(Sender, Protocol):
    def connection(self) -> AbstractAsyncContextManager[Sender]:
        """One connection to the SMTP server for the e-mails of a run."""


class ReminderLog(abc.ABC):
    """Where reminders are recorded (one implementation per storage engine)."""

    @abc.abstractmethod
    async def last_sent(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        """When each (workshop, participant) was last sent a reminder, if ever."""

    @abc.abstractmethod
    async def claim(
        self,
        workshop_id: str,
        participant_id: str,
        trigger: str,
        now: datetime,
        sent_by: str | None,
        max_attempts: int,
        run: str | None = None,
    ) -> bool:
        """Record an attempt about to be made (a new row, a queued one, or a failed one
        tried again); False if this trigger already went out (or is in flight, or was
        lost in a crash) for this participant."""

    @abc.abstractmethod
    async def queue(
        self,
        pairs: Sequence[tuple[str, str]],
        trigger: str,
        now: datetime,
        sent_by: str | None,
        max_attempts: int,
        run: str | None = None,
    ) -> set[tuple[str, str]]:
        """Claim the (workshop, participant) rows of a run up front as 'queued' (new, or
        a failed one to be tried again), in one transaction; the pairs this caller got
        (another instance's are left to it)."""

    @abc.abstractmethod
    async def release(
        self, pairs: Sequence[tuple[str, str]], trigger: str, error: str, now: datetime
    ) -> int:
        """Mark the rows of these pairs still 'queued' under ``trigger`` as failed with
        ``error`` (never tried: they may be sent later)."""

    @abc.abstractmethod
    async def run_entries(self, workshop_id: str, run: str) -> list[LogEntry]:
        """The rows of one run, in the order they were queued."""

    @abc.abstractmethod
    async def finish(
        self,
        workshop_id: str,
        participant_id: str,
        trigger: str,
        *,
        status: str,
        error: str | None,
        now: datetime,
    ) -> None:
        """Record how the claimed attempt ended ('sent', 'failed' or 'skipped')."""

    @abc.abstractmethod
    async def abandon_pending(self, before: datetime) -> int:
        """Mark claims older than ``before`` still 'pending' (a crash) as 'unknown', and
        rows still 'queued' (never tried) as failed: they may be sent again."""

    @abc.abstractmethod
    async def entries(self, workshop_id: str) -> list[LogEntry]: ...


class ReminderService:
    def __init__(
        self,
        reminder_log: ReminderLog,
        mailer: Mailer,
        *,
        window: timedelta,
        sender: str,
        attempts: int = 3,
        backoff: float = 1.0,
        language: str = "sv",
        privacy_url: str = "",
    ) -> None:
        self.privacy_url = privacy_url
        """The information page on personal data (art. 13), linked at the foot of every
        e-mail; empty: no link."""
        self.log = reminder_log
        self.mailer = mailer
        self.window = window
        self.sender = sender
        self.attempts = attempts
        self.backoff = backoff
        self.language = language

    async def plan(self, recipients: Sequence[Recipient], now: datetime) -> Plan:
        """Who would be reminded now: everyone but those reminded within the window."""
        last = await self.log.last_sent([(r.workshop_id, r.participant_id) for r in recipients])
        send: list[Recipient] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for recipient in recipients:
            key = (recipient.workshop_id, recipient.participant_id)
            if key in seen:
                continue  # one e-mail per person, even with two unfinished courses
            seen.add(key)
            if not recipient.email:
                skipped.append(self._skip(recipient, "reminder.skipped.no_email"))
                continue
            if now >= recipient.deadline:  # never "complete it by" a day that has passed
                skipped.append(
                    self._skip(
                        recipient,
                        "reminder.skipped.deadline_passed",
                        deadline=recipient.deadline.astimezone(STOCKHOLM).isoformat(),
                    )
                )
                continue
            when = last.get(key)
            if when is not None and now - when < self.window:
                skipped.append(
                    self._skip(
                        recipient,
                        "reminder.skipped.recent",
                        when=when.astimezone(STOCKHOLM).isoformat(),
                        hours=str(int(self.window.total_seconds() // 3600)),
                    )
                )
                continue
            send.append(recipient)
        return Plan(send, skipped)

    def _skip(self, recipient: Recipient, key: str, **values: str) -> Skipped:
        return Skipped(
            recipient,
            reason(key, self.language, tuple(values.items())),
            key,
            tuple(values.items()),
        )

    def compose(
        self,
        recipient: Recipient,
        reply_to: str | None = None,
        greeting: str = "",
        template: str = "reminder",
    ) -> Email:
        """The e-mail one participant gets (the preview shows exactly this); a personal
        ``greeting`` of the person sending (plain text) follows the salutation.
        ``template``: ``reminder`` or ``invitation`` (the catalogue's
        ``<template>.subject`` and ``<template>.body``)."""
        deadline = long_datetime(recipient.deadline.astimezone(STOCKHOLM), self.language)
        values = {
            "name": recipient.name,
            "course": recipient.course,
            "email": recipient.email,
            "course_url": _course_links(recipient),
            "deadline": deadline,
            "workshop": recipient.workshop,
            "workshop_date": long_date(recipient.workshop_date, self.language),
            "sender": self.sender,
            **self._contact_values(recipient.contact),
        }
        body = text(f"{template}.body", self.language, **values)
        if greeting:
            salutation, rest = body.split("\n\n", 1)
            body = f"{salutation}\n\n{greeting}\n\n{rest}"
        if self.privacy_url:
            body += "\n" + text("reminder.privacy", self.language, url=self.privacy_url) + "\n"
        return Email(
            to=recipient.email,
            subject=text(f"{template}.subject", self.language, **values),
            body=body,
            reply_to=recipient.contact.email if recipient.contact else reply_to,
        )

    def _contact_values(self, contact: Contact | None) -> dict[str, str]:
        """Whom the e-mail names: the county's contact person, else the coordinator in
        general and the sender's name."""
        if contact is None:
            return {
                "contact": text("reminder.contact.default", self.language),
                "signature": self.sender,
            }
        named = text(
            "reminder.contact.named", self.language, name=contact.name, email=contact.email
        )
        return {"contact": named, "signature": contact.signature()}

    async def send(
        self,
        recipients: Sequence[Recipient],
        *,
        now: datetime,
        trigger: str | None = None,
        sent_by: str | None = None,
        reply_to: str | None = None,
        greeting: str = "",
        template: str = "reminder",
    ) -> Outcome:
        """Plan, then send one e-mail per person. ``trigger`` names an automatic run
        ('auto:7d'); a manual send gets a trigger of its own. ``greeting``: as for
        ``compose`` (it is mailed, never logged); ``template``: as for ``compose`` (an
        invitation is sent by the same rules and logged in the same log)."""
        queued = await self.queue(recipients, now=now, trigger=trigger, sent_by=sent_by)
        return await self.deliver(
            queued, now=now, sent_by=sent_by, reply_to=reply_to, greeting=greeting,
            template=template,
        )

    async def queue(
        self,
        recipients: Sequence[Recipient],
        *,
        now: datetime,
        trigger: str | None = None,
        sent_by: str | None = None,
        run: str | None = None,
    ) -> Queued:
        """The first half of ``send``: plan, log the skipped, and claim every row to be
        sent as 'queued' at once, so that the run's total is in the log from the start
        (a page on any instance can show how far it has come)."""
        trigger = trigger or f"manual:{uuid.uuid4()}"
        plan = await self.plan(recipients, now)
        outcome = Outcome(skipped=list(plan.skipped))
        for skipped in plan.skipped:  # logged too, once per trigger and person
            who = skipped.recipient
            try:
                if await self.log.claim(
                    who.workshop_id, who.participant_id, trigger, now, sent_by, self.attempts, run
                ):
                    await self.log.finish(
                        who.workshop_id,
                        who.participant_id,
                        trigger,
                        status="skipped",
                        error=skipped.reason,
                        now=now,
                    )
            except Exception as failure:  # only the record of a skip is lost
                log.warning(
                    "recording a skipped reminder of workshop %s failed (%s)",
                    who.workshop_id,
                    kind_of(failure),
                )
        got = await self.log.queue(
            [(r.workshop_id, r.participant_id) for r in plan.send],
            trigger,
            now,
            sent_by,
            self.attempts,
            run,
        )
        send = [r for r in plan.send if (r.workshop_id, r.participant_id) in got]
        return Queued(trigger, send, outcome)

    async def deliver(
        self,
        queued: Queued,
        *,
        now: datetime,
        sent_by: str | None = None,
        reply_to: str | None = None,
        greeting: str = "",
        template: str = "reminder",
    ) -> Outcome:
        """The second half of ``send``: one e-mail per queued person, over one connection
        to the mail server. When the server does not answer, the others are not tried
        (each would wait for the same timeout): they are logged as failed with the same
        error, so that a later send reaches them. Stopped (the service shutting down),
        those not yet tried are logged as failed the same way."""
        outcome = queued.outcome
        trigger = queued.trigger
        unreachable: str | None = None
        left = list(queued.send)
        try:
            async with self.mailer.connection() as connection:
                while left:
                    recipient = left[0]
                    try:
                        error = await self._remind(
                            connection,
                            recipient,
                            trigger,
                            now,
                            sent_by,
                            (reply_to, greeting),
                            template,
                        )
                    except Exception as failure:  # the log itself failed: the others go on
                        error = kind_of(failure)
                    left.pop(0)
                    if error is None:
                        outcome.sent.append(recipient)
                    elif error != _ALREADY:
                        outcome.failed.append((recipient, error))
                        log.warning(
                            "reminder to participant %s of workshop %s failed",
                            recipient.participant_id,
                            recipient.workshop_id,
                        )
                    if error is not None and failure_kind(error) == UNREACHABLE:
                        unreachable = error
                        break
        except asyncio.CancelledError:
            await asyncio.shield(self._release(left, trigger, STOPPED, now))
            raise
        if unreachable is not None and left:
            outcome.failed += [(recipient, unreachable) for recipient in left]
            await self._release(left, trigger, unreachable, now)
        log.info(
            "reminders %s: %d sent, %d failed, %d skipped",
            trigger,
            len(outcome.sent),
            len(outcome.failed),
            len(outcome.skipped),
        )
        return outcome

    async def _release(
        self, recipients: Sequence[Recipient], trigger: str, error: str, now: datetime
    ) -> None:
        if not recipients:
            return
        try:
            await self.log.release(
                [(r.workshop_id, r.participant_id) for r in recipients], trigger, error, now
            )
        except Exception as failure:  # left 'queued': abandon_pending fails them later
            log.warning("releasing queued reminders failed (%s)", kind_of(failure))

    async def _remind(
        self,
        connection: Sender,
        recipient: Recipient,
        trigger: str,
        now: datetime,
        sent_by: str | None,
        personal: tuple[str | None, str] = (None, ""),
        template: str = "reminder",
    ) -> str | None:
        """Claim, send and record one reminder: None when sent, ``_ALREADY`` when this
        trigger already went out to the person, else the error (kept in the reminder log
        and shown to whoever sent, never written to the service's log)."""
        claimed = await self.log.claim(
            recipient.workshop_id, recipient.participant_id, trigger, now, sent_by, self.attempts
        )
        if not claimed:
            return _ALREADY
        error = await self._deliver(connection, recipient, *personal, template=template)
        await self.log.finish(
            recipient.workshop_id,
            recipient.participant_id,
            trigger,
            status="sent" if error is None else "failed",
            error=error,
            now=now,
        )
        return error

    async def _deliver(
        self,
        connection: Sender,
        recipient: Recipient,
        reply_to: str | None = None,
        greeting: str = "",
        *,
        template: str = "reminder",
    ) -> str | None:
        """Write and send with retries; None on success, else the last error. An e-mail
        that cannot be written (a course name from older data with a line break cannot go
        into the Subject) fails at once: retrying cannot help."""
        error = "not attempted"
        for attempt in range(self.attempts):
            try:
                await connection.send(self.compose(recipient, reply_to, greeting, template))
                return None
            except MailError as failure:
                error = str(failure)
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(self.backoff * 2**attempt)
            except Exception as failure:
                return f"the e-mail could not be written ({kind_of(failure)})"
        return error


_ALREADY = "already sent"


def _course_links(recipient: Recipient) -> str:
    """Where the e-mail sends the participant: their personal link (one per unfinished
    course, named when there are several), else the course's own page."""
    if not recipient.links:
        return recipient.course_url
    if len(recipient.links) == 1:
        return recipient.links[0][1]
    return "\n".join(f"{name}: {url}" for name, url in recipient.links)


def reason(key: str, language: str, values: Sequence[tuple[str, str]]) -> str:
    """A skip reason in ``language``; moments (ISO 8601) are written out as dates."""
    shown = {
        name: long_datetime(datetime.fromisoformat(value), language)
        if name in ("when", "deadline")
        else value
        for name, value in values
    }
    return text(key, language, **shown)


def due_triggers(deadline: datetime, now: datetime, offsets: Sequence[timedelta]) -> list[str]:
    """Automatic triggers due at ``now``: each offset before the deadline that has passed,
    while the deadline has not. Only the latest due offset is returned, so a service that
    was down for a week sends one reminder, not two."""
    if now >= deadline:
        return []
    due = [offset for offset in offsets if now >= deadline - offset]
    if not due:
        return []
    latest = min(due)
    return [f"auto:{_offset_name(latest)}"]


def _offset_name(offset: timedelta) -> str:
    if offset.total_seconds() % 86400 == 0:
        return f"{int(offset.total_seconds() // 86400)}d"
    return f"{int(offset.total_seconds() // 3600)}h"


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A workshop whose deadline is ahead, for the scheduler."""

    workshop_id: str
    deadline: datetime
    recipients: Callable[[], Awaitable[list[Recipient]]]
    """Its unfinished participants (asked only when a trigger is due)."""


RecipientSource = Callable[[], Awaitable[list[Upcoming]]]
"""Every workshop whose deadline is ahead."""


class ReminderScheduler:
    """Automatic reminders inside the service: every ``interval`` it asks the readiness
    report for unfinished participants and sends the triggers that are due."""

    def __init__(
        self,
        service: ReminderService,
        source: RecipientSource,
        offsets: Sequence[timedelta],
        interval: float = 300.0,
        lead: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.service = service
        self.source = source
        self.offsets = list(offsets)
        self.interval = interval
        self.lead = lead
        """Whether this instance sends the automatic reminders now (one of several on a
        database does; claims make sure no reminder goes twice even without it)."""
        self._task: asyncio.Task[None] | None = None

    async def run_once(self, now: datetime) -> Outcome:
        total = Outcome()
        # Claims left pending by a crash an hour ago are not resent: "never twice".
        await self.service.log.abandon_pending(now - timedelta(hours=1))
        for upcoming in await self.source():
            triggers = due_triggers(upcoming.deadline, now, self.offsets)
            if not triggers:
                continue
            try:  # one workshop that fails must not stop the workshops after it
                recipients = await upcoming.recipients()
                for trigger in triggers:
                    outcome = await self.service.send(recipients, now=now, trigger=trigger)
                    total.sent += outcome.sent
                    total.failed += outcome.failed
                    total.skipped += outcome.skipped
            except Exception as error:
                total.workshops_failed.append(upcoming.workshop_id)
                log.warning(
                    "automatic reminders of workshop %s failed (%s); trying again next round",
                    upcoming.workshop_id,
                    kind_of(error),
                )
        if total.failed or total.workshops_failed:
            log.warning(
                "automatic reminders: %d failed, %d workshops failed",
                len(total.failed),
                len(total.workshops_failed),
            )
        return total

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="reminder-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                if self.lead is None or await self.lead():
                    await self.run_once(datetime.now(UTC))
            except Exception as error:
                log.warning(
                    "automatic reminders failed (%s); trying again next round", kind_of(error)
                )
            await asyncio.sleep(self.interval)
