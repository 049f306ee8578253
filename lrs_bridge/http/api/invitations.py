"""Invitations and personal launch links of a workshop (issue 14): who would be invited
(and the e-mail), the send, a participant's links, and revoking them.

A municipality coordinator invites only their municipality's participants; links are
listed without their tokens (only the participant gets those, by e-mail).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.gate import services
from lrs_bridge.http.api.common import audit, json_object, reports
from lrs_bridge.http.responses import JSONResponse
from reports.exports import to_json
from reports.reminding import invitation_request, outcome_json, person_json


async def _known(request: Request, principal: Principal, workshop_id: str) -> set[str]:
    listed = await reports(request).list_participants(
        workshop_id, municipality=own_municipality(principal)
    )
    return {person.id for person in listed}


async def preview_invitations(request: Request, principal: Principal) -> Response:
    workshop_id: str = request.path_params["workshop_id"]
    preview = await services(request).reminders.invitation_preview(
        workshop_id, municipality=own_municipality(principal)
    )
    return JSONResponse(
        {
            "send": [person_json(r) for r in preview.plan.send],
            "skipped": [
                {**person_json(s.recipient), "reason": s.reason} for s in preview.plan.skipped
            ],
            "example": to_json(preview.example),
        }
    )


async def send_invitations(request: Request, principal: Principal) -> Response:
    workshop_id: str = request.path_params["workshop_id"]
    workshop = await reports(request).get_workshop(workshop_id)
    data = await json_object(request) if await request.body() else {}
    only, again = invitation_request(data, await _known(request, principal, workshop_id))
    outcome = await services(request).reminders.invite(
        workshop_id,
        municipality=own_municipality(principal),
        sent_by=str(principal.user_id),
        only=only,
        again=again,
    )
    await audit(
        request,
        principal,
        "invitations.send",
        "workshop",
        workshop_id,
        workshop.county,
        sent=len(outcome.sent),
        failed=len(outcome.failed),
        not_invited=len(outcome.skipped),
        chosen=len(only) if only is not None else None,
        again=again or None,
    )
    return JSONResponse(outcome_json(outcome))


def _link_json(request: Request, link: object) -> dict[str, object]:
    data = to_json(link)
    assert isinstance(data, dict)
    data.pop("token", None)  # the participant's alone
    data.pop("registration", None)
    return data


async def participant_links(request: Request, principal: Principal) -> Response:
    participant_id: str = request.path_params["participant_id"]
    links = await services(request).launch.links_of(participant_id)
    return JSONResponse({"links": [_link_json(request, link) for link in links]})


async def revoke_links(request: Request, principal: Principal) -> Response:
    """Revoke every active link of the participant (their per-learner credentials stop at
    once); the next invitation or reminder makes new ones."""
    workshop_id: str = request.path_params["workshop_id"]
    participant_id: str = request.path_params["participant_id"]
    workshop = await reports(request).get_workshop(workshop_id)
    revoked = await services(request).launch.revoke_participant(participant_id)
    await audit(
        request,
        principal,
        "links.revoke",
        "participant",
        participant_id,
        workshop.county,
        revoked=len(revoked),
    )
    return JSONResponse({"revoked": revoked})
