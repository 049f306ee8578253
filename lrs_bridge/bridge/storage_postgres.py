"""PostgreSQL SQL of the bridge: sources, checkpoints, targets and the outbox (all of it here).

The same rows as ``storage_sqlite``. Writes are transactions of the store's
(``store._transaction``), reads go through its pool. The outbox rows of newly stored
statements are written by ``_outbox_rows``, which the store awaits inside the very
transaction that inserts the statements (``PostgresStore.after_append``, with its asyncpg
connection): a statement is stored with its outbox rows or not at all.

Several instances share the database, so two things SQLite's single writer gave for free
are made explicit:

- Adding or removing a target takes the statement log's append lock for its transaction,
  so every statement is stored either before the change (and queued by the old targets)
  or after it (and queued by the new ones): a new target never misses a statement stored
  after it was added, a removed one never gets outbox rows again.
- Each instance runs a forwarder per target, but only the one holding the target's
  advisory lock reads its outbox, sends and acknowledges (``forwarding``): no statement is
  sent twice at once, and the target receives them in log order. Rows are not claimed one
  by one (``FOR UPDATE SKIP LOCKED``) because a second forwarder would then send later
  statements while the first still sends earlier ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import asyncpg
import orjson

from lrs_bridge.bridge.model import PullProblem, Source, Target
from lrs_bridge.bridge.storage import (
    SOURCE_COLUMNS,
    TARGET_COLUMNS,
    BridgeStorage,
    OutboxItem,
    exists_already,
    source_of,
    target_of,
)
from statements.prepare import PreparedStatement
from statements.storage.migrate import register
from statements.storage.postgres import APPEND_LOCK, PostgresStore, affected_rows, uncancelled

register("lrs_bridge.bridge.migrations")

log = logging.getLogger(__name__)

TARGET_LOCK_CLASS = 0x4C52_5354
"""First key of the advisory lock of forwarding to a target ("LRST"); the second is a hash
of the target's name. (The statement store's document locks use 0x4C525342.)"""
LOCK_CONNECT_TIMEOUT = 10.0


def _text(value: str) -> str:
    """Text from another LRS (messages, statement ids), storable: PostgreSQL text cannot hold
    U+0000, which SQLite keeps."""
    return value.replace("\x00", "\ufffd")


def _name_key(schema: str, name: str) -> int:
    """A signed 32-bit hash of a target's schema and name: the second key of its advisory
    lock. Advisory locks are database-wide, so the schema keeps deployments in schemas of
    one database apart; a collision only makes two targets' forwarders take turns."""
    digest = hashlib.sha256(f"{schema}\x1f{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


async def _bump_generation(conn: Any) -> None:
    await conn.execute("UPDATE bridge_generation SET value = $1 WHERE id = 1", secrets.randbits(62))


class _TargetLocks:
    """Session advisory locks of the targets this instance forwards to, all on one
    connection of their own: outside the store's pool, so a forwarder waiting for a slow
    target holds no connection that reads and writes need. A lock goes with its session,
    so an instance that dies or loses its connection lets another take over at once."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self._conn: Any = None
        self._schema = ""
        self._use = asyncio.Lock()
        self._held: set[str] = set()

    async def _connection(self) -> Any:
        if self._conn is None or self._conn.is_closed():
            if self._held:
                log.warning("the connection holding forwarding locks was lost; taking anew")
            self._held.clear()
            self._conn = None
            conn = await asyncpg.connect(
                self.store.url,
                server_settings=self.store.server_settings,
                timeout=LOCK_CONNECT_TIMEOUT,
            )
            try:
                self._schema = str(await conn.fetchval("SELECT current_schema()"))
            except BaseException:
                conn.terminate()
                raise
            self._conn = conn
        return self._conn

    async def take(self, name: str) -> bool:
        async with self._use:
            if name in self._held:  # session locks stack: one holder per target here too
                return False
            conn = await self._connection()
            lock_key = (TARGET_LOCK_CLASS, _name_key(self._schema, name))

            async def release(taken: Any) -> None:
                if taken:
                    await conn.fetchval("SELECT pg_advisory_unlock($1, $2)", *lock_key)

            # Cancelled mid-query (the forwarder stopping), the lock may be taken all the same:
            # let the query finish and give the lock back, or no instance could take it again.
            taken = bool(
                await uncancelled(
                    conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key),
                    cleanup=release,
                )
            )
            if taken:
                self._held.add(name)
            return taken

    async def give_back(self, name: str) -> None:
        async with self._use:
            if name not in self._held:
                return
            self._held.discard(name)
            if self._conn is None or self._conn.is_closed():
                return
            try:
                await self._conn.fetchval(
                    "SELECT pg_advisory_unlock($1, $2)",
                    TARGET_LOCK_CLASS,
                    _name_key(self._schema, name),
                )
            except BaseException:
                # Held by mistake would keep every other instance from the target: end the
                # session, which releases its locks.
                await self._drop()
                raise

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._held.clear()
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), 5)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                conn.terminate()

    async def close(self) -> None:
        async with self._use:
            await self._drop()


class PostgresBridgeStorage(BridgeStorage):
    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        # The targets as of a generation. Appends touch these one at a time: within an
        # instance they take turns, across instances they hold the log's lock.
        self._generation: int | None = None
        self._targets: list[Target] = []
        self._locks = _TargetLocks(store)
        store.after_append.append(self._outbox_rows)

    async def close(self) -> None:
        await self._locks.close()

    # --- the outbox, inside the statements' transaction ------------------------------------

    async def _outbox_rows(self, conn: Any, inserted: list[tuple[int, PreparedStatement]]) -> None:
        generation = await conn.fetchval("SELECT value FROM bridge_generation WHERE id = 1")
        if generation != self._generation:
            rows = await conn.fetch(f"SELECT {TARGET_COLUMNS} FROM bridge_targets")
            self._targets = [target_of(row) for row in rows]
            self._generation = generation
        pairs = [
            (target.name, seq)
            for seq, statement in inserted
            for target in self._targets
            if target.wants(statement)
        ]
        if pairs:
            await conn.execute(
                "INSERT INTO bridge_outbox (target, seq)"
                " SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING",
                [name for name, _ in pairs],
                [seq for _, seq in pairs],
            )

    # --- sources ------------------------------------------------------------------------

    async def add_source(self, source: Source) -> None:
        async with self.store._transaction() as conn:
            try:
                await conn.execute(
                    "INSERT INTO bridge_sources (name, endpoint, key, secret, version, activity,"
                    " verb, related_activities, interval_seconds, created_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    source.name,
                    source.remote.endpoint,
                    source.remote.key,
                    source.remote.secret,
                    source.remote.version,
                    source.filters.activity,
                    source.filters.verb,
                    source.filters.related_activities,
                    source.interval_seconds,
                    source.created_at,
                )
            except asyncpg.UniqueViolationError:
                raise exists_already("source", source.name) from None

    async def list_sources(self) -> list[Source]:
        rows = await self.store._read(
            f'SELECT {SOURCE_COLUMNS} FROM bridge_sources ORDER BY name COLLATE "C"'
        )
        return [source_of(row) for row in rows]

    async def get_source(self, name: str) -> Source | None:
        rows = await self.store._read(
            f"SELECT {SOURCE_COLUMNS} FROM bridge_sources WHERE name = $1", name
        )
        return source_of(rows[0]) if rows else None

    async def set_secret(self, kind: str, name: str, secret: str, before: str) -> bool:
        table = {"source": "bridge_sources", "target": "bridge_targets"}[kind]
        async with self.store._transaction() as conn:
            status = await conn.execute(
                f"UPDATE {table} SET secret = $1 WHERE name = $2 AND secret = $3",
                secret,
                name,
                before,
            )
        return affected_rows(status) == 1

    async def remove_source(self, name: str) -> bool:
        async with self.store._transaction() as conn:
            await conn.execute("DELETE FROM bridge_pull_problems WHERE source = $1", name)
            status = await conn.execute("DELETE FROM bridge_sources WHERE name = $1", name)
        return affected_rows(status) == 1

    async def advance(
        self, name: str, checkpoint: int | None, stored: int, problems: Sequence[PullProblem]
    ) -> None:
        async with self.store._transaction() as conn:
            # GREATEST skips NULLs: no checkpoint given keeps the old one, and one given
            # never moves it back (another pull of the same source may be ahead).
            await conn.execute(
                "UPDATE bridge_sources SET checkpoint = GREATEST(checkpoint, $1::bigint),"
                " pulled_total = pulled_total + $2, bad_total = bad_total + $3 WHERE name = $4",
                checkpoint,
                stored,
                len(problems),
                name,
            )
            if problems:
                await conn.executemany(
                    "INSERT INTO bridge_pull_problems (source, statement_id, origin_stored,"
                    " message, details, seen_at) VALUES ($1, $2, $3, $4, $5, $6)"
                    " ON CONFLICT (source, statement_id) DO UPDATE SET"
                    " message = excluded.message, details = excluded.details,"
                    " seen_at = excluded.seen_at",
                    [
                        (
                            name,
                            _text(p.statement_id),
                            p.origin_stored,
                            _text(p.message),
                            orjson.dumps(p.details).decode(),
                            p.seen_at,
                        )
                        for p in problems
                    ],
                )

    async def finish_pull(self, name: str, now: int, error: str | None) -> None:
        async with self.store._transaction() as conn:
            if error is None:
                await conn.execute(
                    "UPDATE bridge_sources SET last_pull_at = $1, last_success_at = $1"
                    " WHERE name = $2",
                    now,
                    name,
                )
            else:
                await conn.execute(
                    "UPDATE bridge_sources SET last_pull_at = $1, last_error = $2,"
                    " last_error_at = $1 WHERE name = $3",
                    now,
                    _text(error),
                    name,
                )

    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]:
        rows = await self.store._read(
            "SELECT source, statement_id, origin_stored, message, details, seen_at"
            " FROM bridge_pull_problems WHERE source = $1"
            ' ORDER BY seen_at DESC, statement_id COLLATE "C" LIMIT $2',
            name,
            limit,
        )
        return [
            PullProblem(source, sid, origin, message, orjson.loads(details), seen)
            for source, sid, origin, message, details, seen in rows
        ]

    # --- targets ------------------------------------------------------------------------

    async def add_target(self, target: Target) -> None:
        async with self.store._transaction() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
            try:
                await conn.execute(
                    "INSERT INTO bridge_targets (name, endpoint, key, secret, version, activity,"
                    " verb, related_activities, batch_size, peer_credential, created_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    target.name,
                    target.remote.endpoint,
                    target.remote.key,
                    target.remote.secret,
                    target.remote.version,
                    target.filters.activity,
                    target.filters.verb,
                    target.filters.related_activities,
                    target.batch_size,
                    target.peer_credential,
                    target.created_at,
                )
            except asyncpg.UniqueViolationError:
                raise exists_already("target", target.name) from None
            await _bump_generation(conn)

    async def list_targets(self) -> list[Target]:
        queues = await self.queue_lengths()
        rows = await self.store._read(
            f'SELECT {TARGET_COLUMNS} FROM bridge_targets ORDER BY name COLLATE "C"'
        )
        return [target_of(row, queues.get(row[0], 0)) for row in rows]

    async def get_target(self, name: str, *, count: bool = True) -> Target | None:
        rows = await self.store._read(
            f"SELECT {TARGET_COLUMNS} FROM bridge_targets WHERE name = $1", name
        )
        if not rows:
            return None
        if not count:
            return target_of(rows[0])
        (queue,) = (
            await self.store._read("SELECT COUNT(*) FROM bridge_outbox WHERE target = $1", name)
        )[0]
        return target_of(rows[0], queue)

    async def remove_target(self, name: str) -> bool:
        async with self.store._transaction() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
            await conn.execute("DELETE FROM bridge_outbox WHERE target = $1", name)
            await conn.execute("DELETE FROM bridge_rejected WHERE target = $1", name)
            status = await conn.execute("DELETE FROM bridge_targets WHERE name = $1", name)
            await _bump_generation(conn)
        return affected_rows(status) == 1

    async def target_names(self) -> list[str]:
        rows = await self.store._read('SELECT name FROM bridge_targets ORDER BY name COLLATE "C"')
        return [row[0] for row in rows]

    async def queue_lengths(self) -> dict[str, int]:
        rows = await self.store._read("SELECT target, COUNT(*) FROM bridge_outbox GROUP BY target")
        return {name: count for name, count in rows}

    # --- forwarding ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def forwarding(self, name: str) -> AsyncIterator[bool]:
        if not await self._locks.take(name):
            yield False
            return
        try:
            yield True
        finally:
            await self._locks.give_back(name)

    async def outbox(self, name: str, limit: int) -> list[OutboxItem]:
        rows = await self.store._read(
            "SELECT o.seq, s.id, s.body, s.attachments FROM bridge_outbox o"
            " LEFT JOIN statements s ON s.seq = o.seq WHERE o.target = $1"
            " ORDER BY o.seq LIMIT $2",
            name,
            limit,
        )
        items = [
            OutboxItem(seq, sid, bytes(body), tuple(hashes.split(",")) if hashes else ())
            for seq, sid, body, hashes in rows
            if body is not None
        ]
        gone = [row[0] for row in rows if row[2] is None]  # statements purged meanwhile
        if gone:
            await self.acknowledge(name, gone, None, count=False)
        return items

    async def acknowledge(
        self, name: str, seqs: Iterable[int], now: int | None, *, count: bool = True
    ) -> None:
        done = list(seqs)
        async with self.store._transaction() as conn:
            await conn.execute(
                "DELETE FROM bridge_outbox WHERE target = $1 AND seq = ANY($2::bigint[])",
                name,
                done,
            )
            if count:
                await conn.execute(
                    "UPDATE bridge_targets SET sent_total = sent_total + $1, last_sent_at = $2"
                    " WHERE name = $3",
                    len(done),
                    now,
                    name,
                )

    async def reject(
        self, name: str, item: OutboxItem, status: int, message: str, now: int
    ) -> None:
        message = _text(message)
        async with self.store._transaction() as conn:
            await conn.execute(
                "DELETE FROM bridge_outbox WHERE target = $1 AND seq = $2", name, item.seq
            )
            await conn.execute(
                "INSERT INTO bridge_rejected (target, seq, statement_id, status, message,"
                " rejected_at) VALUES ($1, $2, $3, $4, $5, $6)"
                " ON CONFLICT (target, seq) DO UPDATE SET statement_id = excluded.statement_id,"
                " status = excluded.status, message = excluded.message,"
                " rejected_at = excluded.rejected_at",
                name,
                item.seq,
                item.id,
                status,
                message,
                now,
            )
            await conn.execute(
                "UPDATE bridge_targets SET rejected_total = rejected_total + 1, last_error = $1,"
                " last_error_at = $2 WHERE name = $3",
                f"statement {item.id} refused: {message}",
                now,
                name,
            )

    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.store._read(
            "SELECT seq, statement_id, status, message, rejected_at FROM bridge_rejected"
            " WHERE target = $1 ORDER BY seq DESC LIMIT $2",
            name,
            limit,
        )
        return [
            {"seq": seq, "statement_id": sid, "status": status, "message": msg, "at": at}
            for seq, sid, status, msg, at in rows
        ]

    async def record_target_error(self, name: str, message: str, now: int) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "UPDATE bridge_targets SET last_error = $1, last_error_at = $2 WHERE name = $3",
                _text(message),
                now,
                name,
            )

    # --- statements -----------------------------------------------------------------------

    async def known_ids(self, ids: Sequence[str]) -> set[str]:
        # An id with U+0000 cannot be stored on PostgreSQL, so it is not here.
        storable = [sid for sid in ids if "\x00" not in sid]
        rows = await self.store._read(
            "SELECT id FROM statements WHERE id = ANY($1::text[])", storable
        )
        return {row[0] for row in rows}

    # --- metrics ------------------------------------------------------------------------

    async def log_position(self) -> int:
        rows = await self.store._read("SELECT COALESCE(MAX(seq), 0) FROM statements")
        position: int = rows[0][0]
        return position
