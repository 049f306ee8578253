"""The database port: how other packages read and write their own tables, on either engine.

A domain storage (readiness, reminders, people, bridge) is written once against ``Database``
and ``Tx``. SQL is written once with ``?`` placeholders; the PostgreSQL engine renumbers
them to ``$1 … $n`` (once per SQL string). Where the engines truly differ (locking, bulk
forms, a few functions) the code switches on ``dialect`` beside the shared SQL.

A write is an ``async`` function of a ``Tx``, run in one transaction:

* PostgreSQL: on a pooled connection in a transaction; ``Tx`` awaits asyncpg.
* SQLite: on the store's one writer thread, in a savepoint of its group-commit
  transaction. There the ``Tx`` methods are ``async`` but never suspend, so the writer
  drives the function's coroutine to its end with one ``send(None)``; a function that
  awaits anything else (a sleep, another store) is a bug and fails loudly.

Only the stores (``statements.storage``) touch an engine's connection.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")

Dialect = Literal["sqlite", "postgresql"]
Row = Sequence[Any]
"""A result row: a tuple on SQLite, an asyncpg ``Record`` on PostgreSQL (both index and
unpack alike)."""


class DatabaseError(Exception):
    """A database refusal the domain can act on (other failures surface as ``Unavailable``)."""


class Duplicate(DatabaseError):
    """A unique (or primary) key refused a row. ``constraint`` names what the engine names:
    the index on PostgreSQL, ``table.column, …`` on SQLite."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


class Violation(DatabaseError):
    """Another integrity constraint (foreign key, check, not null) refused a row."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


class Tx(Protocol):
    """One transaction. Every method runs one SQL statement with ``?`` placeholders."""

    dialect: Dialect

    async def execute(self, sql: str, *params: Any) -> int:
        """Run a statement; the number of rows it inserted, updated or deleted."""

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetch(self, sql: str, *params: Any) -> list[Row]: ...

    async def fetchrow(self, sql: str, *params: Any) -> Row | None: ...

    async def fetchval(self, sql: str, *params: Any) -> Any:
        """The first column of the first row, None when there is no row."""

    async def lock(self, key: str) -> None:
        """Hold ``key`` until the transaction ends: an advisory lock on PostgreSQL (writers
        of the same key, in any instance, take turns); nothing under SQLite's one writer."""

    async def lock_appends(self) -> None:
        """Hold the statement log's append lock until the transaction ends: every statement
        is appended either before this transaction or after it commits (PostgreSQL; under
        SQLite appends go through the same one writer anyway)."""


class Database(Protocol):
    """Reads and writes outside the statement log, as a store offers them."""

    @property
    def dialect(self) -> Dialect: ...

    async def read(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one query, outside any write transaction."""

    async def read_point(self, sql: str, *params: Any) -> Row | None:
        """The one row (or None) of a look-up by a primary or unique key, joined by keys:
        a query of microseconds that a hot path (a launch, a per-learner credential) makes
        on every request. SQLite answers it on the event loop's own read-only connection
        rather than a reader thread, whose trip there and back costs far more; so never
        a scan or anything slow. PostgreSQL reads it as ``read`` does."""

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` in one transaction, committed (durably) before this returns; if it
        raises, nothing it did is kept."""


def in_list(dialect: Dialect, column: str, values: Iterable[Any]) -> tuple[str, tuple[Any, ...]]:
    """``column`` is one of ``values``: the SQL condition and its parameters, for a
    condition's place among the other ``?``. One array parameter on PostgreSQL (the query
    stays one prepared statement however long the list), ``IN (?, …)`` on SQLite (its
    variable limit, 32,766, is far above any list the domains pass)."""
    if dialect == "postgresql":
        return f"{column} = ANY(?)", (list(values),)
    listed = tuple(values)
    return f"{column} IN ({', '.join('?' * len(listed))})", listed


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """``sql`` with its ``?`` placeholders numbered ``$1 … $n`` for PostgreSQL. A ``?``
    inside a quoted string or identifier is refused: it would be a literal there."""
    out: list[str] = []
    quote = ""
    count = 0
    for char in sql:
        if quote:
            if char == "?":
                raise ValueError(f"a '?' inside a quoted literal in SQL: {sql!r}")
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            count += 1
            out.append(f"${count}")
            continue
        out.append(char)
    if quote:
        raise ValueError(f"an unterminated quote in SQL: {sql!r}")
    return "".join(out)


def lock_hash(key: str) -> int:
    """A signed 32-bit number for ``key`` (the second key of a two-key advisory lock)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)


def run_now(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (a write over SQLite's ``Tx``) to its end, on
    this thread, now."""
    try:
        coro.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    coro.close()
    raise RuntimeError(
        "a SQLite write suspended: only the Tx's own methods may be awaited inside a write"
    )
