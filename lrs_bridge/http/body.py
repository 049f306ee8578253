"""Reading request bodies within limits, and multipart/mixed (xAPI attachments)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from statements.errors import BadRequest, PayloadTooLarge


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


MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects a JSON body may have. orjson parses up to 1024
levels but serialises only up to 254, so a deeper statement would be accepted and then
fail when stored; xAPI content never comes near this."""


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                push((child, depth + 1))
    return False


def _deep_path(value: Any, limit: int) -> str:
    """Where the JSON first goes deeper than ``limit`` (for the error only: slower)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "$")]
    while stack:
        item, depth, path = stack.pop()
        if depth > limit:
            return path
        if isinstance(item, dict):
            stack.extend((v, depth + 1, f"{path}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(item))
    return "$"


def check_depth(value: Any, source: bytes | None = None, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse (400, naming the path) JSON nested deeper than ``limit`` levels.

    ``source``, the bytes ``value`` was parsed from, lets the common case skip the walk:
    JSON with no more than ``limit`` opening brackets (in strings or not) cannot nest
    deeper than that, and counting bytes is far cheaper than walking every container."""
    if source is not None and source.count(b"[") + source.count(b"{") <= limit:
        return
    if (type(value) is dict or type(value) is list) and _too_deep(value, limit):
        message = f"the JSON is nested more than {limit} levels deep"
        where = _deep_path(value, limit)
        raise BadRequest(message, [{"path": where, "rule": "max_depth", "message": message}])


@dataclass(frozen=True, slots=True)
class Part:
    headers: dict[str, str]
    data: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "text/plain")


def _bad(message: str) -> BadRequest:
    return BadRequest(message, [{"path": "$", "rule": "multipart", "message": message}])


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            return value.strip().strip('"')
    raise _bad("multipart/mixed needs a boundary parameter")


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """Split a multipart/mixed body (RFC 2046) into parts, byte for byte."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    sections = body.split(delimiter)
    if len(sections) < 3:
        raise _bad("the multipart body has no parts")
    parts: list[Part] = []
    for section in sections[1:]:
        if section.startswith(b"--"):
            break  # the closing delimiter
        if section.startswith(b"\r\n"):
            section = section[2:]
        head, sep, data = section.partition(b"\r\n\r\n")
        if not sep:
            raise _bad("a multipart part has no header/body separator")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: dict[str, str] = {}
        for line in head.split(b"\r\n"):
            if not line.strip():
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise _bad(f"bad multipart header line {line[:60]!r}")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, data))
    else:
        raise _bad("the multipart body has no closing delimiter")
    return parts


_SHA2_BY_LENGTH = {64: "sha256", 96: "sha384", 128: "sha512"}


def sha2_hex(data: bytes, like: str) -> str:
    """The digest of ``data`` in the SHA-2 variant of the hex digest ``like``, told by its
    length: SHA-256, SHA-384 or SHA-512 (Communication 1.5.2); SHA-256 for any other."""
    return hashlib.new(_SHA2_BY_LENGTH.get(len(like), "sha256"), data).hexdigest()
