"""The bridge's SQL (sources, checkpoints, targets and the outbox), once for both engines,
over the store's database port (``statements.storage.port``).

The outbox rows of newly stored statements are written by ``_outbox_rows``, which the store
runs inside the very transaction that inserts the statements (``after_append``): a
statement is stored with its outbox rows or not at all.

On PostgreSQL several instances share the database, so two things SQLite's single writer
gives for free are made explicit:

- Adding or removing a target takes the statement log's append lock for its transaction
  (``Tx.lock_appends``), so every statement is stored either before the change (and queued
  by the old targets) or after it (and queued by the new ones): a new target never misses
  a statement stored after it was added, a removed one never gets outbox rows again.
- Each instance runs a forwarder per target, but only the one holding the target's
  session lock reads its outbox, sends and acknowledges (``forwarding``, with the locks of
  ``storage_postgres``): no statement is sent twice at once, and the target receives them
  in log order.

Engine-specific SQL is marked ``# engine:`` where it differs.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, Protocol

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
from statements.storage.base import Store
from statements.storage.port import Database, Duplicate, Tx, in_list

_CHUNK = {"sqlite": 500, "postgresql": 50_000}
"""Statement ids per look-up (SQLite binds each as a variable; PostgreSQL one array)."""


class ForwardingLocks(Protocol):
    """Who forwards to a target now, across instances (PostgreSQL's session locks)."""

    async def take(self, name: str) -> bool: ...

    async def give_back(self, name: str) -> None: ...

    async def close(self) -> None: ...


def bridge_storage(store: Store) -> BridgeStorage:
    """The bridge's storage in ``store``'s database (build it before the store opens): it
    writes the outbox rows of new statements in the transaction that stores them."""
    locks = None
    if store.dialect == "postgresql":  # engine: forwarding takes turns across instances
        from lrs_bridge.bridge.storage_postgres import TargetLocks

        locks = TargetLocks(store)  # type: ignore[arg-type]  # the dialect says PostgresStore
    storage = SqlBridgeStorage(store, locks)
    store.after_append.append(storage.outbox_rows)
    return storage


async def _bump_generation(tx: Tx) -> None:
    await tx.execute("UPDATE bridge_generation SET value = ? WHERE id = 1", secrets.randbits(62))


class SqlBridgeStorage(BridgeStorage):
    def __init__(self, db: Database, locks: ForwardingLocks | None = None) -> None:
        """``locks``: None where one process owns the database (SQLite), which runs one
        forwarder per target."""
        self.db = db
        self.postgres = db.dialect == "postgresql"
        # engine: names in byte order (SQLite compares bytes anyway).
        self._by_name = ' ORDER BY name COLLATE "C"' if self.postgres else " ORDER BY name"
        self._locks = locks
        # The targets as of a generation. Appends touch these one at a time: SQLite's
        # writer thread alone; on PostgreSQL within an instance appends take turns, across
        # instances they hold the log's lock.
        self._generation: int | None = None
        self._targets: list[Target] = []

    async def close(self) -> None:
        if self._locks is not None:
            await self._locks.close()

    def _text(self, value: str) -> str:
        """Text from another LRS (messages, statement ids), storable: PostgreSQL text cannot
        hold U+0000, which SQLite keeps."""
        return value.replace("\x00", "\ufffd") if self.postgres else value

    async def _write(self, sql: str, *params: Any) -> int:
        """One statement in a transaction of its own: the rows it touched."""
        return await self.db.write(lambda tx: tx.execute(sql, *params))

    # --- the outbox, inside the statements' transaction ------------------------------------

    async def outbox_rows(self, tx: Tx, inserted: list[tuple[int, PreparedStatement]]) -> None:
        """The store's ``after_append`` hook."""
        generation = await tx.fetchval("SELECT value FROM bridge_generation WHERE id = 1")
        if generation != self._generation:
            rows = await tx.fetch(f"SELECT {TARGET_COLUMNS} FROM bridge_targets")
            self._targets = [target_of(row) for row in rows]
            self._generation = generation
        pairs = [
            (target.name, seq)
            for seq, statement in inserted
            for target in self._targets
            if target.wants(statement)
        ]
        if not pairs:
            return
        if self.postgres:  # engine: one statement for the whole batch
            await tx.execute(
                "INSERT INTO bridge_outbox (target, seq)"
                " SELECT * FROM unnest(?::text[], ?::bigint[]) ON CONFLICT DO NOTHING",
                [name for name, _ in pairs],
                [seq for _, seq in pairs],
            )
        else:
            await tx.executemany(
                "INSERT INTO bridge_outbox (target, seq) VALUES (?, ?) ON CONFLICT DO NOTHING",
                pairs,
            )

    # --- sources ------------------------------------------------------------------------

    async def add_source(self, source: Source) -> None:
        try:
            await self._write(
                "INSERT INTO bridge_sources (name, endpoint, key, secret, version, activity,"
                " verb, related_activities, interval_seconds, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        except Duplicate:
            raise exists_already("source", source.name) from None

    async def list_sources(self) -> list[Source]:
        rows = await self.db.read(f"SELECT {SOURCE_COLUMNS} FROM bridge_sources{self._by_name}")
        return [source_of(row) for row in rows]

    async def get_source(self, name: str) -> Source | None:
        rows = await self.db.read(
            f"SELECT {SOURCE_COLUMNS} FROM bridge_sources WHERE name = ?", name
        )
        return source_of(rows[0]) if rows else None

    async def set_secret(self, kind: str, name: str, secret: str, before: str) -> bool:
        table = {"source": "bridge_sources", "target": "bridge_targets"}[kind]
        changed = await self._write(
            f"UPDATE {table} SET secret = ? WHERE name = ? AND secret = ?", secret, name, before
        )
        return changed == 1

    async def remove_source(self, name: str) -> bool:
        async def apply(tx: Tx) -> bool:
            await tx.execute("DELETE FROM bridge_pull_problems WHERE source = ?", name)
            return await tx.execute("DELETE FROM bridge_sources WHERE name = ?", name) == 1

        return await self.db.write(apply)

    async def advance(
        self, name: str, checkpoint: int | None, stored: int, problems: Sequence[PullProblem]
    ) -> None:
        async def apply(tx: Tx) -> None:
            # No checkpoint given keeps the old one, and one given never moves it back
            # (another pull of the same source may be ahead).
            await tx.execute(
                "UPDATE bridge_sources SET checkpoint = CASE WHEN CAST(? AS BIGINT) IS NULL"
                " OR checkpoint > CAST(? AS BIGINT) THEN checkpoint ELSE CAST(? AS BIGINT) END,"
                " pulled_total = pulled_total + ?, bad_total = bad_total + ? WHERE name = ?",
                checkpoint,
                checkpoint,
                checkpoint,
                stored,
                len(problems),
                name,
            )
            if problems:
                await tx.executemany(
                    "INSERT INTO bridge_pull_problems (source, statement_id, origin_stored,"
                    " message, details, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (source, statement_id) DO UPDATE SET"
                    " message = excluded.message, details = excluded.details,"
                    " seen_at = excluded.seen_at",
                    [
                        (
                            name,
                            self._text(p.statement_id),
                            p.origin_stored,
                            self._text(p.message),
                            orjson.dumps(p.details).decode(),
                            p.seen_at,
                        )
                        for p in problems
                    ],
                )

        await self.db.write(apply)

    async def finish_pull(self, name: str, now: int, error: str | None) -> None:
        if error is None:
            await self._write(
                "UPDATE bridge_sources SET last_pull_at = ?, last_success_at = ? WHERE name = ?",
                now,
                now,
                name,
            )
        else:
            await self._write(
                "UPDATE bridge_sources SET last_pull_at = ?, last_error = ?,"
                " last_error_at = ? WHERE name = ?",
                now,
                self._text(error),
                now,
                name,
            )

    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]:
        # engine: ids in byte order where times tie.
        by_bytes = ' COLLATE "C"' if self.postgres else ""
        rows = await self.db.read(
            "SELECT source, statement_id, origin_stored, message, details, seen_at"
            " FROM bridge_pull_problems WHERE source = ?"
            f" ORDER BY seen_at DESC, statement_id{by_bytes} LIMIT ?",
            name,
            limit,
        )
        return [
            PullProblem(source, sid, origin, message, orjson.loads(details), seen)
            for source, sid, origin, message, details, seen in rows
        ]

    # --- targets ------------------------------------------------------------------------

    async def add_target(self, target: Target) -> None:
        async def apply(tx: Tx) -> None:
            await tx.lock_appends()
            await tx.execute(
                "INSERT INTO bridge_targets (name, endpoint, key, secret, version, activity,"
                " verb, related_activities, batch_size, peer_credential, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            await _bump_generation(tx)

        try:
            await self.db.write(apply)
        except Duplicate:
            raise exists_already("target", target.name) from None

    async def list_targets(self) -> list[Target]:
        queues = await self.queue_lengths()
        rows = await self.db.read(f"SELECT {TARGET_COLUMNS} FROM bridge_targets{self._by_name}")
        return [target_of(row, queues.get(row[0], 0)) for row in rows]

    async def get_target(self, name: str, *, count: bool = True) -> Target | None:
        rows = await self.db.read(
            f"SELECT {TARGET_COLUMNS} FROM bridge_targets WHERE name = ?", name
        )
        if not rows:
            return None
        if not count:
            return target_of(rows[0])
        (queue,) = (
            await self.db.read("SELECT COUNT(*) FROM bridge_outbox WHERE target = ?", name)
        )[0]
        return target_of(rows[0], queue)

    async def remove_target(self, name: str) -> bool:
        async def apply(tx: Tx) -> bool:
            await tx.lock_appends()
            await tx.execute("DELETE FROM bridge_outbox WHERE target = ?", name)
            await tx.execute("DELETE FROM bridge_rejected WHERE target = ?", name)
            removed = await tx.execute("DELETE FROM bridge_targets WHERE name = ?", name)
            await _bump_generation(tx)
            return removed == 1

        return await self.db.write(apply)

    async def target_names(self) -> list[str]:
        rows = await self.db.read(f"SELECT name FROM bridge_targets{self._by_name}")
        return [row[0] for row in rows]

    async def queue_lengths(self) -> dict[str, int]:
        rows = await self.db.read("SELECT target, COUNT(*) FROM bridge_outbox GROUP BY target")
        return {name: count for name, count in rows}

    # --- forwarding ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def forwarding(self, name: str) -> AsyncIterator[bool]:
        if self._locks is None:  # one process, one forwarder per target
            yield True
            return
        if not await self._locks.take(name):
            yield False
            return
        try:
            yield True
        finally:
            await self._locks.give_back(name)

    async def outbox(self, name: str, limit: int) -> list[OutboxItem]:
        rows = await self.db.read(
            "SELECT o.seq, s.id, s.body, s.attachments FROM bridge_outbox o"
            " LEFT JOIN statements s ON s.seq = o.seq WHERE o.target = ? ORDER BY o.seq LIMIT ?",
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
        done = list(seqs)  # at most a batch (MAX_BATCH, 1,000)

        async def apply(tx: Tx) -> None:
            condition, params = in_list(self.db.dialect, "seq", done)
            await tx.execute(
                f"DELETE FROM bridge_outbox WHERE target = ? AND {condition}", name, *params
            )
            if count:
                await tx.execute(
                    "UPDATE bridge_targets SET sent_total = sent_total + ?, last_sent_at = ?"
                    " WHERE name = ?",
                    len(done),
                    now,
                    name,
                )

        await self.db.write(apply)

    async def reject(
        self, name: str, item: OutboxItem, status: int, message: str, now: int
    ) -> None:
        message = self._text(message)

        async def apply(tx: Tx) -> None:
            await tx.execute(
                "DELETE FROM bridge_outbox WHERE target = ? AND seq = ?", name, item.seq
            )
            await tx.execute(
                "INSERT INTO bridge_rejected (target, seq, statement_id, status, message,"
                " rejected_at) VALUES (?, ?, ?, ?, ?, ?)"
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
            await tx.execute(
                "UPDATE bridge_targets SET rejected_total = rejected_total + 1, last_error = ?,"
                " last_error_at = ? WHERE name = ?",
                f"statement {item.id} refused: {message}",
                now,
                name,
            )

        await self.db.write(apply)

    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.db.read(
            "SELECT seq, statement_id, status, message, rejected_at FROM bridge_rejected"
            " WHERE target = ? ORDER BY seq DESC LIMIT ?",
            name,
            limit,
        )
        return [
            {"seq": seq, "statement_id": sid, "status": status, "message": msg, "at": at}
            for seq, sid, status, msg, at in rows
        ]

    async def record_target_error(self, name: str, message: str, now: int) -> None:
        await self._write(
            "UPDATE bridge_targets SET last_error = ?, last_error_at = ? WHERE name = ?",
            self._text(message),
            now,
            name,
        )

    # --- statements -----------------------------------------------------------------------

    async def known_ids(self, ids: Sequence[str]) -> set[str]:
        # engine: an id with U+0000 cannot be stored on PostgreSQL, so it is not there.
        wanted = [sid for sid in ids if "\x00" not in sid] if self.postgres else list(ids)
        size = _CHUNK[self.db.dialect]
        found: set[str] = set()
        for start in range(0, len(wanted), size):
            condition, params = in_list(self.db.dialect, "id", wanted[start : start + size])
            rows = await self.db.read(f"SELECT id FROM statements WHERE {condition}", *params)
            found.update(row[0] for row in rows)
        return found

    # --- metrics ------------------------------------------------------------------------

    async def log_position(self) -> int:
        rows = await self.db.read("SELECT COALESCE(MAX(seq), 0) FROM statements")
        position: int = rows[0][0]
        return position
