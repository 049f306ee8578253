"""The X-Experience-API-Version header (Communication 3.3) and the alternate request
syntax (Communication 1.3, xAPI 1.0.x only), as pure ASGI middleware in front of /xapi."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from statements.models import VERSION_1, VERSION_2

SUPPORTED = (VERSION_1, VERSION_2)
VERSION_HEADER = b"x-experience-api-version"
# Form fields of the alternate syntax that are really headers.
_FORM_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
_METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD"}


def resolve_version(value: str | None) -> str | None:
    """The version we speak for a header value, or None when we support none of it."""
    if value is None:
        return None
    value = value.strip()
    if value == "1.0" or (value.startswith("1.0.") and value[4:].isdigit()):
        return VERSION_1
    if value == "2.0" or (value.startswith("2.0.") and value[4:].isdigit()):
        return VERSION_2
    return None


async def _send_error(
    send: Send, status: int, message: str, rule: str, path: str, version: str = VERSION_2
) -> None:
    body = orjson.dumps(
        {"error": message, "details": [{"path": path, "rule": rule, "message": message}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (VERSION_HEADER, version.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class XapiVersionMiddleware:
    """Requires a supported version on every /xapi request but /xapi/about, records it in
    ``scope["state"]["xapi_version"]`` and echoes it on the response."""

    def __init__(self, app: ASGIApp, prefix: str = "/xapi", default: str = VERSION_2) -> None:
        self.app = app
        self.prefix = prefix
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope["headers"]:
            if name == VERSION_HEADER:
                header = value.decode("latin-1")
                break
        version = resolve_version(header)
        is_about = scope["path"].rstrip("/") == self.prefix + "/about"
        if scope["method"] != "OPTIONS" and not is_about:
            if header is None:
                await _send_error(
                    send,
                    400,
                    "the X-Experience-API-Version header is required",
                    "version_missing",
                    "X-Experience-API-Version",
                    self.default,
                )
                return
            if version is None:
                await _send_error(
                    send,
                    400,
                    f"xAPI version {header!r} is not supported; use 1.0.3 or 2.0.0",
                    "version_unsupported",
                    "X-Experience-API-Version",
                    self.default,
                )
                return
        spoken = version or self.default
        scope.setdefault("state", {})["xapi_version"] = spoken
        encoded = spoken.encode()

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != VERSION_HEADER]
                headers.append((VERSION_HEADER, encoded))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_version)


class AlternateSyntaxError(Exception):
    """Why an alternate-syntax request is refused; ``AlternateSyntaxMiddleware`` answers it
    once, with the one error shape."""

    def __init__(self, message: str, path: str, rule: str = "alternate_syntax", status: int = 400):
        super().__init__(message)
        self.message = message
        self.path = path
        self.rule = rule
        self.status = status


class AlternateSyntaxMiddleware:
    """Turns ``POST …?method=PUT`` with a form body into the request it stands for.

    Used by 1.0.x content that cannot send custom headers cross-origin (Articulate
    Storyline sends every statement this way). Under 2.0.0, which removed the syntax, the
    request is rejected with 400.

    The steps, each raising ``AlternateSyntaxError``: the method the query asks for
    (``_method``), the bounded form body (``_read_form``), the request the form stands for
    (``_rewrite``).
    """

    def __init__(self, app: ASGIApp, prefix: str = "/xapi", max_body: int = 16 << 20) -> None:
        self.app = app
        self.prefix = prefix
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            method = self._method(scope)
            if method is None:
                await self.app(scope, receive, send)
                return
            form = await self._read_form(scope, receive)
            new_scope, payload = _rewrite(scope, method, form)
        except AlternateSyntaxError as refused:
            await _send_error(send, refused.status, refused.message, refused.rule, refused.path)
            return
        await self.app(new_scope, _replay(payload, receive), send)

    def _method(self, scope: Scope) -> str | None:
        """The method a request in the alternate syntax stands for; None for any other
        request (it passes through untouched)."""
        if (
            scope["type"] != "http"
            or not scope["path"].startswith(self.prefix)
            or b"method=" not in scope.get("query_string", b"")
        ):
            return None
        params: dict[str, str] = dict(
            parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        )
        if "method" not in params:
            return None
        if scope["method"] != "POST":
            raise AlternateSyntaxError(
                "the alternate request syntax ('method' parameter) needs POST", "method"
            )
        if len(params) != 1:
            raise AlternateSyntaxError(
                "with the alternate request syntax every parameter but 'method' goes in the"
                " form body",
                "method",
            )
        method = params["method"].upper()
        if method not in _METHODS:
            raise AlternateSyntaxError(f"method {params['method']!r} is not allowed", "method")
        return method

    async def _read_form(self, scope: Scope, receive: Receive) -> dict[str, str]:
        """The form body, read whole within ``max_body`` (413 beyond it)."""
        body = bytearray()
        while True:
            message = await receive()
            body.extend(message.get("body", b""))
            if len(body) > self.max_body:
                raise AlternateSyntaxError(
                    "the request body is too large", "$", rule="max_body_bytes", status=413
                )
            if not message.get("more_body"):
                break
        content_type = ""
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1").lower()
        if not content_type.startswith("application/x-www-form-urlencoded"):
            raise AlternateSyntaxError(
                "the alternate request syntax needs an application/x-www-form-urlencoded body",
                "Content-Type",
            )
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _rewrite(scope: Scope, method: str, form: dict[str, str]) -> tuple[Scope, bytes]:
    """The scope of the request the form stands for, and its body.

    Real headers stay unless the form overrides them; the request's own
    Content-Type/Length describe the form, not the content, so they go."""
    form_headers = {
        name.lower().encode("latin-1"): value.encode("latin-1", "replace")
        for name, value in form.items()
        if name.lower() in _FORM_HEADERS
    }
    headers: list[tuple[bytes, bytes]] = [
        (name, value)
        for name, value in scope["headers"]
        if name not in form_headers and name not in (b"content-type", b"content-length")
    ]
    headers.extend(form_headers.items())
    content = form.pop("content", "")
    params: dict[str, Any] = {
        name: value for name, value in form.items() if name.lower() not in _FORM_HEADERS
    }
    version = resolve_version(next((v.decode() for n, v in headers if n == VERSION_HEADER), None))
    if version == VERSION_2:
        raise AlternateSyntaxError(
            "the alternate request syntax is not part of xAPI 2.0.0", "method"
        )
    payload = content.encode("utf-8")
    if content and not any(n == b"content-type" for n, _ in headers):
        headers.append((b"content-type", b"application/json"))
    headers = [h for h in headers if h[0] != b"content-length"]  # a form's own, if any
    headers.append((b"content-length", str(len(payload)).encode()))
    new_scope = dict(scope)
    new_scope["method"] = method
    new_scope["headers"] = headers
    new_scope["query_string"] = urlencode(params).encode("latin-1")
    return new_scope, payload


def _replay(payload: bytes, receive: Receive) -> Receive:
    """``receive`` for the rewritten request: its body once, then the real channel (which
    tells of a disconnect)."""
    sent = False

    async def new_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        return await receive()

    return new_receive
