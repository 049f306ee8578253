"""Issue 14, end to end: a real server and a real SMTP server (aiosmtpd); a county admin
invites a workshop; the participant's link, taken from the e-mail, is followed in headless
Chromium to a small ``xapi``-kind course that uses TinCanJS (``tincanjs`` from the npm
registry) to read its launch parameters and send completed and passed; the participant
becomes ready. The per-learner credential cannot write for another actor, a revoked link
stops at once, and a forged completion from another course's key does not count.

TinCanJS is installed with npm into a cache directory outside the repository
(``LRS_BRIDGE_TEST_NPM_CACHE``, default ``~/.cache/lrs-bridge-tests/npm``); without npm or
the registry the test is skipped, saying so.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from tests.conftest import LiveServer, free_port, start_server
from tests.mail import MailCatcher
from tests.web.conftest import Site, need_chromium
from tests.web.test_browser import WIDTHS, error_summary_has_focus, log_in, until_sent

pytestmark = pytest.mark.slow  # starts real processes

TINCANJS = "tincanjs@0.50.0"
ACTIVITY = "https://kurs.example/xapi/valsakerhet-grund"
VERSION = {"X-Experience-API-Version": "1.0.3"}
LINK = re.compile(r"https?://[^\s]+/l/[A-Za-z0-9_-]{20,}")

COURSE_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Valsäkerhet – grundkurs</title>
<script src="tincan-min.js"></script></head>
<body><h1>Valsäkerhet – grundkurs</h1><p id="status">startar</p>
<script>
var out = document.getElementById("status");
var tincan = new TinCan({url: window.location.href});
function send(verb, result, next) {
  tincan.sendStatement(
    {verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"sv-SE": verb}},
     result: result},
    function (results) {
      var r = results[0];
      if (r.err !== null) {
        out.textContent = "fel " + verb + " " + (r.xhr ? r.xhr.status : r.err);
        return;
      }
      next();
    });
}
send("completed", {completion: true}, function () {
  send("passed", {success: true, score: {scaled: 0.9}}, function () {
    out.textContent = "klart " + tincan.actor.mbox + " " + tincan.registration;
  });
});
</script></body></html>
"""


def tincanjs() -> Path:
    """tincan-min.js from the npm registry, installed once into a cache outside the
    repository; skips the test, saying why, when npm or the registry is not there."""
    cache = Path(
        os.environ.get("LRS_BRIDGE_TEST_NPM_CACHE")
        or Path.home() / ".cache" / "lrs-bridge-tests" / "npm"
    )
    script = cache / "node_modules" / "tincanjs" / "build" / "tincan-min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("TinCanJS launch test skipped: npm is not installed")
    cache.mkdir(parents=True, exist_ok=True)
    installed = subprocess.run(
        [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", TINCANJS],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if installed.returncode != 0 or not script.exists():
        pytest.skip(f"TinCanJS launch test skipped: npm install {TINCANJS} failed")
    return script


@pytest.fixture
def course_site(tmp_path: Path) -> Iterator[str]:
    """The course package, served from another origin (the LRS answers CORS)."""
    script = tincanjs()
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(script, root / "tincan-min.js")
    (root / "index.html").write_text(COURSE_PAGE, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


async def _seed(url: str, course_url: str) -> dict[str, Any]:
    services = Services.build(load_settings(database_url=url))
    await services.open()
    try:
        reports = services.reports
        await reports.add_course(
            {
                "id": "valsakerhet-grund",
                "name": "Valsäkerhet grundkurs",
                "activities": [ACTIVITY],
                "url": course_url,
                "launch_kind": "xapi",
            }
        )
        workshop = await reports.create_workshop(
            {
                "county": "21",
                "title": "Valsäkerhet i Gävleborg",
                "date": "2099-01-18",
                "courses": ["valsakerhet-grund"],
            }
        )
        for name, email, town in [
            ("Sara Lindqvist", "sara.lindqvist@ljusdal.se", "Ljusdal"),
            ("Per Ek", "per.ek@gavle.se", "Gävle"),
        ]:
            await reports.add_participant(
                workshop.id, {"name": name, "email": email, "municipality": town}
            )
        await reports.set_county_contact(
            "21", {"name": "Karin Berg", "email": "karin.berg@lansstyrelsen.se"}
        )
        # The introduction's own key: trusted there, and public (it sits in its package).
        other_key = await services.credentials.create("intro-paketet", ["statements/write"])
        intro = await reports.get_course("valmyndigheten-introduktion")
        await reports.change_course(
            intro.id,
            {
                "name": intro.name,
                "activities": [*intro.activities],
                "url": intro.url,
                "reporters": {"credentials": [other_key.credential.key]},
            },
        )
        admin = await services.people.create_user(
            "karl@lansstyrelsen.se", "county-admin", county="21"
        )
        token = (await services.people.issue_token(str(admin.id))).token
        return {
            "workshop": workshop.id,
            "admin": {"Authorization": f"Bearer {token}"},
            "other_key": (other_key.credential.key, other_key.secret),
        }
    finally:
        await services.close()


@pytest.fixture
def launch_site(
    database_url: str, course_site: str, smtp: tuple[MailCatcher, int], tmp_path: Path
) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    need_chromium()
    _, smtp_port = smtp
    seeded = asyncio.run(_seed(database_url, course_site))
    port = free_port()
    server = start_server(
        database_url.removeprefix("sqlite:///"),
        tmp_path / "server.log",
        port=port,
        env={
            "LRS_BRIDGE_SMTP_HOST": "127.0.0.1",
            "LRS_BRIDGE_SMTP_PORT": str(smtp_port),
            "LRS_BRIDGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        },
    )
    try:
        yield server, seeded
    finally:
        server.stop()


async def _statuses(http: httpx.AsyncClient, seeded: dict[str, Any]) -> dict[str, str]:
    answer = await http.get(
        f"/api/v1/workshops/{seeded['workshop']}/readiness", headers=seeded["admin"]
    )
    report = answer.json()
    return {p["participant"]["email"]: p["status"] for p in report["participants"]}


async def _wait_for(
    http: httpx.AsyncClient, seeded: dict[str, Any], email: str, status: str
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (await _statuses(http, seeded))[email] == status:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{email} did not become {status}: {await _statuses(http, seeded)}")


async def test_invite_follow_the_link_complete_in_tincanjs_and_be_ready(
    launch_site: tuple[LiveServer, dict[str, Any]],
    smtp: tuple[MailCatcher, int],
    browser: Any,
    course_site: str,
) -> None:
    server, seeded = launch_site
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        await _journey(http, server, seeded, smtp[0], browser, course_site)


async def _journey(
    http: httpx.AsyncClient,
    server: LiveServer,
    seeded: dict[str, Any],
    catcher: MailCatcher,
    browser: Any,
    course_site: str,
) -> None:
    sent = await http.post(
        f"/api/v1/workshops/{seeded['workshop']}/invitations",
        headers=seeded["admin"],
    )
    assert sent.status_code == 200, sent.text
    assert len(sent.json()["sent"]) == 2
    mails = {rcpts[0]: message for rcpts, message in catcher.messages}
    sara_mail = mails["sara.lindqvist@ljusdal.se"]
    assert sara_mail["Reply-To"] == "karin.berg@lansstyrelsen.se" and sara_mail["Date"]
    (link,) = LINK.findall(sara_mail.get_content())
    assert link.startswith(server.url + "/l/")

    # The forged completion: Per's address, sent with the introduction's (public) key.
    key, secret = seeded["other_key"]
    forged = await http.post(
        "/xapi/statements",
        auth=(key, secret),
        headers=VERSION,
        json={
            "id": str(uuid.uuid4()),
            "actor": {"mbox": "mailto:per.ek@gavle.se"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": ACTIVITY},
            "result": {"completion": True},
        },
    )
    assert forged.status_code == 200  # stored, as a conformant LRS does ...

    # Sara follows her link; the course reads its launch parameters and reports.
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(link)
    assert page.url.startswith(course_site + "?")
    status = page.locator("#status")
    for _ in range(100):
        shown = await status.inner_text()
        if shown != "startar":
            break
        await asyncio.sleep(0.1)
    launch = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert shown == f"klart mailto:sara.lindqvist@ljusdal.se {launch['registration']}"
    await _wait_for(http, seeded, "sara.lindqvist@ljusdal.se", "completed_on_time")
    assert (await _statuses(http, seeded))["per.ek@gavle.se"] == "not_started"  # ... not counted

    # Sara's credential cannot write for Per.
    auth = {"Authorization": launch["auth"], **VERSION}
    for_per = await http.post(
        "/xapi/statements",
        headers=auth,
        json={
            "actor": {"mbox": "mailto:per.ek@gavle.se"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": ACTIVITY},
            "context": {"registration": launch["registration"]},
        },
    )
    assert for_per.status_code == 403
    assert for_per.json()["details"][0]["rule"] == "learner_actor"
    assert base64.b64decode(launch["auth"][6:]).decode().startswith("learner.valsakerhet-grund.")

    # Revoked: the link and its credential stop at once.
    participants = (
        await http.get(
            f"/api/v1/workshops/{seeded['workshop']}/participants",
            headers=seeded["admin"],
        )
    ).json()
    listed = participants["participants"] if isinstance(participants, dict) else participants
    sara = next(p for p in listed if p["email"] == "sara.lindqvist@ljusdal.se")
    revoked = await http.delete(
        f"/api/v1/workshops/{seeded['workshop']}/participants/{sara['id']}/links",
        headers=seeded["admin"],
    )
    assert revoked.status_code == 200 and len(revoked.json()["revoked"]) == 1
    gone = await page.goto(link)
    assert gone is not None and gone.status == 410
    assert "Länken fungerar inte längre" in await page.locator("h1").inner_text()
    assert "Karin Berg" in await page.locator("main").inner_text()
    own = await http.post(
        "/xapi/statements",
        headers=auth,
        json={
            "actor": {"mbox": "mailto:sara.lindqvist@ljusdal.se"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": ACTIVITY},
            "context": {"registration": launch["registration"]},
        },
    )
    assert own.status_code == 401
    await context.close()


async def _links(database: str, workshop_id: str) -> list[str]:
    """The workshop's first participant's links (made if none), and that participant's id."""
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    try:
        found = await services.launch.participant_links(workshop_id)
        participant_id, links = next(iter(found.items()))
        return [participant_id, *(url.rsplit("/", 1)[1] for _, _, url in links)]
    finally:
        await services.close()


async def _revoke(database: str, participant_id: str) -> None:
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    try:
        await services.launch.revoke_participant(participant_id)
    finally:
        await services.close()


async def test_the_launch_and_invitation_pages_pass_axe_at_1280_and_320_px(
    site: Site, browser: Any
) -> None:
    """The link page, the ended link's page (410), an unknown link, and the invitation page
    in its states: no axe-core violation at any impact level, no sideways scrolling."""
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    axe = Axe()
    found: dict[str, list[str]] = {}

    async def check(label: str) -> None:
        await page.wait_for_load_state()
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            results = await axe.run(page)
            bad = [
                f"{v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(str(node["target"]) for node in v["nodes"][:3])
                for v in results.response["violations"]
            ]
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                bad.append(f"the page scrolls sideways by {overflow} px")
            if bad:
                found[f"{label} at {width} px"] = bad
        await page.set_viewport_size({"width": 1280, "height": 900})

    participant_id, token = await _links(site.database, site.workshop_14)
    await page.goto(f"{site.server.url}/l/{token}")
    assert "goran@goteborg.example" in await page.locator("#launch-email").inner_text()
    await check("link page")
    await page.goto(f"{site.server.url}/l/no-such-token")
    await check("unknown link")
    await _revoke(site.database, participant_id)
    answer = await page.goto(f"{site.server.url}/l/{token}")
    assert answer is not None and answer.status == 410
    await check("ended link")

    await log_in(page, site, "admin 14")
    await page.goto(f"{site.server.url}/workshops/{site.workshop_14}/invitations")
    await check("invitations to send")
    boxes = page.locator("input[name=participant]")
    for index in range(await boxes.count()):
        await boxes.nth(index).uncheck()
    await page.get_by_role("button", name="Skicka 1 inbjudan").click()
    assert (await page.title()).startswith("Fel: ")
    await error_summary_has_focus(page)
    await check("invitations with nobody chosen")
    await boxes.first.check()
    await page.get_by_role("button", name=re.compile("^Skicka")).click()
    await page.wait_for_load_state()
    await check("invitations being sent")  # F13: the status page of the send
    assert "1 av 1 skickad, 0 misslyckades, 0 återstår." in await until_sent(page)
    await check("invitations sent")
    assert len(site.smtp.messages) == 1
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
