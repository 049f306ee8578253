"""What only the SQLite engine promises: no query parameter scans the log, the database
runs in WAL mode with synchronous=FULL, and concurrent writes are committed together
without one failing write failing the others. What every engine promises is in
test_storage.py."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from lrs_bridge.services import Services
from statements.errors import Conflict
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


async def test_concurrent_writes_commit_together_and_fail_alone(services: Services) -> None:
    store = sqlite_store(services)
    log = services.statements
    (existing,) = await log.store_statements([statement()], version=VERSION_1, writer=WRITER)
    groups_before = store._state.stats["groups"]

    async def write(index: int) -> list[str]:
        if index == 7:  # conflicts with what is stored: this batch alone must fail
            bodies = [statement(f"x{index}@kommun.se"), {**statement("other@x.se"), "id": existing}]
        else:
            bodies = [statement(f"p{index}@kommun.se"), statement(f"q{index}@kommun.se")]
        return await log.store_statements(bodies, version=VERSION_1, writer=WRITER)

    outcomes = await asyncio.gather(*(write(i) for i in range(40)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], Conflict)
    groups = store._state.stats["groups"] - groups_before
    assert groups < 40  # several writes shared one transaction (group commit)

    with sqlite3.connect(database_path(services)) as conn:
        bodies = [orjson.loads(row[0]) for row in conn.execute("SELECT body FROM statements")]
    actors: list[str] = [body["actor"]["mbox"] for body in bodies]
    assert "mailto:x7@kommun.se" not in actors  # the failed batch left nothing
    assert sum(a.startswith("mailto:p") for a in actors) == 39
    assert sum(a.startswith("mailto:q") for a in actors) == 39


async def test_concurrent_appends_are_stored_as_one_batch_with_each_answer_its_own(
    services: Services,
) -> None:
    store = sqlite_store(services)
    log = services.statements
    twice = str(uuid.uuid4())  # the same statement from two clients at once: stored once

    async def write(index: int) -> list[str]:
        if index in (3, 11):
            bodies = [{**statement("same@kommun.se"), "id": twice}]
        else:
            bodies = [statement(f"p{index}@kommun.se") for _ in range(3)]
        return await log.store_statements(bodies, version=VERSION_1, writer=WRITER)

    results = await asyncio.gather(*(write(i) for i in range(30)))
    assert store._state.stats["merged_jobs"] > 0  # the writer did merge appends

    with sqlite3.connect(database_path(services)) as conn:
        rows = conn.execute("SELECT seq, id, body FROM statements ORDER BY seq").fetchall()
    by_id = {sid: orjson.loads(body) for _, sid, body in rows}
    assert [seq for seq, _, _ in rows] == list(range(rows[0][0], rows[0][0] + len(rows)))
    assert len(rows) == 28 * 3 + 1
    assert results[3] == results[11] == [twice]
    for index, ids in enumerate(results):
        if index in (3, 11):
            continue
        assert len(ids) == 3
        assert {by_id[i]["actor"]["mbox"] for i in ids} == {f"mailto:p{index}@kommun.se"}
