"""The one permission check every xAPI route goes through.

Each route is declared with the permission each of its methods needs (see
``lrs_bridge.http.xapi.routes``); ``guarded`` authenticates the caller and checks that
permission before the handler runs, and hands the handler the authenticated client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.credentials import Client, parse_basic
from lrs_bridge.auth.scopes import SCOPES_GRANTING, Permission
from lrs_bridge.http.responses import error_response
from lrs_bridge.services import Services

Handler = Callable[[Request, Client], Awaitable[Response]]

UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Basic realm="xAPI", charset="UTF-8"'}


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def authenticate(request: Request) -> Client | None:
    pair = parse_basic(request.headers.get("authorization"))
    if pair is None:
        return None
    return await services(request).credentials.authenticate(*pair)


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
        client = await authenticate(request)
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
        return await handler(request, client)

    endpoint.__name__ = handler.__name__
    endpoint.permissions = dict(permissions)  # type: ignore[attr-defined]
    return endpoint
