"""The contact person of a county (usability review F4): read by whoever follows the county
up, set and removed by its county admins and national admins. The route's declared action
and the county locator are the one permission check (``routes.py``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.http.api.common import audit, json_object, reports
from lrs_bridge.http.responses import JSONResponse
from reports.contacts import Contact
from reports.exports import to_json


def _answer(county: str, contact: Contact | None) -> dict[str, Any]:
    return {"county": county, "contact": to_json(contact) if contact else None}


async def get_contact(request: Request, principal: Principal) -> Response:
    county: str = request.path_params["county"]
    return JSONResponse(_answer(county, await reports(request).county_contact(county)))


async def set_contact(request: Request, principal: Principal) -> Response:
    county: str = request.path_params["county"]
    data = await json_object(request)
    contact = await reports(request).set_county_contact(county, data, by=str(principal.user_id))
    # Who the contact is, is personal data: the audit log records that it changed.
    await audit(request, principal, "contact.set", "county", county, county)
    return JSONResponse(_answer(county, contact))


async def remove_contact(request: Request, principal: Principal) -> Response:
    county: str = request.path_params["county"]
    removed = await reports(request).remove_county_contact(county)
    if removed:
        await audit(request, principal, "contact.remove", "county", county, county)
    return JSONResponse({"county": county, "removed": removed})
