"""Shared fixtures: a store on a real SQLite file, the app over ASGI, and a real server
process on a random loopback port for end-to-end tests."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.mail import MailCatcher, mail_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests hash secrets with the cheapest Argon2id parameters: still Argon2id
    (tests read the database to check that), without 0.2 s per hash and per verification,
    which made credential set-up most of the suite's time. Server processes started by
    tests (``live_server``, ``run_cli``) keep the real parameters."""
    from argon2 import PasswordHasher

    from lrs_bridge.auth import credentials
    from lrs_bridge.people import service as people

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(credentials, "_hasher", cheap)
    monkeypatch.setattr(people, "_hasher", cheap)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{tmp_path / 'lrs.sqlite3'}", public_url="http://lrs.test"
    )


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
        created = run_cli(
            "credentials",
            "create",
            "--database",
            database,
            "--label",
            "live",
            "--scope",
            "all",
            "--json",
        )
        assert created.returncode == 0, created.stderr
        import json

        record = json.loads(created.stdout)
        key, secret = record["key"], record["secret"]
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
        env={**os.environ, **(env or {})},
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
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(str(tmp_path / "live.sqlite3"), tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()
