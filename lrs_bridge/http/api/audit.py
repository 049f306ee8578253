"""The audit log, for admins: their own county's entries (a national admin's: all)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.gate import services
from lrs_bridge.http.api.common import count, county_param
from lrs_bridge.http.responses import JSONResponse
from lrs_bridge.people.audit import MAX_PAGE


async def audit_entries(request: Request, principal: Principal) -> Response:
    """Newest first, ``limit`` at a time; ``before`` (an entry id) pages back."""
    limit = count(request, "limit", 100, MAX_PAGE)
    before = request.query_params.get("before")
    before_id = count(request, "before", 1, 1 << 62) if before is not None else None
    entries = await services(request).audit.entries(
        principal, county_param(request), before_id, limit
    )
    body: dict[str, object] = {"entries": [entry.as_json() for entry in entries]}
    if len(entries) == limit:
        body["more"] = f"/api/v1/audit?before={entries[-1].id}&limit={limit}" + (
            f"&county={request.query_params['county']}" if "county" in request.query_params else ""
        )
    return JSONResponse(body)
