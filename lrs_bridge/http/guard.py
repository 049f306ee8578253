"""The one permission check every route goes through.

xAPI routes: each is declared with the permission each of its methods needs (see
``lrs_bridge.http.xapi.routes``); ``guarded`` authenticates the client (HTTP Basic) and
checks that permission before the handler runs, and hands the handler the client.

``/api/v1`` routes: each is declared with the ``Action`` each method needs and, when its
path names an object, a ``Locator`` that finds the county (and municipality) the object
belongs to (see ``lrs_bridge.http.api.routes``). ``people_guarded`` authenticates the
person (``Authorization: Bearer TOKEN``), checks their role may take the action (403
otherwise, whatever the object), then that the object exists *and* lies in their scope
(``lrs_bridge.auth.access.may_see``): one and the same 404 otherwise, so nobody learns
whether another county's object exists. An object a request names in its *body* (the
county of a workshop to create) is checked by ``check_target`` on the value the validation
layer normalised, never on the raw JSON: ``1``, ``"1"`` and ``" 01"`` cannot reach a
different decision than the storage's ``"01"``.

Web pages: ``lrs_bridge.web.pages`` declares each page the same way and asks the same
``refusal`` (the person comes from the signed session cookie instead of a token). What both
share (``refusal``, ``check_target``, the locators) lives in ``lrs_bridge.gate``, which the
web pages import instead of this package.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Action, Principal
from lrs_bridge.auth.credentials import Client, parse_basic
from lrs_bridge.auth.learners import document_refusal
from lrs_bridge.auth.limits import Throttled
from lrs_bridge.auth.scopes import SCOPES_GRANTING, Permission
from lrs_bridge.gate import Locator, client_address, refusal, services
from lrs_bridge.http.responses import error_response

Handler = Callable[[Request, Client], Awaitable[Response]]
PeopleHandler = Callable[[Request, Principal], Awaitable[Response]]


UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Basic realm="xAPI", charset="UTF-8"'}


def throttled_response(throttled: Throttled) -> Response:
    """429 for too many wrong secrets from one client or for one key."""
    return error_response(
        429,
        "too many failed authentications; try again later",
        [
            {
                "path": "Authorization",
                "rule": "throttle",
                "message": f"retry after {throttled.seconds} seconds",
            }
        ],
        headers={"Retry-After": str(throttled.seconds)},
    )


async def authenticate(request: Request) -> Client | None:
    """The xAPI client of the request's Basic credentials; raises ``Throttled``."""
    pair = parse_basic(request.headers.get("authorization"))
    if pair is None:
        return None
    return await services(request).credentials.authenticate(*pair, client_address(request))


def guarded(
    handler: Handler, permissions: Mapping[str, Permission]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        permission = permissions.get(method)
        if permission is None:
            return error_response(
                405,
                f"{request.method} is not allowed here",
                [{"path": "method", "rule": "method", "message": request.method}],
            )
        try:
            client = await authenticate(request)
        except Throttled as throttled:
            return throttled_response(throttled)
        if client is None:
            return error_response(
                401,
                "authentication required: HTTP Basic with an xAPI key and secret",
                [
                    {
                        "path": "Authorization",
                        "rule": "authentication",
                        "message": "missing or wrong",
                    }
                ],
                headers=UNAUTHORIZED_HEADERS,
            )
        if not client.scopes & SCOPES_GRANTING[permission]:
            return error_response(
                403,
                f"this credential's scopes do not allow {permission.value}",
                [{"path": "Authorization", "rule": "scope", "message": permission.value}],
            )
        if client.learner is not None and method in WRITES and not _is_statements(request):
            # A per-learner credential: documents of its own actor only (its statements'
            # actors are checked by the same rule once the body is read).
            refused = document_refusal(client.learner, request.url.path, request.query_params)
            if refused is not None:
                return error_response(403, refused.message, refused.details)
        return await handler(request, client)

    endpoint.__name__ = handler.__name__
    endpoint.permissions = dict(permissions)  # type: ignore[attr-defined]
    return endpoint


WRITES = frozenset({"PUT", "POST", "DELETE"})


def _is_statements(request: Request) -> bool:
    return request.url.path.rstrip("/").endswith("/xapi/statements")


BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lrs-bridge"'}


def parse_bearer(header: str | None) -> str | None:
    if not header or header[:7].lower() != "bearer ":
        return None
    token = header[7:].strip()
    return token or None


async def authenticate_person(request: Request) -> Principal | None:
    """The person of the request's bearer token; raises ``Throttled``."""
    token = parse_bearer(request.headers.get("authorization"))
    if token is None:
        return None
    return await services(request).people.authenticate(token, client_address(request))


def not_found(noun: str, path: str) -> Response:
    """The one answer for an object that does not exist or lies outside one's scope."""
    return error_response(
        404, f"no such {noun}", [{"path": path, "rule": "exists", "message": f"no such {noun}"}]
    )


def people_guarded(
    handler: PeopleHandler,
    actions: Mapping[str, Action],
    locator: Locator | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        action = actions.get(method)
        if action is None:
            return error_response(
                405,
                f"{request.method} is not allowed here",
                [{"path": "method", "rule": "method", "message": request.method}],
            )
        try:
            principal = await authenticate_person(request)
        except Throttled as throttled:
            return throttled_response(throttled)
        if principal is None:
            return error_response(
                401,
                "authentication required: Authorization: Bearer with a personal API token",
                [
                    {
                        "path": "Authorization",
                        "rule": "authentication",
                        "message": "missing, wrong, revoked or of a disabled person",
                    }
                ],
                headers=BEARER_CHALLENGE,
            )
        refused = await refusal(request, principal, action, locator)
        if refused == 403:
            return error_response(
                403,
                f"a {principal.role.value} may not do {action.value}",
                [{"path": "Authorization", "rule": "role", "message": action.value}],
            )
        if refused == 404:
            assert locator is not None
            return not_found(locator.noun, request.url.path)
        return await handler(request, principal)

    endpoint.__name__ = handler.__name__
    endpoint.actions = dict(actions)  # type: ignore[attr-defined]
    endpoint.locator = locator  # type: ignore[attr-defined]
    return endpoint


def people_or_client_guarded(
    handler: PeopleHandler,
    actions: Mapping[str, Action],
    client_handler: Handler,
    permissions: Mapping[str, Permission],
) -> Callable[[Request], Awaitable[Response]]:
    """A route people (Bearer) and xAPI credentials (HTTP Basic) may both call, each
    through its own check above: a Basic request goes to ``guarded`` (``client_handler``,
    the credential's scopes), any other to ``people_guarded`` (``handler``, the role), so
    a request without credentials is answered as the people's API answers it."""
    people = people_guarded(handler, actions)
    clients = guarded(client_handler, permissions)

    async def endpoint(request: Request) -> Response:
        if (request.headers.get("authorization") or "")[:6].lower() == "basic ":
            return await clients(request)
        return await people(request)

    endpoint.__name__ = handler.__name__
    endpoint.actions = dict(actions)  # type: ignore[attr-defined]
    endpoint.locator = None  # type: ignore[attr-defined]
    endpoint.permissions = dict(permissions)  # type: ignore[attr-defined]
    return endpoint
