"""Parameters of a Statement query (Communication 2.1.3), validated once, here.

``parse_query`` turns the request's parameters into a ``StatementQuery``; the store turns
that into SQL. A ``more`` link carries the same query plus a position, encoded as an
opaque, URL-safe token signed with the LRS's key, so paging needs no server-side state,
works on every instance that shares the key and survives restarts when the key is fixed.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from pydantic_core import PydanticCustomError

from statements.errors import BadRequest
from statements.identity import parse_agent_param
from statements.models import parse_timestamp
from statements.models.base import check_iri, check_uuid

FORMATS = ("ids", "exact", "canonical")
QUERY_PARAMS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
SINGLE_PARAMS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})


@dataclass(frozen=True, slots=True)
class StatementQuery:
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: int | None = None
    """Exclusive lower bound on stored, microseconds since the epoch."""
    until: int | None = None
    """Inclusive upper bound on stored, microseconds since the epoch."""
    limit: int = 0
    format: str = "exact"
    attachments: bool = False
    ascending: bool = False
    credential: str | None = None
    """Only statements stored with this credential (scope statements/read/mine)."""
    after_seq: int | None = None
    """Position for paging: continue after (ascending) or before (descending) this seq."""
    through_seq: int | None = None
    """Snapshot for paging: statements stored after the first page are not included."""


def to_micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    return datetime.fromtimestamp(micros // 1_000_000, UTC).replace(microsecond=micros % 1_000_000)


_last_second: tuple[int, str] = (-1, "")
"""The last whole second formatted, and its text: every response carries a Consistent-
Through header and every stored statement a timestamp, mostly within the same second,
and strftime is the costly part. One tuple, replaced whole, so threads see a matching pair."""


def format_timestamp(micros: int) -> str:
    """The LRS's own timestamps: UTC, microsecond precision, 'Z'."""
    global _last_second
    second, fraction = divmod(micros, 1_000_000)
    cached = _last_second
    if cached[0] == second:
        text = cached[1]
    else:
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _last_second = (second, text)
    return f"{text}{fraction:06d}Z"


def _error(param: str, message: str) -> BadRequest:
    return BadRequest(
        f"invalid parameter '{param}': {message}",
        [{"path": param, "rule": "parameter", "message": message}],
    )


def parse_bool(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    # JSON spells booleans true/false; the Python tincan client sends True/False, so the
    # case is not held against a client.
    if value.lower() not in ("true", "false"):
        raise _error(name, "must be true or false")
    return value.lower() == "true"


def parse_format(params: Mapping[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise _error("format", "must be one of ids, exact, canonical")
    return value


def parse_time(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return to_micros(parse_timestamp(value))
    except PydanticCustomError:
        raise _error(name, "must be an ISO 8601 timestamp") from None


def parse_uuid(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return check_uuid(value).lower()
    except PydanticCustomError:
        raise _error(name, "must be a UUID") from None


def parse_iri(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return check_iri(value)
    except PydanticCustomError:
        raise _error(name, "must be an IRI") from None


def parse_agent(params: Mapping[str, str], name: str = "agent") -> str | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise _error(name, "must be a JSON Agent or Group object") from None
    return parse_agent_param(data)


def parse_query(params: Mapping[str, str], *, max_limit: int) -> StatementQuery:
    unknown = sorted(set(params) - QUERY_PARAMS)
    if unknown:
        raise _error(unknown[0], "is not a parameter of the Statement resource")
    limit_text = params.get("limit", "0")
    if not limit_text.isdigit():
        raise _error("limit", "must be a non-negative integer")
    limit = int(limit_text)
    return StatementQuery(
        agent=parse_agent(params),
        verb=parse_iri(params, "verb"),
        activity=parse_iri(params, "activity"),
        registration=parse_uuid(params, "registration"),
        related_activities=parse_bool(params, "related_activities"),
        related_agents=parse_bool(params, "related_agents"),
        since=parse_time(params, "since"),
        until=parse_time(params, "until"),
        limit=max_limit if limit == 0 else min(limit, max_limit),
        format=parse_format(params),
        attachments=parse_bool(params, "attachments"),
        ascending=parse_bool(params, "ascending"),
    )


MAX_CURSOR_CHARS = 8192
_CURSOR_LABEL = b"lrs-bridge statements more v1\x00"
_INT_MAX = (1 << 63) - 1
_CURSOR_TYPES: dict[str, type] = {
    field.name: {"str": str, "bool": bool, "int": int}[
        str(field.type).split(" | ")[0]  # "str | None" → str (annotations are strings)
    ]
    for field in dataclasses.fields(StatementQuery)
}


def _cursor_error(rule: str, message: str) -> BadRequest:
    return BadRequest(
        f"invalid parameter 'cursor': {message}",
        [{"path": "cursor", "rule": rule, "message": message}],
    )


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, _CURSOR_LABEL + payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(query: StatementQuery, key: bytes) -> str:
    """The query and its position as an opaque token for the ``more`` link, signed with
    ``key`` (HMAC-SHA256) so that a client can neither forge nor change one."""
    data = {k: v for k, v in dataclasses.asdict(query).items() if v is not None}
    payload = base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")
    return f"{payload}.{_mac(key, payload)}"


def decode_cursor(token: str, key: bytes, *, max_limit: int) -> StatementQuery:
    """The query of a ``more`` token ``encode_cursor`` made with ``key``. A token made with
    another key (another installation, or a start with a random key), changed or malformed
    is a 400 naming ``cursor`` and the rule; the page limit is at most ``max_limit``
    whatever the token says."""
    payload, dot, mac = token.partition(".")
    if len(token) > MAX_CURSOR_CHARS or not token.isascii() or not (dot and payload and mac):
        raise _cursor_error("cursor_format", "is not a 'more' link of this LRS")
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise _cursor_error(
            "cursor_signature",
            "the 'more' link was changed, or made by another LRS or before this one restarted"
            " without a fixed LRS_BRIDGE_SESSION_SECRET: query again without 'cursor'",
        )
    try:
        data = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        raise _cursor_error("cursor_format", "is not a 'more' link of this LRS") from None
    if not isinstance(data, dict):
        raise _cursor_error("cursor_format", "is not a 'more' link of this LRS")
    for name, value in data.items():
        wanted = _CURSOR_TYPES.get(name)
        if wanted is None:
            raise _cursor_error("cursor_field", f"holds '{name}', which no query has")
        # bool is an int to Python, not to this check.
        if type(value) is not wanted or (
            isinstance(value, int) and not -_INT_MAX <= value <= _INT_MAX
        ):
            raise _cursor_error("cursor_field", f"'{name}' has a value of the wrong kind")
    for name in ("after_seq", "through_seq", "limit"):
        if name not in data:
            raise _cursor_error("cursor_field", f"'{name}' is missing")
    if data["limit"] < 1 or data["after_seq"] < 0 or data["through_seq"] < 0:
        raise _cursor_error("cursor_field", "'limit', 'after_seq' or 'through_seq' is out of range")
    if data.get("format", "exact") not in FORMATS:
        raise _cursor_error("cursor_field", "'format' is not one of ids, exact, canonical")
    data["limit"] = min(data["limit"], max_limit)
    return StatementQuery(**data)
