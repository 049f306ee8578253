"""An acknowledged statement survives ``kill -9`` of the server (synchronous=FULL, WAL,
group commit answers only after COMMIT)."""

from __future__ import annotations

import os
import signal
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import start_server

WORKERS = 8
KILL_AFTER = 300  # acknowledged statements before the kill


def _statement(index: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:deltagare{index}@kommun.se"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://valmyndigheten.se/xapi/intro"},
        "result": {"completion": True, "extensions": {"https://x.se/n": index}},
    }


def test_every_acknowledged_statement_survives_sigkill(tmp_path: Path) -> None:
    database = str(tmp_path / "crash.sqlite3")
    server = start_server(database, tmp_path / "server.log")
    acknowledged: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    killed = threading.Event()
    counter = iter(range(100_000))

    def post_until_killed() -> None:
        with httpx.Client(
            base_url=server.url,
            auth=(server.key, server.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        ) as client:
            while not killed.is_set():
                statement = _statement(next(counter))
                try:
                    response = client.post("/xapi/statements", json=statement)
                except httpx.HTTPError:
                    return  # the server is gone: this one was never acknowledged
                if response.status_code == 200:
                    assert response.json() == [statement["id"]]
                    with lock:
                        acknowledged[statement["id"]] = statement
                        if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                            os.kill(server.process.pid, signal.SIGKILL)
                            killed.set()

    threads = [threading.Thread(target=post_until_killed) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    server.process.wait(10)
    assert killed.is_set() and server.process.returncode == -signal.SIGKILL
    assert len(acknowledged) >= KILL_AFTER

    restarted = start_server(database, tmp_path / "server.log", server.key, server.secret)
    try:
        with httpx.Client(
            base_url=restarted.url,
            auth=(server.key, server.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as client:
            stored = {}
            url = "/xapi/statements?limit=500&ascending=true"
            while url:
                page = client.get(url).json()
                stored.update({s["id"]: s for s in page["statements"]})
                url = page["more"]
        missing = set(acknowledged) - set(stored)
        assert missing == set()
        for statement_id, sent in acknowledged.items():
            kept = stored[statement_id]
            for key in ("actor", "verb", "object", "result"):
                assert kept[key] == sent[key]
    finally:
        restarted.stop()
