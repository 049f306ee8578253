"""The bridge's xAPI client: tincan's ``RemoteLRS``, with what the bridge needs that it lacks.

tincan (2020) builds each request from the endpoint (``endpoint + resource``), the HTTP
Basic header from key and secret, and the ``X-Experience-API-Version`` header; the
subclass keeps all that and adds only:

- a timeout: tincan opens ``http.client`` connections without one, so a hung LRS would
  hang a pull or a forwarder for ever;
- bodies sent as bytes: tincan turns every body into a ``str``, which ``http.client``
  encodes as ISO-8859-1. Its own serialisation escapes everything beyond ASCII, but the
  bridge sends statements as stored (UTF-8 JSON), and a name such as "Ŋuolja" or "Łukasz"
  would fail; binary attachment parts cannot be a ``str`` at all;
- statements as raw JSON: tincan's ``query_statements`` parses a page into its own
  ``Statement`` objects, which fails for the whole page on one malformed statement and drops
  what it does not know (xAPI 2.0.0's ``contextAgents``); the bridge must store exactly
  what the origin stored and report a bad statement itself. ``save_statements`` likewise
  re-serialises through those objects;
- ``multipart/mixed`` answers (attachments), which tincan's ``LRSResponse`` cannot hold (it
  decodes every body as UTF-8);
- xAPI 2.0.0 in the version header (tincan knows 1.0.0 to 1.0.3);
- ``more`` links resolved as relative IRLs against the endpoint (tincan prepends the
  server root, which breaks on absolute links);
- ``true``/``false`` for boolean parameters (tincan sends Python's ``True``);
- a key or secret beyond ASCII in the Basic header (tincan encodes them as ASCII).

Calls block (``http.client``); the bridge runs them with ``asyncio.to_thread``. Every
tincan method of the subclass (``about``, ``save_statement``, documents) gets the timeout
and the byte bodies too, since they all go through ``_send_request``.
"""

from __future__ import annotations

import base64
import http.client
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode, urljoin, urlsplit

import orjson
from tincan import RemoteLRS
from tincan.http_request import HTTPRequest
from tincan.lrs_response import LRSResponse
from tincan.version import Version

from lrs_bridge.bridge.model import Remote
from statements.errors import BadRequest
from statements.log import AttachmentPart
from statements.models.base import parse_timestamp
from statements.multipart import parse_multipart, sha2_hex
from statements.query import to_micros

VERSIONS = (*Version.supported, "2.0.0")


class RemoteError(Exception):
    """A call to another LRS failed; ``status`` is its HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    @property
    def transient(self) -> bool:
        """Worth trying again: no answer, a timeout, too many requests or a server error."""
        return self.status is None or self.status in (408, 425, 429) or self.status >= 500


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    """Header names lower-cased."""
    data: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> RemoteError:
        """The answer as an error, with the LRS's own message when it gave one."""
        text = self.data[:2000].decode("utf-8", "replace")
        try:
            parsed = orjson.loads(self.data)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
            text = parsed["error"]
        text = " ".join(text.split())[:300]
        return RemoteError(
            f"HTTP {self.status}: {text}" if text else f"HTTP {self.status}", self.status
        )


@dataclass(slots=True)
class Page:
    """One StatementResult: the statements as parsed JSON, exactly as the LRS sent them."""

    statements: list[Any]
    more: str | None
    parts: list[AttachmentPart] = field(default_factory=list)
    consistent_through: int | None = None
    """X-Experience-API-Consistent-Through (µs): every statement stored before it is visible."""


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def timestamp_micros(value: Any) -> int | None:
    """An xAPI timestamp in µs; None for anything that is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return to_micros(parse_timestamp(value))
    except ValueError:
        return None


class BridgeLRS(RemoteLRS):  # type: ignore[misc]
    """A remote LRS the bridge pulls from or forwards to."""

    _props: ClassVar[list[str]] = [*RemoteLRS._props, "timeout"]  # noqa: SLF001 (extends tincan's own list)

    def __init__(self, remote: Remote, timeout: float) -> None:
        # tincan encodes username:password as ASCII and fails on any other character;
        # the same header, encoded as UTF-8 (RFC 7617), is given as ``auth`` instead.
        pair = f"{remote.key}:{remote.secret}".encode()
        super().__init__(
            endpoint=remote.endpoint,
            auth="Basic " + base64.b64encode(pair).decode("ascii"),
            version=remote.version,
            timeout=timeout,
        )

    @property
    def version(self) -> str:
        found: str = self._version
        return found

    @version.setter
    def version(self, value: str | None) -> None:
        if value is None:
            value = Version.latest
        if value not in VERSIONS:
            raise ValueError(f"unsupported xAPI version {value!r}")
        self._version = value

    @property
    def timeout(self) -> float:
        found: float = self._timeout
        return found

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        self._timeout = float(value) if value is not None else 30.0

    # --- transport ----------------------------------------------------------------------

    def _exchange(self, request: Any, body: bytes | None) -> tuple[http.client.HTTPResponse, bytes]:
        """tincan's request building, with a timeout and a byte body."""
        headers = {"X-Experience-API-Version": self.version}
        if self.auth is not None:
            headers["Authorization"] = self.auth
        headers.update(request.headers)
        resource: str = request.resource
        url = resource if resource.startswith(("http://", "https://")) else self.endpoint + resource
        parts = urlsplit(url)
        query = parts.query
        if request.query_params:
            extra = urlencode({k: _param(v) for k, v in request.query_params.items()})
            query = f"{query}&{extra}" if query else extra
        path = (parts.path or "/") + (f"?{query}" if query else "")
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        try:
            connection.request(request.method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except TimeoutError:
            raise RemoteError(f"no answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            reason = getattr(error, "strerror", None) or type(error).__name__
            raise RemoteError(f"cannot reach the LRS: {reason}") from None
        finally:
            connection.close()
        return response, data

    def _send_request(self, request: Any) -> Any:
        """tincan's own methods (``about``, ``save_statement``, documents) come through here."""
        content = request.content
        body = content.encode("utf-8") if isinstance(content, str) else content
        response, data = self._exchange(request, body)
        success = 200 <= response.status < 300 or (
            response.status == 404 and bool(getattr(request, "ignore404", False))
        )
        return LRSResponse(success=success, request=request, response=response, data=data)

    def send(
        self,
        method: str,
        resource: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        request = HTTPRequest(
            method=method,
            resource=resource,
            query_params=dict(params or {}),
            headers=dict(headers or {}),
        )
        response, data = self._exchange(request, body)
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    # --- statements -----------------------------------------------------------------------

    def query_page(self, params: Mapping[str, Any]) -> Page:
        """GET statements with xAPI query parameters: the first page."""
        return _page(self.send("GET", "statements", params))

    def more_page(self, more: str) -> Page:
        """The page a ``more`` link names (a relative IRL, resolved against the endpoint)."""
        return _page(self.send("GET", urljoin(self.endpoint, more)))

    def post_statements(
        self, bodies: Sequence[bytes], attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> Answer:
        """POST statements given as JSON bytes, with their attachments' bytes if any."""
        document = b"[" + b",".join(bodies) + b"]"
        if not attachments:
            return self.send(
                "POST", "statements", body=document, headers={"Content-Type": "application/json"}
            )
        boundary = uuid.uuid4().hex
        chunks = [
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
            document,
            b"\r\n",
        ]
        for sha2, content_type, data in attachments:
            chunks.append(
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                "Content-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
            )
            chunks.extend((data, b"\r\n"))
        chunks.append(f"--{boundary}--\r\n".encode())
        return self.send(
            "POST",
            "statements",
            body=b"".join(chunks),
            headers={"Content-Type": f'multipart/mixed; boundary="{boundary}"'},
        )


def _page(answer: Answer) -> Page:
    if not answer.ok:
        raise answer.error()
    content_type = answer.headers.get("content-type", "")
    parts: list[AttachmentPart] = []
    document = answer.data
    try:
        if content_type.lower().startswith("multipart/"):
            sections = parse_multipart(answer.data, content_type)
            document = sections[0].data
            for section in sections[1:]:
                declared = section.headers.get("x-experience-api-hash", "")
                if declared and sha2_hex(section.data, declared) == declared.lower():
                    parts.append(
                        AttachmentPart(declared.lower(), section.content_type, section.data)
                    )
        result = orjson.loads(document)
    except (BadRequest, orjson.JSONDecodeError) as error:
        reason = error.message if isinstance(error, BadRequest) else "not JSON"
        raise RemoteError(f"the LRS answered with a malformed StatementResult: {reason}") from None
    if not isinstance(result, dict) or not isinstance(result.get("statements"), list):
        raise RemoteError("the LRS answered with no StatementResult (no 'statements' list)")
    more = result.get("more")
    return Page(
        statements=result["statements"],
        more=more if isinstance(more, str) and more else None,
        parts=parts,
        consistent_through=timestamp_micros(
            answer.headers.get("x-experience-api-consistent-through")
        ),
    )
