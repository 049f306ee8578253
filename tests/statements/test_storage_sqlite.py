"""What only the SQLite engine promises: no query parameter scans the log, the database
runs in WAL mode with synchronous=FULL, and concurrent writes are committed together
without one failing write failing the others. What every engine promises is in
test_storage.py."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lrs_bridge.services import Services
from statements.log import Writer
from statements.models import VERSION_1
from statements.query import parse_query
from statements.storage.sqlite import SQLiteStore

pytestmark = pytest.mark.sqlite_only("tests of the SQLite engine itself")

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTRO = "https://valmyndigheten.se/xapi/intro"
AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "k1"}}
WRITER = Writer(authority=AUTHORITY, credential="k1")


def statement(email: str = "anna@kommun.se", **extra: Any) -> dict[str, Any]:
    return {
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": INTRO},
        **extra,
    }


def sqlite_store(services: Services) -> SQLiteStore:
    store = services.store
    assert isinstance(store, SQLiteStore)
    return store


def database_path(services: Services) -> Path:
    return Path(sqlite_store(services).path)


# --- query plans -----------------------------------------------------------------------------

REGISTRATION = str(uuid.uuid4())
AGENT = '{"mbox": "mailto:anna@kommun.se"}'
SINCE = "2020-01-01T00:00:00Z"
UNTIL = "2099-01-01T00:00:00Z"

# Every parameter of GET /xapi/statements alone, and the combinations clients use.
QUERIES: dict[str, dict[str, str]] = {
    "no filter": {},
    "agent": {"agent": AGENT},
    "agent, related_agents": {"agent": AGENT, "related_agents": "true"},
    "verb": {"verb": COMPLETED},
    "activity": {"activity": INTRO},
    "activity, related_activities": {"activity": INTRO, "related_activities": "true"},
    "registration": {"registration": REGISTRATION},
    "since": {"since": SINCE},
    "until": {"until": UNTIL},
    "since, until": {"since": SINCE, "until": UNTIL},
    "limit": {"limit": "2"},
    "format": {"format": "ids"},
    "attachments": {"attachments": "true"},
    "ascending": {"ascending": "true"},
    "agent, verb, activity": {"agent": AGENT, "verb": COMPLETED, "activity": INTRO},
    "registration, agent, since": {"registration": REGISTRATION, "agent": AGENT, "since": SINCE},
    "verb, until, ascending": {"verb": COMPLETED, "until": UNTIL, "ascending": "true"},
}


def full_scans(plan: list[str]) -> list[str]:
    """Plan lines that read a whole table or index instead of searching it."""
    return [line for line in plan if line.startswith("SCAN") and "CONSTANT ROW" not in line]


class SqlRecorder:
    """Every SQL statement the store runs (bound values inlined), from all connections."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, sql: str) -> None:
        self.sql.append(sql)

    def selects(self) -> Iterator[str]:
        for sql in self.sql:
            head = sql.lstrip().split(None, 1)[0].upper()
            if head in ("SELECT", "UPDATE", "DELETE", "WITH") and "EXPLAIN" not in sql.upper():
                yield sql

    def statement_store_selects(self) -> Iterator[str]:
        """Those on the statement log's tables: the reports projector, running alongside,
        reads its own (small) tables through the same connections whenever it wakes."""
        for sql in self.selects():
            if _STATEMENT_TABLES.search(sql):
                yield sql


_STATEMENT_TABLES = re.compile(
    r"\b(?:FROM|JOIN|UPDATE)\s+(?:statements|statement_index|index_values|attachments"
    r"|credentials)\b",
    re.IGNORECASE,
)


@pytest.fixture
async def recorded(services: Services) -> SqlRecorder:
    """A store with statements in it whose every SQL statement is recorded from now on."""
    log = services.statements
    ids = await log.store_statements(
        [
            statement(context={"registration": REGISTRATION}),
            statement("bo@kommun.se"),
            statement(
                "cilla@kommun.se",
                context={"contextActivities": {"parent": [{"id": INTRO}]}},
            ),
        ],
        version=VERSION_1,
        writer=WRITER,
    )
    await log.store_statements(
        [statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": ids[1]})],
        version=VERSION_1,
        writer=WRITER,
    )
    recorder = SqlRecorder()
    store = sqlite_store(services)
    for reader in store._all_readers:
        await reader.set_trace_callback(recorder)
    assert store._conn is not None
    store._conn.set_trace_callback(recorder)
    return recorder


def explain(database: Path, sql: str) -> list[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


@pytest.mark.parametrize("name", list(QUERIES))
async def test_no_query_parameter_makes_sqlite_scan_a_table(
    services: Services, recorded: SqlRecorder, name: str
) -> None:
    store = sqlite_store(services)
    query = parse_query(QUERIES[name], max_limit=2)
    page = await store.query(query)
    if page.more is not None:
        await store.query(page.more)  # the next page too
    await store.query(dataclasses.replace(query, credential="k1"))  # statements/read/mine
    assert list(recorded.statement_store_selects()), "the store ran no SQL"
    for sql in recorded.statement_store_selects():
        plan = explain(database_path(services), sql)
        assert full_scans(plan) == [], (sql, plan)
        assert not any("USE TEMP B-TREE" in line for line in plan), (sql, plan)


async def test_single_statement_reads_and_the_write_path_use_indexes(
    services: Services, recorded: SqlRecorder
) -> None:
    log = services.statements
    (target,) = await log.store_statements([statement()], version=VERSION_1, writer=WRITER)
    await log.store_statements(
        [statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})],
        version=VERSION_1,
        writer=WRITER,
    )
    await log.get(target, voided=True)
    await services.credentials.authenticate("k1", "secret")
    for sql in recorded.statement_store_selects():
        plan = explain(database_path(services), sql)
        assert full_scans(plan) == [], (sql, plan)


async def test_explain_reports_the_plan_of_a_query(services: Services) -> None:
    plan = await sqlite_store(services).explain(parse_query({"agent": AGENT}, max_limit=10))
    assert plan and full_scans(plan) == []
    # The agent filter is a search of the statement_index primary key (alias i).
    assert any(
        line.startswith("SEARCH i USING PRIMARY KEY (kind=? AND value_id=?") for line in plan
    )


# --- durability settings ------------------------------------------------------------------------


async def test_wal_and_synchronous_full(services: Services) -> None:
    store = sqlite_store(services)
    synchronous = await store.write(lambda tx: tx.fetchval("PRAGMA synchronous"))
    assert synchronous == 2  # FULL
    journal = await store.write(lambda tx: tx.fetchval("PRAGMA journal_mode"))
    assert journal == "wal"
    # WAL is a property of the file: any other connection sees it too.
    with sqlite3.connect(database_path(services)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
