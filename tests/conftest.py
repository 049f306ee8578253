"""Shared fixtures: a store on each engine (a real SQLite file; a schema of its own on a
real PostgreSQL), the app over ASGI, and a real server process on a random loopback port
for end-to-end tests."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.schema import MIGRATIONS
from lrs_bridge.services import Services
from statements.storage import Store, open_store
from tests.mail import MailCatcher, mail_server

# The services of in-process test apps validate in their own process: a helper process for
# each of the suite's many apps would only cost start-up time. Real servers started by
# ``start_server`` use one, and tests/statements/test_validation_pool.py tests the pool.
os.environ.setdefault("LRS_BRIDGE_VALIDATION_PROCESSES", "0")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests hash passwords with the cheapest Argon2id parameters: still Argon2id
    (tests read the database to check that), without 0.2 s per hash and per verification,
    which made credential set-up most of the suite's time. Server processes started by
    tests (``live_server``, ``run_cli``) keep the real parameters."""
    from argon2 import PasswordHasher

    from lrs_bridge.auth import hashing

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(hashing, "_hasher", cheap)


# --- storage engines ------------------------------------------------------------------

POSTGRES_URL = os.environ.get(
    "LRS_BRIDGE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
"""The PostgreSQL the tests use when it answers; each test gets a schema of its own."""

ENGINES = ["sqlite", "postgresql"]


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the server setting that makes ``schema`` the one tables go to."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("search_path", schema)])))


async def _connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(url, timeout=5)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion on a loop of its own (safe inside a running loop)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def on_ci() -> bool:
    """Whether the suite runs under CI (``CI=true``, as `.ci/run` and CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The test PostgreSQL's URL. When it does not answer, a developer's run skips the
    test, saying why (a CI run has stopped before, see ``pytest_sessionstart``)."""
    why = _postgres_unreachable()
    if why is not None:
        pytest.skip(why)
    return POSTGRES_URL


def _postgres_unreachable() -> str | None:
    """Why the test PostgreSQL does not answer; None when it does."""

    async def probe() -> None:
        conn = await _connect(POSTGRES_URL)
        await conn.close()

    try:
        _run(probe())
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        return (
            f"PostgreSQL is not reachable at {_shown(POSTGRES_URL)} (set LRS_BRIDGE_TEST_POSTGRES"
            f" to another URL): {type(error).__name__}: {error}"
        )
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI (``CI=true``, as `.ci/run` runs) the test PostgreSQL is required: when it
    does not answer, the run stops at once, failed, with one message, so the PostgreSQL
    side can never pass by skipping. A developer's run skips those tests instead, saying
    why. (Checked once, in the process that leads a pytest-xdist run.)"""
    if not on_ci() or hasattr(session.config, "workerinput"):
        return
    why = _postgres_unreachable()
    if why is not None:
        pytest.exit(f"CI=true requires the test PostgreSQL. {why}", returncode=1)


@contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    """A URL of the test PostgreSQL whose search_path is a fresh schema, dropped after (for
    fixtures that are not coroutines)."""
    schema = "test_" + uuid.uuid4().hex[:12]

    async def execute(sql: str) -> None:
        conn = await _connect(server)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _run(execute(f"CREATE SCHEMA {schema}"))
    try:
        yield with_search_path(server, schema)
    finally:
        _run(execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A URL of the test PostgreSQL whose search_path is a fresh schema, dropped after."""
    schema = "test_" + uuid.uuid4().hex[:12]
    conn = await _connect(postgres_server)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        yield with_search_path(postgres_server, schema)
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL of each engine: a SQLite file, or a schema of its own on PostgreSQL
    (skipped when PostgreSQL does not answer)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """An open store of each engine (the statements+documents+credentials ``Store``)."""
    opened = open_store(store_url, migrations=MIGRATIONS)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


TEST_ENGINE = os.environ.get("LRS_BRIDGE_TEST_ENGINE", "sqlite")
"""The engine under the service in tests that use ``database_url`` (``settings``,
``services``, ``xapi``, ``live_server``…): ``sqlite`` (default) or ``postgresql``. `.ci/run`
runs the suite once with each; the PostgreSQL pass runs only the tests that use it."""

if TEST_ENGINE not in ENGINES:
    raise pytest.UsageError(f"LRS_BRIDGE_TEST_ENGINE must be one of {', '.join(ENGINES)}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(why): looks into the SQLite file itself; not run on PostgreSQL"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL pass, keep the tests whose service runs on ``database_url``: the
    others do not depend on the engine (or, using ``store_url``, ran on both already)."""
    if TEST_ENGINE == "sqlite":
        return
    kept, other = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        engine_bound = (
            "database_url" in names or "shared_database_url" in names
        ) and "store_url" not in names
        (kept if engine_bound and item.get_closest_marker("sqlite_only") is None else other).append(
            item
        )
    items[:] = kept
    config.hook.pytest_deselected(items=other)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of the service under test: a SQLite file, or (LRS_BRIDGE_TEST_ENGINE=
    postgresql) a schema of its own on the test PostgreSQL, skipped saying why when it does
    not answer."""
    if TEST_ENGINE == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite:///{tmp_path / 'lrs.sqlite3'}"


@pytest.fixture(scope="module")
def shared_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """As ``database_url``, but one database for a whole module: for tests that each prove
    they change nothing in it (see tests/lrs_bridge/test_bad_input.py), so they need not
    build, migrate and seed a database of their own."""
    if TEST_ENGINE == "postgresql":
        server: str = request.getfixturevalue("postgres_server")
        with postgres_schema(server) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('shared') / 'lrs.sqlite3'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, public_url="http://lrs.test")


@pytest.fixture
def smtp() -> Iterator[tuple[MailCatcher, int]]:
    """A real SMTP server (aiosmtpd) on a random loopback port: its catcher and port."""
    with mail_server() as running:
        yield running


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    svc = Services.build(settings)
    await svc.open()
    try:
        yield svc
    finally:
        await svc.close()


@dataclass
class XapiClient:
    """An httpx client speaking to the app in-process, with a credential of given scopes."""

    http: httpx.AsyncClient
    key: str
    secret: str
    services: Services

    def auth(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    async def credential(self, *scopes: str) -> dict[str, str]:
        created = await self.services.credentials.create("test " + " ".join(scopes), list(scopes))
        token = base64.b64encode(f"{created.credential.key}:{created.secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


@pytest.fixture
async def xapi(services: Services, settings: Settings) -> AsyncIterator[XapiClient]:
    app = create_app(settings, services)
    created = await services.credentials.create("test client", ["all"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://lrs.test",
        headers={"X-Experience-API-Version": "1.0.3"},
    ) as http:
        client = XapiClient(http, created.credential.key, created.secret, services)
        http.headers.update(client.auth())
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    url: str
    database: str
    key: str
    secret: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrs_bridge.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def create_credential(
    database: str, label: str = "live", scopes: tuple[str, ...] = ("all",)
) -> tuple[str, str]:
    """A new xAPI credential in ``database`` (a URL or a SQLite file path), made in this
    process the way ``lrs-bridge credentials create`` makes it (the settings from the
    environment, ``Services``, its credential service), without starting a Python process
    for it; its key and secret. Tests of the command itself use ``run_cli``."""
    url = database if "://" in database else "sqlite:///" + database
    made: list[tuple[str, str]] = []

    async def create() -> None:
        services = Services.build(load_settings(database_url=url))
        await services.open()
        try:
            created = await services.credentials.create(label, list(scopes))
            made.append((created.credential.key, created.secret))
        finally:
            await services.close()

    _run(create())
    return made[0]


def start_server(
    database: str,
    log: Path,
    key: str = "",
    secret: str = "",
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> LiveServer:
    """Start ``lrs-bridge serve`` as a real process and wait until it answers (on ``port``,
    or on a free one)."""
    if not key:
        key, secret = create_credential(database)
    port = port or free_port()
    handle = log.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lrs_bridge.cli",
            "serve",
            "--database",
            database,
            "--port",
            str(port),
        ],
        stdout=handle,
        stderr=subprocess.STDOUT,
        # A real server validates batches in a helper process, as in production (the
        # in-process apps of the other tests validate in their own process: see the top).
        env={**os.environ, "LRS_BRIDGE_VALIDATION_PROCESSES": "1", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return LiveServer(process, url, database, key, secret, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()}")


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    # A SQLite database as a plain file path (tests open it with sqlite3); others as URLs.
    server = start_server(database_url.removeprefix("sqlite:///"), tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()
