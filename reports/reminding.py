"""Reminders of one workshop, as the reminder page, the API and ``lrs-bridge remind`` use
them: who would be reminded now and why others would not, the e-mail they would get, the
send itself, and the log of what was sent, failed or skipped.

``reports.reminders`` holds the rules (repeat window, one e-mail per person, claims before
sending, retries); this module joins them to the readiness report, which says who has not
finished, and builds the service's reminder parts from its settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import (
    Email,
    LogEntry,
    Mailer,
    Outcome,
    Plan,
    Recipient,
    ReminderLog,
    ReminderScheduler,
    ReminderService,
)
from reports.reminders_storage import SqlReminderLog
from reports.service import ReportsService
from statements.storage.base import Store
from statements.storage.port import Database


def reminder_log(store: Database) -> ReminderLog:
    """The reminder log, on the store's database port."""
    return SqlReminderLog(store)


@dataclass(frozen=True, slots=True)
class Preview:
    plan: Plan
    example: Email | None
    """The e-mail the first person to be reminded would get (each gets their own)."""


class WorkshopReminders:
    def __init__(
        self,
        reports: ReportsService,
        service: ReminderService,
        clock: Callable[[], datetime] | None = None,
        automatic: Sequence[timedelta] = (),
    ) -> None:
        self.reports = reports
        self.service = service
        self.clock = clock or (lambda: datetime.now(UTC))
        self.automatic = sorted(automatic, reverse=True)
        """When automatic reminders go, before a workshop's last day (none: not at all)."""

    def schedule(self, deadline: datetime) -> list[datetime]:
        """When the automatic reminders of a workshop with this last day are still to go
        (earliest first): the scheduler sends each offset once it has passed."""
        now = self.clock()
        return [deadline - offset for offset in self.automatic if deadline - offset > now]

    async def preview(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        reply_to: str | None = None,
        greeting: str = "",
    ) -> Preview:
        """Who would be reminded now (and who not, with the reason); nothing is sent."""
        recipients = await self.reports.reminder_recipients(workshop_id, municipality=municipality)
        plan = await self.service.plan(recipients, self.clock())
        example = self.service.compose(plan.send[0], reply_to, greeting) if plan.send else None
        return Preview(plan, example)

    async def send(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        sent_by: str | None = None,
        reply_to: str | None = None,
        only: Collection[str] | None = None,
        greeting: str = "",
    ) -> Outcome:
        """Send the reminders ``preview`` shows, one e-mail per person; replies go to
        ``reply_to`` (the person sending) when given. ``only``: the participants (ids)
        chosen among them; ``greeting``: a line of the sender's own (``compose``)."""
        recipients = await self.reports.reminder_recipients(workshop_id, municipality=municipality)
        if only is not None:
            recipients = [r for r in recipients if r.participant_id in only]
        return await self.service.send(
            recipients, now=self.clock(), sent_by=sent_by, reply_to=reply_to, greeting=greeting
        )

    async def entries(self, workshop_id: str) -> list[LogEntry]:
        return await self.service.log.entries(workshop_id)


def person_json(recipient: Recipient) -> dict[str, Any]:
    return {
        "participant_id": recipient.participant_id,
        "name": recipient.name,
        "email": recipient.email,
        "course": recipient.course,
    }


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """What a send did, person by person (for the API and the CLI)."""
    return {
        "sent": [person_json(r) for r in outcome.sent],
        "failed": [{**person_json(r), "error": error} for r, error in outcome.failed],
        "skipped": [{**person_json(s.recipient), "reason": s.reason} for s in outcome.skipped],
    }


def offsets(days: str) -> list[timedelta]:
    """``"7,2"`` (the setting) as offsets before the deadline."""
    return [timedelta(days=int(part)) for part in days.split(",") if part.strip()]


REMINDER_ROLE = "automatic-reminders"


def build_reminders(
    store: Store,
    reports: ReportsService,
    smtp: SmtpSettings,
    *,
    window_hours: int,
    offset_days: str,
    sender: str,
    mailer: Mailer | None = None,
    privacy_url: str = "",
) -> tuple[WorkshopReminders, ReminderScheduler | None]:
    """The service's reminder parts: the workshop desk and, when offsets are set, the
    scheduler of automatic reminders (started by the HTTP service, not by CLI commands)."""
    service = ReminderService(
        reminder_log(store),
        mailer or SmtpMailer(smtp),
        window=timedelta(hours=window_hours),
        sender=sender,
        privacy_url=privacy_url,
    )
    automatic: Sequence[timedelta] = offsets(offset_days)
    scheduler = (
        ReminderScheduler(
            service,
            reports.upcoming_reminders,
            automatic,
            lead=functools.partial(store.lead, REMINDER_ROLE),
        )
        if automatic
        else None
    )
    return WorkshopReminders(reports, service, reports.clock, automatic), scheduler
