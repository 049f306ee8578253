"""multipart/mixed bodies (RFC 2046) as xAPI attachments use them, and the SHA-2 digests
that name attachments: pure functions on bytes.

The server parses request bodies with them (``lrs_bridge.http.xapi.statements``) and the
bridge's client parses another LRS's answers (``lrs_bridge.bridge.client``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from statements.errors import BadRequest


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
