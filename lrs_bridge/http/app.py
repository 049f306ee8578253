"""The ASGI application: routes, middleware, error handlers and the services' life cycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from lrs_bridge.config import Settings
from lrs_bridge.http.api.routes import api_routes
from lrs_bridge.http.cmi5 import cmi5_routes
from lrs_bridge.http.metrics import metrics
from lrs_bridge.http.openapi import openapi_json
from lrs_bridge.http.responses import JSONResponse, error_response
from lrs_bridge.http.xapi.front import PREFIX, XapiFront
from lrs_bridge.http.xapi.routes import xapi_routes
from lrs_bridge.services import Services
from lrs_bridge.web.launch import launch_routes
from lrs_bridge.web.pages import Web, web_routes
from reports.texts import problem_text
from statements.errors import XapiError

log = logging.getLogger("lrs_bridge")

CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "X-Experience-API-Version",
    "If-Match",
    "If-None-Match",
    "Accept-Language",
]
CORS_EXPOSED = [
    "ETag",
    "Last-Modified",
    "X-Experience-API-Version",
    "X-Experience-API-Consistent-Through",
    "Location",
    "Retry-After",
]


def reader_language(request: Request) -> str:
    """The caller's language for texts people read: English when Accept-Language puts it
    before Swedish, else Swedish."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("sv"):
            return "sv"
        if tag.startswith("en"):
            return "en"
    return "sv"


def _for_people(request: Request, details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The management API's problems with a ``text`` a person can act on, in their
    language (usability test F1); ``message`` stays the developer's English."""
    if not request.url.path.startswith("/api/"):
        return details
    language = reader_language(request)
    shown = []
    for detail in details:
        found = {k: v for k, v in detail.items() if k not in ("key", "values")}
        if "rule" in detail:
            found["text"] = problem_text(detail, language)
        shown.append(found)
    return shown


async def _xapi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XapiError)
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    return error_response(
        exc.status, exc.message, _for_people(request, exc.details), headers=headers
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(
        exc.status_code,
        str(exc.detail),
        [{"path": request.url.path, "rule": "http", "message": str(exc.detail)}],
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal error; the request was not completed")


async def healthz(request: Request) -> Response:
    """Liveness: the process answers HTTP."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: the database answers too (load balancers send traffic only then)."""
    services: Services = request.app.state.services
    try:
        await services.store.ping()
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return error_response(
            503,
            "the database does not answer",
            [{"path": "database", "rule": "ready", "message": "not reachable"}],
        )
    return JSONResponse({"status": "ready"})


CORS_OPTIONS: dict[str, Any] = {
    "allow_origins": ["*"],
    "allow_methods": ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"],
    "allow_headers": CORS_HEADERS,
    "expose_headers": CORS_EXPOSED,
    "max_age": 600,
}


class App(Starlette):
    """Starlette with the xAPI front: a request whose path starts with /xapi goes to
    ``xapi`` (one layer: CORS, alternate syntax, version, dispatch, errors), every other
    through Starlette's middleware (CORS alone) and router."""

    xapi: XapiFront

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.xapi(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings, services: Services | None = None) -> App:
    svc = services or Services.build(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await svc.open(background=True)  # the bridge's scheduled pulls and forwarders too
        try:
            yield
        finally:
            await svc.close()

    xapi = xapi_routes()
    app = App(
        routes=[
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            Route("/readyz", readyz, methods=["GET", "HEAD"]),
            Route("/metrics", metrics, methods=["GET", "HEAD"]),
            Route("/openapi.json", openapi_json, methods=["GET", "HEAD"]),
            # Personal links next: a workshop's participants open theirs at the same moment,
            # and the router tries the routes in order (issue 14's launch target).
            *launch_routes(),
            *api_routes(),
            *cmi5_routes(),
            *web_routes(),
            # Listed for the OpenAPI description, last: app.xapi answers every /xapi
            # request before the router, so no other path should try them first.
            *xapi,
        ],
        middleware=[Middleware(CORSMiddleware, **CORS_OPTIONS)],
        exception_handlers={
            XapiError: _xapi_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.xapi = XapiFront(
        app,
        xapi,
        CORSMiddleware(app, **CORS_OPTIONS),
        default_version=settings.default_xapi_version,
        max_body=settings.max_body_bytes,
    )
    app.state.services = svc
    app.state.web = Web(settings)
    return app
