"""What the API (``lrs_bridge.http``) and the web pages (``lrs_bridge.web``) share in front
of their handlers: the services of a request, the client's address, reading a body within
a limit, the locators that find where an object a path names belongs, the one scope check
(``refusal``, ``check_target``), and the download header.

Neither package answers here: a refusal is a status or an exception, and each side turns
it into its own response (JSON for the API, a page for the web). Both import this module;
``lrs_bridge.http`` mounts the pages and ``lrs_bridge.web`` imports nothing of
``lrs_bridge.http`` (the import-linter contracts in ``pyproject.toml`` keep it so).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request

from lrs_bridge.auth.access import Action, Principal, Role, may, may_manage_person, may_see
from lrs_bridge.services import Services
from reports import places
from statements.errors import Forbidden, NotFound, PayloadTooLarge


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def client_address(request: Request) -> str:
    """Where the request comes from (behind a trusted proxy, from X-Forwarded-For: see
    LRS_BRIDGE_FORWARDED_ALLOW_IPS); what the authentication throttles count by."""
    return request.client.host if request.client else "unknown"


# --- bodies ----------------------------------------------------------------------------


def _too_large(limit: int) -> PayloadTooLarge:
    message = f"the request body is larger than {limit} bytes"
    return PayloadTooLarge(message, [{"path": "$", "rule": "max_body_bytes", "message": message}])


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it exceeds ``limit`` bytes."""
    cached: bytes | None = getattr(request, "_body", None)
    if cached is not None:
        if len(cached) > limit:
            raise _too_large(limit)
        return cached
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # noqa: SLF001 (Starlette's cache of the read body, for request.body())
    return body


# --- where objects belong, and who may see them -----------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Where an object named in a request's path belongs."""

    county: str
    municipality: str | None = None
    person: Role | None = None
    """For a person the path names: their role (national admins have county "")."""

    def visible_to(self, principal: Principal) -> bool:
        if self.person is not None:
            return may_manage_person(principal, self.person, self.county or None)
        return may_see(principal, self.county, self.municipality)


@dataclass(frozen=True, slots=True)
class Locator:
    """Finds the place of the object a path names (None: no such object); ``noun`` names
    the object in the 404 answer."""

    noun: str
    find: Callable[[Request], Awaitable[Place | None]]


async def _workshop_place(request: Request) -> Place | None:
    try:
        workshop = await services(request).reports.get_workshop(request.path_params["workshop_id"])
    except NotFound:
        return None
    return Place(workshop.county)


async def _participant_place(request: Request) -> Place | None:
    service = services(request).reports
    try:
        workshop = await service.get_workshop(request.path_params["workshop_id"])
        participant = await service.get_participant(
            workshop.id, request.path_params["participant_id"]
        )
    except NotFound:
        return None
    return Place(workshop.county, participant.municipality)


async def _county_place(request: Request) -> Place | None:
    found = places.county(request.path_params["county"])
    return Place(found.code) if found else None


async def _person_place(request: Request) -> Place | None:
    ref = str(request.path_params["user_id"])
    user = await services(request).people.find_user(ref) if ref.isdigit() else None
    return Place(user.county or "", user.municipality, user.role) if user else None


WORKSHOP = Locator("workshop", _workshop_place)
PERSON = Locator("person", _person_place)
PARTICIPANT = Locator("participant", _participant_place)
COUNTY = Locator("county", _county_place)


async def refusal(
    request: Request, principal: Principal, action: Action, locator: Locator | None
) -> int | None:
    """The permission check for people, the API's and the web pages' alike: 403 when the
    role never takes ``action``, 404 when the object the path names does not exist or lies
    outside the person's scope, None when the request may go on."""
    if not may(principal, action):
        return 403
    if locator is not None:
        place = await locator.find(request)
        if place is None or not place.visible_to(principal):
            return 404
    return None


def check_target(
    principal: Principal, field: str, county: str, municipality: str | None = None
) -> None:
    """The permission check for an object a request body names (``field``): ``county`` and
    ``municipality`` as the validation layer normalised them. ``Forbidden`` (403, naming
    the field) when they lie outside the person's scope: the person named the place, so
    saying it is not theirs tells them nothing new."""
    if not may_see(principal, county, municipality):
        own = principal.municipality or principal.county
        raise Forbidden(
            f"{field}: outside your scope ({own}); you may act only there",
            [{"path": field, "rule": "scope", "message": f"your scope is {own}"}],
        )


# --- downloads -------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 one (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
