"""The interface every storage engine implements (SQLite now, PostgreSQL for several
instances). Callers depend on this, never on an engine's class: the few SQL spellings that
differ switch on ``dialect`` beside the shared SQL, marked ``# engine:``."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from statements.documents import Decide, Document, DocumentScope
from statements.prepare import PreparedStatement
from statements.query import StatementQuery
from statements.storage.port import Dialect, Row, Tx

T = TypeVar("T")

AppendHook = Callable[["Tx", list[tuple[int, PreparedStatement]]], Coroutine[Any, Any, None]]
"""Run inside the transaction that appends statements, with a ``Tx`` on it and each new
(seq, statement): rows other packages keep about new statements (the bridge's outbox)
commit or roll back with them. Under SQLite it must not suspend (see ``port``)."""


@dataclass(frozen=True, slots=True)
class StoredStatement:
    seq: int
    id: str
    body: bytes
    """The statement's JSON as stored (``stored`` included): the ``exact`` format."""
    stored: int
    voided: bool
    attachment_hashes: tuple[str, ...] = ()
    origin_stored: int | None = None
    """For a statement pulled from another LRS, the origin's stored time (µs)."""
    credential: str | None = None
    """Key of the credential that stored it (for the statements/read/mine scope)."""
    source: str | None = None
    """Name of the bridge source it was pulled from (None when sent to this LRS)."""


@dataclass(frozen=True, slots=True)
class Credential:
    key: str
    secret_hash: str
    label: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class QueryPage:
    statements: list[StoredStatement]
    more: StatementQuery | None
    """The query for the next page, or None when this page is the last."""
    through_seq: int = 0


@dataclass(slots=True)
class AppendResult:
    ids: list[str] = field(default_factory=list)
    """Ids of the statements, in request order (new and already stored alike)."""
    new: int = 0


class Store(abc.ABC):
    """A statement log with documents and credentials, durable when a call returns; and,
    for the other packages' own tables, the database port (``read``, ``write``:
    ``statements.storage.port.Database``)."""

    url: str
    dialect: Dialect
    after_append: list[AppendHook]
    group_stats: dict[str, int]
    """Group commit, counted since the store opened: ``groups`` committed, ``jobs``
    (write requests) in them, ``merged_jobs`` whose appends were stored as one batch."""
    """Run, in order, inside each transaction that appends statements (``AppendHook``)."""

    @abc.abstractmethod
    async def read(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one query with ``?`` placeholders, outside any write transaction."""

    @abc.abstractmethod
    async def read_point(self, sql: str, *params: Any) -> Row | None:
        """The one row (or None) of a look-up by key, fast enough for the event loop's
        thread (see ``port``)."""

    @abc.abstractmethod
    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` in one transaction, committed before this returns (see ``port``)."""

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raise ``Unavailable`` unless the database answers a read now (for /readyz)."""

    async def lead(self, role: str) -> bool:
        """Whether this process holds ``role`` now, taking it if no other process does: for
        background work that only one of several instances sharing a database should do at
        a time (the progress projector, automatic reminders, the bridge's schedule). A role
        taken is kept until ``close`` or until the process dies, when another instance
        takes it over. On an engine that one machine has to itself (SQLite) every process
        holds every role: that work is already safe to run in several processes there."""
        return True

    def forget_index_values(self, values: Iterable[str]) -> None:  # noqa: B027 (optional)
        """Drop these index values from this process's cache of interned ids: call it before
        and after a transaction that deletes their ``index_values`` rows (an erasure), so
        that a later statement naming them interns them afresh. Other instances sharing a
        PostgreSQL database keep their cache until they restart."""

    def watch_appends(self, callback: Callable[[], None]) -> None:  # noqa: B027 (optional)
        """Call ``callback`` (in this process's event loop) soon after another process
        appends statements, where the engine can tell; register before ``open``. Without
        it, such statements are found by polling."""

    # --- statements -----------------------------------------------------------------

    @abc.abstractmethod
    async def append(self, batch: list[PreparedStatement]) -> AppendResult:
        """Store a batch in one transaction: all or nothing.

        An id already stored with the same content is accepted without change; with other
        content the whole batch fails with ``Conflict``. Voiding statements void their
        target, unless the target is itself a voiding statement.
        """

    @abc.abstractmethod
    async def get_statement(self, statement_id: str) -> StoredStatement | None:
        """One statement by (lower-cased) id, voided or not."""

    @abc.abstractmethod
    async def query(self, query: StatementQuery) -> QueryPage:
        """Statements matching a query, voided ones left out, newest first unless
        ``ascending``; StatementRef targets count as matches (Communication 2.1.3)."""

    @abc.abstractmethod
    async def attachment(self, sha2: str) -> tuple[str, bytes] | None:
        """Content type and bytes of a stored attachment."""

    @abc.abstractmethod
    def entry(self) -> AbstractContextManager[None]:
        """One request that appends statements, entered before its body is read and left
        when it is answered: raises ``Unavailable`` (503) at once when the writer's backlog,
        counting the requests already let in, is full (``common.Backlog``)."""

    @abc.abstractmethod
    async def consistent_through(self) -> int:
        """A stored time (µs) before which every statement is available for reading."""

    @abc.abstractmethod
    async def last_stored(self) -> int | None:
        """The stored time (µs) of the newest statement, None when there is none."""

    @abc.abstractmethod
    async def statements_after(self, seq: int, limit: int) -> list[StoredStatement]:
        """Statements (voided included) in log order after ``seq``: the projector's feed."""

    # --- documents and activities -----------------------------------------------------

    @abc.abstractmethod
    async def get_document(self, scope: DocumentScope, doc_id: str) -> Document | None: ...

    @abc.abstractmethod
    async def list_document_ids(
        self, scope: DocumentScope, since: int | None
    ) -> list[tuple[str, int]]:
        """(id, last update in µs) of the scope's documents, sorted by id; only those written
        after ``since`` (µs) when given. State without a registration: every registration."""

    @abc.abstractmethod
    async def write_document(
        self, scope: DocumentScope, doc_id: str, decide: Decide
    ) -> Document | None:
        """Read the document, let ``decide`` choose what to store (None deletes), and store
        it, all in one transaction. Returns what was stored, with its update time."""

    @abc.abstractmethod
    async def delete_documents(self, scope: DocumentScope) -> int:
        """Delete every document of the scope (state without a registration: of every
        registration); the number deleted."""

    @abc.abstractmethod
    async def activity_definitions(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Canonical definitions of the activities with these ids that have one."""

    @abc.abstractmethod
    async def agent_names(self, key: str) -> list[str]:
        """Names seen for this agent key in statements of credentials with 'define'."""

    # --- credentials ----------------------------------------------------------------

    @abc.abstractmethod
    async def create_credential(self, credential: Credential) -> None: ...

    @abc.abstractmethod
    async def get_credential(self, key: str) -> Credential | None: ...

    @abc.abstractmethod
    async def list_credentials(self) -> list[Credential]: ...

    @abc.abstractmethod
    async def revoke_credential(self, key: str, when: datetime) -> bool:
        """Revoke an active credential; False when there is no such active credential."""

    @abc.abstractmethod
    async def replace_credential_hash(self, key: str, old: str, new: str) -> bool:
        """Store ``new`` as the credential's secret hash if it is still ``old`` (an upgrade
        of the hash's form on first use; False when another request did it first)."""
