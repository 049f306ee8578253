"""The bridge's forwarding locks on PostgreSQL: the one part of the bridge's storage that is
PostgreSQL's alone (its SQL for both engines is in ``storage_sql``).

Each instance runs a forwarder per target, but only the one holding the target's advisory
lock reads its outbox, sends and acknowledges (``SqlBridgeStorage.forwarding``): no
statement is sent twice at once, and the target receives them in log order. Rows are not
claimed one by one (``FOR UPDATE SKIP LOCKED``) because a second forwarder would then send
later statements while the first still sends earlier ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import asyncpg

from statements.storage.postgres import PostgresStore, uncancelled

log = logging.getLogger(__name__)

TARGET_LOCK_CLASS = 0x4C52_5354
"""First key of the advisory lock of forwarding to a target ("LRST"); the second is a hash
of the target's name. (The statement store's document locks use 0x4C525342.)"""
LOCK_CONNECT_TIMEOUT = 10.0


def _name_key(schema: str, name: str) -> int:
    """A signed 32-bit hash of a target's schema and name: the second key of its advisory
    lock. Advisory locks are database-wide, so the schema keeps deployments in schemas of
    one database apart; a collision only makes two targets' forwarders take turns."""
    digest = hashlib.sha256(f"{schema}\x1f{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class TargetLocks:
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
