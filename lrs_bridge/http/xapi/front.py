"""The one ASGI layer in front of every /xapi request.

It does, in this order, what a stack of middleware and Starlette's router did before:
CORS (a preflight is answered here; other answers get the CORS headers), the alternate
request syntax (``POST …?method=PUT``, ``versions.rewrite``), the X-Experience-API-Version
header (required, recorded in ``scope["state"]["xapi_version"]``, echoed on the answer),
dispatch by exact path to the route's endpoint (a missing trailing slash redirects, an
unknown path is 404, a method the route lacks 405 with Allow), and the xAPI error body for
``XapiError`` and ``HTTPException``. An unexpected exception is answered 500 (without the
CORS and version headers, as Starlette's outermost error middleware answered it) and
raised on to the server, which logs it.

The web pages, ``/api/v1``, cmi5 and the health routes never pass through here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from starlette.datastructures import URL, Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from lrs_bridge.http.responses import error_response
from lrs_bridge.http.xapi.versions import (
    VERSION_HEADER,
    AlternateSyntaxError,
    alternate_method,
    read_form,
    replay,
    resolve_version,
    rewrite,
)
from statements.errors import XapiError
from statements.models import VERSION_2

log = logging.getLogger("lrs_bridge")

PREFIX = "/xapi"
_ABOUT = PREFIX + "/about"
Endpoint = Callable[[Request], Awaitable[Response]]


class XapiFront:
    """``__call__`` answers one /xapi request (``scope["path"]`` starts with ``PREFIX``).

    ``app`` is the application the request belongs to (``request.app``: its state holds
    the services); ``cors`` the CORS middleware the other routes pass through, whose
    settings (and preflight answer) are reused here so both sides behave the same."""

    def __init__(
        self,
        app: ASGIApp,
        routes: Iterable[Route],
        cors: CORSMiddleware,
        default_version: str,
        max_body: int,
    ) -> None:
        self.app = app
        self.routes: dict[str, tuple[Endpoint, frozenset[str], str]] = {
            route.path: (
                route.endpoint,
                frozenset(route.methods or ()),
                ", ".join(route.methods or ()),
            )
            for route in routes
        }
        self.cors = cors
        self.default_version = default_version
        self.max_body = max_body
        # The headers CORSMiddleware adds to an answer to a request with an Origin (all
        # origins allowed, no credentials): these, then "Vary: Origin" on every answer.
        if not cors.allow_all_origins or cors.allow_credentials:
            raise ValueError("the xAPI front answers CORS for all origins without credentials")
        self.cors_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in cors.simple_headers.items()
        ]
        self._replaced = frozenset({VERSION_HEADER, b"vary"})
        self._replaced_cors = self._replaced | {name for name, _ in self.cors_headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self.app
        origin = preflight = False
        for name, _ in scope["headers"]:
            if name == b"origin":
                origin = True
            elif name == b"access-control-request-method":
                preflight = True
        if origin and preflight and scope["method"] == "OPTIONS":
            await self.cors.preflight_response(Headers(scope=scope))(scope, receive, send)
            return
        try:
            method = alternate_method(scope)
            if method is not None:
                form = await read_form(scope, receive, self.max_body)
                scope, payload = rewrite(scope, method, form)
                receive = replay(payload, receive)
        except AlternateSyntaxError as refused:
            response = _error(refused.status, refused.message, refused.rule, refused.path)
            await self._send(response, VERSION_2, origin, scope, receive, send)
            return
        version = self._version(scope)
        if isinstance(version, Response):
            await self._send(version, self.default_version, origin, scope, receive, send)
            return
        scope.setdefault("state", {})["xapi_version"] = version
        response = await self._respond(scope, receive, send)
        await self._send(response, version, origin, scope, receive, send)

    def _version(self, scope: Scope) -> str | Response:
        """The version the request speaks (the default when it names none and needs
        none), or the 400 answer when it names none or one we do not speak."""
        header = None
        for name, value in scope["headers"]:
            if name == VERSION_HEADER:
                header = value.decode("latin-1")
                break
        version = resolve_version(header)
        if version is not None:
            return version
        if scope["method"] == "OPTIONS" or scope["path"].rstrip("/") == _ABOUT:
            return self.default_version
        if header is None:
            message, rule = "the X-Experience-API-Version header is required", "version_missing"
        else:
            message = f"xAPI version {header!r} is not supported; use 1.0.3 or 2.0.0"
            rule = "version_unsupported"
        return _error(400, message, rule, "X-Experience-API-Version")

    async def _respond(self, scope: Scope, receive: Receive, send: Send) -> Response:
        """The route's answer, or the xAPI error body for what it raised."""
        try:
            return await self._dispatch(scope, receive, send)
        except XapiError as error:
            retry = {"Retry-After": "1"} if error.status == 503 else None
            return error_response(error.status, error.message, error.details, headers=retry)
        except HTTPException as error:
            return error_response(
                error.status_code,
                str(error.detail),
                [{"path": URL(scope=scope).path, "rule": "http", "message": str(error.detail)}],
                headers=dict(error.headers) if error.headers else None,
            )
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            await error_response(500, "internal error; the request was not completed")(
                scope, receive, send
            )
            raise

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> Response:
        path = scope["path"]
        found = self.routes.get(path)
        if found is None:
            # Starlette's router: the same path with or without its trailing slash
            # redirects (307) when that one is a route.
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            if other in self.routes:
                return RedirectResponse(str(URL(scope={**scope, "path": other})))
            raise HTTPException(404)
        endpoint, methods, allow = found
        if scope["method"] not in methods:
            raise HTTPException(405, headers={"Allow": allow})
        return await endpoint(Request(scope, receive, send))

    async def _send(
        self,
        response: Response,
        version: str,
        origin: bool,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """The answer with the version it speaks and the CORS headers (what the version
        middleware, then CORSMiddleware, added)."""
        special = self._replaced_cors if origin else self._replaced
        raw = response.raw_headers
        vary = [value for name, value in raw if name == b"vary"]
        kept = [header for header in raw if header[0] not in special]
        kept.append((VERSION_HEADER, version.encode()))
        if origin:
            kept.extend(self.cors_headers)
        kept.append((b"vary", b", ".join([*vary, b"Origin"])))
        response.raw_headers = kept
        await response(scope, receive, send)


def _error(status: int, message: str, rule: str, path: str) -> Response:
    return error_response(status, message, [{"path": path, "rule": rule, "message": message}])
