"""How far a reminder or invitation send has come (usability test F13: send in the
background). The page's POST starts the send as a task of the service and redirects here;
this page reads the reminder log rows of that run (claimed 'queued' up front, so the total
is known from the start), so it shows the same on any instance behind a load balancer. It
does not refresh itself: a "show again" link does, at the reader's pace.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.gate import WORKSHOP
from lrs_bridge.web.pages import Ctx, not_found, page
from reports.reminders import LogEntry, failure_kind

KINDS = {"reminders": "manual:", "invitations": "invite"}
"""The page kind and the trigger its runs' rows have (``manual:<run>``; ``invite`` and
``invite:<run>``)."""
LEFT = ("queued", "pending")
FAILED = ("failed", "unknown")


def _is_run(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def failures(entries: list[LogEntry]) -> list[tuple[str, str | None, list[LogEntry]]]:
    """The run's failed e-mails by kind of failure (the mail server not answering first),
    each kind with one of its errors, so the page says each reason once."""
    kinds: dict[str, tuple[str | None, list[LogEntry]]] = {}
    for entry in entries:
        if entry.status in FAILED:
            kind = "interrupted" if entry.status == "unknown" else failure_kind(entry.last_error)
            kinds.setdefault(kind, (entry.last_error, []))[1].append(entry)
    order = sorted(kinds, key=lambda kind: (kind != "unreachable", -len(kinds[kind][1])))
    return [(kind, *kinds[kind]) for kind in order]


async def _run_page(ctx: Ctx, kind: str) -> Response:
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    run: str = ctx.request.path_params["run"]
    if not _is_run(run):
        return not_found(ctx)
    services = ctx.services
    municipality = own_municipality(ctx.principal)
    found = await services.reports.get_workshop(workshop_id, municipality=municipality)
    people = {
        p.id: p
        for p in await services.reports.list_participants(workshop_id, municipality=municipality)
    }
    desk = services.reminders
    entries = [
        entry
        for entry in await desk.run_entries(workshop_id, run)
        if entry.trigger.startswith(KINDS[kind]) and entry.participant_id in people
    ]
    counts: dict[str, Any] = {
        "sent": sum(1 for e in entries if e.status == "sent"),
        "failed": sum(1 for e in entries if e.status in FAILED),
        "left": sum(1 for e in entries if e.status in LEFT),
        "total": sum(1 for e in entries if e.status != "skipped"),
    }
    return ctx.render(
        "send_status.html",
        workshop=found,
        kind=kind,
        counts=counts,
        skipped=sum(1 for e in entries if e.status == "skipped"),
        failures=failures(entries),
        people=people,
        as_of=ctx.moment(desk.clock()),
    )


async def reminder_run(ctx: Ctx) -> Response:
    return await _run_page(ctx, "reminders")


async def invitation_run(ctx: Ctx) -> Response:
    return await _run_page(ctx, "invitations")


def routes() -> list[Route]:
    get = {"GET": Action.REMINDERS_SEND}
    return [
        Route(
            "/workshops/{workshop_id}/reminders/runs/{run}",
            page(reminder_run, get, WORKSHOP),
            methods=["GET", "HEAD"],
        ),
        Route(
            "/workshops/{workshop_id}/invitations/runs/{run}",
            page(invitation_run, get, WORKSHOP),
            methods=["GET", "HEAD"],
        ),
    ]
