"""The bridge between real instances of this service on loopback: pulling a thousand
statements with paging through a kill and a resume, a malformed statement and a failing
upstream, forwarding to a target that is down and then comes back, two instances that
forward to each other, and the ``tincan`` client against a real server."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from tincan import Activity, Agent, RemoteLRS, Statement, Verb
from tincan.http_request import HTTPRequest

from lrs_bridge.bridge.client import BridgeLRS, RemoteError
from lrs_bridge.bridge.model import Remote
from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from statements.log import Writer
from tests.conftest import LiveServer, free_port, run_cli, start_server
from tests.lrs_bridge.bridge.helpers import (
    COMPLETED,
    VOIDED,
    attachment_data,
    client,
    content,
    course,
    eventually,
    fetch_all,
    log_rows,
    metric,
    micros,
    post,
    post_with_attachment,
    statement,
)
from tests.lrs_bridge.bridge.proxy import GateProxy

pytestmark = pytest.mark.slow

FAST = {
    "LRS_BRIDGE_REMOTE_RETRY_FIRST_SECONDS": "0.05",
    "LRS_BRIDGE_REMOTE_RETRY_MAX_SECONDS": "0.5",
    "LRS_BRIDGE_REMOTE_TIMEOUT_SECONDS": "5",
}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={**FAST, **(env or {})})


def add_source(database: str, name: str, endpoint: str, key: str, secret: str, *flags: str) -> None:
    done = cli(
        "sources", "add", name, "--endpoint", endpoint, "--key", key, "--secret-env", "SECRET",
        "--database", database, *flags, env={"SECRET": secret},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout


def source_row(database: str, name: str) -> dict[str, Any]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM bridge_sources WHERE name = ?", (name,)).fetchone())


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The upstream LRS, with small pages so that a thousand statements take twenty."""
    folder = tmp_path_factory.mktemp("upstream")
    server = start_server(
        str(folder / "upstream.sqlite3"),
        folder / "server.log",
        env={"LRS_BRIDGE_MAX_STATEMENTS_PER_PAGE": "50"},
    )
    try:
        yield server
    finally:
        server.stop()


def _read_terminal(master: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side is closed and everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_pull_a_thousand_statements_killed_mid_way_and_resumed(
    upstream: LiveServer, tmp_path: Path
) -> None:
    activity = course("pull")
    sent = [statement(i, activity) for i in range(1000)]
    for start in range(0, 1000, 125):  # 125 per transaction: pages of 50 end inside them
        post(upstream, sent[start : start + 125])
    local = str(tmp_path / "local.sqlite3")
    proxy = GateProxy(upstream.url)
    proxy.plan.extend(["pass"] * 7)
    proxy.default = "hold"  # the eighth page never comes: the puller waits there
    try:
        add_source(local, "county", proxy.url + "/xapi/", upstream.key, upstream.secret,
                   "--activity", activity)  # fmt: skip
        puller = subprocess.Popen(
            [sys.executable, "-m", "lrs_bridge.cli", "pull", "county", "--database", local],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **FAST},
        )
        try:
            assert proxy.holding.wait(60), "the pull never asked for its eighth page"
            os.kill(puller.pid, signal.SIGKILL)
        finally:
            puller.kill()
            puller.wait(10)
        assert puller.returncode == -signal.SIGKILL
        # Every page, and the checkpoint after it, is committed before the next is asked for.
        rows = log_rows(local)
        assert [r["id"] for r in rows] == [s["id"] for s in sent[:350]]
        assert source_row(local, "county")["checkpoint"] == rows[-1]["origin_stored"]

        proxy.release()
        master, terminal = pty.openpty()  # stderr on a terminal: the progress bar shows
        resumed = subprocess.run(
            [sys.executable, "-m", "lrs_bridge.cli", "pull", "county", "--database", local],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env={**os.environ, **FAST},
            text=True,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        bar = _read_terminal(master)
        assert resumed.returncode == 0, bar
        found = re.search(
            r"(\d+) statements received in (\d+) pages, (\d+) new, (\d+) stored before, 0 bad",
            resumed.stdout,
        )
        assert found, resumed.stdout
        received, _, new, before = (int(n) for n in found.groups())
        # The resume asks again from just before the checkpoint: the rest of the transaction
        # the checkpoint lies in comes again, is recognised by id, and is not stored twice.
        assert new == 650 and before >= 100 and received == new + before
        assert re.search(r"county \[#+\.*\] +\d+%", bar), bar
        resume_request = proxy.requests[8][1]
        assert "since=" in resume_request and "ascending=true" in resume_request
    finally:
        proxy.close()

    origin = fetch_all(upstream, activity=activity)
    here = log_rows(local)
    assert [s["id"] for s in origin] == [s["id"] for s in sent]
    assert [r["id"] for r in here] == [s["id"] for s in sent]  # each once, in the origin's order
    for theirs, ours in zip(origin, here, strict=True):
        assert content(ours["body"]) == content(theirs)  # the origin's authority is kept
        assert ours["origin_stored"] == micros(theirs["stored"])  # the deadline clock
        assert (ours["source"], ours["credential"]) == ("county", None)
    assert source_row(local, "county")["pulled_total"] == 1000


async def _store_locally(database: str, statements: list[dict[str, Any]]) -> None:
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open(background=False)
    try:
        await services.statements.store_statements(
            statements, version="1.0.3", writer=Writer(authority=None, credential="local")
        )
    finally:
        await services.close()


def test_bad_statements_are_reported_and_skipped_and_a_failing_upstream_is_retried(
    upstream: LiveServer, tmp_path: Path
) -> None:
    activity = course("bad")
    sent = [statement(i, activity) for i in range(30)]
    post(upstream, sent[:29])
    data = "Intyg för Łukasz".encode()
    post_with_attachment(upstream, sent[29], data)  # pulled with its attachment's bytes
    local = str(tmp_path / "local.sqlite3")
    # Stored here already with other content: the upstream's copy is a conflict.
    conflicting = sent[20]["id"]
    asyncio.run(_store_locally(local, [{**sent[20], "result": {"completion": False}}]))
    # The upstream refuses invalid statements, so one is broken in its database file.
    broken = sent[7]["id"]
    with sqlite3.connect(upstream.database) as conn:
        (body,) = conn.execute("SELECT body FROM statements WHERE id = ?", (broken,)).fetchone()
        changed = orjson.loads(body)
        changed["actor"]["mbox"] = "deltagare7-at-kommun.se"
        conn.execute("UPDATE statements SET body = ? WHERE id = ?", (orjson.dumps(changed), broken))

    proxy = GateProxy(upstream.url)
    proxy.plan.extend(["503", "hang", "pass"])  # a 5xx, then no answer in time, then fine
    try:
        add_source(local, "municipal", proxy.url + "/xapi/", upstream.key, upstream.secret,
                   "--activity", activity)  # fmt: skip
        done = cli(
            "pull", "municipal", "--json", "--database", local,
            env={"LRS_BRIDGE_REMOTE_TIMEOUT_SECONDS": "1"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert proxy.actions()[:3] == ["503", "hang", "pass"]
        result = json.loads(done.stdout)
        assert (result["received"], result["stored"]) == (30, 28)
        bad = {p["statement_id"]: p for p in result["bad"]}
        assert set(bad) == {broken, conflicting}
        assert bad[broken]["details"][0]["path"] == "actor.mbox"
        assert bad[broken]["details"][0]["rule"] == "xapi_mailto"
        assert bad[conflicting]["details"][0]["rule"] == "conflict"
        assert f"bad statement {broken} from municipal, stored nowhere: actor.mbox" in done.stderr
        here = {r["id"]: r for r in log_rows(local)}
        assert broken not in here  # stored nowhere
        assert here[conflicting]["body"]["result"] == {"completion": False}  # left as it was
        assert set(here) == {s["id"] for s in sent} - {broken}
        assert here[sent[29]["id"]]["body"]["attachments"] == sent[29]["attachments"]
        assert data in attachment_data(local).values()

        # An upstream that stays down: the pull stops after its tries, and says so.
        proxy.default = "503"
        down = cli(
            "pull", "municipal", "--database", local,
            env={"LRS_BRIDGE_REMOTE_PULL_ATTEMPTS": "3"},
        )  # fmt: skip
        assert down.returncode == 2
        assert "pull from municipal stopped" in down.stderr and "HTTP 503" in down.stderr
        assert proxy.actions()[-3:] == ["503", "503", "503"]
    finally:
        proxy.close()
    listing = cli("sources", "list", "--json", "--database", local)
    (source,) = json.loads(listing.stdout)
    assert source["last_error"].startswith("HTTP 503") and source["bad_total"] == 2
    assert "secret" not in source and upstream.secret not in listing.stdout


def test_forward_while_the_target_is_down_then_everything_arrives_in_order(
    tmp_path: Path,
) -> None:
    b_database = str(tmp_path / "b.sqlite3")
    created = cli("credentials", "create", "--database", b_database, "--label", "county a",
                  "--scope", "all", "--json")  # fmt: skip
    b_credential = json.loads(created.stdout)
    b_port = free_port()
    a = start_server(str(tmp_path / "a.sqlite3"), tmp_path / "a.log", env=FAST)
    b: LiveServer | None = None
    try:
        added = cli(
            "targets", "add", "central", "--endpoint", f"http://127.0.0.1:{b_port}/xapi/",
            "--key", b_credential["key"], "--secret-env", "SECRET", "--batch-size", "40",
            "--database", a.database, env={"SECRET": b_credential["secret"]},
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        activity = course("forward")
        statements = [statement(i, activity) for i in range(300)]
        for start, size in ((0, 1), (1, 99), (100, 150), (250, 50)):
            post(a, statements[start : start + size])
        voiding = {**statement(300, activity, VOIDED)}
        voiding["object"] = {"objectType": "StatementRef", "id": statements[5]["id"]}
        post(a, [voiding])
        with_file = statement(301, activity)
        data = "Intyg: Ŋuolja har slutfört kursen.".encode()
        post_with_attachment(a, with_file, data)

        label = 'target="central"'
        eventually(
            lambda: (
                metric(a, "lrs_bridge_outbox_queue_length", label) == 302
                and (metric(a, "lrs_bridge_forward_last_error_timestamp_seconds", label) or 0) > 0
            ),
            "the forwarder meets the target down and says so",
        )
        outbox = cli("outbox", "--database", a.database)
        assert "central  queue 302  sent 0  rejected 0" in outbox.stdout
        assert "cannot reach the LRS" in outbox.stdout

        b = start_server(b_database, tmp_path / "b.log", b_credential["key"],
                         b_credential["secret"], port=b_port)  # fmt: skip
        eventually(
            lambda: metric(a, "lrs_bridge_outbox_queue_length", label) == 0,
            "the outbox drains once the target is up",
        )
        assert metric(a, "lrs_bridge_forwarded_statements_total", label) == 302
        assert metric(a, "lrs_bridge_forward_rejected_statements_total", label) == 0
        assert (metric(a, "lrs_bridge_forward_last_success_timestamp_seconds", label) or 0) > 0
        theirs, ours = log_rows(b.database), log_rows(a.database)
        assert [r["id"] for r in theirs] == [r["id"] for r in ours]  # every one, in order
        for there, here in zip(theirs, ours, strict=True):
            assert content(there["body"], "authority") == content(here["body"], "authority")
            assert there["voided"] == here["voided"]
        assert [r["voided"] for r in theirs].count(True) == 1
        with client(b) as http:
            fetched = http.get(
                "/xapi/statements",
                params={"statementId": with_file["id"], "attachments": "true"},
            )
        assert fetched.status_code == 200 and data in fetched.content
        assert attachment_data(b.database) == attachment_data(a.database)
    finally:
        a.stop()
        if b is not None:
            b.stop()


def _national_token(database: str) -> str:
    created = cli("users", "create", "--email", "bridge@valmyndigheten.se", "--role",
                  "national-admin", "--token", "--json", "--database", database)  # fmt: skip
    assert created.returncode == 0, created.stderr
    token: str = json.loads(created.stdout)["token"]
    return token


def test_two_instances_forwarding_to_each_other_send_nothing_back(tmp_path: Path) -> None:
    servers: dict[str, LiveServer] = {}
    tokens: dict[str, str] = {}
    peers: dict[str, dict[str, str]] = {}
    try:
        for name in ("a", "b"):
            database = str(tmp_path / f"{name}.sqlite3")
            tokens[name] = _national_token(database)
            # The credential the other instance sends statements here with.
            made = cli("credentials", "create", "--database", database, "--label", "peer",
                       "--scope", "statements/write", "--json")  # fmt: skip
            peers[name] = json.loads(made.stdout)
            servers[name] = start_server(database, tmp_path / f"{name}.log", env=FAST)
        for here, there in (("a", "b"), ("b", "a")):
            response = httpx.post(
                f"{servers[here].url}/api/v1/bridge/targets",
                headers={"Authorization": f"Bearer {tokens[here]}"},
                json={
                    "name": there,
                    "endpoint": f"{servers[there].url}/xapi/",
                    "key": peers[there]["key"],
                    "secret": peers[there]["secret"],
                    "peer_credential": peers[here]["key"],
                    "batch_size": 7,
                },
                timeout=10,
            )
            assert response.status_code == 201, response.text
            assert response.json()["peer_credential"] == peers[here]["key"]
            assert peers[there]["secret"] not in response.text
        activity = course("loop")
        own = {
            "a": [statement(i, activity) for i in range(20)],
            "b": [statement(i, activity) for i in range(20, 40)],
        }
        post(servers["a"], own["a"])
        post(servers["b"], own["b"])

        def outbox(here: str) -> dict[str, Any]:
            response = httpx.get(
                f"{servers[here].url}/api/v1/bridge/outbox",
                headers={"Authorization": f"Bearer {tokens[here]}"},
                timeout=10,
            )
            (target,) = response.json()["targets"]
            return dict(target)

        def settled() -> bool:
            return all(
                len(log_rows(servers[n].database)) == 40 and outbox(n)["queue"] == 0
                for n in servers
            )

        eventually(settled, "both instances hold all forty statements, outboxes empty")
        # The outbox rows are written with the statements: once both hold all forty and
        # both outboxes are empty, nothing more can be sent. Each sent only its own.
        assert outbox("a")["sent_total"] == 20 and outbox("b")["sent_total"] == 20
        rows = {n: {r["id"]: r for r in log_rows(servers[n].database)} for n in servers}
        assert set(rows["a"]) == set(rows["b"]) == {s["id"] for s in own["a"] + own["b"]}
        for sid, row in rows["a"].items():
            assert content(row["body"], "authority") == content(rows["b"][sid]["body"], "authority")
    finally:
        for server in servers.values():
            server.stop()


def test_the_tincan_client_against_a_real_server(upstream: LiveServer) -> None:
    activity = course("tincan")
    endpoint = upstream.url + "/xapi/"
    plain = RemoteLRS(endpoint=endpoint, username=upstream.key, password=upstream.secret)
    saved = plain.save_statements(
        [
            Statement(
                actor=Agent(name=f"Deltagare {i}", mbox=f"mailto:deltagare{i}@kommun.se"),
                verb=Verb(id=COMPLETED),
                object=Activity(id=activity),
            )
            for i in range(60)
        ]
    )
    assert saved.success, saved.data
    ids = [str(s.id) for s in saved.content]

    bridge = BridgeLRS(Remote(endpoint, upstream.key, upstream.secret, "2.0.0"), timeout=10)
    page = bridge.query_page({"activity": activity, "ascending": True})
    pages, found = 1, list(page.statements)
    while page.more:
        page = bridge.more_page(page.more)
        pages, found = pages + 1, found + page.statements
    assert pages == 2 and [s["id"] for s in found] == ids
    assert found[0]["version"] == "1.0.3" and page.consistent_through is not None

    # tincan turns every body into a str, which http.client encodes as ISO-8859-1: a
    # statement as stored (UTF-8 JSON) with a Sami or Polish name cannot be sent by it.
    odd = statement(0, activity)
    raw = orjson.dumps([odd])
    request = HTTPRequest(
        method="POST",
        resource="statements",
        headers={"Content-Type": "application/json"},
        content=raw,
    )
    with pytest.raises(UnicodeEncodeError):
        plain._send_request(request)
    answer = bridge.post_statements([orjson.dumps(odd)])
    assert answer.ok and orjson.loads(answer.data) == [odd["id"]]
    fetched = plain.retrieve_statement(odd["id"])  # tincan reads it back, name intact
    assert fetched.success and fetched.content.actor.name == odd["actor"]["name"]

    refused = bridge.post_statements([b'{"actor": {}}'])
    error = refused.error()
    assert refused.status == 400 and error.message.startswith("HTTP 400: ") and not error.transient
    wrong = BridgeLRS(Remote(endpoint, upstream.key, "wrong", "1.0.3"), timeout=10)
    with pytest.raises(RemoteError) as denied:
        wrong.query_page({})
    assert denied.value.status == 401 and not denied.value.transient

    proxy = GateProxy(upstream.url)
    proxy.default = "hang"
    try:
        slow = BridgeLRS(Remote(proxy.url + "/xapi/", upstream.key, upstream.secret), timeout=0.5)
        with pytest.raises(RemoteError, match=r"no answer within 0.5 s") as caught:
            slow.query_page({"activity": activity})
        assert caught.value.transient
    finally:
        proxy.close()
