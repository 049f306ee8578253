"""The embedded SQLite engine: the statement store's write path, documents and life cycle
(the shared reads are in ``reads``; other packages' SQL is theirs, over ``port``).

Writes go through one writer thread that owns the only write connection. Callers queue
jobs; the writer takes every job waiting, runs them in one transaction (each in a
savepoint, so one failing job does not fail the others) and commits once: group commit.
With ``synchronous=FULL`` in WAL mode the commit is on disk before any caller hears back,
so an acknowledged statement survives a crash. The writer runs a whole transaction as one
call on its thread, which costs one thread hop per group instead of one per SQL call.

Readers use aiosqlite connections from a small pool; WAL lets them read while the writer
writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import orjson

from statements.errors import Unavailable, overloaded
from statements.prepare import PreparedStatement, index_keys
from statements.query import StatementQuery, format_timestamp
from statements.storage.base import (
    AppendHook,
    AppendResult,
    Credential,
)
from statements.storage.common import (
    Backlog,
    Owner,
    append_runs,
    credential_of,
    not_stored_yet,
    owner_of,
    refuse_foreign_voiding,
    statement_rows,
    voided_targets,
)
from statements.storage.migrate import STATEMENT_MIGRATIONS, migrations_for
from statements.storage.port import (
    DatabaseError,
    Dialect,
    Duplicate,
    Row,
    Tx,
    Violation,
    run_now,
)
from statements.storage.reads import StatementReads
from statements.storage.sqlite_documents import SQLiteDocumentsMixin
from statements.time import now_micros

T = TypeVar("T")

READERS = 4
MAX_GROUP = 512

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
)


def path_from_url(url: str) -> str:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` or ``sqlite://:memory:``."""
    if not url.startswith("sqlite://"):
        raise ValueError(f"not a SQLite URL: {url!r}")
    rest = url[len("sqlite://") :]
    if rest.startswith("/"):
        rest = rest[1:]
    if not rest:
        raise ValueError("the SQLite URL names no file: use sqlite:///data/lrs.sqlite3")
    return rest


class _InternedValues:
    """Index values (agent keys, IRIs, registrations) as integer ids, cached in memory.

    The writer thread alone uses it. An id inserted in the current transaction is cached
    only once that transaction commits; a job rolled back to its savepoint forgets its own.
    """

    LIMIT = 200_000  # cached values; the cache starts over beyond this

    def __init__(self) -> None:
        self.committed: dict[str, int] = {}
        self.group: dict[str, int] = {}
        self.job_new: list[str] = []

    def start_job(self) -> None:
        self.job_new = []

    def job_rolled_back(self) -> None:
        for value in self.job_new:
            self.group.pop(value, None)
        self.job_new = []

    def group_rolled_back(self) -> None:
        self.group.clear()
        self.job_new = []

    def group_committed(self) -> None:
        if len(self.committed) + len(self.group) > self.LIMIT:
            self.committed.clear()
        self.committed.update(self.group)
        self.group.clear()
        self.job_new = []

    def ids(self, conn: sqlite3.Connection, values: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        missing: list[str] = []
        for value in set(values):
            known = self.committed.get(value) or self.group.get(value)
            if known is None:
                missing.append(value)
            else:
                found[value] = known
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for value_id, value in conn.execute(
                f"SELECT id, value FROM index_values WHERE value IN ({marks})", chunk
            ):
                found[value] = value_id
                self.committed[value] = value_id  # stored before this transaction began
        new = [value for value in missing if value not in found]
        for start in range(0, len(new), 500):
            # One INSERT for all new values (each its own call cost one trip in and out of
            # SQLite, and one wait for the interpreter lock, per value).
            chunk = new[start : start + 500]
            marks = ",".join(["(?)"] * len(chunk))
            for value_id, value in conn.execute(
                f"INSERT INTO index_values (value) VALUES {marks} RETURNING id, value", chunk
            ).fetchall():
                found[value] = value_id
                self.group[value] = value_id
                self.job_new.append(value)
        return found

    def insert_index_rows(self, conn: sqlite3.Connection, rows: list[tuple[int, str, int]]) -> None:
        ids = self.ids(conn, (value for _, value, _ in rows))
        conn.executemany(
            "INSERT OR IGNORE INTO statement_index (kind, value_id, seq) VALUES (?, ?, ?)",
            [(kind, ids[value], seq) for kind, value, seq in rows],
        )


@dataclass(slots=True)
class _Job:
    apply: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    appends: list[PreparedStatement] | None = None
    """The statements of a job that only appends them: the writer may store consecutive
    such jobs together, as one batch."""

    @property
    def size(self) -> int:
        """What the job weighs in the backlog: its statements, or 1."""
        return len(self.appends) if self.appends is not None else 1


@dataclass(slots=True)
class _WriterState:
    last_stored: int = 0
    busy_since: int | None = None
    committed_stored: int = 0
    pending: int = 0
    stats: dict[str, int] = field(
        default_factory=lambda: {"groups": 0, "jobs": 0, "merged_jobs": 0}
    )


class SQLiteTx:
    """The port's ``Tx`` on the writer's connection: ``async`` methods that never suspend."""

    dialect: Dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _run(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.IntegrityError as error:
            raise _integrity(error) from None

    async def execute(self, sql: str, *params: Any) -> int:
        return self._run(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as error:
            raise _integrity(error) from None

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        return self._run(sql, params).fetchall()

    async def fetchrow(self, sql: str, *params: Any) -> Row | None:
        row: Row | None = self._run(sql, params).fetchone()
        return row

    async def fetchval(self, sql: str, *params: Any) -> Any:
        row = self._run(sql, params).fetchone()
        return None if row is None else row[0]

    async def lock(self, key: str) -> None:
        """Nothing to do: the one writer runs one transaction at a time."""

    async def lock_appends(self) -> None:
        """Nothing to do: appends go through the same one writer."""


def _integrity(error: sqlite3.IntegrityError) -> DatabaseError:
    message = str(error)
    if message.startswith("UNIQUE constraint failed: "):
        return Duplicate(message.removeprefix("UNIQUE constraint failed: "))
    return Violation(message)


class SQLiteStore(SQLiteDocumentsMixin, StatementReads):
    dialect: Dialect = "sqlite"
    not_voided = "s.voided = 0"

    def __init__(
        self,
        url: str,
        *,
        max_pending_writes: int = 2000,
        max_write_wait: float = 2.0,
        migrations: Sequence[str] = STATEMENT_MIGRATIONS,
    ) -> None:
        self.url = url
        self.migrations = tuple(migrations)
        self.max_pending_writes = max_pending_writes
        self._backlog = Backlog(max_write_wait)
        self.path = path_from_url(url)
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._queue: asyncio.Queue[_Job] | None = None
        self._writer_task: asyncio.Task[None] | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._all_readers: list[aiosqlite.Connection] = []
        self._point_reader: sqlite3.Connection | None = None
        self._values = _InternedValues()
        self._state = _WriterState()
        self.group_stats = self._state.stats
        self.after_append: list[AppendHook] = []
        """Called by the writer, inside the transaction that stores statements, with each new
        (seq, statement): rows other packages keep about new statements (the bridge's
        outbox) commit or roll back with them."""

    # --- life cycle -----------------------------------------------------------------

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._open_writer)
        self._queue = asyncio.Queue()
        self._writer_task = asyncio.create_task(self._writer_loop(), name="sqlite-writer")
        self._readers = asyncio.Queue()
        for _ in range(READERS):
            reader = await aiosqlite.connect(self.path)
            await reader.execute("PRAGMA busy_timeout=5000")
            await reader.execute("PRAGMA query_only=ON")
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)
        self._point_reader = sqlite3.connect(
            f"file:{self.path}?mode=ro" if self.path != ":memory:" else self.path,
            uri=self.path != ":memory:",
            isolation_level=None,
        )
        self._point_reader.execute("PRAGMA busy_timeout=100")

    def _open_writer(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        self._conn = conn
        self._migrate(conn, self.migrations)
        row = conn.execute("SELECT MAX(stored) FROM statements").fetchone()
        self._state.last_stored = row[0] or 0
        self._state.committed_stored = self._state.last_stored

    @staticmethod
    def _migrate(conn: sqlite3.Connection, packages: Sequence[str]) -> None:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {row[0] for row in conn.execute("SELECT number FROM schema_migrations")}
        for migration in migrations_for("sqlite", packages):
            if migration.number in applied:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                for sql in _split_sql(migration.sql):
                    conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
                    (migration.number, migration.name, datetime.now().isoformat()),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        if self._writer_task is not None:
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task
            self._writer_task = None
        for reader in self._all_readers:
            await reader.close()
        self._all_readers.clear()
        if self._point_reader is not None:
            self._point_reader.close()
            self._point_reader = None
        if self._executor is not None:
            conn = self._conn
            if conn is not None:
                await asyncio.get_running_loop().run_in_executor(self._executor, conn.close)
            self._executor.shutdown(wait=True)
            self._executor = None
            self._conn = None

    def forget_index_values(self, values: Iterable[str]) -> None:
        for value in values:
            self._values.committed.pop(value, None)
            self._values.group.pop(value, None)

    # --- the writer -----------------------------------------------------------------

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """The port's write (``statements.storage.port``): ``fn`` over a ``Tx`` that never
        suspends, driven to its end on the writer thread in the next group's savepoint."""
        return await self.write_sync(lambda conn: run_now(fn(SQLiteTx(conn))))  # type: ignore[arg-type]

    async def write_sync(
        self,
        apply: Callable[[sqlite3.Connection], T],
        *,
        appends: list[PreparedStatement] | None = None,
    ) -> T:
        """Run ``apply`` in the writer's next transaction; return once it is committed.

        ``appends``: ``apply`` only appends these statements (see ``_Job.appends``)."""
        if self._queue is None:
            raise RuntimeError("the store is not open")
        size = len(appends) if appends is not None else 1
        if self._state.pending >= self.max_pending_writes or not self._backlog.admit(size):
            raise overloaded()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._state.pending += 1
        self._queue.put_nowait(_Job(apply, future, appends))
        return await future

    async def _writer_loop(self) -> None:
        assert self._queue is not None and self._executor is not None
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < MAX_GROUP and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            given_up = [job for job in jobs if job.future.done()]  # cancelled: not stored
            if given_up:
                self._state.pending -= len(given_up)
                self._backlog.dropped(sum(job.size for job in given_up))
                jobs = [job for job in jobs if not job.future.done()]
                if not jobs:
                    continue
            started = time.perf_counter()
            try:
                outcomes = await loop.run_in_executor(self._executor, self._run_group, jobs)
            except BaseException as error:  # the commit itself failed: every job fails
                failure = _unavailable(error)
                outcomes = [(False, failure)] * len(jobs)
                if isinstance(error, asyncio.CancelledError):
                    for job in jobs:
                        if not job.future.done():
                            job.future.set_exception(failure)
                    raise
            self._state.pending -= len(jobs)
            self._backlog.cleared(sum(job.size for job in jobs), started)
            for job, (ok, value) in zip(jobs, outcomes, strict=True):
                if job.future.done():
                    continue
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)

    def _run_group(self, jobs: list[_Job]) -> list[tuple[bool, Any]]:
        conn = self._conn
        assert conn is not None
        self._state.busy_since = now_micros()
        last_stored = self._state.last_stored
        outcomes: list[tuple[bool, Any]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for run in append_runs(jobs):
                if len(run) > 1:
                    merged = self._savepoint(conn, partial(self._append_runs, run=run))
                    if merged[0]:
                        outcomes.extend((True, result) for result in merged[1])
                        self._state.stats["merged_jobs"] += len(run)
                        continue
                    # One job of the run fails (a conflict, say): store them one by one, so
                    # that only that job fails, exactly as if they had not been merged.
                outcomes.extend(self._savepoint(conn, job.apply) for job in run)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._values.group_rolled_back()
            self._state.last_stored = last_stored
            self._state.busy_since = None
            raise
        self._values.group_committed()
        self._state.committed_stored = self._state.last_stored
        self._state.busy_since = None
        self._state.stats["groups"] += 1
        self._state.stats["jobs"] += len(jobs)
        return outcomes

    def _savepoint(
        self, conn: sqlite3.Connection, apply: Callable[[sqlite3.Connection], Any]
    ) -> tuple[bool, Any]:
        """Run ``apply`` in a savepoint of the open transaction: (True, its value), or
        (False, the error) with everything it did undone."""
        conn.execute("SAVEPOINT job")
        self._values.start_job()
        try:
            value = apply(conn)
            conn.execute("RELEASE job")
            return True, value
        except Exception as error:
            if not conn.in_transaction:
                # SQLITE_FULL and I/O errors may roll back the whole transaction,
                # savepoints and all: the group fails with the original error.
                raise
            conn.execute("ROLLBACK TO job")
            conn.execute("RELEASE job")
            self._values.job_rolled_back()
            if isinstance(error, sqlite3.Error):
                error = _unavailable(error)
            return False, error

    def _append_runs(self, conn: sqlite3.Connection, run: list[_Job]) -> list[AppendResult]:
        """Append the statements of several append-only jobs as one batch (one look-up of
        existing ids, one insert per table): each job's own result."""
        batches = [job.appends or [] for job in run]
        fresh = {p.id for p in self._insert(conn, [p for batch in batches for p in batch])}
        return [
            AppendResult(
                ids=[str(p.body["id"]) for p in batch], new=sum(p.id in fresh for p in batch)
            )
            for batch in batches
        ]

    def _next_stored(self) -> int:
        """The writer's clock: wall time, but never behind the last stored value."""
        stored = max(now_micros(), self._state.last_stored)
        self._state.last_stored = stored
        return stored

    # --- reading ----------------------------------------------------------------------

    async def read(self, sql: str, *params: Any) -> list[Row]:
        """The port's read (``statements.storage.port``)."""
        return await self._read(sql, params)

    async def read_point(self, sql: str, *params: Any) -> Row | None:
        """The port's point look-up: on the event loop's read-only connection."""
        conn = self._point_reader
        if conn is None:
            raise RuntimeError("the store is not open")
        try:
            row: Row | None = conn.execute(sql, params).fetchone()
        except sqlite3.OperationalError as error:
            raise _unavailable(error) from error
        return row

    async def _read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        assert self._readers is not None
        reader = await self._readers.get()
        try:
            # One trip to the reader's thread (execute, fetch and close together), not three:
            # each trip waits for the GIL, which a busy event loop holds for up to 5 ms.
            return list(await reader.execute_fetchall(sql, tuple(params)))
        except sqlite3.OperationalError as error:
            raise _unavailable(error) from error
        finally:
            self._readers.put_nowait(reader)

    # --- statements -----------------------------------------------------------------

    async def append(self, batch: list[PreparedStatement]) -> AppendResult:
        return await self.write_sync(lambda conn: self._append(conn, batch), appends=batch)

    def _append(self, conn: sqlite3.Connection, batch: list[PreparedStatement]) -> AppendResult:
        # Answer with each id as the client spelled it; look up by the lower-cased key.
        return AppendResult(
            ids=[str(p.body["id"]) for p in batch], new=len(self._insert(conn, batch))
        )

    def _insert(
        self, conn: sqlite3.Connection, batch: list[PreparedStatement]
    ) -> list[PreparedStatement]:
        """Store the statements of ``batch`` not stored yet; which those were."""
        existing: dict[str, bytes] = {}
        ids = [p.id for p in batch]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, body in conn.execute(
                f"SELECT id, body FROM statements WHERE id IN ({marks})", chunk
            ):
                existing[sid] = body
        fresh = not_stored_yet(batch, existing)
        if not fresh:
            return fresh
        stored = self._next_stored()
        stored_text = format_timestamp(stored)
        (last_seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM statements").fetchone()
        rows, index_rows, attachment_rows = statement_rows(fresh, last_seq, stored, stored_text)
        conn.executemany(
            "INSERT INTO statements (seq, id, stored, origin_stored, verb, registration,"
            " voids, ref, credential, source, attachments, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        targets = voided_targets(fresh)
        if targets:
            refuse_foreign_voiding(fresh, _owners(conn, targets))
        self._values.insert_index_rows(conn, index_rows)
        if attachment_rows:
            conn.executemany(
                "INSERT OR IGNORE INTO attachments (sha2, content_type, data) VALUES (?, ?, ?)",
                attachment_rows,
            )
        referenced = _referenced(conn, [p.id for p in fresh])
        for offset, prepared in enumerate(fresh, start=1):
            if prepared.voids or prepared.ref or prepared.id in referenced:
                self._link(conn, prepared, last_seq + offset)
        self._learn_definitions(conn, fresh)
        if self.after_append:
            inserted = [(last_seq + offset, p) for offset, p in enumerate(fresh, start=1)]
            for hook in self.after_append:
                run_now(hook(SQLiteTx(conn), inserted))
        return fresh

    def _inherit(self, conn: sqlite3.Connection, *, source_seq: int, target_seq: int) -> None:
        """A statement that targets another matches the target's filters too (Communication
        2.1.3), recursively: give it the index rows of the target's chain of references."""
        keys: set[tuple[int, str]] = set()
        current: int | None = source_seq
        seen: set[int] = set()
        while current is not None and current not in seen:
            seen.add(current)
            row = conn.execute(
                "SELECT body, ref FROM statements WHERE seq = ?", (current,)
            ).fetchone()
            if row is None:
                break
            keys |= index_keys(orjson.loads(row[0]))
            target = (
                conn.execute("SELECT seq FROM statements WHERE id = ?", (row[1],)).fetchone()
                if row[1]
                else None
            )
            current = target[0] if target else None
        self._values.insert_index_rows(conn, [(kind, value, target_seq) for kind, value in keys])

    def _link(self, conn: sqlite3.Connection, prepared: PreparedStatement, seq: int) -> None:
        """Voiding and StatementRef bookkeeping for one newly inserted statement."""
        if prepared.voids is not None:
            conn.execute(
                "UPDATE statements SET voided = 1 WHERE id = ? AND voids IS NULL",
                (prepared.voids,),
            )
        elif conn.execute(  # voided before it came, by its own writer (refuse_foreign_voiding)
            "SELECT 1 FROM statements WHERE ref = ? AND voids IS NOT NULL"
            " AND credential IS ? AND source IS ? LIMIT 1",
            (prepared.id, *owner_of(prepared)),
        ).fetchone():
            conn.execute("UPDATE statements SET voided = 1 WHERE seq = ?", (seq,))
        if prepared.ref is not None:
            target = conn.execute(
                "SELECT seq FROM statements WHERE id = ?", (prepared.ref,)
            ).fetchone()
            if target is not None:
                self._inherit(conn, source_seq=target[0], target_seq=seq)
        # Statements stored earlier that reference this one now match its filters too.
        pending = [(seq, prepared.id)]
        seen = {seq}
        while pending:
            source_seq, source_id = pending.pop()
            for referrer_seq, referrer_id in conn.execute(
                "SELECT seq, id FROM statements WHERE ref = ?", (source_id,)
            ).fetchall():
                if referrer_seq in seen:
                    continue
                seen.add(referrer_seq)
                self._inherit(conn, source_seq=source_seq, target_seq=referrer_seq)
                pending.append((referrer_seq, referrer_id))

    def entry(self) -> AbstractContextManager[None]:
        return self._backlog.entry()

    async def consistent_through(self) -> int:
        if self._state.pending == 0:
            return now_micros()
        return self._state.committed_stored or now_micros()

    async def ping(self) -> None:
        await self._read("SELECT 1 FROM schema_migrations LIMIT 1")

    async def explain(self, query: StatementQuery) -> list[str]:
        """SQLite's plan for a query: lets a test prove no query scans the whole log."""
        sql, params = self.query_sql(query, 0, 1 << 62)
        rows = await self._read("EXPLAIN QUERY PLAN " + sql, params)
        return [str(row[3]) for row in rows]

    # --- credentials ----------------------------------------------------------------

    async def create_credential(self, credential: Credential) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO credentials (key, secret_hash, label, scopes, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    credential.key,
                    credential.secret_hash,
                    credential.label,
                    orjson.dumps(list(credential.scopes)).decode(),
                    credential.created_at.isoformat(),
                ),
            )

        await self.write_sync(apply)

    async def get_credential(self, key: str) -> Credential | None:
        # Read on every request (so a revocation by another process counts at once), and
        # so a primary-key look-up on the event loop's own read-only connection: a few
        # microseconds, where a hop to a reader thread and back costs far more. WAL
        # readers never wait for the writer.
        row = await self.read_point(
            "SELECT key, secret_hash, label, scopes, created_at, revoked_at"
            " FROM credentials WHERE key = ?",
            key,
        )
        return credential_of(row) if row else None

    async def revoke_credential(self, key: str, when: datetime) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE credentials SET revoked_at = ? WHERE key = ? AND revoked_at IS NULL",
                (when.isoformat(), key),
            )
            return cursor.rowcount == 1

        return await self.write_sync(apply)

    async def replace_credential_hash(self, key: str, old: str, new: str) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE credentials SET secret_hash = ? WHERE key = ? AND secret_hash = ?",
                (new, key, old),
            )
            return cursor.rowcount == 1

        return await self.write_sync(apply)


def _owners(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Owner]:
    """Who stored each of these statements (those stored)."""
    found: dict[str, Owner] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for sid, credential, source in conn.execute(
            f"SELECT id, credential, source FROM statements WHERE id IN ({marks})", chunk
        ):
            found[sid] = (credential, source)
    return found


def _referenced(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of these statement ids some stored statement targets with a StatementRef (one
    query for the batch, so the common case costs no per-statement look-ups)."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT DISTINCT ref FROM statements WHERE ref IN ({marks})", chunk
            )
        )
    return found


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file (no semicolons inside literals in our migrations)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _unavailable(error: BaseException) -> Unavailable:
    text = str(error)
    if "locked" in text or "busy" in text:
        reason = "the database is busy; try again shortly"
    elif "full" in text or isinstance(error, OSError):
        reason = "the database cannot be written (disk full?); nothing was stored"
    else:
        reason = "the database cannot take this write now; nothing was stored"
    return Unavailable(reason, [{"path": "$", "rule": "storage", "message": reason}])


__all__ = ["SQLiteStore", "now_micros"]
