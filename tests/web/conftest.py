"""Browser tests: a real `lrs-bridge serve` process on a loopback port, driven by Debian's
headless Chromium through Playwright (its own browser download is never used), with a
real SMTP server (aiosmtpd) for reminders.

Without /usr/bin/chromium (``.ci/run`` installs it) these tests are skipped, and the
pytest summary says so.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from reports.exports import to_json
from tests.conftest import LiveServer, start_server
from tests.mail import MailCatcher

CHROMIUM = os.environ.get("LRS_BRIDGE_TEST_CHROMIUM") or shutil.which("chromium") or ""
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "ett-långt-lösenord-för-test"
SESSION_SECRET = "test-session-secret-" + "x" * 40


@dataclass
class Site:
    server: LiveServer
    database: str
    smtp: MailCatcher
    workshop_21: str
    workshop_14: str
    people: dict[str, str]
    """kind → e-mail: national, admin 21, admin 14, coordinator 2180."""


def need_chromium() -> None:
    if not CHROMIUM or not Path(CHROMIUM).exists():
        pytest.skip(
            "browser tests skipped: Debian's chromium is not installed "
            "(`.ci/run` installs it; or set LRS_BRIDGE_TEST_CHROMIUM to a Chromium binary)"
        )


async def _seed(database: str) -> tuple[str, str, dict[str, str], tuple[str, str]]:
    settings = load_settings(database_url=f"sqlite:///{database}")
    services = Services.build(settings)
    await services.open()
    try:
        people = {
            "national": ("nationell@val.example", "national-admin", None, None),
            "admin 21": ("karl@lansstyrelsen.example", "county-admin", "21", None),
            "admin 14": ("lisa@lansstyrelsen.example", "county-admin", "14", None),
            "coordinator 2180": ("olle@gavle.example", "coordinator", None, "2180"),
        }
        for email, role, county, municipality in people.values():
            user = await services.people.create_user(email, role, county, municipality)
            await services.people.set_password(str(user.id), PASSWORD)
        w21 = await services.reports.create_workshop(
            {"county": "21", "title": "Valsäkerhet i Gävleborg", "date": "2099-01-18"}
        )
        w14 = await services.reports.create_workshop(
            {"county": "14", "title": "Valsäkerhet i Västra Götaland", "date": "2099-02-01"}
        )
        await services.reports.add_participant(
            w14.id,
            {"name": "Göran Göteborg", "email": "goran@goteborg.example", "municipality": "1480"},
        )
        # The key the course package is given, named as the introduction's reporter.
        created = await services.credentials.create("live", ["all"])
        key = created.credential.key
        await services.reports.change_course(
            "valmyndigheten-introduktion",
            {
                **to_json(await services.reports.get_course("valmyndigheten-introduktion")),
                "reporters": {"credentials": [key]},
            },
        )
        people_emails = {kind: value[0] for kind, value in people.items()}
        return w21.id, w14.id, people_emails, (key, created.secret)
    finally:
        await services.close()


@pytest.fixture
def site(tmp_path: Path, smtp: tuple[MailCatcher, int]) -> Iterator[Site]:
    need_chromium()
    catcher, port = smtp
    database = str(tmp_path / "web.sqlite3")
    workshop_21, workshop_14, people, (key, secret) = asyncio.run(_seed(database))
    server = start_server(
        database,
        tmp_path / "server.log",
        key=key,
        secret=secret,
        env={
            "LRS_BRIDGE_SMTP_HOST": "127.0.0.1",
            "LRS_BRIDGE_SMTP_PORT": str(port),
            "LRS_BRIDGE_SESSION_SECRET": SESSION_SECRET,
            "LRS_BRIDGE_CONTACT_EMAIL": "tillganglighet@val.example",
        },
    )
    try:
        yield Site(server, database, catcher, workshop_21, workshop_14, people)
    finally:
        server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()
