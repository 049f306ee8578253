"""Readiness reports (JSON, CSV, XLSX) and the learners no participant matches."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import OutOfScope, Principal, Role, county_filter
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.gate import content_disposition
from lrs_bridge.http.api.common import audit, bad, count, county_param, reports
from lrs_bridge.http.responses import JSONResponse
from reports import places
from reports.exports import to_json
from reports.service import Report

FORMATS = ("json", "csv", "xlsx")


def _format(request: Request) -> str:
    value = request.query_params.get("format", "json").lower()
    if value not in FORMATS:
        raise bad("format", "format", f"format must be one of {', '.join(FORMATS)}")
    return value


async def _answer(
    request: Request,
    principal: Principal,
    report: Report,
    fmt: str,
    object_type: str,
    object_id: str,
    county: str | None,
) -> Response:
    # A JSON read shows the same personal data as an export: audited alike, one entry a
    # read (issue 13, item 13).
    await audit(
        request,
        principal,
        "report.read" if fmt == "json" else "report.export",
        object_type,
        object_id,
        county,
        format=fmt,
        municipality=own_municipality(principal),
    )
    if fmt == "json":
        return JSONResponse(to_json(report))
    export = reports(request).export(report, fmt)
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": content_disposition(export.filename)},
    )


async def workshop_readiness(request: Request, principal: Principal) -> Response:
    fmt = _format(request)
    workshop_id: str = request.path_params["workshop_id"]
    report = await reports(request).workshop_readiness(
        workshop_id, municipality=own_municipality(principal)
    )
    return await _answer(
        request, principal, report, fmt, "workshop", workshop_id, report.workshop.county
    )


async def readiness(request: Request, principal: Principal) -> Response:
    """The summary of everything the person may see: the nation for a national admin,
    their county (or municipality) for everyone else."""
    fmt = _format(request)
    if principal.role is Role.NATIONAL_ADMIN:
        national = await reports(request).national_readiness()
        return await _answer(request, principal, national, fmt, "nation", "SE", None)
    assert principal.county is not None
    county = await reports(request).county_readiness(
        principal.county, municipality=own_municipality(principal)
    )
    return await _answer(request, principal, county, fmt, "county", county.county, county.county)


async def county_readiness(request: Request, principal: Principal) -> Response:
    fmt = _format(request)
    found = places.county(request.path_params["county"])
    assert found is not None  # the route's locator answered 404 otherwise
    code = found.code
    report = await reports(request).county_readiness(code, municipality=own_municipality(principal))
    return await _answer(request, principal, report, fmt, "county", code, code)


async def unmatched_learners(request: Request, principal: Principal) -> Response:
    limit = count(request, "limit", 1000, 10_000)
    try:
        county = county_filter(principal, county_param(request))
    except OutOfScope:
        return JSONResponse({"learners": []})
    learners = await reports(request).unmatched_learners(county, limit=limit)
    return JSONResponse({"learners": to_json(learners)})
