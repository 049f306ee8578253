"""Reminders of one workshop, as the reminder page, the API and ``lrs-bridge remind`` use
them: who would be reminded now and why others would not, the e-mail they would get, the
send itself, and the log of what was sent, failed or skipped.

``reports.reminders`` holds the rules (repeat window, one e-mail per person, claims before
sending, retries); this module joins them to the readiness report, which says who has not
finished, and builds the service's reminder parts from its settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import uuid
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.fields import bad, require_object, string_list
from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import (
    Email,
    LogEntry,
    Mailer,
    Outcome,
    Plan,
    Queued,
    Recipient,
    ReminderLog,
    ReminderScheduler,
    ReminderService,
    Skipped,
    kind_of,
    reason,
)
from reports.reminders_storage import SqlReminderLog
from reports.service import ReportsService
from statements.storage.base import Store
from statements.storage.port import Database

log = logging.getLogger(__name__)


def reminder_log(store: Database) -> ReminderLog:
    """The reminder log, on the store's database port."""
    return SqlReminderLog(store)


@dataclass(frozen=True, slots=True)
class Preview:
    plan: Plan
    example: Email | None
    """The e-mail the first person to be reminded would get (each gets their own)."""


@dataclass(frozen=True, slots=True)
class Run:
    """A send started in the background: its id (the reminder log rows carry it), how many
    e-mails it will send and how many it skipped."""

    id: str
    planned: int
    skipped: int


class Background:
    """The sends running in the background, owned by the service (not by the request that
    started them): a finished one is forgotten; on shutdown they get a moment to finish,
    then are cancelled (their e-mails not yet tried are logged as failed, may be sent
    again; one being sent when it stopped is left 'pending', abandoned later)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[object, object, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            failure = task.exception()
            assert failure is not None
            log.warning("background send %s failed (%s)", task.get_name(), kind_of(failure))

    def __len__(self) -> int:
        return len(self._tasks)

    async def wait(self, within: float | None = None) -> None:
        """Until every send running now has finished (or ``within`` seconds)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)

    async def stop(self, grace: float = 5.0) -> None:
        await self.wait(grace)
        running = set(self._tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)


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
        self.background = Background()

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
        example = (
            self.service.compose(masked(plan.send[0]), reply_to, greeting) if plan.send else None
        )
        return Preview(plan, example)

    async def _chosen(
        self, workshop_id: str, municipality: str | None, only: Collection[str] | None
    ) -> list[Recipient]:
        """The workshop's reminder recipients (a coordinator's municipality only), narrowed
        to the participants (ids) ``only`` names when given."""
        recipients = await self.reports.reminder_recipients(workshop_id, municipality=municipality)
        if only is None:
            return list(recipients)
        return [r for r in recipients if r.participant_id in only]

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
        recipients = await self._chosen(workshop_id, municipality, only)
        return await self.service.send(
            recipients, now=self.clock(), sent_by=sent_by, reply_to=reply_to, greeting=greeting
        )

    async def start_send(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        sent_by: str | None = None,
        reply_to: str | None = None,
        only: Collection[str] | None = None,
        greeting: str = "",
    ) -> Run:
        """``send`` in the background (the web page): the run's rows are claimed now, so
        its total is known; the e-mails go after this returns. ``run_entries`` shows how
        far it has come, on any instance."""
        recipients = await self._chosen(workshop_id, municipality, only)
        run = str(uuid.uuid4())
        now = self.clock()
        queued = await self.service.queue(
            recipients, now=now, trigger=f"manual:{run}", sent_by=sent_by, run=run
        )
        self.background.start(
            self._deliver(
                [queued], now=now, sent_by=sent_by, reply_to=reply_to, greeting=greeting
            ),
            f"reminders-{run}",
        )
        return Run(run, len(queued.send), len(queued.outcome.skipped))

    async def _deliver(
        self,
        runs: Sequence[Queued],
        *,
        now: datetime,
        sent_by: str | None,
        reply_to: str | None,
        greeting: str = "",
        template: str = "reminder",
    ) -> None:
        for queued in runs:
            await self.service.deliver(
                queued,
                now=now,
                sent_by=sent_by,
                reply_to=reply_to,
                greeting=greeting,
                template=template,
            )

    async def run_entries(self, workshop_id: str, run: str) -> list[LogEntry]:
        """The reminder log rows of one run (``start_send``, ``start_invite``)."""
        return await self.service.log.run_entries(workshop_id, run)

    async def entries(self, workshop_id: str) -> list[LogEntry]:
        return await self.service.log.entries(workshop_id)

    # --- invitations (issue 14, usability test F4) ---------------------------------------

    async def _invitees(
        self,
        workshop_id: str,
        municipality: str | None,
        only: Collection[str] | None,
        again: bool,
    ) -> tuple[list[Recipient], list[Recipient], list[Skipped]]:
        """Who an invitation would go to (participants with a required course not yet
        finished, each with their personal links): those never tried, those whose first
        invitation was skipped or failed (tried under a trigger of its own), and who
        already had one (skipped)."""
        recipients = await self._chosen(workshop_id, municipality, only)
        if again:
            return [], recipients, []
        tried = {
            entry.participant_id: entry.status
            for entry in await self.service.log.entries(workshop_id)
            if entry.trigger == INVITE
        }
        key = "invitation.skipped.already"
        first: list[Recipient] = []
        retry: list[Recipient] = []
        skipped: dict[str, Skipped] = {}
        for recipient in recipients:
            status = tried.get(recipient.participant_id)
            if status is None:
                first.append(recipient)
            elif status in ("skipped", "failed"):
                retry.append(recipient)
            elif recipient.participant_id not in skipped:
                skipped[recipient.participant_id] = Skipped(
                    recipient, reason(key, self.service.language, ()), key
                )
        return first, retry, list(skipped.values())

    async def invitation_preview(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        only: Collection[str] | None = None,
        again: bool = False,
        reply_to: str | None = None,
    ) -> Preview:
        """Who would be invited now (and who not, with the reason); nothing is sent."""
        first, retry, invited = await self._invitees(workshop_id, municipality, only, again)
        plan = await self.service.plan(first + retry, self.clock())
        plan = Plan(plan.send, invited + plan.skipped)
        example = (
            self.service.compose(masked(plan.send[0]), reply_to, template="invitation")
            if plan.send
            else None
        )
        return Preview(plan, example)

    async def invite(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        sent_by: str | None = None,
        reply_to: str | None = None,
        only: Collection[str] | None = None,
        again: bool = False,
    ) -> Outcome:
        """Send each participant who has not finished (``only``: these participants) one
        invitation with their personal links, the deadline and the contact person. By the
        reminder rules (once within the window, every send claimed before it goes and
        logged); a participant is invited once ever (the claim of trigger ``invite`` makes
        it so across instances), unless ``again``."""
        first, retry, invited = await self._invitees(workshop_id, municipality, only, again)
        outcome = Outcome(skipped=invited)
        for group, trigger in ((first, INVITE), (retry, f"{INVITE}:{uuid.uuid4()}")):
            if not group:
                continue
            done = await self.service.send(
                group,
                now=self.clock(),
                trigger=trigger,
                sent_by=sent_by,
                reply_to=reply_to,
                template="invitation",
            )
            outcome.sent += done.sent
            outcome.failed += done.failed
            outcome.skipped += done.skipped
        return outcome


    async def start_invite(
        self,
        workshop_id: str,
        *,
        municipality: str | None = None,
        sent_by: str | None = None,
        reply_to: str | None = None,
        only: Collection[str] | None = None,
        again: bool = False,
    ) -> Run:
        """``invite`` in the background (the web page), as ``start_send``."""
        first, retry, invited = await self._invitees(workshop_id, municipality, only, again)
        run = str(uuid.uuid4())
        now = self.clock()
        runs: list[Queued] = []
        for group, trigger in ((first, INVITE), (retry, f"{INVITE}:{run}")):
            if group:
                runs.append(
                    await self.service.queue(
                        group, now=now, trigger=trigger, sent_by=sent_by, run=run
                    )
                )
        self.background.start(
            self._deliver(
                runs, now=now, sent_by=sent_by, reply_to=reply_to, template="invitation"
            ),
            f"invitations-{run}",
        )
        planned = sum(len(q.send) for q in runs)
        return Run(run, planned, len(invited) + sum(len(q.outcome.skipped) for q in runs))


HIDDEN_TOKEN = "…"


def masked(recipient: Recipient) -> Recipient:
    """A recipient whose personal links show no token: the example e-mail a coordinator
    previews must not hand them a participant's link (following it launches the course as
    that participant)."""
    if not recipient.links:
        return recipient
    return dataclasses.replace(
        recipient,
        links=tuple(
            (name, url.rsplit("/", 1)[0] + "/" + HIDDEN_TOKEN) for name, url in recipient.links
        ),
    )


INVITATION_FIELDS = frozenset({"participants", "again"})


def invitation_request(data: Any, known: Collection[str]) -> tuple[list[str] | None, bool]:
    """``{"participants": [ids] (optional: everyone not finished), "again": bool (optional:
    invite those already invited too)}``; ``known``: the participant ids the caller may
    name (BadRequest naming the first that is not one of them)."""
    fields = require_object(data, INVITATION_FIELDS)
    only = string_list(fields, "participants", required=False)
    for index, participant_id in enumerate(only or ()):
        if participant_id not in known:
            raise bad(f"participants[{index}]", "unknown_participant", "is not on the list")
    again = fields.get("again", False)
    if not isinstance(again, bool):
        raise bad("again", "type", "must be true or false")
    return only, again


INVITE = "invite"
"""The reminder log's trigger of a participant's first invitation (one per participant:
the log's unique claim makes it so across instances); ``invite:<uuid>`` when sent again."""


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
