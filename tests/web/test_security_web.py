"""Regression tests for the December security review, on the web pages: findings 5 (form
bodies bounded before they are parsed), 7 (sessions end) and 8 (log-in throttling that
cannot lock a person out, and no user enumeration by timing).

Findings 7 and 8 run in-process (httpx over ASGI: the same gate and handlers, with the
client address of each transport); finding 5 needs a real server, since what matters is
what the server reads off the socket.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import orjson
import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.requests import cookie_parser

from lrs_bridge.auth import hashing
from lrs_bridge.auth.limits import FREE_FAILURES, PAIR_FAILURES
from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from lrs_bridge.web.session import COOKIE
from tests.conftest import LiveServer, start_server

pytestmark = pytest.mark.slow  # starts real processes

PASSWORD = "ett-långt-lösenord"
KARL = "karl@lst.example"


@dataclass
class Site:
    app: Starlette
    services: Services

    def client(self, address: str = "10.0.0.7") -> httpx.AsyncClient:
        """A browser at ``address`` (each with its own cookie jar)."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://lrs.test")


@pytest.fixture
async def site(services: Services, settings: Settings) -> AsyncIterator[Site]:
    karl = await services.people.create_user(KARL, "county-admin", "21")
    await services.people.set_password(str(karl.id), PASSWORD)
    yield Site(create_app(settings, services), services)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def log_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = await http.get("/login")
    return await http.post(
        "/login", data={"csrf": csrf_of(form.text), "email": email, "password": password}
    )


# --- finding 8 ---------------------------------------------------------------------------


async def test_finding_8_wrong_passwords_from_elsewhere_never_lock_the_person_out(
    site: Site,
) -> None:
    attacker = site.client("10.0.0.66")
    person = site.client("10.0.0.7")
    statuses = [(await log_in(attacker, KARL, "fel")).status_code for _ in range(PAIR_FAILURES)]
    assert statuses == [401] * PAIR_FAILURES
    refused = await log_in(attacker, KARL)  # that client, even with the right password
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "För många misslyckade inloggningar" in refused.text
    # The real person, from their own client, gets in at once.
    answer = await log_in(person, KARL)
    assert answer.status_code == 303
    assert (await person.get("/counties/21")).status_code == 200


async def test_finding_8_the_address_slows_down_but_is_never_blocked(site: Site) -> None:
    """An attacker changing client address each time is never blocked for the address,
    only slowed down; the person's right password still gets through."""
    limits = site.services.limits
    delays = []
    for n in range(FREE_FAILURES + 2):
        wrong = await log_in(site.client(f"10.0.1.{n}"), KARL, "fel")
        assert wrong.status_code == 401
        delays.append(limits.delay(KARL))
    assert delays[: FREE_FAILURES - 1] == [0.0] * (FREE_FAILURES - 1)
    assert 0 < delays[FREE_FAILURES - 1] < delays[FREE_FAILURES] < delays[FREE_FAILURES + 1]
    assert (await log_in(site.client("10.0.0.7"), KARL)).status_code == 303


async def test_finding_8_one_client_trying_many_addresses_is_blocked(site: Site) -> None:
    attacker = site.client("10.0.0.66")
    statuses = [
        (await log_in(attacker, f"gissning{n}@lst.example", "fel")).status_code for n in range(21)
    ]
    assert statuses == [401] * 20 + [429]


async def test_finding_8_unknown_disabled_and_known_addresses_check_one_hash_each(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing is not measured (no timing assertions in unit tests): what makes the times
    equal is that every attempt checks exactly one Argon2 hash of the same parameters."""
    checked: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            checked.append(str(hash)[:30])
            return super().verify(hash, password)

    monkeypatch.setattr(hashing, "_hasher", Counting(time_cost=1, memory_cost=1024, parallelism=1))
    people = site.services.people
    gone = await people.create_user("borta@lst.example", "county-admin", "21", password=PASSWORD)
    await people.disable_user(str(gone.id))
    await people.create_user("utan@lst.example", "county-admin", "21")  # no password yet
    answers = []
    for n, email in enumerate([KARL, "okand@lst.example", "borta@lst.example", "utan@lst.example"]):
        wrong = await log_in(site.client(f"10.0.2.{n}"), email, "fel lösenord")
        page = re.sub(r'name="csrf" value="[^"]+"', "CSRF", wrong.text.replace(email, "EMAIL"))
        answers.append((wrong.status_code, page))
    assert len(checked) == 4
    assert len(set(checked)) == 1  # one set of parameters for all
    assert {status for status, _ in answers} == {401}
    assert len({text for _, text in answers}) == 1  # the same page, but for the address


# --- finding 7 ---------------------------------------------------------------------------


async def test_finding_7_log_out_ends_every_session_of_the_person(site: Site) -> None:
    laptop, phone = site.client(), site.client("10.0.0.8")
    await log_in(laptop, KARL)
    await log_in(phone, KARL)
    stolen = laptop.cookies[COOKIE]
    page = await laptop.get("/counties/21")
    assert (await laptop.post("/logout", data={"csrf": csrf_of(page.text)})).status_code == 303
    replay = site.client("10.0.0.99")
    replay.cookies.set(COOKIE, stolen)
    assert (await replay.get("/counties/21")).status_code == 303  # to the log-in page
    assert (await phone.get("/counties/21")).status_code == 303
    assert (await log_in(phone, KARL)).status_code == 303  # a new log-in works
    assert (await phone.get("/counties/21")).status_code == 200


async def test_finding_7_a_new_password_ends_sessions_and_revokes_tokens_when_asked(
    site: Site,
) -> None:
    people = site.services.people
    browser = site.client()
    await log_in(browser, KARL)
    token = await people.issue_token(KARL)
    bearer = {"Authorization": f"Bearer {token.token}"}

    change = await people.set_password(KARL, "ett helt nytt lösenord")
    assert change.revoked == [] and change.kept == [token.info.id]
    assert (await browser.get("/counties/21")).status_code == 303
    assert (await browser.get("/api/v1/workshops", headers=bearer)).status_code == 200

    await log_in(browser, KARL, "ett helt nytt lösenord")
    change = await people.set_password(KARL, "ännu ett nytt lösenord", revoke_tokens=True)
    assert change.revoked == [token.info.id] and change.kept == []
    assert (await browser.get("/counties/21")).status_code == 303
    assert (await browser.get("/api/v1/workshops", headers=bearer)).status_code == 401
    entries = await site.services.audit.entries(
        (await people.find_user(KARL)).principal()  # type: ignore[union-attr]
    )
    assert next(e.details for e in entries if e.action == "user.password") == {
        "tokens_revoked": 1,
        "tokens_kept": 0,
    }


async def test_finding_7_disabling_ends_every_session(site: Site) -> None:
    browser = site.client()
    await log_in(browser, KARL)
    assert (await browser.get("/counties/21")).status_code == 200
    await site.services.people.disable_user(KARL)
    assert (await browser.get("/counties/21")).status_code == 303


async def test_finding_7_a_session_has_an_absolute_lifetime(site: Site) -> None:
    """A cookie kept alive by use (its signature renewed by every answer) still ends
    LRS_BRIDGE_SESSION_MAX_HOURS after the log-in."""
    browser = site.client()
    await log_in(browser, KARL)
    sessions = site.app.state.web.sessions
    data = orjson.loads(
        sessions.signer.unsign(cookie_parser(f"{COOKIE}={browser.cookies[COOKIE]}")[COOKIE])
    )
    for hours, status in ((11, 200), (13, 303)):
        aged = {**data, "issued": int(time.time()) - hours * 3600}
        replay = site.client()
        value = sessions.signer.sign(orjson.dumps(aged)).decode()
        replay.cookies.set(COOKIE, SimpleCookie({COOKIE: value})[COOKIE].coded_value)
        assert (await replay.get("/counties/21")).status_code == status, hours


@pytest.mark.parametrize(
    ("public_url", "forced", "secure"),
    [
        ("https://lrs.example", None, True),
        ("http://lrs.example", None, False),
        ("https://lrs.example", False, False),
        ("http://lrs.example", True, True),
    ],
)
async def test_finding_7_cookies_are_secure_when_the_service_is_https(
    services: Services, database_url: str, public_url: str, forced: bool | None, secure: bool
) -> None:
    settings = load_settings(
        database_url=database_url, public_url=public_url, secure_cookies=forced
    )
    site = Site(create_app(settings, services), services)
    answer = await site.client().get("/login")
    cookie = answer.headers["set-cookie"]
    assert ("; secure" in cookie.lower()) is secure, cookie


# --- finding 5 ---------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    database = str(tmp_path / "web.sqlite3")
    asyncio.run(_seed(database))
    server = start_server(
        database, tmp_path / "server.log", env={"LRS_BRIDGE_MAX_BODY_BYTES": str(4 << 20)}
    )
    try:
        yield server
    finally:
        server.stop()


async def _seed(database: str) -> None:
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    try:
        await services.people.create_user(KARL, "county-admin", "21", password=PASSWORD)
        await services.reports.create_workshop(
            {"county": "21", "title": "Valsäkerhet", "date": "2099-01-18"}
        )
    finally:
        await services.close()


BIG = 300_000_000


def _connect(server: LiveServer) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _answer(sock: socket.socket) -> bytes:
    """What the server answered (its head and what came with it), read until it closes
    or goes quiet."""
    received = b""
    sock.settimeout(10)
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def _stream(sock: socket.socket, chunk: bytes, chunked: bool) -> int:
    """Send ``chunk`` after ``chunk`` (up to BIG bytes) until the server answers, stops
    reading or closes; how many bytes were sent."""
    sent = 0
    sock.settimeout(3)
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
    while sent < BIG:
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:  # an answer (or the close)
            break
        try:
            sock.sendall(framed)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            break  # the server closed, or stopped reading
        sent += len(framed)
    return sent


def _temp_files(pid: int) -> list[str]:
    """Temporary files the server process holds open (a spooled upload is one: created in
    the temporary directory and unlinked at once)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(("/tmp/", "/var/tmp/")) and target.endswith(" (deleted)"):
            found.append(target)
    return found


MULTIPART = "multipart/form-data; boundary=xyz"
PART_HEAD = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="z.bin"\r\n\r\n'


@pytest.mark.parametrize("path", ["/login", "/language"])
def test_finding_5_a_300_mb_multipart_post_is_refused_before_it_is_read(
    live: LiveServer, path: str
) -> None:
    # With a Content-Length: answered 413 from the head alone, before any of the body.
    with _connect(live) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: lrs\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {BIG}\r\n\r\n".encode()
        )
        head = _answer(sock)
        assert head.startswith(b"HTTP/1.1 413 "), head[:200]
        assert b"connection: close" in head.lower()
        sent = _stream(sock, PART_HEAD + b"\0" * (1 << 20), chunked=False)
        assert sent < BIG // 10  # the server closed the connection; it read nothing
        assert _temp_files(live.process.pid) == []

    # Chunked, so no length to go by: a multipart body is refused by its type (415) ...
    with _connect(live) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: lrs\r\nContent-Type: {MULTIPART}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        head = _answer(sock)
        assert head.startswith(b"HTTP/1.1 415 "), head[:200]
        assert _stream(sock, b"\0" * (1 << 20), chunked=True) < BIG // 10

    # ... and a form body is counted as it comes: 413 after 64 KiB.
    with _connect(live) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: lrs\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = _stream(sock, b"a" * 65536, chunked=True)
        assert sent < BIG // 10
        answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert _temp_files(live.process.pid) == []
    # The server is none the worse.
    assert httpx.get(live.url + "/login").status_code == 200


def test_finding_5_the_list_upload_is_read_only_for_a_person_allowed_to_upload(
    live: LiveServer,
) -> None:
    with httpx.Client(base_url=live.url) as http:
        form = http.get("/login")
        http.post("/login", data={"csrf": csrf_of(form.text), "email": KARL, "password": PASSWORD})
        county = http.get("/counties/21")
        workshop = re.search(r'href="/workshops/([0-9a-f-]+)"', county.text)
        assert workshop is not None
        url = f"/workshops/{workshop.group(1)}/upload"
        page = http.get(url)
        assert page.status_code == 200
        cookie = http.cookies[COOKIE]
        csrf = csrf_of(page.text)
        # The ordinary upload still works (a dry run of a small list).
        small = http.post(
            url,
            data={"csrf": csrf},
            files={"file": ("lista.csv", "namn;e-post;kommun\nAnna;anna@gavle.se;2180\n")},
        )
        assert small.status_code == 200 and "anna@gavle.se" in small.text

    # Over the limit by its Content-Length: 413 from the head alone, session or not.
    with _connect(live) as sock:
        sock.sendall(
            f"POST {url} HTTP/1.1\r\nHost: lrs\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {BIG}\r\n\r\n".encode()
        )
        assert _answer(sock).startswith(b"HTTP/1.1 413 ")
    # Chunked, without a session: sent to the log-in page from the head alone, unread.
    with _connect(live) as sock:
        sock.sendall(
            f"POST {url} HTTP/1.1\r\nHost: lrs\r\nContent-Type: {MULTIPART}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        head = _answer(sock)
        assert head.startswith(b"HTTP/1.1 303 "), head[:200]
        assert b"connection: close" in head.lower()
        assert _stream(sock, b"\0" * (1 << 20), chunked=True) < BIG // 10

    # With the session, chunked and over LRS_BRIDGE_MAX_BODY_BYTES (4 MiB here): 413.
    with _connect(live) as sock:
        sock.sendall(
            f"POST {url} HTTP/1.1\r\nHost: lrs\r\nCookie: {COOKIE}={cookie}\r\n"
            f"Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = _stream(sock, PART_HEAD + b"\0" * (1 << 20), chunked=True)
        assert sent < BIG // 10
        answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert _temp_files(live.process.pid) == []
