"""Every xAPI route with the permission each method needs: the table ``guarded`` enforces
and ``tests/lrs_bridge/test_permissions.py`` walks. The routes are listed among the app's
(the OpenAPI description reads them there), but requests reach them through
``lrs_bridge.http.xapi.front``, which dispatches by path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.credentials import Client
from lrs_bridge.auth.scopes import Permission
from lrs_bridge.http.guard import guarded
from lrs_bridge.http.xapi import documents, statements
from lrs_bridge.http.xapi.about import about

Handler = Callable[[Request, Client], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def _by_method(handlers: dict[str, tuple[Handler, Permission]]) -> Handler:
    async def dispatch(request: Request, client: Client) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method][0](request, client)

    return dispatch


def _route(
    path: str,
    handlers: dict[str, tuple[Handler, Permission]],
    wrap: Callable[[Endpoint], Endpoint] | None = None,
) -> Route:
    permissions = {method: permission for method, (_, permission) in handlers.items()}
    methods = list(handlers) + (["HEAD"] if "GET" in handlers else [])
    endpoint = guarded(_by_method(handlers), permissions)
    return Route(path, wrap(endpoint) if wrap else endpoint, methods=methods)


def xapi_routes() -> list[Route]:
    return [
        Route("/xapi/about", about, methods=["GET", "HEAD"]),
        _route(
            "/xapi/statements",
            {
                "GET": (statements.get_statements, Permission.STATEMENTS_READ),
                "PUT": (statements.put_statement, Permission.STATEMENTS_WRITE),
                "POST": (statements.post_statements, Permission.STATEMENTS_WRITE),
            },
            wrap=statements.with_consistent_through,
        ),
        _route(
            "/xapi/activities/state",
            {
                "GET": (documents.get_state, Permission.STATE_READ),
                "PUT": (documents.put_state, Permission.STATE_WRITE),
                "POST": (documents.post_state, Permission.STATE_WRITE),
                "DELETE": (documents.delete_state, Permission.STATE_WRITE),
            },
        ),
        _route(
            "/xapi/activities/profile",
            {
                "GET": (documents.get_activity_profile, Permission.PROFILE_READ),
                "PUT": (documents.put_activity_profile, Permission.PROFILE_WRITE),
                "POST": (documents.post_activity_profile, Permission.PROFILE_WRITE),
                "DELETE": (documents.delete_activity_profile, Permission.PROFILE_WRITE),
            },
        ),
        _route(
            "/xapi/agents/profile",
            {
                "GET": (documents.get_agent_profile, Permission.PROFILE_READ),
                "PUT": (documents.put_agent_profile, Permission.PROFILE_WRITE),
                "POST": (documents.post_agent_profile, Permission.PROFILE_WRITE),
                "DELETE": (documents.delete_agent_profile, Permission.PROFILE_WRITE),
            },
        ),
        _route("/xapi/activities", {"GET": (documents.get_activity, Permission.DEFINITIONS_READ)}),
        _route("/xapi/agents", {"GET": (documents.get_agents, Permission.DEFINITIONS_READ)}),
    ]
