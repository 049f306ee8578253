"""Reminder e-mails of one workshop: who would be reminded (and the e-mail), and the send.

A municipality coordinator reminds only their municipality's participants; the answer
never names anyone outside the person's scope.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.gate import services
from lrs_bridge.http.api.common import audit, reports
from lrs_bridge.http.responses import JSONResponse
from reports.exports import to_json
from reports.reminding import outcome_json, person_json


async def preview_reminders(request: Request, principal: Principal) -> Response:
    workshop_id: str = request.path_params["workshop_id"]
    desk = services(request).reminders
    municipality = own_municipality(principal)
    preview = await desk.preview(workshop_id, municipality=municipality)
    in_scope = {
        person.id
        for person in await reports(request).list_participants(
            workshop_id, municipality=municipality
        )
    }
    return JSONResponse(
        {
            "send": [person_json(r) for r in preview.plan.send],
            "skipped": [
                {**person_json(s.recipient), "reason": s.reason} for s in preview.plan.skipped
            ],
            "example": to_json(preview.example),
            "window_hours": int(desk.service.window.total_seconds() // 3600),
            "log": [
                to_json(entry)
                for entry in await desk.entries(workshop_id)
                if entry.participant_id in in_scope
            ],
        }
    )


async def send_reminders(request: Request, principal: Principal) -> Response:
    workshop_id: str = request.path_params["workshop_id"]
    workshop = await reports(request).get_workshop(workshop_id)
    outcome = await services(request).reminders.send(
        workshop_id, municipality=own_municipality(principal), sent_by=str(principal.user_id)
    )
    await audit(
        request,
        principal,
        "reminders.send",
        "workshop",
        workshop_id,
        workshop.county,
        sent=len(outcome.sent),
        failed=len(outcome.failed),
        skipped=len(outcome.skipped),
    )
    return JSONResponse(outcome_json(outcome))
