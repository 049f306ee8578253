"""What both storage engines compute the same way, outside SQL: the rows of newly stored
statements, the index filters of a query, and the canonical Activities and Agent names
learned from statements."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Protocol, TypeVar

import orjson

from statements.compare import same_statement
from statements.errors import Conflict, Forbidden, overloaded
from statements.identity import agent_key
from statements.prepare import IndexKind, PreparedStatement
from statements.query import StatementQuery
from statements.storage.base import Credential, StoredStatement

StatementRow = tuple[
    int, str, int, int | None, str, str | None, str | None, str | None, str | None,
    str | None, str | None, bytes,
]  # fmt: skip
"""seq, id, stored, origin_stored, verb, registration, voids, ref, credential, source,
attachments (comma-separated sha2s), body: the columns of the ``statements`` table."""


def not_stored_yet(
    batch: list[PreparedStatement], existing: dict[str, bytes]
) -> list[PreparedStatement]:
    """The statements of ``batch`` not among ``existing`` (id → stored body). An id stored
    already is accepted if the content is the same statement, else the batch fails with
    ``Conflict``."""
    fresh: list[PreparedStatement] = []
    for prepared in batch:
        if prepared.id in existing:
            if not same_statement(orjson.loads(existing[prepared.id]), prepared.body):
                raise Conflict(
                    f"statement {prepared.id} is already stored with different content",
                    [{"path": "id", "rule": "conflict", "message": prepared.id}],
                )
            continue
        fresh.append(prepared)
    return fresh


Owner = tuple[str | None, str | None]
"""Who stored a statement: (credential key, bridge source)."""


def owner_of(prepared: PreparedStatement) -> Owner:
    return (prepared.credential, prepared.source)


def voided_targets(fresh: list[PreparedStatement]) -> list[str]:
    """Ids of the statements that ``fresh`` voids, for writers that may void only their own
    (``refuse_foreign_voiding`` needs who stored them)."""
    return sorted({p.voids for p in fresh if p.voids is not None and not p.void_any})


def refuse_foreign_voiding(fresh: list[PreparedStatement], owners: dict[str, Owner]) -> None:
    """A voiding statement may void only a statement stored with the same credential (for
    statements pulled from another LRS: from the same bridge source), unless its writer may
    void any (scope ``all``); otherwise the whole batch fails with ``Forbidden`` and nothing
    is stored. ``owners`` holds who stored each stored target (id → owner); a target not
    stored yet is voided later only by a voiding statement of its own writer (``_link``)."""
    for prepared in fresh:
        if prepared.voids is None or prepared.void_any:
            continue
        owner = owners.get(prepared.voids)
        if owner is not None and owner != owner_of(prepared):
            message = (
                "a statement can be voided only by the credential that stored it,"
                " or by a credential with the 'all' scope"
            )
            raise Forbidden(
                f"statement {prepared.id} voids statement {prepared.voids}, which another"
                " credential stored: " + message,
                [{"path": "object.id", "rule": "voiding", "message": message}],
            )


def statement_rows(
    fresh: list[PreparedStatement], last_seq: int, stored: int, stored_text: str
) -> tuple[list[StatementRow], list[tuple[int, str, int]], list[tuple[str, str, bytes]]]:
    """The rows that store ``fresh`` statements after ``last_seq`` at ``stored``: their
    ``statements`` rows (the body completed with ``stored``, and ``timestamp`` if it had
    none, Data 2.4.7), their (kind, value, seq) index rows and their attachments."""
    rows: list[StatementRow] = []
    index_rows: list[tuple[int, str, int]] = []
    attachment_rows: list[tuple[str, str, bytes]] = []
    for offset, prepared in enumerate(fresh, start=1):
        seq = last_seq + offset
        body = dict(prepared.body)
        body["stored"] = stored_text
        if "timestamp" not in body:
            body["timestamp"] = stored_text
        hashes = ",".join(sha2 for sha2, _, _ in prepared.attachments) or None
        rows.append(
            (
                seq,
                prepared.id,
                stored,
                prepared.origin_stored,
                prepared.verb,
                prepared.registration,
                prepared.voids,
                prepared.ref,
                prepared.credential,
                prepared.source,
                hashes,
                orjson.dumps(body),
            )
        )
        index_rows.extend((kind, value, seq) for kind, value in prepared.index)
        attachment_rows.extend(prepared.attachments)
    return rows, index_rows, attachment_rows


def index_filters(query: StatementQuery) -> list[tuple[int, str]]:
    """Index filters, most selective first (the first one drives the scan)."""
    filters: list[tuple[int, str]] = []
    if query.registration is not None:
        filters.append((IndexKind.REGISTRATION, query.registration))
    if query.agent is not None:
        kind = IndexKind.AGENT_RELATED if query.related_agents else IndexKind.AGENT
        filters.append((kind, query.agent))
    if query.activity is not None:
        kind = IndexKind.ACTIVITY_RELATED if query.related_activities else IndexKind.ACTIVITY
        filters.append((kind, query.activity))
    if query.verb is not None:
        filters.append((IndexKind.VERB, query.verb))
    return filters


def merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The canonical definition after a statement brings ``new`` (Data 2.4.4.1): later
    values win; language maps are merged language by language."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description", "extensions") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def activities_with_definitions(body: dict[str, Any]) -> Iterable[dict[str, Any]]:
    def activities(statement: dict[str, Any]) -> Iterable[dict[str, Any]]:
        obj = statement["object"]
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            yield obj
        elif kind == "SubStatement":
            yield from activities(obj)
        context_activities = (statement.get("context") or {}).get("contextActivities") or {}
        for value in context_activities.values():
            yield from value if isinstance(value, list) else [value]

    return (a for a in activities(body) if a.get("definition"))


def named_agents(statement: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(key, name) of every identified Agent or Group a statement names, members included."""

    def agents(actor: Any) -> Iterable[dict[str, Any]]:
        if isinstance(actor, dict):
            yield actor
            yield from actor.get("member") or ()

    found: list[dict[str, Any]] = [*agents(statement.get("actor"))]
    obj = statement.get("object") or {}
    if obj.get("objectType") in ("Agent", "Group"):
        found.extend(agents(obj))
    context = statement.get("context") or {}
    found.extend(agents(context.get("instructor")))
    found.extend(agents(context.get("team")))
    for item in context.get("contextAgents") or ():
        found.extend(agents(item.get("agent")))
    for item in context.get("contextGroups") or ():
        found.extend(agents(item.get("group")))
    for agent in found:
        key = agent_key(agent)
        if key is not None and isinstance(agent.get("name"), str):
            yield key, agent["name"]
    if obj.get("objectType") == "SubStatement":
        yield from named_agents(obj)


def statement_of(row: Iterable[Any]) -> StoredStatement:
    """A stored statement from its row (seq, id, body, stored, voided, attachments,
    origin_stored, credential, source), on either engine."""
    seq, sid, body, stored, voided, attachments, origin_stored, credential, source = row
    hashes = tuple(attachments.split(",")) if attachments else ()
    return StoredStatement(
        seq, sid, bytes(body), stored, bool(voided), hashes, origin_stored, credential, source
    )


def credential_of(row: Iterable[Any]) -> Credential:
    """A credential from its row (key, secret_hash, label, scopes, created_at, revoked_at)."""
    key, secret_hash, label, scopes, created_at, revoked_at = row
    return Credential(
        key=key,
        secret_hash=secret_hash,
        label=label,
        scopes=tuple(orjson.loads(scopes)),
        created_at=datetime.fromisoformat(created_at),
        revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
    )


class _Appending(Protocol):
    @property
    def appends(self) -> list[PreparedStatement] | None: ...


J = TypeVar("J", bound=_Appending)


def append_runs(jobs: list[J]) -> list[list[J]]:
    """A group's jobs in order, consecutive append-only jobs with distinct statement ids
    together (a run of one for any other job): each engine's writer stores a run as one
    batch, and falls back to one job at a time when the run fails."""
    runs: list[list[J]] = []
    ids: set[str] = set()
    for job in jobs:
        appends = job.appends
        if appends is not None and runs and runs[-1][-1].appends is not None:
            new_ids = {p.id for p in appends}
            if len(new_ids) == len(appends) and ids.isdisjoint(new_ids):
                runs[-1].append(job)
                ids |= new_ids
                continue
        runs.append([job])
        ids = {p.id for p in appends} if appends is not None else set()
    return runs


_TICKET: ContextVar[list[Any] | None] = ContextVar("backlog_ticket", default=None)
"""The request under way in this task, let in by ``Backlog.entry``: its ``admit`` moves it
from the requests entering to the statements waiting."""


class Backlog:
    """The statements waiting for a store's writer, in seconds of its work: an append that
    would wait longer than ``max_wait`` to be cleared is refused at once (HTTP 503 with
    Retry-After) instead of queueing until clients time out. The writer's pace is learnt
    from its groups (statements per second of busy time, smoothed); until it is known, and
    whenever nothing waits, ``floor`` statements are let in.

    Requests are counted from the door (``entry``, before their bodies are read), at the
    mean size of the appends admitted: hundreds of clients posting at once would otherwise
    all be let in, read and validated, and wait for the loop's time before most were
    refused at ``admit``; the ones let in then waited as long as the crowd took."""

    SMOOTHING = 0.2
    SIZE_SMOOTHING = 0.5  # a change from single statements to batches counts within a few
    DOOR_SHARE = 0.75

    def __init__(self, max_wait: float = 2.0, floor: int = 1000) -> None:
        self.max_wait = max_wait
        self.floor = floor
        self.waiting = 0
        """Statements accepted and not yet committed (or failed)."""
        self.rate = 0.0
        """Statements the writer clears per second of work (0 until its first group)."""
        self.entering = 0
        """Append requests let in at the door and not yet admitted, answered or failed."""
        self.mean_size = 1.0
        """Statements per admitted append (smoothed)."""

    def limit(self) -> float:
        return max(self.floor, self.rate * self.max_wait)

    def admit(self, count: int) -> bool:
        """Whether ``count`` more statements may wait; counts them in when so (and no
        longer as a request under way, when the request came in through ``entry``)."""
        if self.waiting and self.waiting + count > self.limit():
            return False
        self.waiting += count
        ticket = _TICKET.get()
        if ticket is not None and ticket[0] is self and ticket[1]:
            ticket[1] = False
            self.entering -= 1
        self.mean_size += self.SIZE_SMOOTHING * (count - self.mean_size)
        return True

    def cleared(self, count: int, started: float) -> None:
        """``count`` statements left the backlog after a group that began at ``started``
        (``time.perf_counter()``)."""
        self.waiting -= count
        seconds = time.perf_counter() - started
        if count and seconds > 0:
            pace = count / seconds
            self.rate = pace if not self.rate else self.rate + self.SMOOTHING * (pace - self.rate)

    def full(self) -> bool:
        """Whether one more append request would be refused at the door: the door lets
        in ``DOOR_SHARE`` of what the writer clears in ``max_wait``, keeping the rest of
        that time for what a request spends reading, parsing and validating around it."""
        ahead = self.waiting + self.entering * self.mean_size
        return bool(ahead) and ahead + self.mean_size > self.DOOR_SHARE * self.limit()

    @contextmanager
    def entry(self) -> Iterator[None]:
        """One append request, from before its body is read until it is answered: refused
        at once (``Unavailable``, 503) when the backlog is full, so that shedding costs
        next to nothing and what is let in is cleared within about ``max_wait``."""
        if self.full():
            raise overloaded()
        self.entering += 1
        ticket: list[Any] = [self, True]  # (this backlog, still counted as entering)
        token = _TICKET.set(ticket)
        try:
            yield
        finally:
            _TICKET.reset(token)
            if ticket[1]:
                self.entering -= 1

    def dropped(self, count: int) -> None:
        """``count`` statements left the backlog without being written (their request gave up)."""
        self.waiting -= count
