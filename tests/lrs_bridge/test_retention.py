"""Issue 16, retention (gallring), on the engine under test: a dry run counts per kind and
changes nothing; the purge removes an expired workshop's list, progress, reminders and its
participants' statements (not those of a participant also on a kept workshop), unmatched
learners' old statements, and is audited with counts only; killed half-way it leaves each
unit (a batch of statements, a workshop) whole or purged, and the next run finishes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from reports.exports import to_json
from reports.links import launch_account
from statements.identity import agent_key
from statements.log import Writer
from tests.conftest import _run, run_cli
from tests.lrs_bridge.test_personal_data import every_table
from tests.lrs_bridge.test_personal_data_live import write_locked

INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
WRITER = Writer(authority={"mbox": "mailto:lrs@example.se", "objectType": "Agent"}, credential=None)
LATER = (datetime.now(UTC) + timedelta(days=220)).date()  # 7 months on: old statements expire


def statement(email: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"name": email.split("@")[0], "mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": INTRO},
    }


async def build(services: Services, anna_statements: int = 3) -> dict[str, str]:
    reports = services.reports
    old = await reports.create_workshop(
        {"county": "21", "title": "Gammal", "date": "2020-01-10",
         "courses": ["valmyndigheten-introduktion"]}
    )  # fmt: skip
    kept = await reports.create_workshop(
        {"county": "21", "title": "Ny", "date": "2099-01-10",
         "courses": ["valmyndigheten-introduktion"]}
    )  # fmt: skip
    for workshop, name in ((old, "anna"), (old, "bo"), (kept, "bo"), (kept, "cilla")):
        await reports.add_participant(
            workshop.id,
            {"name": name.title(), "email": f"{name}@gavle.se", "municipality": "2180",
             "role": "valnämnd"},
        )  # fmt: skip
    batch = [statement("anna@gavle.se") for _ in range(anna_statements)]
    for start in range(0, len(batch), 500):
        await services.statements.store_statements(
            batch[start : start + 500], version="1.0.3", writer=WRITER
        )
    await services.statements.store_statements(
        [statement("bo@gavle.se"), statement("cilla@gavle.se"), statement("okand@gavle.se")],
        version="1.0.3",
        writer=WRITER,
    )
    await reports.catch_up()
    return {"old": old.id, "kept": kept.id}


async def emails_in_log(services: Services) -> list[str]:
    rows = await services.store.read("SELECT body FROM statements ORDER BY seq")
    return [orjson.loads(bytes(row[0]))["actor"]["mbox"].split(":")[1] for row in rows]


async def test_dry_run_then_purge(services: Services) -> None:
    made = await build(services)
    kept_before = to_json(await services.reports.workshop_readiness(made["kept"]))["participants"]
    tables = await every_table(services)
    dry = await services.retention.run(dry_run=True, today=LATER)
    assert dict(dry.counts) == {
        "workshops": 1,
        "participants": 2,
        "statements": 3,  # Anna's; Bo is on a kept workshop too
        "unmatched_statements": 1,  # Okänd's, never on any list
    }
    assert await every_table(services) == tables  # a dry run changes nothing

    done = await services.retention.run(dry_run=False, today=LATER)
    assert done.counts["statements"] == 3 and done.counts["unmatched_statements"] == 1
    assert sorted(await emails_in_log(services)) == ["bo@gavle.se", "cilla@gavle.se"]
    assert await services.reports.list_participants(made["old"]) == []
    old = to_json(await services.reports.workshop_readiness(made["old"]))
    assert old["workshop"]["purged_at"] is not None and old["participants"] == []
    assert all("anna@gavle.se" not in text for text in (await every_table(services)).values())
    await services.reports.catch_up()
    kept_after = to_json(await services.reports.workshop_readiness(made["kept"]))["participants"]
    assert kept_after == kept_before
    entries = await services.audit.storage.audit_entries(None, None, 5)
    purge = next(e for e in entries if e.action == "retention.purge")
    assert purge.as_json()["details"]["statements"] == 3
    # Nothing left: the next run finds nothing and writes nothing.
    tables = await every_table(services)
    again = await services.retention.run(dry_run=False, today=LATER)
    assert not again.counts and await every_table(services) == tables


def purge_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lrs_bridge.cli", "retention", "purge"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_purge_killed_half_way_then_finished(database_url: str) -> None:
    def seeded() -> None:
        async def go() -> None:
            services = Services.build(load_settings(database_url=database_url))
            await services.open()
            try:
                await build(services, anna_statements=3000)
            finally:
                await services.close()

        _run(go())

    seeded()

    async def anna_left() -> int:
        services = Services.build(load_settings(database_url=database_url))
        await services.open()
        try:
            return (await emails_in_log(services)).count("anna@gavle.se")
        finally:
            await services.close()

    env = {**os.environ, "LRS_BRIDGE_DATABASE_URL": database_url}
    seen: list[int] = []
    for attempt in range(10):  # later each time, until a kill lands between two units
        process = purge_process(env)
        if database_url.startswith("sqlite:"):
            await write_locked(database_url.removeprefix("sqlite:///"), process)
            await asyncio.sleep(0.03 * attempt)
        else:
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and process.poll() is None:
                if await anna_left() < 3000:
                    break
                await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        left = await anna_left()
        assert left % 500 == 0, left  # each batch whole or purged
        seen.append(left)
        if 0 < left < 3000 or left == 0:
            break
    left = seen[-1]
    done = run_cli("retention", "purge", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert await anna_left() == 0
    print("killed with", left, "of 3000 statements left; the next run purged", done.stdout)


async def test_a_cmi5_launch_account_goes_with_its_participant(services: Services) -> None:
    """Statements under a participant's cmi5 launch account (one of their identities) are
    purged with their workshop, and are not unmatched while they are on a kept one."""
    made = await build(services)
    ids = {}
    for workshop in ("old", "kept"):
        for participant in await services.reports.list_participants(made[workshop]):
            ids[participant.email] = participant.id
    accounts = {}
    for email in ("anna@gavle.se", "cilla@gavle.se"):
        actor = launch_account(ids[email], services.settings.base_url)
        key = agent_key(actor)
        assert key is not None
        await services.launch.links.remember_account(ids[email], key, datetime.now(UTC))
        accounts[email] = actor
        await services.statements.store_statements(
            [{**statement(email), "actor": actor}], version="1.0.3", writer=WRITER
        )
    done = await services.retention.run(dry_run=False, today=LATER)
    assert done.counts["statements"] == 4  # Anna's three and her account's
    assert done.counts["unmatched_statements"] == 1  # Okänd's; not Cilla's account
    rows = await services.store.read("SELECT body FROM statements ORDER BY seq")
    actors = [orjson.loads(bytes(row[0]))["actor"] for row in rows]
    assert accounts["cilla@gavle.se"] in actors
    assert accounts["anna@gavle.se"] not in actors
