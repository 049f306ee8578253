"""SQLite SQL of the bridge: sources, checkpoints, targets and the outbox (all of it here).

Writes go through the store's one writer (``store.write``), reads through its reader pool.
The outbox rows of newly stored statements are written by ``_outbox_rows``, which the
store calls inside the very transaction that inserts the statements
(``SQLiteStore.after_append``): a statement is stored with its outbox rows or not at all.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

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
from statements.storage.sqlite import SQLiteStore

register("lrs_bridge.bridge.migrations")


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE bridge_generation SET value = ? WHERE id = 1", (secrets.randbits(62),))


class SQLiteBridgeStorage(BridgeStorage):
    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        # The writer thread alone touches these two: the targets as of a generation.
        self._generation: int | None = None
        self._targets: list[Target] = []
        store.after_append.append(self._outbox_rows)

    # --- the outbox, inside the statements' transaction ------------------------------------

    def _outbox_rows(
        self, conn: sqlite3.Connection, inserted: list[tuple[int, PreparedStatement]]
    ) -> None:
        (generation,) = conn.execute("SELECT value FROM bridge_generation WHERE id = 1").fetchone()
        if generation != self._generation:
            rows = conn.execute(f"SELECT {TARGET_COLUMNS} FROM bridge_targets").fetchall()
            self._targets = [target_of(row) for row in rows]
            self._generation = generation
        if not self._targets:
            return
        conn.executemany(
            "INSERT OR IGNORE INTO bridge_outbox (target, seq) VALUES (?, ?)",
            [
                (target.name, seq)
                for seq, statement in inserted
                for target in self._targets
                if target.wants(statement)
            ],
        )

    # --- sources ------------------------------------------------------------------------

    async def add_source(self, source: Source) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    "INSERT INTO bridge_sources (name, endpoint, key, secret, version, activity,"
                    " verb, related_activities, interval_seconds, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        source.name,
                        source.remote.endpoint,
                        source.remote.key,
                        source.remote.secret,
                        source.remote.version,
                        source.filters.activity,
                        source.filters.verb,
                        int(source.filters.related_activities),
                        source.interval_seconds,
                        source.created_at,
                    ),
                )
            except sqlite3.IntegrityError:
                raise exists_already("source", source.name) from None

        await self.store.write_sync(apply)

    async def list_sources(self) -> list[Source]:
        rows = await self.store._read(f"SELECT {SOURCE_COLUMNS} FROM bridge_sources ORDER BY name")
        return [source_of(row) for row in rows]

    async def get_source(self, name: str) -> Source | None:
        rows = await self.store._read(
            f"SELECT {SOURCE_COLUMNS} FROM bridge_sources WHERE name = ?", (name,)
        )
        return source_of(rows[0]) if rows else None

    async def set_secret(self, kind: str, name: str, secret: str, before: str) -> bool:
        table = {"source": "bridge_sources", "target": "bridge_targets"}[kind]

        def apply(conn: sqlite3.Connection) -> bool:
            return (
                conn.execute(
                    f"UPDATE {table} SET secret = ? WHERE name = ? AND secret = ?",
                    (secret, name, before),
                ).rowcount
                == 1
            )

        changed: bool = await self.store.write_sync(apply)
        return changed

    async def remove_source(self, name: str) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM bridge_pull_problems WHERE source = ?", (name,))
            return conn.execute("DELETE FROM bridge_sources WHERE name = ?", (name,)).rowcount == 1

        removed: bool = await self.store.write_sync(apply)
        return removed

    async def advance(
        self, name: str, checkpoint: int | None, stored: int, problems: Sequence[PullProblem]
    ) -> None:
        """After a page is stored: move the checkpoint (never back: another pull of the same
        source may be ahead), count what was stored, and record the bad statements."""

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE bridge_sources SET checkpoint = CASE WHEN ?1 IS NULL THEN checkpoint"
                " ELSE MAX(COALESCE(checkpoint, ?1), ?1) END,"
                " pulled_total = pulled_total + ?2, bad_total = bad_total + ?3 WHERE name = ?4",
                (checkpoint, stored, len(problems), name),
            )
            conn.executemany(
                "INSERT INTO bridge_pull_problems (source, statement_id, origin_stored,"
                " message, details, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (source, statement_id) DO UPDATE SET message = excluded.message,"
                " details = excluded.details, seen_at = excluded.seen_at",
                [
                    (
                        name,
                        p.statement_id,
                        p.origin_stored,
                        p.message,
                        orjson.dumps(p.details).decode(),
                        p.seen_at,
                    )
                    for p in problems
                ],
            )

        await self.store.write_sync(apply)

    async def finish_pull(self, name: str, now: int, error: str | None) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            if error is None:
                conn.execute(
                    "UPDATE bridge_sources SET last_pull_at = ?, last_success_at = ?"
                    " WHERE name = ?",
                    (now, now, name),
                )
            else:
                conn.execute(
                    "UPDATE bridge_sources SET last_pull_at = ?, last_error = ?,"
                    " last_error_at = ? WHERE name = ?",
                    (now, error, now, name),
                )

        await self.store.write_sync(apply)

    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]:
        rows = await self.store._read(
            "SELECT source, statement_id, origin_stored, message, details, seen_at"
            " FROM bridge_pull_problems WHERE source = ? ORDER BY seen_at DESC, statement_id"
            " LIMIT ?",
            (name, limit),
        )
        return [
            PullProblem(source, sid, origin, message, orjson.loads(details), seen)
            for source, sid, origin, message, details, seen in rows
        ]

    # --- targets ------------------------------------------------------------------------

    async def add_target(self, target: Target) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    "INSERT INTO bridge_targets (name, endpoint, key, secret, version, activity,"
                    " verb, related_activities, batch_size, peer_credential, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        target.name,
                        target.remote.endpoint,
                        target.remote.key,
                        target.remote.secret,
                        target.remote.version,
                        target.filters.activity,
                        target.filters.verb,
                        int(target.filters.related_activities),
                        target.batch_size,
                        target.peer_credential,
                        target.created_at,
                    ),
                )
            except sqlite3.IntegrityError:
                raise exists_already("target", target.name) from None
            _bump_generation(conn)

        await self.store.write_sync(apply)

    async def list_targets(self) -> list[Target]:
        queues = await self.queue_lengths()
        rows = await self.store._read(f"SELECT {TARGET_COLUMNS} FROM bridge_targets ORDER BY name")
        return [target_of(row, queues.get(row[0], 0)) for row in rows]

    async def get_target(self, name: str, *, count: bool = True) -> Target | None:
        """A target; with ``count``, with the length of its queue (a count of its rows)."""
        rows = await self.store._read(
            f"SELECT {TARGET_COLUMNS} FROM bridge_targets WHERE name = ?", (name,)
        )
        if not rows:
            return None
        if not count:
            return target_of(rows[0])
        (queue,) = (
            await self.store._read("SELECT COUNT(*) FROM bridge_outbox WHERE target = ?", (name,))
        )[0]
        return target_of(rows[0], queue)

    async def remove_target(self, name: str) -> bool:
        """Remove a target with its outbox: what it had not received, it never will."""

        def apply(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM bridge_outbox WHERE target = ?", (name,))
            conn.execute("DELETE FROM bridge_rejected WHERE target = ?", (name,))
            removed = conn.execute("DELETE FROM bridge_targets WHERE name = ?", (name,)).rowcount
            _bump_generation(conn)
            return removed == 1

        removed: bool = await self.store.write_sync(apply)
        return removed

    async def queue_lengths(self) -> dict[str, int]:
        rows = await self.store._read("SELECT target, COUNT(*) FROM bridge_outbox GROUP BY target")
        return {name: count for name, count in rows}

    @contextlib.asynccontextmanager
    async def forwarding(self, name: str) -> AsyncIterator[bool]:
        # One service process owns a SQLite database, and it runs one forwarder per target.
        yield True

    async def outbox(self, name: str, limit: int) -> list[OutboxItem]:
        """The oldest statements waiting for a target, in log order."""
        rows = await self.store._read(
            "SELECT o.seq, s.id, s.body, s.attachments FROM bridge_outbox o"
            " LEFT JOIN statements s ON s.seq = o.seq WHERE o.target = ? ORDER BY o.seq LIMIT ?",
            (name, limit),
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
        """The target has these statements: out of the outbox."""
        done = list(seqs)

        def apply(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "DELETE FROM bridge_outbox WHERE target = ? AND seq = ?",
                [(name, seq) for seq in done],
            )
            if count:
                conn.execute(
                    "UPDATE bridge_targets SET sent_total = sent_total + ?, last_sent_at = ?"
                    " WHERE name = ?",
                    (len(done), now, name),
                )

        await self.store.write_sync(apply)

    async def reject(
        self, name: str, item: OutboxItem, status: int, message: str, now: int
    ) -> None:
        """The target refused this statement for good: recorded, out of the outbox."""

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM bridge_outbox WHERE target = ? AND seq = ?", (name, item.seq))
            conn.execute(
                "INSERT OR REPLACE INTO bridge_rejected (target, seq, statement_id, status,"
                " message, rejected_at) VALUES (?, ?, ?, ?, ?, ?)",
                (name, item.seq, item.id, status, message, now),
            )
            conn.execute(
                "UPDATE bridge_targets SET rejected_total = rejected_total + 1, last_error = ?,"
                " last_error_at = ? WHERE name = ?",
                (f"statement {item.id} refused: {message}", now, name),
            )

        await self.store.write_sync(apply)

    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.store._read(
            "SELECT seq, statement_id, status, message, rejected_at FROM bridge_rejected"
            " WHERE target = ? ORDER BY seq DESC LIMIT ?",
            (name, limit),
        )
        return [
            {"seq": seq, "statement_id": sid, "status": status, "message": msg, "at": at}
            for seq, sid, status, msg, at in rows
        ]

    async def record_target_error(self, name: str, message: str, now: int) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE bridge_targets SET last_error = ?, last_error_at = ? WHERE name = ?",
                (message, now, name),
            )

        await self.store.write_sync(apply)

    async def target_names(self) -> list[str]:
        rows = await self.store._read("SELECT name FROM bridge_targets ORDER BY name")
        return [row[0] for row in rows]

    # --- statements -----------------------------------------------------------------------

    async def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these (lower-cased) statement ids are stored here already."""
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self.store._read(f"SELECT id FROM statements WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    # --- metrics ------------------------------------------------------------------------

    async def log_position(self) -> int:
        rows = await self.store._read("SELECT COALESCE(MAX(seq), 0) FROM statements")
        position: int = rows[0][0]
        return position
