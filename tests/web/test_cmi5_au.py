"""A real cmi5 AU in headless Chromium: a page using the ``@xapi/cmi5`` package from the
npm registry, imported as a zip package and served by the service, launched by the
participant's personal link (``/l/{token}``) from the invitation e-mail (real SMTP,
aiosmtpd); it initializes, completes, passes and terminates, and the participant becomes
ready through the LMS's satisfied statement.

The package is installed once into a cache outside the repository
(``LRS_BRIDGE_TEST_NPM_CACHE``, default ``~/.cache/lrs-bridge-tests/npm``, in ``cmi5/``);
without npm, or when the registry cannot be reached, the test is skipped and says why.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from tests.conftest import LiveServer, free_port, start_server
from tests.lrs_bridge.cmi5.packages import au, structure
from tests.mail import MailCatcher
from tests.web.conftest import need_chromium

pytestmark = pytest.mark.slow  # starts a real server and a real browser

CMI5_PACKAGE = "@xapi/cmi5@1.4.0"
HERE = Path(__file__).parent
LINK = re.compile(r"https?://[^\s]+/l/[A-Za-z0-9_-]{20,}")


def cmi5_library() -> Path:
    """The browser build of @xapi/cmi5, installed from the npm registry into the cache."""
    cache = Path(
        os.environ.get("LRS_BRIDGE_TEST_NPM_CACHE")
        or Path.home() / ".cache" / "lrs-bridge-tests" / "npm"
    )
    target = cache / "cmi5"  # a prefix of its own beside the TinCanJS test's
    bundle = target / "node_modules/@xapi/cmi5/dist/Cmi5.umd.js"
    if bundle.exists():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("cmi5 AU test skipped: npm is not installed (needed for @xapi/cmi5)")
    target.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(target),
                "--no-audit",
                "--no-fund",
                "--no-save",
                CMI5_PACKAGE,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("cmi5 AU test skipped: npm install @xapi/cmi5 took over 5 minutes")
    if done.returncode != 0 or not bundle.exists():
        pytest.skip(
            f"cmi5 AU test skipped: npm install {CMI5_PACKAGE} failed: {done.stderr.strip()[-300:]}"
        )
    return bundle


def au_package(library: Path, parts: int = 1) -> bytes:
    """A zip package of ``parts`` AUs, each the same page (the second with ?part=2 …)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        units = [
            au(n, "au/index.html" + (f"?part={n}" if n > 1 else ""), move_on="CompletedAndPassed")
            for n in range(1, parts + 1)
        ]
        archive.writestr("cmi5.xml", structure(*units))
        archive.write(HERE / "cmi5_au/index.html", "au/index.html")
        archive.write(library, "au/cmi5.umd.js")
    return buffer.getvalue()


@dataclass
class Course:
    server: LiveServer
    settings: Any
    workshop: str
    admin: dict[str, str]
    mail: MailCatcher


async def _seed(database_url: str, base_url: str, package: bytes) -> tuple[str, dict[str, str]]:
    services = Services.build(load_settings(database_url=database_url, public_url=base_url))
    await services.open()
    try:
        course = await services.cmi5.import_package(package, "testenhet")
        workshop = await services.reports.create_workshop(
            {
                "county": "21",
                "title": "Valsäkerhet",
                "date": "2099-01-18",
                "courses": [course.course_id],
            }
        )
        await services.reports.add_participant(
            workshop.id,
            {
                "name": "Anna Andersson",
                "email": "anna@gavle.example",
                "municipality": "2180",
            },
        )
        admin = await services.people.create_user("karl@lansstyrelsen.se", "county-admin", "21")
        token = (await services.people.issue_token(str(admin.id))).token
        return workshop.id, {"Authorization": f"Bearer {token}"}
    finally:
        await services.close()


@pytest.fixture
async def course(
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    smtp: tuple[MailCatcher, int],
) -> AsyncIterator[Course]:
    need_chromium()
    package = au_package(cmi5_library(), getattr(request, "param", 1))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    workshop, admin = await _seed(database_url, base_url, package)
    server = await asyncio.to_thread(
        start_server,
        database_url.removeprefix("sqlite:///"),
        tmp_path / "server.log",
        env={
            "LRS_BRIDGE_PUBLIC_URL": base_url,
            "LRS_BRIDGE_SMTP_HOST": "127.0.0.1",
            "LRS_BRIDGE_SMTP_PORT": str(smtp[1]),
        },
        port=port,
    )
    try:
        yield Course(
            server,
            load_settings(database_url=database_url, public_url=base_url),
            workshop,
            admin,
            smtp[0],
        )
    finally:
        server.stop()


async def personal_link(course: Course) -> str:
    """The participant's personal link to the course (as their invitation carries it)."""
    services = Services.build(course.settings)
    await services.open()
    try:
        links = await services.launch.participant_links(course.workshop)
        ((_, _, url),) = next(iter(links.values()))
        return url
    finally:
        await services.close()


async def status_of(course: Course) -> str:
    services = Services.build(course.settings)
    await services.open()
    try:
        report = await services.reports.workshop_readiness(course.workshop)
        return report.participants[0].status
    finally:
        await services.close()


async def test_a_real_au_runs_to_the_end_and_the_participant_is_ready(
    course: Course, browser: Any
) -> None:
    assert await status_of(course) == "not_started"
    async with httpx.AsyncClient(base_url=course.server.url, timeout=30) as http:
        sent = await http.post(
            f"/api/v1/workshops/{course.workshop}/invitations", headers=course.admin
        )
    assert sent.status_code == 200, sent.text
    ((_, message),) = course.mail.messages
    (link,) = LINK.findall(message.get_content())  # the invitation's personal link
    assert link == await personal_link(course)
    page = await browser.new_page()
    await page.goto(link)  # the link redirects to the AU with the cmi5 launch parameters
    assert "/cmi5/testenhet/files/au/index.html?" in page.url
    # The actor is an account (cmi5 8.1, 9.2): the service's address and the participant's
    # id, neither the address nor the name in it.
    actor = json.loads(parse_qs(urlsplit(page.url).query)["actor"][0])
    participant_id = await participant_of(course)
    account = {
        "objectType": "Agent",
        "account": {"homePage": course.settings.base_url, "name": participant_id},
    }
    assert actor == account
    status = page.locator("#status")
    await (
        status.filter(has_text="done").or_(status.filter(has_text="error")).wait_for(timeout=30_000)
    )
    assert await status.inner_text() == "done", (course.server.log.read_text())[-2000:]
    for _ in range(100):  # the server evaluates moveOn just after it stores the statements
        if await status_of(course) == "completed_on_time":
            break
        await asyncio.sleep(0.1)
    assert await status_of(course) == "completed_on_time"
    # Every statement of the run, the LMS's and the AU's, is the account's.
    verbs = await statement_actors(course)
    assert {verb.rsplit("/", 1)[1] for verb, _ in verbs} >= {
        "launched", "initialized", "completed", "passed", "terminated", "satisfied"
    }  # fmt: skip
    assert all(actor == account for _, actor in verbs)


async def participant_of(course: Course) -> str:
    services = Services.build(course.settings)
    await services.open()
    try:
        (participant,) = await services.reports.list_participants(course.workshop)
        return participant.id
    finally:
        await services.close()


async def statement_actors(course: Course) -> list[tuple[str, Any]]:
    services = Services.build(course.settings)
    await services.open()
    try:
        rows = await services.store.read("SELECT verb, body FROM statements ORDER BY seq")
        return [(str(verb), json.loads(bytes(body))["actor"]) for verb, body in rows]
    finally:
        await services.close()


async def run_to_the_end(page: Any) -> None:
    status = page.locator("#status")
    await (
        status.filter(has_text="done").or_(status.filter(has_text="error")).wait_for(timeout=30_000)
    )
    assert await status.inner_text() == "done"


@pytest.mark.parametrize("course", [2], indirect=True)
async def test_a_course_of_two_aus_lists_its_parts_accessibly_and_each_is_launched(
    course: Course, browser: Any
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    link = await personal_link(course)
    await page.goto(link)
    assert await page.locator("h1").inner_text() == "Utbildningen Valsäkerhet cmi5"
    axe = Axe()
    for width in (1280, 320):
        await page.set_viewport_size({"width": width, "height": 900})
        results = await axe.run(page)
        assert results.response["violations"] == [], results.generate_report()
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    await page.set_viewport_size({"width": 1280, "height": 900})
    assert await page.get_by_text("Inte klar").count() == 2
    await page.get_by_role("link", name="Starta Del 1").click()
    await run_to_the_end(page)
    for _ in range(100):  # moveOn is evaluated just after the statements are stored
        await page.goto(link)
        if await page.get_by_text("Inte klar").count() == 1:
            break
        await asyncio.sleep(0.1)
    assert await page.get_by_text("Inte klar").count() == 1
    assert await status_of(course) == "in_progress"
    await page.get_by_role("link", name="Starta Del 2").click()
    await run_to_the_end(page)
    for _ in range(100):
        if await status_of(course) == "completed_on_time":
            break
        await asyncio.sleep(0.1)
    assert await status_of(course) == "completed_on_time"
    await page.goto(link)
    assert await page.locator("#cmi5-all-done").count() == 1
