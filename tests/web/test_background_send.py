"""Reminders and invitations sent in the background (usability test F13), end to end: a
real `lrs-bridge serve` process on a loopback port, a real SMTP server (aiosmtpd) that
answers slowly or not at all, and the database of the pass (SQLite, or PostgreSQL with
LRS_BRIDGE_TEST_ENGINE=postgresql). The form's POST answers with a redirect to the send's
status page while the mail server is still receiving; that page, shown again, says how far
the send has come."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from tests.conftest import LiveServer, start_server
from tests.mail import MailCatcher

pytestmark = pytest.mark.slow  # starts real processes

PASSWORD = "ett-långt-lösenord-för-test"
ADMIN = "karl@lansstyrelsen.example"
PEOPLE = (
    ("Anna Andersson", "anna@gavle.example", "2180"),
    ("Bo Berg", "bo@sandviken.example", "2181"),
    ("Cilla Ceder", "cilla@hudiksvall.example", "2184"),
)


async def _seed(url: str) -> str:
    services = Services.build(load_settings(database_url=url))
    await services.open()
    try:
        user = await services.people.create_user(ADMIN, "county-admin", "21", None)
        await services.people.set_password(str(user.id), PASSWORD)
        workshop = await services.reports.create_workshop(
            {"county": "21", "title": "Valsäkerhet i Gävleborg", "date": "2099-01-18"}
        )
        for name, email, municipality in PEOPLE:
            await services.reports.add_participant(
                workshop.id, {"name": name, "email": email, "municipality": municipality}
            )
        return workshop.id
    finally:
        await services.close()


@contextmanager
def served(database_url: str, tmp_path: Path, smtp_port: int) -> Iterator[LiveServer]:
    database = database_url.removeprefix("sqlite:///")
    server = start_server(
        database,
        tmp_path / "server.log",
        env={"LRS_BRIDGE_SMTP_HOST": "127.0.0.1", "LRS_BRIDGE_SMTP_PORT": str(smtp_port)},
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workshop(database_url: str) -> str:
    return asyncio.run(_seed(database_url))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@contextmanager
def logged_in(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        form = http.get("/login")
        answer = http.post(
            "/login",
            data={"csrf": csrf_of(form.text), "email": ADMIN, "password": PASSWORD, "next": "/"},
        )
        assert answer.status_code == 303, answer.text
        yield http


def start(http: httpx.Client, url: str) -> str:
    """Send to everyone on the page; the status page's address."""
    page = http.get(url)
    ids = re.findall(r'name="participant" value="([^"]+)"', page.text)
    assert len(ids) == len(PEOPLE)
    started = http.post(url, data={"csrf": csrf_of(page.text), "participant": ids})
    assert started.status_code == 303, started.text
    location: str = started.headers["location"]
    assert re.fullmatch(url + r"/runs/[0-9a-f-]{36}", location)
    return location


def counts(html: str) -> tuple[int, int, int, int]:
    """(sent, total, failed, left) as the status page says them."""
    found = re.search(r"(\d+) av (\d+) skickade?, (\d+) misslyckades, (\d+) återstår", html)
    assert found is not None, html
    sent, total, failed, left = (int(group) for group in found.groups())
    return sent, total, failed, left


def until_done(http: httpx.Client, status: str) -> str:
    """The status page, shown again until nothing is left to go."""
    for _ in range(150):
        page = http.get(status)
        assert page.status_code == 200
        if counts(page.text)[3] == 0:
            return page.text
        time.sleep(0.2)
    raise AssertionError(f"the send did not finish: {counts(page.text)}")


@pytest.mark.parametrize("kind", ["reminders", "invitations"])
def test_a_send_answers_at_once_and_its_page_shows_how_far_it_has_come(
    kind: str,
    database_url: str,
    workshop: str,
    tmp_path: Path,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, port = smtp
    catcher.delay = 1.0  # a slow mail server: three e-mails take three seconds
    with served(database_url, tmp_path, port) as server, logged_in(server) as http:
        status = start(http, f"/workshops/{workshop}/{kind}")
        assert len(catcher.messages) < len(PEOPLE)  # answered while it is still receiving
        first = http.get(status)
        assert first.status_code == 200
        sent, total, failed, left = counts(first.text)
        assert total == len(PEOPLE) and failed == 0 and left > 0 and sent + left == total
        assert 'role="status"' in first.text
        assert "http-equiv" not in first.text  # no refresh of its own: a link does it
        assert f'<a class="button" href="{status}" id="refresh">Visa läget igen</a>' in (
            first.text
        )
        done = until_done(http, status)
    assert counts(done) == (3, 3, 0, 0)
    assert "Utskicket är klart." in done
    assert sorted(to[0] for to, _ in catcher.messages) == sorted(p[1] for p in PEOPLE)
    assert catcher.on_connection == [len(PEOPLE)]  # one SMTP connection for the run


def test_an_unreachable_mail_server_is_said_once_in_swedish(
    database_url: str, workshop: str, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with served(database_url, tmp_path, closed) as server, logged_in(server) as http:
        status = start(http, f"/workshops/{workshop}/reminders")
        done = until_done(http, status)
        reminders = http.get(f"/workshops/{workshop}/reminders")
    assert counts(done) == (0, 3, 3, 0)
    main = done.split("<main", 1)[1]
    assert main.count("E-postservern svarar inte") == 1
    assert "Försök igen om en stund." in main
    assert "SMTP" not in main and "Errno" not in main and "127.0.0.1" not in main
    for name, email, _ in PEOPLE:
        assert f"<li>{name} ({email})</li>" in main
    # They can be sent again: the reminder page offers them all once more.
    assert "Skicka 3 påminnelser" in reminders.text
