"""The X-Experience-API-Version header (Communication 3.3) and the alternate request
syntax (Communication 1.3, xAPI 1.0.x only): the pieces ``lrs_bridge.http.xapi.front``
applies to every /xapi request."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import Message, Receive, Scope

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


class AlternateSyntaxError(Exception):
    """Why an alternate-syntax request is refused; the xAPI front answers it with the one
    error shape."""

    def __init__(self, message: str, path: str, rule: str = "alternate_syntax", status: int = 400):
        super().__init__(message)
        self.message = message
        self.path = path
        self.rule = rule
        self.status = status


def alternate_method(scope: Scope) -> str | None:
    """The method a request in the alternate syntax stands for (``POST …?method=PUT``);
    None for any other request (it passes through untouched).

    Used by 1.0.x content that cannot send custom headers cross-origin (Articulate
    Storyline sends every statement this way). Under 2.0.0, which removed the syntax, the
    request is rejected with 400 (``rewrite``)."""
    if b"method=" not in scope.get("query_string", b""):
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
            "with the alternate request syntax every parameter but 'method' goes in the form body",
            "method",
        )
    method = params["method"].upper()
    if method not in _METHODS:
        raise AlternateSyntaxError(f"method {params['method']!r} is not allowed", "method")
    return method


async def read_form(scope: Scope, receive: Receive, max_body: int) -> dict[str, str]:
    """The form body of an alternate-syntax request, read whole within ``max_body`` (413
    beyond it)."""
    body = bytearray()
    while True:
        message = await receive()
        body.extend(message.get("body", b""))
        if len(body) > max_body:
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


def rewrite(scope: Scope, method: str, form: dict[str, str]) -> tuple[Scope, bytes]:
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


def replay(payload: bytes, receive: Receive) -> Receive:
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
