"""Statements to bridge, and reading both sides back: over xAPI and from the SQLite files."""

from __future__ import annotations

import hashlib
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from tests.conftest import LiveServer

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def course(tag: str) -> str:
    return f"https://valmyndigheten.se/xapi/courses/{tag}-{uuid.uuid4().hex[:8]}"


def statement(index: int, activity: str, verb: str = COMPLETED) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            # Names beyond ISO-8859-1 (Sami Ŋ, Polish ł): tincan alone cannot send them.
            "name": f"Deltagare {index} Ŋuolja Łukasz",
            "mbox": f"mailto:deltagare{index}@kommun.se",
        },
        "verb": {"id": verb, "display": {"sv-SE": "slutförde"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"sv-SE": "Introduktion till valsäkerhet"}},
        },
        "result": {"completion": True, "duration": "PT12M3.5S"},
        "timestamp": "2026-05-04T10:00:00.000Z",
    }


def client(server: LiveServer, key: str = "", secret: str = "") -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        auth=(key or server.key, secret or server.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=30,
    )


def post(server: LiveServer, statements: list[dict[str, Any]]) -> None:
    with client(server) as http:
        response = http.post("/xapi/statements", json=statements)
        assert response.status_code == 200, response.text
        assert response.json() == [s["id"] for s in statements]


def fetch_all(server: LiveServer, **params: str) -> list[dict[str, Any]]:
    """Every (unvoided) statement, oldest first, following ``more`` links."""
    found: list[dict[str, Any]] = []
    with client(server) as http:
        response = http.get("/xapi/statements", params={"ascending": "true", **params})
        while True:
            assert response.status_code == 200, response.text
            page = response.json()
            found += page["statements"]
            if not page["more"]:
                return found
            response = http.get(page["more"])


def log_rows(database: str) -> list[dict[str, Any]]:
    """The statement log of a SQLite file, in log order, read directly."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT seq, id, body, stored, origin_stored, source, voided, credential"
            " FROM statements ORDER BY seq"
        ).fetchall()
    return [
        {
            "seq": seq,
            "id": sid,
            "body": orjson.loads(body),
            "stored": stored,
            "origin_stored": origin,
            "source": source,
            "voided": bool(voided),
            "credential": credential,
        }
        for seq, sid, body, stored, origin, source, voided, credential in rows
    ]


def content(body: dict[str, Any], *drop: str) -> dict[str, Any]:
    """A statement without what each LRS assigns itself (``stored``, and ``drop``)."""
    return {k: v for k, v in body.items() if k not in ("stored", *drop)}


def micros(timestamp: str) -> int:
    from statements.models.base import parse_timestamp
    from statements.query import to_micros

    return to_micros(parse_timestamp(timestamp))


def eventually(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    """Poll ``check`` until it returns something true (not a timed assertion: a bound on
    waiting for background work, failing with ``what``)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


def metric(server: LiveServer, name: str, labels: str) -> float | None:
    """One value of the server's /metrics (None when absent)."""
    text = httpx.get(server.url + "/metrics", timeout=10).text
    for line in text.splitlines():
        if line.startswith(f"{name}{{{labels}}} "):
            return float(line.rsplit(" ", 1)[1])
    return None


def post_with_attachment(server: LiveServer, item: dict[str, Any], data: bytes) -> None:
    """Send a statement with a text attachment as multipart/mixed (adds the attachment)."""
    sha2 = hashlib.sha256(data).hexdigest()
    item["attachments"] = [
        {
            "usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
            "display": {"sv-SE": "Intyg"},
            "contentType": "text/plain",
            "length": len(data),
            "sha2": sha2,
        }
    ]
    body = (
        b"--b\r\nContent-Type: application/json\r\n\r\n"
        + orjson.dumps(item)
        + b"\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
        + f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        + data
        + b"\r\n--b--\r\n"
    )
    with client(server) as http:
        response = http.post(
            "/xapi/statements",
            content=body,
            headers={"Content-Type": 'multipart/mixed; boundary="b"'},
        )
    assert response.status_code == 200, response.text


def attachment_data(database: str) -> dict[str, bytes]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return {
            sha2: bytes(data) for sha2, data in conn.execute("SELECT sha2, data FROM attachments")
        }
