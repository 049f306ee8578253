"""Bad input, tried systematically against every xAPI route: each answer is a 4xx JSON
error naming the field (or header, or path) at fault, and the store is left unchanged.

Most cases run in-process (the app over ASGI); the transport-level ones (bodies larger
than the limit, deep nesting, raw bytes in headers) also run against a real server
process, which must stay up.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from statements.storage.sqlite import path_from_url
from tests.conftest import LiveServer, XapiClient

MAX_BODY = 64 * 1024
NOBODYS_ID = "3f8a2d6c-1b7e-4c59-9e0d-5a4b2c1f7e38"
"""A statement id nothing is stored under (fixed: test ids must be the same in every
pytest-xdist worker)."""
AGENT = '{"mbox": "mailto:deltagare@kommun.se"}'
ACTIVITY = "https://valmyndigheten.se/xapi/intro"
STATEMENT: dict[str, Any] = {
    "actor": {"mbox": "mailto:deltagare@kommun.se"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": ACTIVITY},
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings with a small body limit, so 413 needs no 16 MB request."""
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        max_body_bytes=MAX_BODY,
    )


DERIVED = ('INSERT INTO "progress"', 'INSERT INTO "progress_checkpoint"')


def dump(database: str) -> list[str]:
    """Every row of every table (a SQLite file or path, or a PostgreSQL URL): equal dumps
    mean an unchanged store. The progress ledger is left out: the projector updates it in
    the background from statements stored earlier, and it is derived from the statement
    log, which is compared."""
    if database.startswith(("postgresql:", "postgres:")):
        return _dump_postgresql(database)
    with closing(
        sqlite3.connect(path_from_url(database) if "://" in database else database)
    ) as conn:
        return [line for line in conn.iterdump() if not line.startswith(DERIVED)]


def _dump_postgresql(url: str) -> list[str]:
    async def rows() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            tables = await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() ORDER BY table_name"
            )
            lines: list[str] = []
            for (table,) in tables:
                if table in ("progress", "progress_checkpoint"):
                    continue
                for row in await conn.fetch(f'SELECT * FROM "{table}" ORDER BY 1'):
                    lines.append(f"{table} {tuple(row.values())!r}")
            return lines
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:  # safe inside the test's running loop
        return pool.submit(asyncio.run, rows()).result()


@dataclass
class Seeded:
    """The module's one seeded service: its app, credential and the dump taken after
    seeding, which every test's store must still equal."""

    app: Starlette
    services: Services
    key: str
    secret: str
    database: str
    dump: list[str]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded_service(shared_database_url: str) -> AsyncIterator[Seeded]:
    """One service on one database for the whole module (per engine pass), holding two
    statements and a state document. The tests that use it only send refused requests;
    ``seeded`` proves after each one that the store is still exactly this dump."""
    settings = load_settings(
        database_url=shared_database_url,
        public_url="http://lrs.test",
        max_body_bytes=MAX_BODY,
    )
    services = Services.build(settings)
    await services.open()
    try:
        app = create_app(settings, services)
        created = await services.credentials.create("test client", ["all"])
        key, secret = created.credential.key, created.secret
        first = {**STATEMENT, "id": str(uuid.uuid4())}
        second = {
            **STATEMENT,
            "id": str(uuid.uuid4()),
            "context": {"registration": str(uuid.uuid4())},
        }
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://lrs.test",
            headers=_headers(key, secret),
        ) as http:
            response = await http.post("/xapi/statements", json=[first, second])
            assert response.status_code == 200
            response = await http.put(
                "/xapi/activities/state",
                params={"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"},
                json={"page": 3},
            )
            assert response.status_code == 204
        yield Seeded(app, services, key, secret, shared_database_url, dump(shared_database_url))
    finally:
        await services.close()


def _headers(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}


_clients = itertools.count(1)


@pytest_asyncio.fixture(loop_scope="module")
async def seeded(seeded_service: Seeded) -> AsyncIterator[XapiClient]:
    """A client of the module's seeded service, and a check, after the test, that nothing
    in the store changed. Each test's requests come from a client address of their own, so
    the per-address failure throttles start empty, as on a service of its own."""
    number = next(_clients)
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    shared = seeded_service
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=shared.app, client=(address, 50000)),
        base_url="http://lrs.test",
        headers=_headers(shared.key, shared.secret),
    ) as http:
        yield XapiClient(http, shared.key, shared.secret, shared.services)
    assert dump(seeded_service.database) == seeded_service.dump, (
        "a refused request changed the store"
    )


SHARED = pytest.mark.asyncio(loop_scope="module")
"""Tests on ``seeded`` run on the module's event loop, where its service runs."""


def assert_error(
    response: httpx.Response, status: int, path: str | None = None, rule: str | None = None
) -> dict[str, Any]:
    """A JSON error of the one shape, with ``status``, naming ``path`` (and ``rule``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "details"}
    assert isinstance(body["error"], str) and body["error"]
    if path is not None:
        paths = [detail["path"] for detail in body["details"]]
        assert any(p == path or p.startswith(path) for p in paths), (path, body)
    if rule is not None:
        assert rule in [detail["rule"] for detail in body["details"]], (rule, body)
    return body


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def with_body(raw: bytes) -> bytes:
    """A statement whose result.extensions carries ``raw`` JSON."""
    head = orjson.dumps(STATEMENT)[:-1]
    return head + b',"result":{"extensions":{"https://x.se/e":' + raw + b"}}}"


# --- bodies ----------------------------------------------------------------------------------

BAD_BODIES: list[tuple[str, bytes, str, str]] = [
    # malformed JSON
    ("truncated", b'{"actor": ', "$", "json"),
    ("trailing comma", b'{"actor": {"mbox": "mailto:a@b.se"},}', "$", "json"),
    ("single quotes", b"{'actor': 1}", "$", "json"),
    ("NaN", b"NaN", "$", "json"),
    ("empty", b"", "$", "json"),
    ("two documents", orjson.dumps(STATEMENT) + orjson.dumps(STATEMENT), "$", "json"),
    # wrong types
    ("a string", b'"statement"', "$", "type"),
    ("null", b"null", "$", "type"),
    ("a number", b"42", "$", "type"),
    ("array of numbers", b"[1, 2]", "[0]", "type"),
    ("empty array", b"[]", "$", "empty"),
    ("actor a number", orjson.dumps({**STATEMENT, "actor": 1}), "actor", "model_type"),
    ("verb id a number", orjson.dumps({**STATEMENT, "verb": {"id": 5}}), "verb.id", "string_type"),
    ("timestamp a bool", orjson.dumps({**STATEMENT, "timestamp": True}), "timestamp", None),
    ("id not a UUID", orjson.dumps({**STATEMENT, "id": "' OR 1=1 --"}), "id", None),
    # huge numbers
    ("number beyond double", with_body(b"1e400"), "$", "json"),
    ("10,000-digit integer", with_body(b"9" * 10_000), "$", "json"),
    (
        "scaled score 1e308",
        orjson.dumps({**STATEMENT, "result": {"score": {"scaled": 1e308}}}),
        "result.score",
        None,
    ),
    # deep nesting
    ("10,000 nested arrays", nested(10_000), "$", "json"),
    ("10,000 nested objects", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "$", "json"),
    ("300 levels in an extension", with_body(nested(300)), "$.result.extensions", "max_depth"),
    ("1,000 levels in an extension", with_body(nested(1000)), "$.result.extensions", "max_depth"),
    # invalid UTF-8 and escapes
    ("byte 0xff", b'{"actor": {"mbox": "mailto:a\xff@b.se"}}', "$", "json"),
    ("overlong encoding", b'{"actor": {"name": "\xc0\xaf"}}', "$", "json"),
    ("lone surrogate", b'{"actor": {"name": "\\ud800"}}', "$", "json"),
    ("truncated sequence", b'{"actor": {"name": "\xe2\x82"}}', "$", "json"),
]


@pytest.mark.parametrize(
    ("body", "path", "rule"),
    [pytest.param(body, path, rule, id=name) for name, body, path, rule in BAD_BODIES],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
@SHARED
async def test_bad_statement_bodies_get_400_naming_the_field(
    seeded: XapiClient, method: str, body: bytes, path: str, rule: str | None
) -> None:
    params = {"statementId": str(uuid.uuid4())} if method == "PUT" else {}
    response = await seeded.http.request(
        method,
        "/xapi/statements",
        params=params,
        content=body,
        headers={"Content-Type": "application/json"},
    )
    if method == "PUT" and body.startswith(b"[") and rule != "json":
        assert_error(response, 400, "$")  # PUT takes one object: an array is the wrong type
    else:
        assert_error(response, 400, path, rule)
    assert "X-Experience-API-Consistent-Through" in response.headers


@pytest.mark.parametrize(
    ("content_type", "path", "rule"),
    [
        ("text/plain", "Content-Type", "content_type"),
        ("", "Content-Type", "content_type"),
        ("application/xml", "Content-Type", "content_type"),
        ("multipart/form-data; boundary=x", "Content-Type", "content_type"),
        ("application/x-www-form-urlencoded", "Content-Type", "content_type"),
        ("multipart/mixed", "$", "multipart"),
        ('multipart/mixed; boundary="b"', "$", "multipart"),
    ],
)
@SHARED
async def test_wrong_content_types_get_400(
    seeded: XapiClient, content_type: str, path: str, rule: str
) -> None:
    response = await seeded.http.post(
        "/xapi/statements",
        content=orjson.dumps(STATEMENT),
        headers={"Content-Type": content_type},
    )
    assert_error(response, 400, path, rule)


@SHARED
async def test_bodies_beyond_the_limit_get_413_declared_or_streamed(seeded: XapiClient) -> None:
    big = b"[" + b" " * MAX_BODY + b"]"
    response = await seeded.http.post(
        "/xapi/statements", content=big, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413, "$", "max_body_bytes")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused while reading
        for _ in range(MAX_BODY // 1024 + 2):
            yield b" " * 1024

    response = await seeded.http.post(
        "/xapi/statements", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413, "$", "max_body_bytes")
    response = await seeded.http.put(
        "/xapi/activities/state",
        params={"activityId": ACTIVITY, "agent": AGENT, "stateId": "big"},
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 413, "$", "max_body_bytes")


async def test_deeply_nested_documents_cannot_break_a_merge(
    xapi: XapiClient, settings: Settings
) -> None:
    """A JSON document may be stored as it is, but a POST merge that would have to write
    more levels than the JSON encoder can is refused, not a 500."""
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "deep"}
    deep = b'{"a":' + nested(300) + b"}"
    headers = {"Content-Type": "application/json"}
    response = await xapi.http.put(
        "/xapi/activities/state", params=params, content=deep, headers=headers
    )
    assert response.status_code == 204
    database = settings.database_url
    before = dump(database)
    response = await xapi.http.post(
        "/xapi/activities/state", params=params, content=b'{"b": 1}', headers=headers
    )
    assert_error(response, 400, "$", "max_depth")
    response = await xapi.http.post(
        "/xapi/activities/state", params=params, content=nested(10_000), headers=headers
    )
    assert_error(response, 400, "$")
    assert dump(database) == before
    response = await xapi.http.get("/xapi/activities/state", params=params)
    assert response.content == deep


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (None, "version_missing"),
        ("", "version_unsupported"),
        ("0.95", "version_unsupported"),
        ("1.1.0", "version_unsupported"),
        ("3.0.0", "version_unsupported"),
        ("1.0.3; DROP TABLE statements", "version_unsupported"),
        ("x" * 5000, "version_unsupported"),
    ],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/xapi/statements"),
        ("POST", "/xapi/statements"),
        ("GET", f"/xapi/activities?activityId={ACTIVITY}"),
        ("DELETE", "/xapi/activities/state"),
    ],
)
@SHARED
async def test_missing_or_wrong_version_headers_get_400(
    seeded: XapiClient, method: str, url: str, value: str | None, rule: str
) -> None:
    headers = {k: v for k, v in seeded.http.headers.items() if k != "x-experience-api-version"}
    if value is not None:
        headers["X-Experience-API-Version"] = value
    async with httpx.AsyncClient(
        transport=seeded.http._transport, base_url="http://lrs.test", headers=headers
    ) as client:
        response = await client.request(method, url, json=STATEMENT if method == "POST" else None)
    assert_error(response, 400, "X-Experience-API-Version", rule)
    assert response.headers["X-Experience-API-Version"] in ("1.0.3", "2.0.0")


def _basic(raw: bytes) -> bytes:
    return b"Basic " + base64.b64encode(raw)


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="none"),
        pytest.param(b"", id="empty"),
        pytest.param(b"Bearer abc", id="bearer"),
        pytest.param(b"Basic", id="basic-no-token"),
        pytest.param(b"Basic !!!not-base64", id="not-base64"),
        pytest.param(_basic(b"no-colon"), id="no-colon"),
        pytest.param(_basic(b"unknown:secret"), id="unknown-key"),
        pytest.param(_basic(b"' OR '1'='1:' OR '1'='1"), id="sql-in-key"),
        pytest.param(_basic(b"\xff\xfe:\x00"), id="not-utf8"),
        pytest.param(b"Basic \xff\xfe", id="raw-bytes"),
        pytest.param(_basic(b"k" * 10_000 + b":s"), id="long-key"),
    ],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/xapi/statements"),
        ("POST", "/xapi/statements"),
        ("PUT", f"/xapi/activities/profile?activityId={ACTIVITY}&profileId=p"),
        ("GET", f"/xapi/agents?agent={AGENT}"),
    ],
)
@SHARED
async def test_wrong_credentials_get_401(
    seeded: XapiClient, method: str, url: str, authorization: bytes | None
) -> None:
    headers: dict[str, str | bytes] = {"X-Experience-API-Version": "1.0.3"}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient(
        transport=seeded.http._transport, base_url="http://lrs.test", headers=headers
    ) as client:
        response = await client.request(method, url, json=STATEMENT)
    assert_error(response, 401, "Authorization", "authentication")
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


@SHARED
async def test_a_wrong_secret_for_a_real_key_gets_401(seeded: XapiClient) -> None:
    headers = {
        "Authorization": "Basic " + base64.b64encode(f"{seeded.key}:wrong".encode()).decode()
    }
    response = await seeded.http.post("/xapi/statements", json=STATEMENT, headers=headers)
    assert_error(response, 401, "Authorization", "authentication")


# --- paths and methods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_path",
    [
        "/xapi/statements/%2e%2e/about",
        "/xapi/statements%00",
        "/xapi/statements/'%20OR%20'1'='1",
        "/xapi/statements;DROP%20TABLE%20statements",
        "/xapi/activities/state/..%2f..%2fetc%2fpasswd",
        "/xapi/%2e%2e/%2e%2e/etc/passwd",
        "/xapi/" + "a" * 5000,
        "/xapi/statements/" + NOBODYS_ID,
    ],
)
@SHARED
async def test_unknown_paths_get_a_json_404_naming_the_path(
    seeded: XapiClient, raw_path: str
) -> None:
    response = await seeded.http.get(raw_path)
    body = assert_error(response, 404)
    assert body["details"][0]["path"].startswith("/xapi/")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PATCH", "/xapi/statements"),
        ("DELETE", "/xapi/statements"),
        ("POST", "/xapi/about"),
        ("PUT", "/xapi/activities"),
        ("DELETE", "/xapi/agents"),
        ("TRACE", "/xapi/statements"),
    ],
)
@SHARED
async def test_methods_a_route_does_not_take_get_405(
    seeded: XapiClient, method: str, url: str
) -> None:
    response = await seeded.http.request(method, url)
    assert_error(response, 405)


# --- parameters --------------------------------------------------------------------------------

INJECTIONS = {
    "sql-quote": "' OR '1'='1",
    "sql-stacked": "1; DROP TABLE statements; --",
    "nul": "\x00",
    "long": "x" * 10_000,
    "traversal": "../../etc/passwd",
    "json-sql": '{"mbox": "mailto:a@b.se\' OR 1=1 --"}',
    "not-utf8": "\udcff",  # sent as the raw byte 0xff
}

# (method, path, the valid parameters, which parameter is replaced, the status expected)
PARAMETER_CASES: list[tuple[str, str, dict[str, str], str]] = [
    *(
        ("GET", "/xapi/statements", {}, name)
        for name in (
            "statementId",
            "voidedStatementId",
            "agent",
            "verb",
            "activity",
            "registration",
            "related_activities",
            "related_agents",
            "since",
            "until",
            "limit",
            "format",
            "attachments",
            "ascending",
            "cursor",
            "unknown",
        )
    ),
    ("GET", "/xapi/statements", {"statementId": str(uuid.uuid4())}, "format"),
    ("GET", "/xapi/statements", {"statementId": str(uuid.uuid4())}, "attachments"),
    ("PUT", "/xapi/statements", {}, "statementId"),
    ("POST", "/xapi/statements", {}, "unknown"),
    *(
        (
            method,
            "/xapi/activities/state",
            {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"},
            name,
        )
        for method in ("GET", "PUT", "POST", "DELETE")
        for name in ("activityId", "agent", "registration")
    ),
    ("GET", "/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT}, "since"),
    *(
        (method, "/xapi/activities/profile", {"activityId": ACTIVITY, "profileId": "p"}, name)
        for method in ("GET", "PUT", "POST", "DELETE")
        for name in ("activityId",)
    ),
    ("GET", "/xapi/activities/profile", {"activityId": ACTIVITY}, "since"),
    *(
        (method, "/xapi/agents/profile", {"agent": AGENT, "profileId": "p"}, name)
        for method in ("GET", "PUT", "POST", "DELETE")
        for name in ("agent",)
    ),
    ("GET", "/xapi/agents/profile", {"agent": AGENT}, "since"),
    ("GET", "/xapi/activities", {}, "activityId"),
    ("GET", "/xapi/agents", {}, "agent"),
]


def _query(params: dict[str, str]) -> str:
    """URL-encode, sending a lone surrogate escape as the raw invalid byte it stands for."""
    from urllib.parse import quote

    def enc(text: str) -> str:
        return quote(text.encode("utf-8", "surrogateescape"), safe="")

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in params.items())


@pytest.mark.parametrize("payload", list(INJECTIONS.values()), ids=list(INJECTIONS))
@pytest.mark.parametrize(
    ("method", "path", "valid", "name"),
    [pytest.param(*case, id=f"{case[0]} {case[1]} {case[3]}") for case in PARAMETER_CASES],
)
@SHARED
async def test_injection_in_every_parameter_gets_400_naming_it(
    seeded: XapiClient, method: str, path: str, valid: dict[str, str], name: str, payload: str
) -> None:
    params = {**valid, name: payload}
    body = orjson.dumps(STATEMENT) if method in ("PUT", "POST") else None
    headers = {"Content-Type": "application/json"} if body else {}
    response = await seeded.http.request(
        method, f"{path}?{_query(params)}", content=body, headers=headers
    )
    assert_error(response, 400, name)


@pytest.mark.parametrize("payload", list(INJECTIONS.values()), ids=list(INJECTIONS))
@pytest.mark.parametrize(
    ("path", "name", "valid"),
    [
        ("/xapi/activities/state", "stateId", {"activityId": ACTIVITY, "agent": AGENT}),
        ("/xapi/activities/profile", "profileId", {"activityId": ACTIVITY}),
        ("/xapi/agents/profile", "profileId", {"agent": AGENT}),
    ],
)
@SHARED
async def test_injection_in_a_document_id_finds_no_document(
    seeded: XapiClient, path: str, name: str, valid: dict[str, str], payload: str
) -> None:
    """Document ids are free text: an injected one is just an id nothing is stored under."""
    response = await seeded.http.get(f"{path}?{_query({**valid, name: payload})}")
    assert_error(response, 404, "id", "not_found")


async def test_values_full_of_sql_are_only_data(xapi: XapiClient) -> None:
    """Well-formed values carrying SQL match nothing, and store and read back as data."""
    stored = {**STATEMENT, "id": str(uuid.uuid4())}
    assert (await xapi.http.post("/xapi/statements", json=stored)).status_code == 200
    for params in (
        {"verb": "http://x.se/'OR'1'='1';DROP--"},
        {"activity": "http://x.se/a')%20OR%20('1'='1"},
        {"agent": "{\"mbox\": \"mailto:a'OR'1'='1@x.se\"}"},
        {"agent": '{"account": {"homePage": "http://x.se", "name": "\' OR 1=1 --"}}'},
    ):
        response = await xapi.http.get("/xapi/statements", params=params)
        assert response.status_code == 200, response.text
        assert response.json() == {"statements": [], "more": ""}
    sneaky_id = "'; DROP TABLE documents; --\x00"
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": sneaky_id}
    assert (
        await xapi.http.put("/xapi/activities/state", params=params, json={"x": "' OR 1=1"})
    ).status_code == 204
    response = await xapi.http.get("/xapi/activities/state", params=params)
    assert response.json() == {"x": "' OR 1=1"}
    listed = await xapi.http.get(
        "/xapi/activities/state", params={"activityId": ACTIVITY, "agent": AGENT}
    )
    assert listed.json() == [sneaky_id]
    everything = await xapi.http.get("/xapi/statements")
    assert [s["id"] for s in everything.json()["statements"]] == [stored["id"]]


# --- against a real server process -----------------------------------------------------------


@pytest.fixture
def live(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=live_server.url,
        auth=(live_server.key, live_server.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=30,
    ) as client:
        yield client


@pytest.mark.slow
def test_a_real_server_refuses_transport_level_abuse_and_stays_up(
    live: httpx.Client, live_server: LiveServer
) -> None:
    stored = {**STATEMENT, "id": str(uuid.uuid4())}
    assert live.post("/xapi/statements", json=stored).status_code == 200
    before = dump(live_server.database)
    json_headers = {"Content-Type": "application/json"}

    huge = b"[" + b" " * (16 * 1024 * 1024 + 1) + b"]"  # one byte beyond the default limit
    assert_error(live.post("/xapi/statements", content=huge, headers=json_headers), 413, "$")

    def stream() -> Iterator[bytes]:
        chunk = b" " * (1024 * 1024)
        for _ in range(20):
            yield chunk

    response = live.post("/xapi/statements", content=stream(), headers=json_headers)
    assert_error(response, 413, "$", "max_body_bytes")
    response = live.post("/xapi/statements", content=nested(10_000), headers=json_headers)
    assert_error(response, 400, "$", "json")
    response = live.post("/xapi/statements", content=with_body(nested(900)), headers=json_headers)
    assert_error(response, 400, "$.result.extensions", "max_depth")
    response = httpx.get(
        f"{live_server.url}/xapi/statements",
        headers={"Authorization": b"Basic \xff\xfe", "X-Experience-API-Version": b"1.0.3"},
    )
    assert_error(response, 401, "Authorization")
    response = live.get("/xapi/statements?agent=%FF%FE&limit=%00")
    assert_error(response, 400)

    assert live_server.process.poll() is None, "the server died"
    assert dump(live_server.database) == before
    page = live.get("/xapi/statements").json()
    assert [s["id"] for s in page["statements"]] == [stored["id"]]
