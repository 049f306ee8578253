"""An acknowledged statement survives ``kill -9`` of the server (synchronous=FULL, WAL,
group commit answers only after COMMIT), and a batch is stored whole or not at all even
when the server dies under it."""

from __future__ import annotations

import os
import signal
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import start_server

pytestmark = pytest.mark.slow  # starts real processes

WORKERS = 8
KILL_AFTER = 300  # acknowledged statements before the kill
MAX_REQUESTS = 5_000  # bound on the stream if the kill never comes


@dataclass
class Attempt:
    statements: list[dict[str, Any]]
    acknowledged: bool = False


def _statement(index: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"name": f"Deltagare {index}", "mbox": f"mailto:deltagare{index}@kommun.se"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"sv": "klar"}},
        "object": {
            "id": "https://valmyndigheten.se/xapi/intro",
            "definition": {"name": {"sv-SE": "Introduktion"}},
        },
        "result": {
            "completion": True,
            "duration": "PT12M",
            "extensions": {"https://x.se/n": index},
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"grouping": [{"id": "https://valmyndigheten.se/xapi"}]},
        },
        "timestamp": "2026-11-22T12:00:00.000Z",
    }


def test_every_acknowledged_statement_survives_sigkill(tmp_path: Path) -> None:
    database = str(tmp_path / "crash.sqlite3")
    server = start_server(database, tmp_path / "server.log")
    attempts: list[Attempt] = []
    acknowledged = 0
    lock = threading.Lock()
    killed = threading.Event()
    counter = iter(range(MAX_REQUESTS * 3))

    def send(client: httpx.Client, attempt: Attempt, kind: int) -> bool:
        """One request: a single POST, a batch POST of three, or a PUT."""
        if kind == 2:
            body = attempt.statements[0]
            response = client.put("/xapi/statements", params={"statementId": body["id"]}, json=body)
            return response.status_code == 204
        payload: Any = attempt.statements if kind == 1 else attempt.statements[0]
        response = client.post("/xapi/statements", json=payload)
        if response.status_code != 200:
            return False
        assert response.json() == [s["id"] for s in attempt.statements]
        return True

    def post_until_killed() -> None:
        nonlocal acknowledged
        with httpx.Client(
            base_url=server.url,
            auth=(server.key, server.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        ) as client:
            while not killed.is_set():
                with lock:
                    if len(attempts) >= MAX_REQUESTS:
                        return
                    kind = len(attempts) % 3
                    size = 3 if kind == 1 else 1
                    attempt = Attempt([_statement(next(counter)) for _ in range(size)])
                    attempts.append(attempt)
                try:
                    ok = send(client, attempt, kind)
                except httpx.HTTPError:
                    return  # the server is gone: this one was never acknowledged
                if ok:
                    with lock:
                        attempt.acknowledged = True
                        acknowledged += len(attempt.statements)
                        if acknowledged >= KILL_AFTER and not killed.is_set():
                            os.kill(server.process.pid, signal.SIGKILL)
                            killed.set()

    threads = [threading.Thread(target=post_until_killed) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    server.process.wait(10)
    assert killed.is_set() and server.process.returncode == -signal.SIGKILL
    assert acknowledged >= KILL_AFTER

    restarted = start_server(database, tmp_path / "server.log", server.key, server.secret)
    try:
        with httpx.Client(
            base_url=restarted.url,
            auth=(server.key, server.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as client:
            stored: dict[str, dict[str, Any]] = {}
            url = "/xapi/statements?limit=500&ascending=true"
            while url:
                page = client.get(url).json()
                stored.update({s["id"]: s for s in page["statements"]})
                url = page["more"]
    finally:
        restarted.stop()

    for attempt in attempts:
        present = [s["id"] in stored for s in attempt.statements]
        if attempt.acknowledged:
            assert all(present)
            for sent in attempt.statements:
                kept = stored[sent["id"]]
                assert {k: kept[k] for k in sent} == sent  # unchanged, every property
                assert kept["authority"]["account"]["name"] == server.key
        else:
            assert all(present) or not any(present)  # a batch is whole or absent
    assert len(stored) >= acknowledged
