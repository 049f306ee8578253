"""The database port (``statements.storage.port``) on both engines: one SQL with ``?``,
row counts, list parameters, ``Duplicate``, all-or-nothing writes, and a SQLite write that
would suspend refused."""

from __future__ import annotations

import asyncio

import pytest

from statements.storage import Store
from statements.storage.port import Duplicate, Tx, in_list, numbered


def test_placeholders_are_numbered_once_and_never_inside_quotes() -> None:
    assert numbered("SELECT ? , 'a''b', \"c\" WHERE x = ?") == (
        "SELECT $1 , 'a''b', \"c\" WHERE x = $2"
    )
    assert numbered("SELECT 1") == "SELECT 1"
    with pytest.raises(ValueError, match="inside a quoted literal"):
        numbered("SELECT '?' WHERE x = ?")
    with pytest.raises(ValueError, match="unterminated"):
        numbered("SELECT 'open")


async def _table(store: Store) -> None:
    await store.write(
        lambda tx: tx.execute("CREATE TABLE port_probe (id TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    )


async def test_one_sql_on_both_engines(store: Store) -> None:
    await _table(store)

    async def fill(tx: Tx) -> int:
        await tx.executemany(
            "INSERT INTO port_probe (id, n) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 3)]
        )
        return await tx.execute("UPDATE port_probe SET n = n + 10 WHERE n >= ?", 2)

    assert await store.write(fill) == 2
    condition, params = in_list(store.dialect, "id", ["a", "c", "zz"])
    rows = await store.read(f"SELECT id, n FROM port_probe WHERE {condition} ORDER BY id", *params)
    assert [tuple(row) for row in rows] == [("a", 1), ("c", 13)]
    found = await store.write(lambda tx: tx.fetchval("SELECT n FROM port_probe WHERE id = ?", "b"))
    assert found == 12
    none = await store.write(lambda tx: tx.fetchrow("SELECT n FROM port_probe WHERE id = ?", "x"))
    assert none is None


async def test_a_duplicate_key_is_one_exception_and_the_write_keeps_nothing(store: Store) -> None:
    await _table(store)
    await store.write(lambda tx: tx.execute("INSERT INTO port_probe (id, n) VALUES (?, ?)", "a", 1))

    async def clash(tx: Tx) -> None:
        await tx.execute("INSERT INTO port_probe (id, n) VALUES (?, ?)", "b", 2)
        await tx.execute("INSERT INTO port_probe (id, n) VALUES (?, ?)", "a", 3)

    with pytest.raises(Duplicate):
        await store.write(clash)
    rows = await store.read("SELECT id FROM port_probe ORDER BY id")
    assert [row[0] for row in rows] == ["a"]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_a_sqlite_write_that_suspends_is_refused_and_undone(store: Store) -> None:
    await _table(store)

    async def suspends(tx: Tx) -> None:
        await tx.execute("INSERT INTO port_probe (id, n) VALUES (?, ?)", "a", 1)
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="suspended"):
        await store.write(suspends)
    assert await store.read("SELECT id FROM port_probe") == []
