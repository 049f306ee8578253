"""Overload, a locked database and a full disk: the client gets a 503 with Retry-After,
the service stays up, and nothing half-written remains.

(Crash safety under SIGKILL is in test_durability.py and test_crash_safety.py.)

How the failures are made, all on real SQLite files and real server processes:
- overload: a server started with ``LRS_BRIDGE_MAX_PENDING_WRITES=1`` and bursts of
  concurrent POSTs;
- database locked: another connection holds ``BEGIN EXCLUSIVE`` on the server's database
  for longer than the writer's busy_timeout (5 s);
- disk full, portable: ``PRAGMA max_page_count`` on the store's own writer connection (set
  through ``store.write_sync``, the writer's ordinary entry point), so the next page SQLite needs
  fails with SQLITE_FULL, as on a full disk, inside a batch that is half inserted;
- disk full, for real: the server's database on a tiny tmpfs filled to the last byte (needs
  the right to mount, i.e. root; skipped otherwise).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from lrs_bridge.services import Services
from tests.conftest import LiveServer, XapiClient, run_cli, start_server

STATEMENT: dict[str, Any] = {
    "actor": {"mbox": "mailto:deltagare@kommun.se"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://valmyndigheten.se/xapi/intro"},
}


def statements(count: int, padding: int = 0) -> list[dict[str, Any]]:
    return [
        {
            **STATEMENT,
            "id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:deltagare{n}@kommun.se"},
            "result": {"response": "x" * padding} if padding else {"completion": True},
        }
        for n in range(count)
    ]


def client(server: LiveServer, timeout: float = 30) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        auth=(server.key, server.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=timeout,
    )


def all_ids(http: httpx.Client) -> list[str]:
    ids: list[str] = []
    url = "/xapi/statements?limit=500&ascending=true"
    while url:
        page = http.get(url)
        assert page.status_code == 200, page.text
        ids.extend(s["id"] for s in page.json()["statements"])
        url = page.json()["more"]
    return ids


def rows_in(database: str) -> tuple[int, int]:
    """Statements and index rows in the database file, read directly."""
    with closing(sqlite3.connect(database)) as conn:
        (statement_rows,) = conn.execute("SELECT COUNT(*) FROM statements").fetchone()
        (index_rows,) = conn.execute("SELECT COUNT(*) FROM statement_index").fetchone()
        return statement_rows, index_rows


def post_until_accepted(http: httpx.Client, batch: list[dict[str, Any]]) -> httpx.Response:
    """POST as a well-behaved client does: again after a 503 (briefly: the writer may be
    busy with the progress projector's writes, which count against the tiny limit)."""
    for _ in range(200):
        response = http.post("/xapi/statements", json=batch)
        if response.status_code != 503:
            assert response.status_code == 200, response.text
            return response
        assert_unavailable(response, "overload")
        time.sleep(0.05)
    raise AssertionError("still refused after 200 tries")


def assert_unavailable(response: httpx.Response, rule: str) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    body = response.json()
    assert set(body) == {"error", "details"}
    assert [d["rule"] for d in body["details"]] == [rule]
    assert body["details"][0]["path"] == "$"


# --- overload --------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_burst_beyond_capacity_gets_fast_503s_and_loses_nothing(tmp_path: Path) -> None:
    server = start_server(
        str(tmp_path / "overload.sqlite3"),
        tmp_path / "server.log",
        env={"LRS_BRIDGE_MAX_PENDING_WRITES": "1"},
    )
    workers = 32
    sent: dict[str, list[dict[str, Any]]] = {}
    acknowledged: set[str] = set()
    refused: list[list[dict[str, Any]]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    try:
        with client(server, timeout=20) as warm:
            post_until_accepted(warm, statements(1))
            acknowledged.update(all_ids(warm))
        for _ in range(10):  # bursts until one was refused (the first nearly always is)
            barrier = threading.Barrier(workers)

            def post_batch(barrier: threading.Barrier = barrier) -> None:
                batch = statements(20)
                with client(server, timeout=20) as http:
                    barrier.wait()
                    try:
                        response = http.post("/xapi/statements", json=batch)
                    except httpx.HTTPError as error:  # a timeout or a reset: the bug we test
                        with lock:
                            failures.append(error)
                        return
                with lock:
                    sent[batch[0]["id"]] = batch
                    if response.status_code == 200:
                        assert response.json() == [s["id"] for s in batch]
                        acknowledged.update(s["id"] for s in batch)
                    else:
                        assert_unavailable(response, "overload")
                        refused.append(batch)

            threads = [threading.Thread(target=post_batch) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            if refused:
                break
        assert failures == []
        assert refused, "no burst of 32 concurrent batches was ever refused"
        assert server.process.poll() is None
        with client(server) as http:
            stored = all_ids(http)
            assert sorted(stored) == sorted(acknowledged)  # every ack'd one, no refused one
            for batch in refused:  # a refused batch can simply be sent again
                assert post_until_accepted(http, batch).json() == [s["id"] for s in batch]
            stored = all_ids(http)
            expected = {s["id"] for batch in sent.values() for s in batch} | acknowledged
            assert sorted(stored) == sorted(expected)
    finally:
        server.stop()


# --- database locked -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.sqlite_only("locks the SQLite file from outside")
def test_a_locked_database_gets_503_and_the_batch_is_absent_until_sent_again(
    live_server: LiveServer,
) -> None:
    with client(live_server) as http:
        first = statements(1)
        assert http.post("/xapi/statements", json=first).status_code == 200
        before = rows_in(live_server.database)
        batch = statements(25)
        with closing(sqlite3.connect(live_server.database, timeout=0)) as holder:
            holder.execute("BEGIN EXCLUSIVE")  # held past the writer's 5 s busy_timeout
            response = http.post("/xapi/statements", json=batch)
            assert_unavailable(response, "storage")
            assert "busy" in response.json()["error"]
            assert "X-Experience-API-Consistent-Through" in response.headers
            reading = http.get("/xapi/statements", params={"limit": 10})  # reads go on
            assert [s["id"] for s in reading.json()["statements"]] == [first[0]["id"]]
            holder.execute("ROLLBACK")
        assert live_server.process.poll() is None
        assert rows_in(live_server.database) == before  # nothing half-written
        assert http.post("/xapi/statements", json=batch).json() == [s["id"] for s in batch]
        assert sorted(all_ids(http)) == sorted(s["id"] for s in first + batch)


# --- disk full: max_page_count on the writer connection ------------------------------------


async def _set_max_pages(services: Services, pages: int | None) -> int:
    """Cap the writer connection's database size at the current size (plus ``pages``), or
    lift the cap (None). Returns the size in pages."""

    def apply(conn: sqlite3.Connection) -> int:
        (count,) = conn.execute("PRAGMA page_count").fetchone()
        limit = 1_073_741_823 if pages is None else count + pages
        conn.execute(f"PRAGMA max_page_count = {limit}")
        return int(count)

    return await services.store.write_sync(apply)


@pytest.mark.sqlite_only("fills the SQLite file with max_page_count")
async def test_a_full_database_gets_503_and_keeps_no_part_of_the_batch(
    xapi: XapiClient, services: Services
) -> None:
    first = statements(1)
    assert (await xapi.http.post("/xapi/statements", json=first)).status_code == 200
    database = services.store.path
    before = rows_in(database)
    await _set_max_pages(services, 2)  # room for a statement or two, not for 200
    batch = statements(200, padding=500)
    response = await xapi.http.post("/xapi/statements", json=batch)
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["details"][0]["rule"] == "storage"
    assert "full" in response.json()["error"]
    assert rows_in(database) == before
    small = statements(1)  # the service is up and takes what still fits
    assert (await xapi.http.post("/xapi/statements", json=small)).status_code == 200
    page = (await xapi.http.get("/xapi/statements", params={"limit": 500})).json()
    assert {s["id"] for s in page["statements"]} == {first[0]["id"], small[0]["id"]}

    await _set_max_pages(services, None)  # space again: the same batch goes in whole
    response = await xapi.http.post("/xapi/statements", json=batch)
    assert response.json() == [s["id"] for s in batch]
    page = (await xapi.http.get("/xapi/statements", params={"limit": 500})).json()
    assert len(page["statements"]) == 202
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- disk full: a real filesystem with no space left -----------------------------------------


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a real full disk needs a tmpfs, which only root can mount")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the filesystem; the returned file gives them back."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:  # unbuffered: close() has nothing left
        for size in (1 << 20, 4096, 512, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    return filler


@pytest.mark.slow
def test_a_full_disk_gets_503_the_server_stays_up_and_recovers(
    tiny_filesystem: Path, tmp_path: Path
) -> None:
    database = str(tiny_filesystem / "lrs.sqlite3")
    created = run_cli(
        "credentials", "create", "--database", database, "--label", "t", "--scope", "all", "--json"
    )
    assert created.returncode == 0, created.stderr
    import json

    record = json.loads(created.stdout)
    server = start_server(database, tmp_path / "server.log", record["key"], record["secret"])
    try:
        with client(server) as http:
            first = statements(1)
            assert http.post("/xapi/statements", json=first).status_code == 200
            filler = _fill(tiny_filesystem)
            batch = statements(300, padding=500)  # far more than the WAL has room for
            response = http.post("/xapi/statements", json=batch)
            assert response.status_code == 503, response.text
            assert int(response.headers["Retry-After"]) >= 1
            assert response.json()["details"][0]["rule"] == "storage"
            assert [s["id"] for s in http.get("/xapi/statements").json()["statements"]] == [
                first[0]["id"]
            ]
            filler.unlink()
            assert server.process.poll() is None
            assert http.post("/xapi/statements", json=batch).status_code == 200
            assert sorted(all_ids(http)) == sorted(s["id"] for s in first + batch)
    finally:
        server.stop()
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM statements").fetchone() == (301,)
