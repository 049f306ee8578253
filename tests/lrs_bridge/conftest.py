"""People and the bridge on each storage engine, without the HTTP app.

``Services.build`` takes its database from the settings, which accept SQLite only so far,
and builds the reports too; these tests need people and the bridge alone, so ``engine``
builds those the way ``Services.build`` does, on a store of each engine (``store_url``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from lrs_bridge.bridge.service import BridgeService
from lrs_bridge.config import Settings
from lrs_bridge.people.audit import AuditLog
from lrs_bridge.people.service import PeopleService
from lrs_bridge.people.storage import people_storage
from lrs_bridge.schema import MIGRATIONS
from statements.log import StatementLog
from statements.signature import check_signature
from statements.storage import Store, open_store


@dataclass
class EngineServices:
    url: str
    store: Store
    statements: StatementLog
    people: PeopleService
    audit: AuditLog
    bridge: BridgeService

    @property
    def engine(self) -> str:
        return "sqlite" if self.url.startswith("sqlite:") else "postgresql"

    async def outside(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``?`` placeholders) on a connection of its own, as another process
        would, committing at once; its rows."""
        if self.engine == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                return list(conn.execute(sql, params).fetchall())
        numbered = iter(range(1, len(params) + 1))
        conn = await asyncpg.connect(self.url)
        try:
            rows = await conn.fetch(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *params)
        finally:
            await conn.close()
        return [tuple(row) for row in rows]

    async def dump(self, *tables: str) -> str:
        """Everything in ``tables``, as text (to prove what is never stored)."""
        rows = [row for table in tables for row in await self.outside(f"SELECT * FROM {table}")]
        return "\n".join(repr(row) for row in rows)

    async def close(self) -> None:
        await self.bridge.stop()
        await self.store.close()


async def open_engine_services(url: str, settings: Settings) -> EngineServices:
    store = open_store(url, migrations=MIGRATIONS)
    people = people_storage(store)
    audit = AuditLog(people)
    statements = StatementLog(
        store, max_limit=settings.max_statements_per_page, check_signature=check_signature
    )
    bridge = BridgeService(store, statements, audit, settings)  # before open(), as people
    statements.on_stored.append(bridge.nudge)
    await store.open()
    return EngineServices(url, store, statements, PeopleService(people, audit), audit, bridge)


@pytest.fixture
async def engine(store_url: str, settings: Settings) -> AsyncIterator[EngineServices]:
    """People and the bridge on an open store of each engine (SQLite; PostgreSQL when it
    answers, in a schema of its own)."""
    opened = await open_engine_services(store_url, settings)
    try:
        yield opened
    finally:
        await opened.close()
