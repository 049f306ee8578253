"""The bridge in one process: which statements each target's outbox gets (in the statements'
own transaction), refused statements, the JSON API and its checks, /metrics, the CLI. What
the storage does runs on each engine (``engine``); the API, /metrics and the CLI on SQLite,
the one database the service accepts so far."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lrs_bridge.bridge.forward import Forwarder
from lrs_bridge.bridge.service import BridgeService
from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from statements.errors import Conflict
from statements.log import Writer
from statements.storage.postgres import PostgresStore
from statements.storage.sqlite import SQLiteStore
from tests.conftest import LiveServer, run_cli
from tests.lrs_bridge.bridge.helpers import (
    COMPLETED,
    EXPERIENCED,
    VOIDED,
    client,
    course,
    fetch_all,
    statement,
)
from tests.lrs_bridge.conftest import EngineServices

REMOTE = {"endpoint": "http://127.0.0.1:9/xapi/", "key": "k", "secret": "hemligt-lösen"}
AUTHORITY = {"objectType": "Agent", "mbox": "mailto:lrs@lansstyrelsen.se"}


def writer(credential: str | None = "k1", source: str | None = None) -> Writer:
    return Writer(
        authority=AUTHORITY if source is None else None, credential=credential, source=source
    )


async def queued(bridge: BridgeService, target: str) -> list[str]:
    """Ids of the statements in a target's outbox, in order."""
    return [item.id for item in await bridge.storage.outbox(target, 1000)]


async def test_each_target_queues_what_its_rules_let_through(engine: EngineServices) -> None:
    bridge, log = engine.bridge, engine.statements
    activity, other = course("outbox"), course("other")
    await bridge.add_target({"name": "central", **REMOTE})
    await bridge.add_target({"name": "completions", **REMOTE, "verb": COMPLETED})
    await bridge.add_target(
        {"name": "course", **REMOTE, "activity": activity, "related_activities": True}
    )
    await bridge.add_target({"name": "peer", **REMOTE, "peer_credential": "peer-key"})

    done = statement(1, activity)
    about = statement(2, other, EXPERIENCED)
    about["context"] = {"contextActivities": {"parent": [{"id": activity}]}}
    pulled = statement(3, other)
    from_peer = statement(4, other, EXPERIENCED)
    voiding = statement(5, other, VOIDED)
    voiding["object"] = {"objectType": "StatementRef", "id": about["id"]}
    await log.store_statements([done, about], version="1.0.3", writer=writer())
    await log.store_statements([pulled], version="1.0.3", writer=writer(None, "central"))
    await log.store_statements([from_peer], version="1.0.3", writer=writer("peer-key"))
    await log.store_statements([voiding], version="1.0.3", writer=writer())

    ids = {
        "done": done["id"],
        "about": about["id"],
        "pulled": pulled["id"],
        "from_peer": from_peer["id"],
        "voiding": voiding["id"],
    }
    expected = {
        # Not what was pulled from the LRS of the same name, nor what its peer sent here.
        "central": ["done", "about", "from_peer", "voiding"],
        "completions": ["done", "pulled", "voiding"],  # voiding passes every filter
        "course": ["done", "about", "voiding"],  # related: context activities count
        "peer": ["done", "about", "pulled", "voiding"],
    }
    for target, names in expected.items():
        assert await queued(bridge, target) == [ids[n] for n in names], target

    # A batch refused as a whole stores nothing, and queues nothing.
    changed = {**done, "result": {"completion": False}}
    with pytest.raises(Conflict):
        await log.store_statements(
            [statement(6, activity), changed], version="1.0.3", writer=writer()
        )
    assert await queued(bridge, "central") == [ids[n] for n in expected["central"]]

    # A target removed takes its queue along, and gets nothing more.
    await bridge.remove_target("central")
    await log.store_statements([statement(7, activity)], version="1.0.3", writer=writer())
    assert await queued(bridge, "central") == []
    assert (await bridge.storage.queue_lengths()) == {"completions": 4, "course": 4, "peer": 5}


class Broken(Exception):
    """Raised by a hook after the bridge's, late in a statements' transaction."""


async def test_outbox_rows_commit_and_roll_back_with_their_statements(
    engine: EngineServices,
) -> None:
    """The outbox rows are written in the transaction that stores the statements: when
    that transaction fails after the bridge's hook ran, neither the statements nor their
    rows remain; once it commits, another connection sees both."""
    await engine.bridge.add_target({"name": "central", **REMOTE})
    activity = course("atomic")
    batch = [statement(1, activity), statement(2, activity)]

    def fail_now(conn: Any, new: Any) -> None:
        raise Broken

    async def fail_later(conn: Any, new: Any) -> None:
        await conn.execute("SELECT 1")
        raise Broken

    store = engine.store
    assert isinstance(store, SQLiteStore | PostgresStore)
    hooks: list[Any] = store.after_append
    failing = fail_now if isinstance(store, SQLiteStore) else fail_later
    hooks.append(failing)  # after the bridge's hook: its rows are written when this fails
    try:
        with pytest.raises(Broken):
            await engine.statements.store_statements(batch, version="1.0.3", writer=writer())
    finally:
        hooks.remove(failing)
    assert await queued(engine.bridge, "central") == []
    assert await engine.outside("SELECT COUNT(*) FROM statements") == [(0,)]
    assert await engine.outside("SELECT COUNT(*) FROM bridge_outbox") == [(0,)]

    await engine.statements.store_statements(batch, version="1.0.3", writer=writer())
    rows = await engine.outside(
        "SELECT s.id FROM bridge_outbox o JOIN statements s ON s.seq = o.seq"
        " WHERE o.target = ? ORDER BY o.seq",
        "central",
    )
    assert rows == [(batch[0]["id"],), (batch[1]["id"],)]


@pytest.mark.slow
async def test_a_refused_statement_is_recorded_and_the_rest_arrive_in_order(
    engine: EngineServices, settings: Settings, live_server: LiveServer
) -> None:
    activity = course("refused")
    first, clash, last = (statement(i, activity) for i in range(3))
    # The target has the middle one's id with other content: it will answer 409.
    with client(live_server) as http:
        other = {**clash, "result": {"completion": False}}
        assert http.post("/xapi/statements", json=[other]).status_code == 200
    await engine.bridge.add_target(
        {
            "name": "target",
            "endpoint": live_server.url + "/xapi/",
            "key": live_server.key,
            "secret": live_server.secret,
        }
    )
    await engine.statements.store_statements([first, clash, last], version="1.0.3", writer=writer())
    forwarder = Forwarder("target", engine.bridge.storage, engine.store, settings)
    target = await engine.bridge.get_target("target")
    await forwarder.deliver(target, await engine.bridge.storage.outbox("target", 100))

    target = await engine.bridge.get_target("target")
    assert (target.queue, target.sent_total, target.rejected_total) == (0, 2, 1)
    assert target.last_error is not None and target.last_error.startswith(
        f"statement {clash['id']} refused: HTTP 409"
    )
    (rejected,) = await engine.bridge.rejected("target")
    assert (rejected["statement_id"], rejected["status"]) == (clash["id"], 409)
    there = [s["id"] for s in fetch_all(live_server, activity=activity)]
    assert there == [clash["id"], first["id"], last["id"]]  # theirs first, then ours in order


# --- the JSON API ---------------------------------------------------------------------------


@pytest.fixture
async def api(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    people = services.people
    national = await people.create_user("nat@valmyndigheten.se", "national-admin", None, None)
    county = await people.create_user("lan@lansstyrelsen.se", "county-admin", "21", None)
    tokens = {
        "national": (await people.issue_token(str(national.id))).token,
        "county": (await people.issue_token(str(county.id))).token,
    }
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        http.headers["Authorization"] = f"Bearer {tokens['national']}"
        http.headers["X-County-Token"] = tokens["county"]  # for the 403 case below
        yield http


def _detail(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    assert set(body) == {"error", "details"}
    return body["details"][0]["path"], body["details"][0]["rule"]


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"name": "Stor Bokstav"}, "name", "name"),
        ({"endpoint": "ftp://lrs.example.se/xapi/"}, "endpoint", "url"),
        ({"endpoint": "https://user:pw@lrs.example.se/xapi/"}, "endpoint", "url"),
        ({"secret": None}, "secret", "required"),
        ({"key": "a:b"}, "key", "basic"),
        ({"version": "0.95"}, "version", "version"),
        ({"activity": "not an iri"}, "activity", "iri"),
        ({"related_activities": True}, "related_activities", "activity"),
        ({"interval_seconds": 5}, "interval_seconds", "range"),
        ({"colour": "blue"}, "colour", "unknown_field"),
    ],
)
async def test_bad_source_configuration_is_refused_naming_the_field(
    api: httpx.AsyncClient, services: Services, change: dict[str, Any], path: str, rule: str
) -> None:
    data = {"name": "county-21", **REMOTE, **change}
    response = await api.post("/api/v1/bridge/sources", json=data)
    assert response.status_code == 400
    assert _detail(response) == (path, rule)
    assert await services.bridge.list_sources() == []


async def test_sources_and_targets_over_the_api_for_national_admins_only(
    api: httpx.AsyncClient, services: Services
) -> None:
    secret = REMOTE["secret"]
    created = await api.post(
        "/api/v1/bridge/sources",
        json={
            **REMOTE,
            "name": "county-21",
            "endpoint": "http://127.0.0.1:9/xapi",
            "verb": COMPLETED,
            "interval_seconds": 600,
        },
    )
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == "/api/v1/bridge/sources/county-21"
    source = created.json()
    assert source["endpoint"] == "http://127.0.0.1:9/xapi/"  # an endpoint ends in '/'
    assert (source["verb"], source["interval_seconds"], source["checkpoint"]) == (
        COMPLETED,
        600,
        None,
    )
    again = await api.post("/api/v1/bridge/sources", json={"name": "county-21", **REMOTE})
    assert again.status_code == 409 and _detail(again) == ("name", "unique")
    target = await api.post(
        "/api/v1/bridge/targets", json={"name": "central", **REMOTE, "batch_size": 50}
    )
    assert target.status_code == 201 and target.json()["batch_size"] == 50
    bad_batch = await api.post(
        "/api/v1/bridge/targets", json={"name": "other", **REMOTE, "batch_size": 0}
    )
    assert bad_batch.status_code == 400 and _detail(bad_batch) == ("batch_size", "range")

    answers = [
        await api.get("/api/v1/bridge/sources"),
        await api.get("/api/v1/bridge/sources/county-21"),
        await api.get("/api/v1/bridge/targets"),
        await api.get("/api/v1/bridge/targets/central"),
        await api.get("/api/v1/bridge/outbox"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert secret not in answer.text and "secret" not in answer.text  # never shown
    assert answers[1].json()["problems"] == []
    assert answers[4].json() == {
        "targets": [
            {
                "name": "central",
                "queue": 0,
                "sent_total": 0,
                "rejected_total": 0,
                "last_sent_at": None,
                "last_error": None,
                "last_error_at": None,
            }
        ]
    }
    pull = await api.post("/api/v1/bridge/sources/county-21/pull")
    assert pull.status_code == 202 and pull.json() == {"source": "county-21", "pull": "started"}

    county = {"Authorization": f"Bearer {api.headers['X-County-Token']}"}
    refused = await api.get("/api/v1/bridge/sources", headers=county)
    assert refused.status_code == 403 and _detail(refused) == ("Authorization", "role")

    removed = await api.delete("/api/v1/bridge/sources/county-21")
    assert removed.status_code == 200 and removed.json() == {"removed": "county-21"}
    gone = await api.get("/api/v1/bridge/sources/county-21")
    assert gone.status_code == 404 and _detail(gone) == ("name", "not_found")
    actions = [entry.action for entry in reversed(await services.audit.entries(_national()))]
    assert actions[-3:] == ["bridge.source.add", "bridge.target.add", "bridge.source.remove"]


def _national() -> Any:
    from lrs_bridge.auth.access import Principal, Role

    return Principal(user_id=0, role=Role.NATIONAL_ADMIN)


async def test_metrics_show_each_targets_queue_and_errors(xapi: Any, services: Services) -> None:
    await services.bridge.add_target({"name": "central", **REMOTE})
    activity = course("metrics")
    response = await xapi.http.post(
        "/xapi/statements", json=[statement(i, activity) for i in range(3)]
    )
    assert response.status_code == 200
    await services.bridge.storage.record_target_error(
        "central", "HTTP 503: busy", 1_700_000_000_000_000
    )
    metrics = await xapi.http.get("/metrics", headers={"Authorization": ""})
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = metrics.text.splitlines()
    assert 'lrs_bridge_outbox_queue_length{target="central"} 3' in lines
    assert "# TYPE lrs_bridge_outbox_queue_length gauge" in lines
    assert (
        'lrs_bridge_forward_last_error_timestamp_seconds{target="central"} 1700000000.000000'
        in lines
    )
    assert 'lrs_bridge_forwarded_statements_total{target="central"} 0' in lines
    assert "lrs_bridge_statements_log_position 3" in lines
    assert REMOTE["secret"] not in metrics.text


# --- the command line -----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_sources_and_targets(tmp_path: Path) -> None:
    database = str(tmp_path / "cli.sqlite3")
    added = subprocess.run(
        [sys.executable, "-m", "lrs_bridge.cli", "sources", "add", "upstream", "--endpoint",
         "https://lrs.kommun.se/xapi", "--key", "nyckel", "--secret-stdin", "--activity",
         "https://valmyndigheten.se/xapi/courses/intro", "--interval", "900",
         "--database", database],
        input="hemligt-lösen\n", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("source upstream added: https://lrs.kommun.se/xapi/")
    target = run_cli("targets", "add", "central", "--endpoint", "http://central.example/xapi/",
                     "--key", "k", "--database", database)  # fmt: skip
    assert target.returncode == 2
    assert target.stderr == (
        "lrs-bridge: give the secret with --secret-stdin or --secret-env NAME (one of them)\n"
    )
    target = run_cli("targets", "add", "central", "--endpoint", "http://central.example/xapi/",
                     "--key", "k", "--secret-env", "CENTRAL_SECRET", "--peer-credential", "abc",
                     "--database", database, env={"CENTRAL_SECRET": "s3"})  # fmt: skip
    assert target.returncode == 0, target.stderr
    listing = run_cli("sources", "list", "--database", database)
    assert listing.stdout.splitlines()[0] == (
        "upstream  https://lrs.kommun.se/xapi/  xAPI 1.0.3  "
        "activity https://valmyndigheten.se/xapi/courses/intro  every 900 s"
    )
    assert "hemligt" not in listing.stdout
    outbox = run_cli("outbox", "--json", "--database", database)
    (entry,) = json.loads(outbox.stdout)
    assert (entry["name"], entry["queue"], entry["peer_credential"]) == ("central", 0, "abc")
    missing = run_cli("sources", "remove", "nowhere", "--database", database)
    assert missing.returncode == 2
    assert missing.stderr == "lrs-bridge: no bridge source named 'nowhere'\n"
    pull = run_cli("pull", "nowhere", "--database", database)
    assert (pull.returncode, pull.stderr) == (2, "lrs-bridge: no bridge source named 'nowhere'\n")
    removed = run_cli("targets", "remove", "central", "--database", database)
    assert removed.stdout == "removed target central and its outbox\n"


@pytest.mark.slow
async def test_the_service_pulls_a_scheduled_source_and_forwards_in_the_background(
    engine: EngineServices, live_server: LiveServer
) -> None:
    """The background work the HTTP service starts: a source with an interval is pulled at
    once (it never was), and what it brings is forwarded to a target, but not back."""
    activity = course("scheduled")
    upstream = [statement(i, activity) for i in range(12)]
    with client(live_server) as http:
        assert http.post("/xapi/statements", json=upstream).status_code == 200
    remote = {
        "endpoint": live_server.url + "/xapi/",
        "key": live_server.key,
        "secret": live_server.secret,
    }
    await engine.bridge.add_source({"name": "county", **remote, "interval_seconds": 3600})
    await engine.bridge.add_target({"name": "county", **remote})  # the same LRS: no loop
    ours = statement(99, activity)
    await engine.statements.store_statements([ours], version="1.0.3", writer=writer())
    await engine.bridge.start()
    try:
        for _ in range(300):
            source = await engine.bridge.get_source("county")
            target = await engine.bridge.get_target("county")
            if source.last_success_at and target.queue == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        await engine.bridge.stop()
    assert (source.pulled_total, source.checkpoint is not None) == (12, True)
    assert (target.queue, target.sent_total) == (0, 1)  # only our own went there
    there = [s["id"] for s in fetch_all(live_server, activity=activity)]
    assert there == [s["id"] for s in upstream] + [ours["id"]]
