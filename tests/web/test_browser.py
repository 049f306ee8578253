"""The web pages in a real headless Chromium against a real server process: what a county
administrator does before a workshop, from log-in to log-out; a county admin kept out of
another county; and an axe-core accessibility check of every page."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any

import httpx
from axe_playwright_python.async_playwright import Axe

from reports.courses import VALMYNDIGHETEN_INTRO
from tests.web.conftest import PASSWORD, Site

BAD_LIST = (
    "Namn;E-post;Kommun;Roll\r\n"
    "Anna Andersson;anna.andersson@gavle.example;Gävle;valsamordnare\r\n"
    "Bo Berg;bo.berg(at)sandviken.example;Sandviken;valnämnd\r\n"
    "Cilla Ceder;cilla@hudiksvall.example;Göteborg;kommunikatör\r\n"
)
GOOD_LIST = (
    "Namn;E-post;Kommun;Roll\r\n"
    "Anna Andersson;anna.andersson@gavle.example;Gävle;valsamordnare\r\n"
    "Bo Berg;bo.berg@sandviken.example;Sandviken;valnämnd\r\n"
    "Cilla Ceder;cilla@hudiksvall.example;Hudiksvall;kommunikatör\r\n"
)


async def log_in(page: Any, site: Site, kind: str) -> None:
    await page.goto(site.server.url + "/")
    assert "/login" in page.url  # everything but the statement page needs a log-in
    await page.get_by_label("E-postadress").fill(site.people[kind])
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_load_state()
    assert "/login" not in page.url


def statuses(rows: list[list[str]]) -> dict[str, str]:
    return {row[0].split("\n")[0]: row[3] for row in rows}


async def table_rows(page: Any, selector: str) -> list[list[str]]:
    rows: list[list[str]] = await page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.children).map(c => c.innerText.trim()))",
    )
    return rows


def complete(site: Site, email: str) -> None:
    """A course package reports a completion to the running server's xAPI endpoint."""
    answer = httpx.post(
        site.server.url + "/xapi/statements",
        auth=(site.server.key, site.server.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        json={
            "id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:{email}"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": VALMYNDIGHETEN_INTRO},
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


async def test_a_county_admin_prepares_a_workshop(site: Site, browser: Any, tmp_path: Path) -> None:
    context = await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    await log_in(page, site, "admin 21")
    assert page.url.endswith("/counties/21")
    assert await page.get_by_role("heading", level=1).inner_text() == "Gävleborgs län"

    await page.get_by_role("link", name="Valsäkerhet i Gävleborg").click()
    await page.get_by_role("link", name="Ladda upp deltagarlista").click()

    # A list with two bad rows is refused, row by row, and nothing changes.
    bad = tmp_path / "deltagare.csv"
    bad.write_text(BAD_LIST, encoding="utf-8-sig")
    await page.get_by_label("Deltagarlista (CSV eller Excel)").set_input_files(str(bad))
    await page.get_by_role("button", name="Granska listan").click()
    await page.wait_for_load_state()
    assert "Listan har 2 fel och sparades inte" in await page.locator(".error-summary").inner_text()
    problems = await table_rows(page, "#problems")
    assert [(row[0], row[1]) for row in problems] == [("3", "E-post"), ("4", "Kommun")]
    assert "utanför workshoppens län" in problems[1][2]

    # The fixed list: a preview first, then saved.
    good = tmp_path / "deltagare-rättad.csv"
    good.write_text(GOOD_LIST, encoding="utf-8-sig")
    await page.get_by_label("Deltagarlista (CSV eller Excel)").set_input_files(str(good))
    await page.get_by_role("button", name="Granska listan").click()
    await page.wait_for_load_state()
    assert "3 nya" in await page.locator("main").inner_text()
    await page.get_by_role("button", name="Spara listan").click()
    await page.wait_for_load_state()
    assert "Deltagarlistan har nu 3 deltagare." in await page.locator("main").inner_text()

    await page.get_by_role("link", name="Tillbaka till workshoppen").click()
    rows = await table_rows(page, "#participant-table")
    assert set(statuses(rows).values()) == {"Inte påbörjad"}

    # Anna finishes the course; the page says so once the statement has arrived.
    complete(site, "Anna.Andersson@Gavle.example")
    for _ in range(50):
        await page.reload()
        rows = await table_rows(page, "#participant-table")
        if statuses(rows)["Anna Andersson"] == "Klar i tid":
            break
        await page.wait_for_timeout(200)
    assert statuses(rows) == {
        "Anna Andersson": "Klar i tid",
        "Bo Berg": "Inte påbörjad",
        "Cilla Ceder": "Inte påbörjad",
    }

    # Filter by status and search by municipality.
    await page.get_by_label("Status").select_option("not_started")
    await page.get_by_label("Sök namn eller kommun").fill("sandv")
    await page.get_by_role("button", name="Visa").click()
    await page.wait_for_load_state()
    assert [row[0].split("\n")[0] for row in await table_rows(page, "#participant-table")] == [
        "Bo Berg"
    ]

    # The CSV for the meeting, as Swedish Excel opens it.
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Ladda ned deltagarlistan (CSV för Excel)").click()
    download = await waiting.value
    saved = tmp_path / "rapport.csv"
    await download.save_as(str(saved))
    table = list(csv.reader(io.StringIO(saved.read_text("utf-8-sig")), delimiter=";"))
    assert {row[0]: row[table[0].index("Status")] for row in table[1:]} == {
        "Anna Andersson": "Klar i tid",
        "Bo Berg": "Inte påbörjad",
        "Cilla Ceder": "Inte påbörjad",
    }

    # Remind the two who have not finished: one e-mail each.
    await page.get_by_role("link", name="Påminnelser").click()
    assert [row[0] for row in await table_rows(page, "#to-remind")] == ["Bo Berg", "Cilla Ceder"]
    await page.get_by_role("button", name="Skicka 2 påminnelser").click()
    await page.wait_for_load_state()
    sent = "2 skickade, 0 misslyckades, 0 fick ingen påminnelse."
    assert sent in await page.locator("main").inner_text()
    assert sorted(rcpts[0] for rcpts, _ in site.smtp.messages) == [
        "bo.berg@sandviken.example",
        "cilla@hudiksvall.example",
    ]
    assert "Ingen att påminna just nu." in await page.locator("#to-remind").inner_text()

    # Log out: the pages are closed again.
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_load_state()
    assert "Du är utloggad." in await page.locator("main").inner_text()
    await page.goto(site.server.url + "/counties/21")
    assert "/login" in page.url
    await context.close()


async def test_a_county_admin_cannot_reach_another_county(site: Site, browser: Any) -> None:
    page = await browser.new_page()
    await log_in(page, site, "admin 14")
    assert page.url.endswith("/counties/14")
    for path in (
        f"/workshops/{site.workshop_21}",
        f"/workshops/{site.workshop_21}/upload",
        f"/workshops/{site.workshop_21}/reminders",
        f"/workshops/{site.workshop_21}/export.csv",
        "/counties/21",
    ):
        answer = await page.goto(site.server.url + path)
        assert answer is not None and answer.status == 404, path
        assert await page.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
    answer = await page.goto(site.server.url + "/nation")
    assert page.url.endswith("/counties/14")  # the national overview is not theirs
    missing = await page.goto(site.server.url + "/workshops/nosuchworkshop")
    assert missing is not None and missing.status == 404  # the same answer as for county 21's


async def test_every_page_passes_axe(site: Site, browser: Any) -> None:
    """No serious or critical axe-core violation on any page, in Swedish and in English."""
    page = await browser.new_page()
    axe = Axe()
    found: dict[str, list[str]] = {}

    async def check(label: str) -> None:
        await page.wait_for_load_state()
        results = await axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[label] = bad

    await page.goto(site.server.url + "/login")
    await check("login")
    await page.goto(site.server.url + "/tillganglighet")
    await check("accessibility statement")
    assert "tillganglighet@val.example" in await page.locator("main").inner_text()
    await log_in(page, site, "national")
    pages = [
        "/nation",
        "/counties/14",
        f"/workshops/{site.workshop_14}",
        f"/workshops/{site.workshop_14}?status=not_started&sort=name",
        f"/workshops/{site.workshop_14}/upload",
        f"/workshops/{site.workshop_14}/reminders",
        "/learners",
        "/courses",
        "/audit",
        "/workshops/nosuchworkshop",
    ]
    for path in pages:
        await page.goto(site.server.url + path)
        await check(path)
    await page.goto(site.server.url + "/counties/14")
    await page.get_by_role("button", name="Skapa workshop").click()  # no title: errors shown
    await check("county with form errors")
    await page.goto(site.server.url + f"/workshops/{site.workshop_14}/upload")
    await page.get_by_label("Deltagarlista (CSV eller Excel)").set_input_files(
        files=[{"name": "fel.csv", "mimeType": "text/csv", "buffer": BAD_LIST.encode()}]
    )
    await page.get_by_role("button", name="Granska listan").click()
    await check("upload with bad rows")
    await page.get_by_role("button", name="In English").click()
    await page.wait_for_load_state()
    assert await page.locator("html").get_attribute("lang") == "en"
    for path in pages[:3]:
        await page.goto(site.server.url + path)
        await check(path + " (English)")
    assert found == {}
