"""Issue 16 against real processes, on the engine under test: the API of a running server
and the ``lrs-bridge person`` command on the same database; an erasure killed with SIGKILL
half-way leaves everything or nothing, and the next run finishes it."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from openpyxl import load_workbook

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from statements.log import Writer
from tests.conftest import _run, run_cli, start_server

INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ANNA = "anna.andersson@gavle.se"
CILLA = "cilla.ceder@hudiksvall.se"
WRITER = Writer(authority={"mbox": "mailto:lrs@example.se", "objectType": "Agent"}, credential=None)


def statement(email: str, name: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"name": name, "mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": INTRO},
    }


def seed(url: str, anna_statements: int) -> dict[str, str]:
    """A workshop with Anna and Cilla, Anna's many statements and Cilla's one, Anna also a
    coordinator; a national admin's token."""
    made: dict[str, str] = {}

    async def build() -> None:
        services = Services.build(load_settings(database_url=url))
        await services.open()
        try:
            reports = services.reports
            workshop = await reports.create_workshop(
                {"county": "21", "title": "Valsäkerhet", "date": "2099-01-18",
                 "courses": ["valmyndigheten-introduktion"]}
            )  # fmt: skip
            for name, email in (("Anna Andersson", ANNA), ("Cilla Ceder", CILLA)):
                await reports.add_participant(
                    workshop.id,
                    {"name": name, "email": email, "municipality": "2180", "role": "valnämnd"},
                )
            await services.people.create_user(ANNA, "coordinator", "21", None, None)
            national = await services.people.create_user(
                "nat@val.se", "national-admin", None, None, None
            )
            made["token"] = (await services.people.issue_token(str(national.id))).token
            made["workshop"] = workshop.id
            batch: list[dict[str, Any]] = []
            for index in range(anna_statements):
                batch.append(statement(ANNA, "Anna Andersson"))
                if len(batch) == 500 or index == anna_statements - 1:
                    await services.statements.store_statements(
                        batch, version="1.0.3", writer=WRITER
                    )
                    batch = []
            await services.statements.store_statements(
                [statement(CILLA, "Cilla Ceder")], version="1.0.3", writer=WRITER
            )
            await reports.catch_up()
        finally:
            await services.close()

    _run(build())
    return made


async def counts(url: str) -> dict[str, int]:
    """Anna's rows that an erasure removes, counted from outside."""
    queries = {
        "statements": "SELECT COUNT(*) FROM statements WHERE body LIKE '%anna.andersson%'",
        "participants": f"SELECT COUNT(*) FROM participants WHERE email = '{ANNA}'",
        "users": f"SELECT COUNT(*) FROM users WHERE email_key = '{ANNA}'",
        "values": f"SELECT COUNT(*) FROM index_values WHERE value = 'mbox:{ANNA}'",
        "progress": f"SELECT COUNT(*) FROM progress WHERE learner = 'mbox:{ANNA}'",
        "cilla": "SELECT COUNT(*) FROM statements WHERE body LIKE '%cilla.ceder%'",
    }
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return {
                name: conn.execute(sql.replace("body LIKE", "CAST(body AS TEXT) LIKE")).fetchone()[
                    0
                ]
                for name, sql in queries.items()
            }
    conn = await asyncpg.connect(url)
    try:
        return {
            name: await conn.fetchval(sql.replace("body LIKE", "convert_from(body, 'UTF8') LIKE"))
            for name, sql in queries.items()
        }
    finally:
        await conn.close()


async def write_locked(path: str, process: subprocess.Popen[bytes]) -> None:
    """Return once another process holds the SQLite database's write lock."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return
        finally:
            conn.close()
        await asyncio.sleep(0.005)


def erase_process(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lrs_bridge.cli", "person", "erase", ANNA, "--yes"],
        env={**os.environ, **cli_env(url)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def kill_while_waiting(url: str) -> None:
    """PostgreSQL, deterministically half-way: hold Anna's user row, which the erasure
    deletes last; once its DELETE waits for it, everything before is done inside its
    transaction. Kill it then, and let the row go."""
    holder = await asyncpg.connect(url)
    # Watched from a connection of its own: inside the holder's transaction the activity
    # statistics would stay as they were when it first read them.
    watcher = await asyncpg.connect(url)
    try:
        async with holder.transaction():
            await holder.execute(f"SELECT 1 FROM users WHERE email_key = '{ANNA}' FOR UPDATE")
            process = erase_process(url)
            try:
                # Generous: on a shared server, the command may wait for others' migrations.
                deadline = time.monotonic() + 150
                while time.monotonic() < deadline and process.poll() is None:
                    waiting = await watcher.fetchval(
                        "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        " WHERE NOT l.granted AND a.query LIKE 'DELETE FROM users%'"
                    )
                    if waiting:
                        break
                    await asyncio.sleep(0.02)
                else:
                    seen = await holder.fetch(
                        "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity"
                        " WHERE datname = current_database()"
                    )
                    why = (
                        process.stderr.read()
                        if process.poll() is not None and process.stderr
                        else b""
                    )
                    raise AssertionError(f"the erasure never reached its last step: {why!r} {seen}")
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
    finally:
        await holder.close()
        await watcher.close()


def cli_env(url: str) -> dict[str, str]:
    return {"LRS_BRIDGE_DATABASE_URL": url}


async def test_api_and_cli_on_a_real_server(database_url: str, tmp_path: Path) -> None:
    made = seed(database_url, 3)
    server = start_server(database_url, tmp_path / "server.log")
    try:
        national = {"Authorization": f"Bearer {made['token']}"}
        async with httpx.AsyncClient(base_url=server.url, headers=national, timeout=30) as http:
            answer = await http.post("/api/v1/personal-data/extract", json={"email": ANNA.upper()})
            assert answer.status_code == 200, answer.text
            extract = answer.json()
            assert len(extract["statements"]) == 3 and len(extract["participants"]) == 1
            assert [u["email"] for u in extract["users"]] == [ANNA]
            sheet = await http.post(
                "/api/v1/personal-data/extract", json={"email": ANNA, "format": "xlsx"}
            )
            assert sheet.status_code == 200
            assert "Lärandeposter" in load_workbook(io.BytesIO(sheet.content)).sheetnames
            refused = await http.post("/api/v1/personal-data/erase", json={"email": "x"})
            assert refused.status_code == 400 and refused.json()["details"][0]["path"] == "email"
            unknown = await http.post("/api/v1/personal-data/erase", json={"email": "no@one.se"})
            assert unknown.status_code == 404
            dry = await http.post("/api/v1/personal-data/erase", json={"email": ANNA})
            assert dry.json()["dry_run"] is True and dry.json()["counts"]["statements"] == 3
            readiness = (await http.get(f"/api/v1/workshops/{made['workshop']}/readiness")).json()

            # The command line on the same database: the extract to a file, then the erasure.
            out = tmp_path / "utdrag.xlsx"
            done = run_cli(
                "person", "extract", ANNA, "--output", str(out), env=cli_env(database_url)
            )
            assert done.returncode == 0, done.stderr
            assert load_workbook(out)["Deltagare"].max_row == 2
            done = run_cli("person", "erase", ANNA, "--yes", "--json", env=cli_env(database_url))
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["counts"]["statements"] == 3
            done = run_cli("person", "erase", ANNA, env=cli_env(database_url))
            assert done.returncode == 2 and "nothing was found" in done.stderr.lower()

            agent = orjson.dumps({"mbox": f"mailto:{ANNA}"}).decode()
            listed = await http.get(
                "/xapi/statements",
                params={"agent": agent},
                auth=(server.key, server.secret),
                headers={"X-Experience-API-Version": "1.0.3"},
            )
            assert listed.status_code == 200 and listed.json()["statements"] == []
            after = (await http.get(f"/api/v1/workshops/{made['workshop']}/readiness")).json()
            assert [p for p in after["participants"]] == [
                p for p in readiness["participants"] if p["participant"]["email"] != ANNA
            ]
            extract = await http.post("/api/v1/personal-data/extract", json={"email": ANNA})
            assert extract.status_code == 404
        assert ANNA not in server.log.read_text().lower()  # never in the server's log
    finally:
        server.stop()


async def test_erasure_killed_half_way_leaves_all_or_nothing(database_url: str) -> None:
    seed(database_url, 1500)
    whole = await counts(database_url)
    assert whole["statements"] == 1500 and whole["participants"] == whole["users"] == 1
    outcomes: list[str] = []
    for attempt in range(8):
        if database_url.startswith("postgresql"):
            await kill_while_waiting(database_url)
        else:
            # SQLite: wait until a write transaction is open (the database is locked for
            # writing: the erasure's), then kill a little later each attempt.
            process = erase_process(database_url)
            await write_locked(database_url.removeprefix("sqlite:///"), process)
            await asyncio.sleep(0.1 * attempt)
            process.send_signal(signal.SIGKILL)
            process.wait()
        now = await counts(database_url)
        assert now["cilla"] == 1
        left = {k: v for k, v in now.items() if k != "cilla"}
        if left == {k: v for k, v in whole.items() if k != "cilla"}:
            outcomes.append("nothing")
        else:
            assert set(left.values()) == {0}, left  # all, never part
            outcomes.append("all")
            break
    print("outcomes of the kills:", outcomes)
    assert outcomes[0] == "nothing" or database_url.startswith("sqlite")
    # The next run finishes it.
    done = run_cli("person", "erase", ANNA, "--yes", env=cli_env(database_url))
    if "all" in outcomes:
        assert done.returncode == 2  # nothing left to erase
    else:
        assert done.returncode == 0, done.stderr
    final = await counts(database_url)
    assert {k: v for k, v in final.items() if k != "cilla"} == dict.fromkeys(
        ("statements", "participants", "users", "values", "progress"), 0
    )
    assert final["cilla"] == 1
