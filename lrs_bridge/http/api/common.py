"""What every ``/api/v1`` handler needs: the services, request bodies, parameters."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from lrs_bridge.auth.access import Principal
from lrs_bridge.gate import read_body, services
from lrs_bridge.http.body import check_depth
from reports import places
from reports.service import ReportsService
from statements.errors import BadRequest


def reports(request: Request) -> ReportsService:
    return services(request).reports


def bad(path: str, rule: str, message: str) -> BadRequest:
    return BadRequest(message, [{"path": path, "rule": rule, "message": message}])


async def json_object(request: Request) -> dict[str, Any]:
    """The request body: one JSON object (400 naming the rule otherwise)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("", "application/json"):
        raise bad("Content-Type", "media_type", "send application/json")
    body = await read_body(request, services(request).settings.max_body_bytes)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise bad("$", "json", f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise bad("$", "object", "the body must be a JSON object")
    check_depth(data, body)
    return data


def flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None or value.lower() in ("false", "0", ""):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise bad(name, "boolean", f"{name} must be true or false")


def count(request: Request, name: str, default: int, most: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise bad(name, "range", f"{name} must be a whole number from 1 to {most}")
    return int(value)


def county_param(request: Request) -> str | None:
    """``?county=`` checked against the reference data (public facts, so a 400 for an
    unknown code tells nobody anything)."""
    value = request.query_params.get("county")
    if value is None:
        return None
    found = places.county(value)
    if found is None:
        raise bad("county", "unknown_county", f"unknown county code {value!r} (e.g. 21)")
    return found.code


async def audit(
    request: Request,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: str | None,
    county: str | None,
    **details: Any,
) -> None:
    await services(request).audit.record(
        principal, action, object_type, object_id, county, **details
    )
