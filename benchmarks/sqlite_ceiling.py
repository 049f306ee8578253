"""The store's ceiling: raw SQLite inserts of the rows our store writes, nothing else.

The statements are the benchmark's own (``benchmarks.statements``), prepared by
``statements.prepare`` exactly as the store would, encoded to JSON before the clock starts.
The timed part is ``executemany`` into the real schema (the statements migrations) with
the store's own PRAGMAs (WAL, ``synchronous=FULL``): one transaction per 100-statement
batch, and one per statement. No HTTP, no validation, no asyncio, no thread hops.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from benchmarks.statements import statement
from statements.prepare import prepare
from statements.query import format_timestamp
from statements.storage.migrate import migrations_for
from statements.storage.sqlite import _PRAGMAS, _split_sql, now_micros

AUTHORITY = {
    "objectType": "Agent",
    "name": "benchmark",
    "account": {"homePage": "http://127.0.0.1", "name": "benchmark"},
}
INSERT_STATEMENT = (
    "INSERT INTO statements (seq, id, stored, origin_stored, verb, registration,"
    " voids, ref, credential, source, attachments, body)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_INDEX = "INSERT OR IGNORE INTO statement_index (kind, value, seq) VALUES (?, ?, ?)"
INSERT_INDEX_INTERNED = (
    "INSERT OR IGNORE INTO statement_index (kind, value_id, seq) VALUES (?, ?, ?)"
)


@dataclass
class Rows:
    statements: list[tuple[Any, ...]]
    index: list[list[tuple[int, str, int]]]


def make_rows(count: int, seed: int = 1) -> Rows:
    rng = random.Random(seed)
    stored = now_micros()
    stored_text = format_timestamp(stored)
    rows: list[tuple[Any, ...]] = []
    index: list[list[tuple[int, str, int]]] = []
    for seq in range(1, count + 1):
        prepared = prepare(
            statement(rng), authority=AUTHORITY, version="1.0.0", credential="benchmark"
        )
        body = dict(prepared.body)
        body["stored"] = stored_text
        rows.append(
            (
                seq,
                prepared.id,
                stored,
                None,
                prepared.verb,
                prepared.registration,
                None,
                None,
                "benchmark",
                None,
                None,
                orjson.dumps(body),
            )
        )
        index.append([(kind, value, seq) for kind, value in prepared.index])
    return rows_of(rows, index)


def rows_of(rows: list[tuple[Any, ...]], index: list[list[tuple[int, str, int]]]) -> Rows:
    return Rows(rows, index)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    for migration in migrations_for("sqlite"):
        for sql in _split_sql(migration.sql):
            conn.execute(sql)
    return conn


def insert_rate(rows: Rows, per_transaction: int, folder: Path, max_seconds: float) -> float:
    """Statements per second inserting ``rows`` ``per_transaction`` at a time.

    With the interned index (migration 0002: ``statement_index.value_id``) each index
    value gets its row in ``index_values`` in the transaction that first uses it, and the
    index rows carry integer ids, as the store writes them; the look-ups the store does to
    find known ids are left out (they are not inserts)."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        conn = _connect(Path(tmp) / "ceiling.sqlite3")
        columns = {row[1] for row in conn.execute("PRAGMA table_info(statement_index)")}
        interned = "value_id" in columns
        value_ids: dict[str, int] = {}
        done = 0
        started = time.perf_counter()
        deadline = started + max_seconds
        total = len(rows.statements)
        while done < total and time.perf_counter() < deadline:
            chunk = slice(done, min(done + per_transaction, total))
            index = [r for rs in rows.index[chunk] for r in rs]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT_STATEMENT, rows.statements[chunk])
            if interned:
                new = []
                for _, value, _ in index:
                    if value not in value_ids:
                        value_ids[value] = len(value_ids) + 1
                        new.append((value_ids[value], value))
                conn.executemany("INSERT INTO index_values (id, value) VALUES (?, ?)", new)
                conn.executemany(
                    INSERT_INDEX_INTERNED, [(k, value_ids[v], seq) for k, v, seq in index]
                )
            else:
                conn.executemany(INSERT_INDEX, index)
            conn.execute("COMMIT")
            done = chunk.stop
        elapsed = time.perf_counter() - started
        conn.close()
    return done / elapsed


def index_rows_per_statement(rows: Rows) -> float:
    return sum(len(r) for r in rows.index) / max(len(rows.index), 1)
