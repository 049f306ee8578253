"""Issue 15 in the API: a participant's exemptions from courses and the learner identities
connected to them, each with its undo. The routes (listed in
``lrs_bridge.http.api.routes``) name the participant in the path, so the one permission
check finds its county and municipality (404 outside the person's scope); an identity a
county admin connects must be one their unmatched learners show them (403 naming the field
otherwise, as for any object a body names outside one's scope)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.http.api.common import audit, bad, json_object, reports
from lrs_bridge.http.responses import JSONResponse
from reports.exports import to_json
from reports.matching import parse_identity
from reports.model import Workshop
from statements.errors import Forbidden


def _ids(request: Request) -> tuple[str, str]:
    params = request.path_params
    return str(params["workshop_id"]), str(params["participant_id"])


async def _workshop(request: Request) -> Workshop:
    return await reports(request).get_workshop(_ids(request)[0])


# --- exemptions ---------------------------------------------------------------------------


async def list_exemptions(request: Request, principal: Principal) -> Response:
    workshop_id, participant_id = _ids(request)
    found = await reports(request).exemptions(workshop_id, participant_id=participant_id)
    return JSONResponse({"exemptions": to_json(found)})


async def exempt(request: Request, principal: Principal) -> Response:
    """``{"course": "course id", "reason": "…"}``; exempting again replaces the reason."""
    data = await json_object(request)
    workshop_id, participant_id = _ids(request)
    made = await reports(request).exempt(
        workshop_id, participant_id, data, by=str(principal.user_id)
    )
    workshop = await _workshop(request)
    await audit(
        request,
        principal,
        "participant.exempt",
        "participant",
        participant_id,
        workshop.county,
        workshop=workshop_id,
        course=made.course_id,
    )
    return JSONResponse(to_json(made), 201)


async def unexempt(request: Request, principal: Principal) -> Response:
    workshop_id, participant_id = _ids(request)
    course_id = str(request.path_params["course_id"])
    undone = await reports(request).unexempt(workshop_id, participant_id, course_id)
    workshop = await _workshop(request)
    await audit(
        request,
        principal,
        "participant.unexempt",
        "participant",
        participant_id,
        workshop.county,
        workshop=workshop_id,
        course=course_id,
    )
    return JSONResponse(to_json(undone))


# --- connected identities ----------------------------------------------------------------


async def list_identities(request: Request, principal: Principal) -> Response:
    workshop_id, participant_id = _ids(request)
    found = await reports(request).connected_identities(workshop_id, participant_id=participant_id)
    return JSONResponse({"identities": to_json(found)})


async def _check_learner(request: Request, principal: Principal, identity: str) -> None:
    if principal.county is None:
        return
    if not await reports(request).learner_in_county(identity, principal.county):
        raise Forbidden(
            "identity: not a learner of your county; you may connect only those",
            [{"path": "identity", "rule": "scope", "message": f"your scope is {principal.county}"}],
        )


async def connect(request: Request, principal: Principal) -> Response:
    """``{"identity": "mbox:…" | "account:HOMEPAGE NAME" | "mbox_sha1sum:…"}`` or
    ``{"email": "…"}``: the participant's status counts what it did at once."""
    data = await json_object(request)
    workshop_id, participant_id = _ids(request)
    await _check_learner(request, principal, parse_identity(data))
    connected = await reports(request).connect_identity(
        workshop_id, participant_id, data, by=str(principal.user_id)
    )
    workshop = await _workshop(request)
    await audit(
        request,
        principal,
        "participant.connect",
        "participant",
        participant_id,
        workshop.county,
        workshop=workshop_id,
        kind=connected.identity.partition(":")[0],
    )
    return JSONResponse(to_json(connected), 201)


async def disconnect(request: Request, principal: Principal) -> Response:
    """``?identity=`` the key to disconnect (as listed)."""
    workshop_id, participant_id = _ids(request)
    identity = request.query_params.get("identity")
    if not identity:
        raise bad("identity", "required", "give ?identity= (the key as listed)")
    undone = await reports(request).disconnect_identity(workshop_id, participant_id, identity)
    workshop = await _workshop(request)
    await audit(
        request,
        principal,
        "participant.disconnect",
        "participant",
        participant_id,
        workshop.county,
        workshop=workshop_id,
        kind=undone.identity.partition(":")[0],
    )
    return JSONResponse(to_json(undone))


# --- requirements per role -------------------------------------------------------------------


async def get_requirements(request: Request, principal: Principal) -> Response:
    """Courses required only of some roles: ``{"requirements": {course id: [roles]}}``."""
    found = await reports(request).workshop_requirements(str(request.path_params["workshop_id"]))
    return JSONResponse({"requirements": to_json(found)})


async def set_requirements(request: Request, principal: Principal) -> Response:
    """Replace them: ``{"requirements": {course id: [roles]}}``; a course left out is
    required of everyone."""
    data = await json_object(request)
    if set(data) != {"requirements"}:
        raise bad("requirements", "required", 'send {"requirements": {course id: [roles]}}')
    workshop_id = str(request.path_params["workshop_id"])
    found = await reports(request).set_workshop_requirements(workshop_id, data["requirements"])
    workshop = await reports(request).get_workshop(workshop_id)
    await audit(
        request,
        principal,
        "workshop.requirements",
        "workshop",
        workshop_id,
        workshop.county,
        courses=sorted(found),
    )
    return JSONResponse({"requirements": to_json(found)})
