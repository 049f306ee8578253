"""The bridge's configuration: upstream sources pulled from, forwarding targets sent to.

A source and a target with the same name are taken to be the same LRS: statements pulled
from source ``central`` are never forwarded to target ``central`` (no loops).

Secrets are kept as given (they are needed to call out) and appear in no ``public()``
view, no log line and no ``repr``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

from reports.fields import bad, require_object, text_field
from statements.models.base import check_iri
from statements.prepare import IndexKind, PreparedStatement
from statements.query import format_timestamp

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
VERSIONS = ("1.0.3", "2.0.0")
DEFAULT_VERSION = "1.0.3"
"""What most LRSs speak; tincan's default too."""
MIN_INTERVAL = 10
MAX_INTERVAL = 7 * 86_400
MAX_BATCH = 1000
DEFAULT_BATCH = 100


@dataclass(frozen=True, slots=True)
class Remote:
    """Where another LRS is and how to call it."""

    endpoint: str
    """The xAPI endpoint, ending in '/', e.g. https://lrs.example.se/xapi/."""
    key: str
    secret: str = field(repr=False)
    version: str = DEFAULT_VERSION


@dataclass(frozen=True, slots=True)
class Filters:
    """Which statements pass: those about ``activity`` (as the object; also in the context
    with ``related_activities``) and with ``verb``. Voiding statements always pass, so a
    statement voided here is voided downstream too."""

    activity: str | None = None
    verb: str | None = None
    related_activities: bool = False

    def passes(self, statement: PreparedStatement) -> bool:
        if statement.voids is not None:
            return True
        if self.verb is not None and statement.verb != self.verb:
            return False
        if self.activity is not None:
            kind = IndexKind.ACTIVITY_RELATED if self.related_activities else IndexKind.ACTIVITY
            return (int(kind), self.activity) in statement.index
        return True

    def query_params(self) -> dict[str, str]:
        """The same filters as xAPI query parameters (Communication 2.1.3)."""
        params: dict[str, str] = {}
        if self.activity is not None:
            params["activity"] = self.activity
            if self.related_activities:
                params["related_activities"] = "true"
        if self.verb is not None:
            params["verb"] = self.verb
        return params

    def public(self) -> dict[str, Any]:
        return {
            "activity": self.activity,
            "verb": self.verb,
            "related_activities": self.related_activities,
        }


def _moment(micros: int | None) -> str | None:
    return format_timestamp(micros) if micros is not None else None


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    remote: Remote
    filters: Filters
    interval_seconds: int | None
    """Pulled in the service every this many seconds; None: only on demand."""
    created_at: int
    checkpoint: int | None = None
    last_pull_at: int | None = None
    last_success_at: int | None = None
    last_error: str | None = None
    last_error_at: int | None = None
    pulled_total: int = 0
    bad_total: int = 0

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "endpoint": self.remote.endpoint,
            "key": self.remote.key,
            "version": self.remote.version,
            **self.filters.public(),
            "interval_seconds": self.interval_seconds,
            "created_at": _moment(self.created_at),
            "checkpoint": _moment(self.checkpoint),
            "last_pull_at": _moment(self.last_pull_at),
            "last_success_at": _moment(self.last_success_at),
            "last_error": self.last_error,
            "last_error_at": _moment(self.last_error_at),
            "pulled_total": self.pulled_total,
            "bad_total": self.bad_total,
        }


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    remote: Remote
    filters: Filters
    batch_size: int
    peer_credential: str | None
    """Key of the local credential that LRS sends statements here with: never sent back."""
    created_at: int
    last_sent_at: int | None = None
    last_error: str | None = None
    last_error_at: int | None = None
    sent_total: int = 0
    rejected_total: int = 0
    queue: int = 0
    """Statements in the outbox for this target (filled in by listings)."""

    def wants(self, statement: PreparedStatement) -> bool:
        """Does a newly stored statement go to this target's outbox?"""
        if statement.source == self.name:
            return False
        if self.peer_credential is not None and statement.credential == self.peer_credential:
            return False
        return self.filters.passes(statement)

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "endpoint": self.remote.endpoint,
            "key": self.remote.key,
            "version": self.remote.version,
            **self.filters.public(),
            "batch_size": self.batch_size,
            "peer_credential": self.peer_credential,
            "created_at": _moment(self.created_at),
            "queue": self.queue,
            "last_sent_at": _moment(self.last_sent_at),
            "last_error": self.last_error,
            "last_error_at": _moment(self.last_error_at),
            "sent_total": self.sent_total,
            "rejected_total": self.rejected_total,
        }


@dataclass(frozen=True, slots=True)
class PullProblem:
    """A statement an upstream returned that was stored nowhere, and why."""

    source: str
    statement_id: str
    origin_stored: int | None
    message: str
    details: list[dict[str, Any]]
    seen_at: int

    def public(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "origin_stored": _moment(self.origin_stored),
            "message": self.message,
            "details": self.details,
            "seen_at": _moment(self.seen_at),
        }


# --- reading configuration from JSON (API) or flags (CLI) ---------------------------------

_COMMON = frozenset(
    {"name", "endpoint", "key", "secret", "version", "activity", "verb", "related_activities"}
)
SOURCE_FIELDS = _COMMON | {"interval_seconds"}
TARGET_FIELDS = _COMMON | {"batch_size", "peer_credential"}


def _name(data: Mapping[str, Any]) -> str:
    name = text_field(data, "name", required=True, max_length=63)
    assert name is not None
    if not NAME.match(name):
        raise bad("name", "name", "must be a-z, 0-9, '.', '_' or '-', starting with a-z or 0-9")
    return name


def _endpoint(data: Mapping[str, Any]) -> str:
    value = text_field(data, "endpoint", required=True, max_length=2000)
    assert value is not None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad("endpoint", "url", "must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise bad("endpoint", "url", "must not carry credentials: give key and secret")
    if parts.query or parts.fragment:
        raise bad("endpoint", "url", "must have no query or fragment")
    try:
        parts.port  # noqa: B018  (raises for a port out of range)
    except ValueError:
        raise bad("endpoint", "url", "has an invalid port") from None
    return value if value.endswith("/") else value + "/"


def _iri(data: Mapping[str, Any], name: str) -> str | None:
    value = text_field(data, name, required=False, max_length=2000)
    if not value:
        return None
    try:
        return check_iri(value)
    except PydanticCustomError:
        raise bad(name, "iri", "must be an IRI with a scheme, e.g. https://…") from None


def _flag(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad(name, "type", "must be true or false")
    return value


def _whole(
    data: Mapping[str, Any], name: str, low: int, high: int, default: int | None
) -> int | None:
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(name, "range", f"must be a whole number from {low} to {high}")
    return value


def _remote(data: Mapping[str, Any]) -> Remote:
    endpoint = _endpoint(data)
    key = text_field(data, "key", required=True, max_length=500)
    if "secret" not in data or data["secret"] is None:
        raise bad("secret", "required", "is required")
    secret = data["secret"]
    if not isinstance(secret, str) or not secret:
        raise bad("secret", "type", "must be a non-empty string")
    if len(secret) > 500:
        raise bad("secret", "max_length", "must be at most 500 characters")
    assert key is not None
    if ":" in key:
        raise bad("key", "basic", "must not contain ':' (HTTP Basic)")
    version = data.get("version") or DEFAULT_VERSION
    if version not in VERSIONS:
        raise bad("version", "version", f"must be one of {', '.join(VERSIONS)}")
    return Remote(endpoint=endpoint, key=key, secret=secret, version=version)


def _filters(data: Mapping[str, Any]) -> Filters:
    related = _flag(data, "related_activities")
    activity = _iri(data, "activity")
    if related and activity is None:
        raise bad("related_activities", "activity", "needs an activity")
    return Filters(activity=activity, verb=_iri(data, "verb"), related_activities=related)


def parse_source(data: Any, now: int) -> Source:
    """A new source from JSON-like input; ``BadRequest`` naming the field otherwise."""
    fields = require_object(data, SOURCE_FIELDS)
    return Source(
        name=_name(fields),
        remote=_remote(fields),
        filters=_filters(fields),
        interval_seconds=_whole(fields, "interval_seconds", MIN_INTERVAL, MAX_INTERVAL, None),
        created_at=now,
    )


def parse_target(data: Any, now: int) -> Target:
    """A new target from JSON-like input; ``BadRequest`` naming the field otherwise."""
    fields = require_object(data, TARGET_FIELDS)
    batch = _whole(fields, "batch_size", 1, MAX_BATCH, DEFAULT_BATCH)
    assert batch is not None
    return Target(
        name=_name(fields),
        remote=_remote(fields),
        filters=_filters(fields),
        batch_size=batch,
        peer_credential=text_field(fields, "peer_credential", required=False, max_length=200)
        or None,
        created_at=now,
    )
