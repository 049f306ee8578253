"""``/api/v1/personal-data``: the register extract and the erasure of one person (national
admins only, issue 16). The address goes in the request body, never in the URL, so that it
is in no access log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.gate import content_disposition, services
from lrs_bridge.http.api.common import bad, json_object
from lrs_bridge.http.responses import JSONResponse
from lrs_bridge.privacy.service import extract_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def extract(request: Request, principal: Principal) -> Response:
    """``{"email": …, "format": "json" | "xlsx"}``: everything held about the person."""
    data = await json_object(request)
    form = data.get("format", "json")
    if form not in ("json", "xlsx"):
        raise bad("format", "enum", "json or xlsx")
    found = await services(request).privacy.extract(principal, data.get("email"))
    if form == "xlsx":
        return Response(
            extract_xlsx(found),
            media_type=XLSX,
            headers={"Content-Disposition": content_disposition("registerutdrag.xlsx")},
        )
    return JSONResponse(found)


async def erase(request: Request, principal: Principal) -> Response:
    """``{"email": …, "dry_run": true}`` counts what would go; ``"dry_run": false`` erases."""
    data = await json_object(request)
    dry_run = data.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise bad("dry_run", "type", "true or false")
    done = await services(request).privacy.erase(principal, data.get("email"), dry_run=dry_run)
    return JSONResponse(done.as_json())
