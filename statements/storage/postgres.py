"""The PostgreSQL engine (asyncpg), for several instances sharing one database: the
statement store's write path, documents, locks and life cycle (the shared reads are in
``reads``; other packages' SQL is theirs, over ``port``).

Every write is one transaction on a pooled connection. Appends to the statement log take a
transaction-scoped advisory lock first, so however many instances write, one append at a
time assigns ``seq`` and ``stored``: both grow with the log as they do under SQLite's single
writer, and a statement id sent to two instances at once is stored once (the second sees
the first's committed row and applies the same-statement rule; the unique constraint on
``id`` is the backstop). ``stored`` comes from the database's clock, the one clock every
instance shares. Within an instance the appends waiting at one time go to the database
together (group commit, as SQLite's writer does): one connection, one transaction under the
lock, a savepoint per request so that each stays all-or-nothing, one commit; so waiting
appends never hold the pool that reads need, and the lock and the commit are paid once per
group instead of once per request.

A document write takes an advisory lock of its own key, so read-decide-write of one
document (ETag preconditions, JSON merges) is atomic across instances too.

The database URL is handed to asyncpg as it is; query parameters other than libpq's
become server settings, so ``postgresql://host/db?search_path=lrs`` selects a schema.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import asyncpg
import orjson

from statements.documents import (
    Decide,
    Document,
    DocumentKind,
    DocumentRow,
    DocumentScope,
    the_document,
)
from statements.errors import BadRequest, Unavailable, overloaded
from statements.prepare import PreparedStatement, index_keys
from statements.query import StatementQuery, format_timestamp
from statements.storage.base import (
    AppendHook,
    AppendResult,
    Credential,
)
from statements.storage.common import (
    Backlog,
    activities_with_definitions,
    append_runs,
    credential_of,
    merge_definition,
    named_agents,
    not_stored_yet,
    owner_of,
    refuse_foreign_voiding,
    statement_rows,
    voided_targets,
)
from statements.storage.migrate import STATEMENT_MIGRATIONS, migrations_for
from statements.storage.port import Dialect, Duplicate, Row, Tx, Violation, lock_hash, numbered
from statements.storage.reads import CREDENTIAL_COLUMNS, StatementReads
from statements.time import now_micros

log = logging.getLogger(__name__)

T = TypeVar("T")

POOL_SIZE = 10
MAX_GROUP_STATEMENTS = 5000
"""Most statements one group commit stores (a request larger than this is a group alone)."""
COMMAND_TIMEOUT = 60.0
"""Seconds one SQL command may take (waiting for a lock included) before the call fails
with ``Unavailable``."""
PING_TIMEOUT = 5.0
CONSISTENT_THROUGH_AGE = 20_000
"""Microseconds an answer of the database to ``consistent_through`` is reused for."""

# Advisory lock keys. The one-key (bigint) and two-key (int, int) spaces do not overlap.
APPEND_LOCK = 0x4C52_5342_0000_0001
"""Held by the transaction that appends to the statement log ("LRSB" + 1)."""
MIGRATE_LOCK = 0x4C52_5342_0000_0002
"""Held by the transaction that applies migrations at start-up."""
DOCUMENT_LOCK_CLASS = 0x4C52_5342
"""First key of a document's lock; the second is a hash of the document's key."""
ROLE_LOCK_CLASS = 0x4C52_5343
"""First key of a role's session lock (``lead``); the second is a hash of schema and role."""
DOMAIN_LOCK_CLASS = 0x4C52_5344
"""First key of a ``Tx.lock`` of the domain storages; the second is a hash of the key."""

_NOW_MICROS = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint"


# SQLSTATE classes that say "not now" rather than "this request is wrong": connection
# exceptions, transaction rollbacks (deadlock, serialization), insufficient resources,
# object not in prerequisite state (lock not available), operator intervention
# (shutdown, cancel, timeout), system errors.
_UNAVAILABLE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})
_NOT_TEXT = "22021"  # character_not_in_repertoire: PostgreSQL text cannot hold U+0000


def _translated(error: BaseException) -> BaseException | None:
    """The xAPI error a database error stands for, or None for a bug to let through."""
    if isinstance(error, asyncpg.PostgresError):
        state = str(getattr(error, "sqlstate", "") or "")
        if state == _NOT_TEXT:
            message = "a text value contains the NUL character, which cannot be stored"
            return BadRequest(message, [{"path": "$", "rule": "nul", "message": message}])
        if state[:2] not in _UNAVAILABLE_CLASSES:
            return None
    elif not isinstance(error, (OSError, TimeoutError, asyncpg.InterfaceError)):
        return None
    # The class and SQLSTATE only: a server message may quote values (personal data).
    log.warning(
        "PostgreSQL unavailable: %s %s",
        type(error).__name__,
        getattr(error, "sqlstate", "") or "",
    )
    log.debug("PostgreSQL error: %s", error)
    if isinstance(error, (OSError, asyncpg.InterfaceError)) or str(
        getattr(error, "sqlstate", "")
    ).startswith("08"):
        reason = "the database cannot be reached; try again shortly"
    else:
        reason = "the database is busy; try again shortly"
    return Unavailable(reason, [{"path": "$", "rule": "storage", "message": reason}])


def affected_rows(status: str) -> int:
    """Rows an INSERT/UPDATE/DELETE touched, from asyncpg's command status ("UPDATE 1")."""
    return int(status.rsplit(" ", 1)[-1])


def _text(value: str) -> str:
    """``value`` as PostgreSQL's text can hold it. It cannot hold NUL, which JSON strings
    (an account name, say) may carry: NUL and the escape character itself are escaped, one
    to one, so that distinct values stay distinct and equal values equal."""
    if "\x00" not in value and "\x01" not in value:
        return value
    return value.replace("\x01", "\x01\x02").replace("\x00", "\x01\x03")


def _untext(value: str) -> str:
    """The value ``_text`` escaped."""
    if "\x01" not in value:
        return value
    return value.replace("\x01\x03", "\x00").replace("\x01\x02", "\x01")


class _InternedValues:
    """Index values (agent keys, IRIs, registrations) as integer ids, cached in memory.

    An id is cached once the transaction that saw it inserted has committed; ids read back
    as already stored are cached at once (rows of ``index_values`` are deleted only by an
    erasure, which drops them from the cache: ``forget_index_values``).
    """

    LIMIT = 200_000  # cached values; the cache starts over beyond this

    def __init__(self) -> None:
        self.committed: dict[str, int] = {}

    def remember(self, inserted: dict[str, int]) -> None:
        if len(self.committed) + len(inserted) > self.LIMIT:
            self.committed.clear()
        self.committed.update(inserted)

    async def ids(
        self, conn: Any, values: Iterable[str], inserted: dict[str, int]
    ) -> dict[str, int]:
        found: dict[str, int] = {}
        missing: list[str] = []
        for value in set(values):
            known = self.committed.get(value) or inserted.get(value)
            if known is None:
                missing.append(value)
            else:
                found[value] = known
        if not missing:
            return found
        for value_id, value in await conn.fetch(
            "INSERT INTO index_values (value) SELECT unnest($1::text[])"
            " ON CONFLICT (value) DO NOTHING RETURNING id, value",
            [_text(value) for value in missing],
        ):
            found[_untext(value)] = inserted[_untext(value)] = value_id
        rest = [value for value in missing if value not in found]
        if rest:
            for value_id, value in await conn.fetch(
                "SELECT id, value FROM index_values WHERE value = ANY($1::text[])",
                [_text(value) for value in rest],
            ):
                found[_untext(value)] = self.committed[_untext(value)] = value_id
        return found

    async def insert_index_rows(
        self, conn: Any, rows: list[tuple[int, str, int]], inserted: dict[str, int]
    ) -> None:
        if not rows:
            return
        ids = await self.ids(conn, (value for _, value, _ in rows), inserted)
        await conn.execute(
            "INSERT INTO statement_index (kind, value_id, seq)"
            " SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bigint[])"
            " ON CONFLICT DO NOTHING",
            [kind for kind, _, _ in rows],
            [ids[value] for _, value, _ in rows],
            [seq for _, _, seq in rows],
        )


@dataclass(slots=True)
class _AppendJob:
    appends: list[PreparedStatement]
    future: asyncio.Future[AppendResult]


class PostgresTx:
    """The port's ``Tx`` on a pooled connection in a transaction."""

    dialect: Dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def execute(self, sql: str, *params: Any) -> int:
        with _integrity():
            status: str = await self._conn.execute(numbered(sql), *params)
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0  # "CREATE TABLE", say: no rows

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with _integrity():
            await self._conn.executemany(numbered(sql), rows)

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        with _integrity():
            return list(await self._conn.fetch(numbered(sql), *params))

    async def fetchrow(self, sql: str, *params: Any) -> Row | None:
        with _integrity():
            row: Row | None = await self._conn.fetchrow(numbered(sql), *params)
            return row

    async def fetchval(self, sql: str, *params: Any) -> Any:
        with _integrity():
            return await self._conn.fetchval(numbered(sql), *params)

    async def lock(self, key: str) -> None:
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock($1, $2)", DOMAIN_LOCK_CLASS, lock_hash(key)
        )

    async def lock_appends(self) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)


@contextlib.contextmanager
def _integrity() -> Iterator[None]:
    """asyncpg's integrity errors as the port's."""
    try:
        yield
    except asyncpg.UniqueViolationError as error:
        raise Duplicate(str(getattr(error, "constraint_name", "") or "")) from None
    except asyncpg.IntegrityConstraintViolationError as error:
        raise Violation(str(getattr(error, "constraint_name", "") or "")) from None


class PostgresStore(StatementReads):
    dialect: Dialect = "postgresql"
    by_bytes = ' COLLATE "C"'

    def index_value(self, value: str) -> str:
        return _text(value)

    def __init__(
        self,
        url: str,
        *,
        max_pending_writes: int = 2000,
        max_write_wait: float = 2.0,
        server_settings: dict[str, str] | None = None,
        pool_size: int = POOL_SIZE,
        migrations: Sequence[str] = STATEMENT_MIGRATIONS,
    ) -> None:
        self.url = url
        self.migrations = tuple(migrations)
        self.max_pending_writes = max_pending_writes
        self._backlog = Backlog(max_write_wait)
        self.server_settings = server_settings
        self.pool_size = pool_size
        self._pool: Any = None
        self._pending = 0
        self._appends: collections.deque[_AppendJob] = collections.deque()
        self._committer: asyncio.Task[None] | None = None
        self.group_stats: dict[str, int] = {"groups": 0, "jobs": 0, "merged_jobs": 0}
        self._committed_through = 0
        self._group_stored = 0
        """The newest ``stored`` of this instance's committed groups."""
        self._asked_through = 0
        self._asked_at = 0
        """The database's last answer to ``consistent_through`` and when (µs)."""
        self._values = _InternedValues()
        self._roles: dict[str, Any] = {}
        """Role → the dedicated connection whose session holds the role's advisory lock."""
        self._watchers: list[Callable[[], None]] = []
        self._listener: Any = None
        self._channel = ""
        self._instance = uuid.uuid4().hex
        """Sent with this store's append notifications, so that it ignores its own."""
        self.after_append: list[AppendHook] = []
        """Awaited inside the transaction that stores statements, with a ``Tx`` on it and
        each new (seq, statement): rows other packages keep about new
        statements commit or roll back with them (as ``SQLiteStore.after_append``)."""

    # --- life cycle -----------------------------------------------------------------

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            command_timeout=COMMAND_TIMEOUT,
            server_settings=self.server_settings,
        )
        try:
            async with self._pool.acquire() as conn:
                await self._migrate(conn, self.migrations)
                schema = await conn.fetchval("SELECT current_schema()")
            # One channel per schema: instances sharing a schema share a statement log.
            self._channel = "lrs_bridge_" + hashlib.sha256(schema.encode()).hexdigest()[:16]
            if self._watchers:
                self._listener = await self._connect()
                await self._listener.add_listener(self._channel, self._notified)
        except BaseException:
            await self.close()
            raise

    async def _connect(self) -> Any:
        """A connection of its own, outside the pool (it holds a session-level state)."""
        return await asyncpg.connect(
            self.url, server_settings=self.server_settings, timeout=PING_TIMEOUT
        )

    def watch_appends(self, callback: Callable[[], None]) -> None:
        self._watchers.append(callback)

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload != self._instance:  # this process's own appends nudge it directly
            for callback in self._watchers:
                callback()

    def forget_index_values(self, values: Iterable[str]) -> None:
        for value in values:
            self._values.committed.pop(value, None)

    async def lead(self, role: str) -> bool:
        held = self._roles.get(role)
        if held is not None:
            try:
                await uncancelled(held.fetchval("SELECT 1", timeout=PING_TIMEOUT))
                return True
            except asyncio.CancelledError:
                raise
            except Exception:  # the session and its lock are gone: try to take it again
                log.warning("lost the %s role's database session; taking it again", role)
                del self._roles[role]
                with contextlib.suppress(Exception):
                    held.terminate()
        try:
            conn = await uncancelled(self._take(role), cleanup=_close_session)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("cannot take the %s role: %s", role, type(error).__name__)
            return False
        if conn is None:
            return False
        self._roles[role] = conn
        log.info("this instance now runs the %s role", role)
        return True

    async def _take(self, role: str) -> Any:
        """A session of its own holding ``role``'s lock, or None when another holds it."""
        conn = await self._connect()
        try:
            key = _lock_hash([self._channel, role])
            taken = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", ROLE_LOCK_CLASS, key, timeout=PING_TIMEOUT
            )
        except BaseException:
            conn.terminate()
            raise
        if taken:
            return conn
        await conn.close()
        return None

    @staticmethod
    async def _migrate(conn: Any, packages: Sequence[str]) -> None:
        """Apply pending migrations in one transaction under an advisory lock, so instances
        starting together apply each migration once (the later ones find them applied)."""
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATE_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied = {row[0] for row in await conn.fetch("SELECT number FROM schema_migrations")}
            for migration in migrations_for("postgresql", packages):
                if migration.number in applied:
                    continue
                await conn.execute(migration.sql)  # several statements: the simple protocol
                await conn.execute(
                    "INSERT INTO schema_migrations (number, name, applied_at) VALUES ($1, $2, $3)",
                    migration.number,
                    migration.name,
                    datetime.now().isoformat(),
                )

    async def close(self) -> None:
        committer, self._committer = self._committer, None
        if committer is not None and not committer.done():
            # The appends already accepted are committed (or fail) before the pool goes.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(committer), 10)
        sessions = [*self._roles.values(), *([self._listener] if self._listener else [])]
        self._roles.clear()
        self._listener = None
        for session in sessions:  # closing a session releases its role locks
            try:
                await asyncio.wait_for(session.close(), 5)
            except Exception:
                session.terminate()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except TimeoutError:
                pool.terminate()

    def _require_pool(self) -> Any:
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return self._pool

    # --- reading and writing ----------------------------------------------------------

    async def read(self, sql: str, *params: Any) -> list[Row]:
        """The port's read (``statements.storage.port``): SQL with ``?`` placeholders."""
        return await self._read(numbered(sql), *params)

    async def read_point(self, sql: str, *params: Any) -> Row | None:
        """The port's point look-up: a read like any other (asyncpg needs no thread)."""
        rows = await self._read(numbered(sql), *params)
        return rows[0] if rows else None

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """The port's write: ``fn`` in one transaction on a pooled connection."""
        async with self._transaction() as conn:
            return await fn(PostgresTx(conn))

    async def _read(self, sql: str, *params: Any) -> list[Any]:
        pool = self._require_pool()
        try:
            return list(await pool.fetch(sql, *params))
        except Exception as error:
            translated = _translated(error)
            if translated is None:
                raise
            raise translated from error

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        """A connection in a transaction that commits when the block ends without error.
        Counts as a pending write: beyond ``max_pending_writes`` it fails at once."""
        pool = self._require_pool()
        if self._pending >= self.max_pending_writes:
            raise overloaded()
        self._pending += 1
        try:
            async with contextlib.AsyncExitStack() as stack:
                conn = await stack.enter_async_context(pool.acquire())
                await stack.enter_async_context(conn.transaction())
                yield conn
        except Exception as error:
            translated = _translated(error)
            if translated is None:
                raise
            raise translated from error
        finally:
            self._pending -= 1

    # --- statements -----------------------------------------------------------------

    async def append(self, batch: list[PreparedStatement]) -> AppendResult:
        """Store ``batch`` in the next group: the appends waiting in this instance go to the
        database together, in one transaction under the log's advisory lock, each in a
        savepoint of its own (so each request stays all-or-nothing), and commit once."""
        self._require_pool()
        if self._pending >= self.max_pending_writes or not self._backlog.admit(len(batch)):
            raise overloaded()
        job = _AppendJob(batch, asyncio.get_running_loop().create_future())
        self._pending += 1
        self._appends.append(job)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_groups())
        # A request that gives up before its group starts stores nothing; once the group
        # has started, its statements are stored (as when a client disconnects after
        # sending) and the others' outcome does not depend on it.
        return await job.future

    async def _commit_groups(self) -> None:
        while self._appends:
            jobs: list[_AppendJob] = []
            size = 0
            while self._appends and (
                not jobs or size + len(self._appends[0].appends) <= MAX_GROUP_STATEMENTS
            ):
                job = self._appends.popleft()
                if job.future.done():  # cancelled while waiting: nothing of it is stored
                    self._pending -= 1
                    self._backlog.dropped(len(job.appends))
                    continue
                jobs.append(job)
                size += len(job.appends)
            if not jobs:
                continue
            started = time.perf_counter()
            try:
                outcomes = await self._commit_group(jobs)
            except BaseException as error:  # the transaction failed: every job fails
                failure = _translated(error) or error
                outcomes = [(False, failure)] * len(jobs)
                if isinstance(error, asyncio.CancelledError):
                    self._backlog.cleared(size, started)
                    self._settle(jobs, outcomes)
                    raise
            self._backlog.cleared(size, started)
            self._settle(jobs, outcomes)
            self.group_stats["groups"] += 1
            self.group_stats["jobs"] += len(jobs)

    def _settle(self, jobs: list[_AppendJob], outcomes: list[tuple[bool, Any]]) -> None:
        self._pending -= len(jobs)
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            if job.future.done():
                continue
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)

    async def _commit_group(self, jobs: list[_AppendJob]) -> list[tuple[bool, Any]]:
        inserted: dict[str, int] = {}
        self._group_stored = 0
        outcomes: list[tuple[bool, Any]] = []
        async with self._require_pool().acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
            for run in append_runs(jobs):
                if len(run) > 1:
                    merged = await self._savepoint(conn, run, inserted)
                    if merged[0]:
                        outcomes.extend((True, result) for result in merged[1])
                        self.group_stats["merged_jobs"] += len(run)
                        continue
                    # One job of the run fails (a conflict, say): store them one by one, so
                    # that only that job fails, exactly as if they had not been merged.
                for job in run:
                    ok, value = await self._savepoint(conn, [job], inserted)
                    outcomes.append((ok, value[0] if ok else value))
            if any(ok and result.new for ok, result in outcomes):
                # Delivered at commit, to the other instances' projectors.
                await conn.execute("SELECT pg_notify($1, $2)", self._channel, self._instance)
        self._values.remember(inserted)
        self._committed_through = max(self._committed_through, self._group_stored)
        return outcomes

    async def _savepoint(
        self, conn: Any, run: list[_AppendJob], inserted: dict[str, int]
    ) -> tuple[bool, Any]:
        """Append the run's statements as one batch in a savepoint: (True, each job's
        result) or (False, the error) with everything it did undone, its interned values
        forgotten."""
        mine = dict(inserted)
        batch = [p for job in run for p in job.appends]
        try:
            async with conn.transaction():
                result, fresh, stored = await self._append(conn, batch, mine)
        except Exception as error:
            translated = _translated(error)
            if isinstance(error, asyncpg.PostgresError):
                if translated is None:
                    raise  # a bug, not this request's fault: let the group fail loudly
            elif translated is not None:
                raise  # the connection is gone: the group fails
            return False, translated or error
        inserted.update(mine)
        self._group_stored = max(self._group_stored, stored)
        if len(run) == 1:
            return True, [result]
        return True, [
            AppendResult(
                ids=[str(p.body["id"]) for p in job.appends],
                new=sum(p.id in fresh for p in job.appends),
            )
            for job in run
        ]

    async def _append(
        self, conn: Any, batch: list[PreparedStatement], inserted: dict[str, int]
    ) -> tuple[AppendResult, set[str], int]:
        """Append ``batch`` on ``conn`` (under the log's lock): the result, the ids of the
        statements that were new, and the ``stored`` they got (0 when none was new)."""
        # Answer with each id as the client spelled it; look up by the lower-cased key.
        result = AppendResult(ids=[str(p.body["id"]) for p in batch])
        existing: dict[str, bytes] = {
            sid: body
            for sid, body in await conn.fetch(
                "SELECT id, body FROM statements WHERE id = ANY($1::text[])",
                [p.id for p in batch],
            )
        }
        fresh = not_stored_yet(batch, existing)
        if not fresh:
            return result, set(), 0
        last_seq, last_stored, clock = await conn.fetchrow(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM statements),"
            f" (SELECT COALESCE(MAX(stored), 0) FROM statements), {_NOW_MICROS}"
        )
        stored = max(clock, last_stored)
        stored_text = format_timestamp(stored)
        rows, index_rows, attachment_rows = statement_rows(fresh, last_seq, stored, stored_text)
        await conn.executemany(
            "INSERT INTO statements (seq, id, stored, origin_stored, verb, registration,"
            " voids, ref, credential, source, attachments, body)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            rows,
        )
        targets = voided_targets(fresh)
        if targets:
            refuse_foreign_voiding(
                fresh,
                {
                    sid: (credential, source)
                    for sid, credential, source in await conn.fetch(
                        "SELECT id, credential, source FROM statements WHERE id = ANY($1::text[])",
                        targets,
                    )
                },
            )
        await self._values.insert_index_rows(conn, index_rows, inserted)
        if attachment_rows:
            await conn.executemany(
                "INSERT INTO attachments (sha2, content_type, data) VALUES ($1, $2, $3)"
                " ON CONFLICT (sha2) DO NOTHING",
                attachment_rows,
            )
        referenced = {
            row[0]
            for row in await conn.fetch(
                "SELECT DISTINCT ref FROM statements WHERE ref = ANY($1::text[])",
                [p.id for p in fresh],
            )
        }
        for offset, prepared in enumerate(fresh, start=1):
            if prepared.voids or prepared.ref or prepared.id in referenced:
                await self._link(conn, prepared, last_seq + offset, inserted)
        await self._learn_definitions(conn, fresh)
        if self.after_append:
            new = [(last_seq + offset, p) for offset, p in enumerate(fresh, start=1)]
            for hook in self.after_append:
                await hook(PostgresTx(conn), new)
        result.new = len(fresh)
        return result, {p.id for p in fresh}, stored

    async def _inherit(
        self, conn: Any, *, source_seq: int, target_seq: int, inserted: dict[str, int]
    ) -> None:
        """A statement that targets another matches the target's filters too (Communication
        2.1.3), recursively: give it the index rows of the target's chain of references."""
        keys: set[tuple[int, str]] = set()
        current: int | None = source_seq
        seen: set[int] = set()
        while current is not None and current not in seen:
            seen.add(current)
            row = await conn.fetchrow("SELECT body, ref FROM statements WHERE seq = $1", current)
            if row is None:
                break
            keys |= index_keys(orjson.loads(row[0]))
            current = (
                await conn.fetchval("SELECT seq FROM statements WHERE id = $1", row[1])
                if row[1]
                else None
            )
        await self._values.insert_index_rows(
            conn, [(kind, value, target_seq) for kind, value in keys], inserted
        )

    async def _link(
        self, conn: Any, prepared: PreparedStatement, seq: int, inserted: dict[str, int]
    ) -> None:
        """Voiding and StatementRef bookkeeping for one newly inserted statement."""
        if prepared.voids is not None:
            await conn.execute(
                "UPDATE statements SET voided = TRUE WHERE id = $1 AND voids IS NULL",
                prepared.voids,
            )
        elif await conn.fetchval(  # voided before it came, by its own writer
            "SELECT 1 FROM statements WHERE ref = $1 AND voids IS NOT NULL"
            " AND credential IS NOT DISTINCT FROM $2 AND source IS NOT DISTINCT FROM $3 LIMIT 1",
            prepared.id,
            *owner_of(prepared),
        ):
            await conn.execute("UPDATE statements SET voided = TRUE WHERE seq = $1", seq)
        if prepared.ref is not None:
            target = await conn.fetchval("SELECT seq FROM statements WHERE id = $1", prepared.ref)
            if target is not None:
                await self._inherit(conn, source_seq=target, target_seq=seq, inserted=inserted)
        # Statements stored earlier that reference this one now match its filters too.
        pending = [(seq, prepared.id)]
        seen = {seq}
        while pending:
            source_seq, source_id = pending.pop()
            for referrer_seq, referrer_id in await conn.fetch(
                "SELECT seq, id FROM statements WHERE ref = $1", source_id
            ):
                if referrer_seq in seen:
                    continue
                seen.add(referrer_seq)
                await self._inherit(
                    conn, source_seq=source_seq, target_seq=referrer_seq, inserted=inserted
                )
                pending.append((referrer_seq, referrer_id))

    async def _learn_definitions(self, conn: Any, fresh: list[PreparedStatement]) -> None:
        """Update the canonical Activities and Agents (names) from statements of credentials
        with the define scope, in the transaction that stores them (Communication 4.2)."""
        defining = [prepared for prepared in fresh if prepared.define]
        if not defining:
            return
        incoming: dict[str, dict[str, Any]] = {}
        for prepared in defining:
            for activity in activities_with_definitions(prepared.body):
                incoming[activity["id"]] = merge_definition(
                    incoming.get(activity["id"], {}), activity["definition"]
                )
        if incoming:
            existing = {
                activity_id: orjson.loads(definition)
                for activity_id, definition in await conn.fetch(
                    "SELECT id, definition FROM activities WHERE id = ANY($1::text[])",
                    list(incoming),
                )
            }
            now = now_micros()
            rows = []
            for activity_id, definition in incoming.items():
                merged = merge_definition(existing.get(activity_id, {}), definition)
                if merged != existing.get(activity_id):
                    rows.append((activity_id, orjson.dumps(merged), now))
            if rows:
                await conn.executemany(
                    "INSERT INTO activities (id, definition, updated) VALUES ($1, $2, $3)"
                    " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,"
                    " updated = excluded.updated",
                    rows,
                )
        names = sorted({pair for prepared in defining for pair in named_agents(prepared.body)})
        if names:
            await conn.execute(
                "INSERT INTO agent_names (agent, name)"
                " SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                [_text(agent) for agent, _ in names],
                [_text(name) for _, name in names],
            )

    def entry(self) -> AbstractContextManager[None]:
        return self._backlog.entry()

    async def consistent_through(self) -> int:
        """A time before which every statement is stored and visible. Any value that once
        was such a time stays one, so the newest known is answered: the ``stored`` of this
        instance's last group commit (the log's lock makes every later append, of any
        instance, store a later time), or the database's answer of at most
        ``CONSISTENT_THROUGH_AGE`` ago; only older than both asks the database again,
        so a burst of requests costs one query, not one each."""
        known = max(self._committed_through, self._asked_through)
        if now_micros() - self._asked_at <= CONSISTENT_THROUGH_AGE:
            return known
        asked = await self._ask_consistent_through()
        self._asked_through = max(self._asked_through, asked)
        self._asked_at = now_micros()
        return max(known, asked)

    async def _ask_consistent_through(self) -> int:
        """The database's clock while no append (of any instance) holds the log's lock: an
        append that starts later stores a later time. While one does, the newest stored
        time committed: the append in flight stores one no earlier."""
        rows = await self._read(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            " AND granted AND database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())"
            " AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1)"
            " THEN (SELECT COALESCE(MAX(stored), 0) FROM statements)"
            f" ELSE {_NOW_MICROS} END",
            APPEND_LOCK >> 32,
            APPEND_LOCK & 0xFFFF_FFFF,
        )
        return int(rows[0][0])

    async def ping(self) -> None:
        pool = self._require_pool()
        try:
            async with pool.acquire(timeout=PING_TIMEOUT) as conn:
                await conn.fetchval("SELECT 1 FROM schema_migrations LIMIT 1", timeout=PING_TIMEOUT)
        except Exception as error:
            translated = _translated(error)
            if translated is None:
                raise
            raise translated from error

    async def explain(self, query: StatementQuery) -> list[str]:
        """PostgreSQL's plan for a query: lets a test prove no query scans the whole log."""
        sql, params = self.query_sql(query, 0, 1 << 62)
        return [str(row[0]) for row in await self.read("EXPLAIN " + sql, *params)]

    # --- documents and activities -----------------------------------------------------

    async def get_document(self, scope: DocumentScope, doc_id: str) -> Document | None:
        sql, params = _one_document(scope, doc_id)
        rows = [_document_row(found) for found in await self._read(sql, *params)]
        row = the_document(rows, scope)
        return Document(*row[:4]) if row else None

    async def list_document_ids(
        self, scope: DocumentScope, since: int | None
    ) -> list[tuple[str, int]]:
        where, params = _scope_filter(scope)
        if since is not None:
            params.append(since)
            where += f" AND updated > ${len(params)}"
        rows = await self._read(
            f"SELECT doc_id, MAX(updated) FROM documents WHERE {where} GROUP BY doc_id", *params
        )
        # Sorted as SQLite sorts text (code points), whatever the database's collation.
        return sorted((_untext(doc_id), int(updated)) for doc_id, updated in rows)

    async def write_document(
        self, scope: DocumentScope, doc_id: str, decide: Decide
    ) -> Document | None:
        # One lock for the document id whichever client's it is: a write across clients
        # chooses among them.
        lock = _lock_hash((*_document_key(scope), _text(doc_id)))
        sql, params = _one_document(scope, doc_id)
        async with self._transaction() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", DOCUMENT_LOCK_CLASS, lock)
            rows = [
                _document_row(found) for found in await conn.fetch(sql + " FOR UPDATE", *params)
            ]
            row = the_document(rows, scope)
            current = Document(*row[:4]) if row else None
            # A document keeps the client it belongs to, whoever changes it.
            key = (*_document_key(scope), _text(doc_id), row[4] if row else scope.client)
            chosen = decide(current)
            if chosen is None:
                await conn.execute(
                    "DELETE FROM documents WHERE kind = $1 AND activity_id = $2 AND agent = $3"
                    " AND registration = $4 AND doc_id = $5 AND credential = $6",
                    *key,
                )
                return None
            updated = max(now_micros(), (current.updated + 1) if current else 0)
            await conn.execute(
                "INSERT INTO documents (kind, activity_id, agent, registration, doc_id,"
                " credential, content_type, content, etag, updated)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (kind, activity_id, agent, registration, doc_id, credential)"
                " DO UPDATE SET content_type = excluded.content_type,"
                " content = excluded.content, etag = excluded.etag, updated = excluded.updated",
                *key,
                chosen.content_type,
                chosen.content,
                chosen.etag,
                updated,
            )
            return Document(chosen.content_type, chosen.content, chosen.etag, updated)

    async def delete_documents(self, scope: DocumentScope) -> int:
        where, params = _scope_filter(scope)
        async with self._transaction() as conn:
            return affected_rows(
                await conn.execute(f"DELETE FROM documents WHERE {where}", *params)
            )

    async def activity_definitions(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = await self._read(
            "SELECT id, definition FROM activities WHERE id = ANY($1::text[])", ids
        )
        return {activity_id: orjson.loads(definition) for activity_id, definition in rows}

    async def agent_names(self, key: str) -> list[str]:
        rows = await self._read(
            'SELECT name FROM agent_names WHERE agent = $1 ORDER BY name COLLATE "C"', _text(key)
        )
        return [_untext(row[0]) for row in rows]

    # --- credentials ----------------------------------------------------------------

    async def create_credential(self, credential: Credential) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                "INSERT INTO credentials (key, secret_hash, label, scopes, created_at)"
                " VALUES ($1, $2, $3, $4, $5)",
                credential.key,
                credential.secret_hash,
                credential.label,
                orjson.dumps(list(credential.scopes)).decode(),
                credential.created_at.isoformat(),
            )

    async def get_credential(self, key: str) -> Credential | None:
        # Read on every request, so a revocation by another instance counts at once.
        rows = await self._read(f"SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE key = $1", key)
        return credential_of(rows[0]) if rows else None

    async def revoke_credential(self, key: str, when: datetime) -> bool:
        async with self._transaction() as conn:
            status = await conn.execute(
                "UPDATE credentials SET revoked_at = $1 WHERE key = $2 AND revoked_at IS NULL",
                when.isoformat(),
                key,
            )
        return affected_rows(status) == 1

    async def replace_credential_hash(self, key: str, old: str, new: str) -> bool:
        async with self._transaction() as conn:
            status = await conn.execute(
                "UPDATE credentials SET secret_hash = $1 WHERE key = $2 AND secret_hash = $3",
                new,
                key,
                old,
            )
        return affected_rows(status) == 1


async def uncancelled(
    work: Awaitable[T], cleanup: Callable[[T], Awaitable[None]] | None = None
) -> T:
    """Await ``work``; if the caller is cancelled meanwhile (the service stopping), let the
    work finish first, and ``cleanup`` its result, before the cancellation goes on: asyncpg
    cut off mid-connect or mid-query leaves a half-open connection and an error no one
    retrieves."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            result = await task
            if cleanup is not None:
                await cleanup(result)
        raise


async def _close_session(conn: Any) -> None:
    if conn is not None:
        await conn.close()


def _document_key(scope: DocumentScope) -> tuple[str, str, str, str]:
    """The scope's key columns, as PostgreSQL's text can hold them (``_text``)."""
    return (
        str(scope.kind),
        _text(scope.activity_id),
        _text(scope.agent),
        _text(scope.registration),
    )


def _lock_hash(key: Iterable[str]) -> int:
    """A signed 32-bit hash of a document's key: the second key of its advisory lock (a
    collision only makes two documents' writers wait for each other)."""
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _scope_filter(scope: DocumentScope) -> tuple[str, list[Any]]:
    """WHERE clause of a multiple-document GET or DELETE. State without a registration
    covers every registration (Communication 2.3: "Activity + Agent [+ registration if
    specified]"), as the ADL reference LRS does. Only the client's own documents, unless
    the scope covers every client's."""
    if scope.kind == DocumentKind.STATE and not scope.registration:
        where = "kind = $1 AND activity_id = $2 AND agent = $3"
        params: list[Any] = [str(scope.kind), _text(scope.activity_id), _text(scope.agent)]
    else:
        where = "kind = $1 AND activity_id = $2 AND agent = $3 AND registration = $4"
        params = list(_document_key(scope))
    if not scope.all_clients:
        params.append(scope.client)
        where += f" AND credential = ${len(params)}"
    return where, params


def _one_document(scope: DocumentScope, doc_id: str) -> tuple[str, list[Any]]:
    """SELECT of the stored documents a single-document request chooses among
    (``the_document``): the client's own, or every client's under this id."""
    sql = (
        "SELECT content_type, content, etag, updated, credential FROM documents"
        " WHERE kind = $1 AND activity_id = $2 AND agent = $3 AND registration = $4"
        " AND doc_id = $5"
    )
    params: list[Any] = [*_document_key(scope), _text(doc_id)]
    if not scope.all_clients:
        sql += " AND credential = $6"
        params.append(scope.client)
    return sql, params


def _document_row(found: Any) -> DocumentRow:
    content_type, content, etag, updated, credential = found
    return (content_type, bytes(content), etag, updated, credential)


__all__ = ["APPEND_LOCK", "PostgresStore"]
