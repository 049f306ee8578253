"""Workshops and their participant lists."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import OutOfScope, Principal, county_filter
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.gate import check_target, read_body, services
from lrs_bridge.http.api.common import audit, county_param, flag, json_object, reports
from lrs_bridge.http.responses import JSONResponse, error_response
from reports.exports import to_json
from reports.fields import require_object
from reports.roster import WORKSHOP_FIELDS, parse_county

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_TYPES = ("text/csv", "application/csv", XLSX, "application/octet-stream", "")


def _workshop_id(request: Request) -> str:
    value: str = request.path_params["workshop_id"]
    return value


def _participant_id(request: Request) -> str:
    value: str = request.path_params["participant_id"]
    return value


# --- workshops -------------------------------------------------------------------------


async def list_workshops(request: Request, principal: Principal) -> Response:
    try:
        county = county_filter(principal, county_param(request))
    except OutOfScope:
        return JSONResponse({"workshops": []})
    workshops = await reports(request).list_workshops(
        county, municipality=own_municipality(principal)
    )
    return JSONResponse({"workshops": to_json(workshops)})


async def create_workshop(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    # Scope is decided on the county the validation layer normalised (finding 1 of the
    # December 2026 review: a county given as the number 1 slipped past a check of strings).
    county = parse_county(require_object(data, WORKSHOP_FIELDS))
    check_target(principal, "county", county)
    workshop = await reports(request).create_workshop({**data, "county": county})
    await audit(request, principal, "workshop.create", "workshop", workshop.id, workshop.county)
    return JSONResponse(
        to_json(workshop), 201, headers={"Location": f"/api/v1/workshops/{workshop.id}"}
    )


async def get_workshop(request: Request, principal: Principal) -> Response:
    workshop = await reports(request).get_workshop(
        _workshop_id(request), municipality=own_municipality(principal)
    )
    return JSONResponse(to_json(workshop))


async def change_workshop(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    workshop = await reports(request).change_workshop(_workshop_id(request), data)
    await audit(
        request,
        principal,
        "workshop.change",
        "workshop",
        workshop.id,
        workshop.county,
        fields=sorted(data),
    )
    return JSONResponse(to_json(workshop))


async def delete_workshop(request: Request, principal: Principal) -> Response:
    workshop = await reports(request).delete_workshop(_workshop_id(request))
    await audit(
        request,
        principal,
        "workshop.delete",
        "workshop",
        workshop.id,
        workshop.county,
        participants=workshop.participants,
    )
    return JSONResponse(to_json(workshop))


# --- participants ------------------------------------------------------------------------


async def _audit_read(request: Request, principal: Principal, participants: int) -> None:
    """A read of participants' personal data, one entry a read (issue 13, item 13)."""
    workshop = await reports(request).get_workshop(_workshop_id(request))
    await audit(
        request,
        principal,
        "participants.read",
        "workshop",
        workshop.id,
        workshop.county,
        participants=participants,
        municipality=own_municipality(principal),
    )


async def list_participants(request: Request, principal: Principal) -> Response:
    participants = await reports(request).list_participants(
        _workshop_id(request), municipality=own_municipality(principal)
    )
    await _audit_read(request, principal, len(participants))
    return JSONResponse({"participants": to_json(participants)})


async def import_participants(request: Request, principal: Principal) -> Response:
    """Replace the list with a CSV or XLSX file (``?dry_run=true``: only say what would;
    ``?confirm_removal=true``: save a list that removes everyone, or more than half, which
    is otherwise refused with 409, rule ``confirm_removal``)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in LIST_TYPES:
        return error_response(
            415,
            "send the list as text/csv or as an XLSX file",
            [
                {
                    "path": "Content-Type",
                    "rule": "media_type",
                    "message": f"{media_type} is neither text/csv nor {XLSX}",
                }
            ],
        )
    dry_run = flag(request, "dry_run")
    confirm_removal = flag(request, "confirm_removal")
    content = await read_body(request, services(request).settings.max_body_bytes)
    workshop_id = _workshop_id(request)
    result = await reports(request).import_participants(
        workshop_id,
        content,
        media_type=media_type if media_type not in ("", "application/octet-stream") else None,
        dry_run=dry_run,
        confirm_removal=confirm_removal,
    )
    if not dry_run:
        workshop = await reports(request).get_workshop(workshop_id)
        await audit(
            request,
            principal,
            "participants.import",
            "workshop",
            workshop_id,
            workshop.county,
            rows=result.rows,
            added=len(result.added),
            changed=len(result.changed),
            removed=len(result.removed),
        )
    return JSONResponse(to_json(result))


async def add_participant(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    workshop_id = _workshop_id(request)
    participant = await reports(request).add_participant(workshop_id, data)
    workshop = await reports(request).get_workshop(workshop_id)
    await audit(
        request,
        principal,
        "participant.add",
        "participant",
        participant.id,
        workshop.county,
        workshop=workshop_id,
    )
    return JSONResponse(
        to_json(participant),
        201,
        headers={"Location": f"/api/v1/workshops/{workshop_id}/participants/{participant.id}"},
    )


async def get_participant(request: Request, principal: Principal) -> Response:
    participant = await reports(request).get_participant(
        _workshop_id(request), _participant_id(request)
    )
    await _audit_read(request, principal, 1)
    return JSONResponse(to_json(participant))


async def change_participant(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    workshop_id = _workshop_id(request)
    participant = await reports(request).change_participant(
        workshop_id, _participant_id(request), data
    )
    workshop = await reports(request).get_workshop(workshop_id)
    await audit(
        request,
        principal,
        "participant.change",
        "participant",
        participant.id,
        workshop.county,
        workshop=workshop_id,
        fields=sorted(data),
    )
    return JSONResponse(to_json(participant))


async def remove_participant(request: Request, principal: Principal) -> Response:
    workshop_id = _workshop_id(request)
    participant = await reports(request).remove_participant(workshop_id, _participant_id(request))
    workshop = await reports(request).get_workshop(workshop_id)
    await audit(
        request,
        principal,
        "participant.remove",
        "participant",
        participant.id,
        workshop.county,
        workshop=workshop_id,
    )
    return JSONResponse(to_json(participant))
