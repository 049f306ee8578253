"""Issue 15 in a real headless Chromium against a real server process: a county admin
connects an unmatched learner to a participant (from the suggestion, and by a search) and
undoes it, and exempts a participant from a course with a reason and undoes it; every
page and state passes axe-core at 1280 and 320 px; another county's admin is refused."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import expect

from tests.web.conftest import Site
from tests.web.test_browser import GOOD_LIST, complete, error_summary_has_focus, log_in

pytestmark = pytest.mark.slow  # starts real processes

WIDTHS = (1280, 320)


class AxeWalk:
    """axe-core and the 320 px reflow check at both widths, violations collected by state."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.axe = Axe()
        self.found: dict[str, list[str]] = {}

    async def check(self, label: str) -> None:
        page = self.page
        await page.wait_for_load_state()
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            results = await self.axe.run(page)
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
                self.found[f"{label} at {width} px"] = bad
        await page.set_viewport_size({"width": 1280, "height": 900})


async def _upload(page: Any, site: Site) -> None:
    await page.goto(site.server.url + f"/workshops/{site.workshop_21}/upload")
    await page.get_by_label("Deltagarlista (CSV eller Excel)").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": GOOD_LIST.encode()}]
    )
    await page.get_by_role("button", name="Granska listan").click()
    await page.get_by_role("button", name="Spara listan").click()
    await page.wait_for_load_state()


async def _status_of(page: Any, site: Site, name: str) -> str:
    await page.goto(site.server.url + f"/workshops/{site.workshop_21}")
    row = page.locator("#participant-table tbody tr", has_text=name)
    text: str = await row.locator("td").nth(2).inner_text()
    return text.split("\n")[0]


async def test_a_county_admin_connects_a_learner_and_exempts_someone(
    site: Site, browser: Any
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    walk = AxeWalk(page)
    await log_in(page, site, "admin 21")
    await _upload(page, site)
    complete(site, "bo.b@sandviken.example")  # a typo of bo.berg@sandviken.example
    complete(site, "cilla.privat@hudiksvall.example")  # the county's domain, not close

    # From the suggestion, in one action; then undone.
    await page.goto(site.server.url + "/learners")
    await walk.check("learners with suggestions")
    await page.get_by_role(
        "button", name="Koppla bo.b@sandviken.example till bo.berg@sandviken.example"
    ).click()
    await expect(page.locator("#result")).to_contain_text(
        "bo.b@sandviken.example är kopplad till Bo Berg"
    )
    await walk.check("connected, with undo")
    assert await _status_of(page, site, "Bo Berg") == "Klar i tid"
    await page.go_back()
    await page.get_by_role("button", name="Ångra kopplingen").click()
    await expect(page.locator("#result")).to_contain_text("är inte längre kopplad till Bo Berg")
    await walk.check("connection undone")
    assert await _status_of(page, site, "Bo Berg") == "Inte påbörjad"

    # By a search.
    await page.goto(site.server.url + "/learners")
    await page.get_by_role(
        "link", name="Sök deltagare att koppla till cilla.privat@hudiksvall.example"
    ).click()
    await walk.check("search, empty")
    await page.get_by_label("Sök deltagare").fill("cilla")
    await page.get_by_role("button", name="Sök", exact=True).click()
    await walk.check("search, found")
    await page.get_by_role(
        "button", name="Koppla cilla.privat@hudiksvall.example – Cilla Ceder"
    ).click()
    await expect(page.locator("#result")).to_contain_text("kopplad till Cilla Ceder")
    assert await _status_of(page, site, "Cilla Ceder") == "Klar i tid"

    # An exemption with a reason: first without one (the error summary), then with it.
    await page.goto(site.server.url + f"/workshops/{site.workshop_21}")
    await page.get_by_role("link", name="Befria Anna Andersson").click()
    await walk.check("exemption form")
    await page.get_by_role("button", name="Befria").click()
    assert (await page.title()).startswith("Fel: ")
    await error_summary_has_focus(page)
    await walk.check("exemption with errors")
    await page.get_by_label("Skäl").fill("genomförd inför valet 2026")
    await page.get_by_role("button", name="Befria").click()
    await expect(page.locator("#result")).to_contain_text("Anna Andersson är befriad från")
    await walk.check("exempted, with undo")
    assert await _status_of(page, site, "Anna Andersson") == "Befriad"
    await page.go_back()
    await page.locator("#result").get_by_role("button", name="Ångra").click()
    await expect(page.locator("#result")).to_contain_text("inte längre befriad")
    await walk.check("exemption undone")
    assert await _status_of(page, site, "Anna Andersson") == "Inte påbörjad"

    # Courses per role: SKR's course only for valnämnd (Bo Berg's role).
    await page.goto(site.server.url + f"/workshops/{site.workshop_21}/edit")
    await page.get_by_label("Ett tryggt valår").check()
    await page.get_by_role("button", name="Spara ändringarna").click()
    await page.get_by_role("link", name="Kurser per roll").click()
    await walk.check("courses per role")
    await (
        page.locator("fieldset", has_text="Introduktionsutbildning")
        .get_by_label("Valnämnd")
        .check()
    )
    await page.locator("fieldset", has_text="Ett tryggt valår").get_by_label("Valnämnd").check()
    await page.get_by_role("button", name="Spara kurser per roll").click()
    await error_summary_has_focus(page)
    await walk.check("courses per role with errors")
    await (
        page.locator("fieldset", has_text="Introduktionsutbildning")
        .get_by_label("Valnämnd")
        .uncheck()
    )
    await page.get_by_role("button", name="Spara kurser per roll").click()
    await expect(page.locator("#result")).to_contain_text("Kurserna per roll är sparade")
    await walk.check("courses per role saved")
    # Cilla (kommunikatör) needs only the introduction, done: ready; Bo needs both.
    assert await _status_of(page, site, "Cilla Ceder") == "Klar i tid"
    assert await _status_of(page, site, "Bo Berg") == "Inte påbörjad"
    assert walk.found == {}

    # Another county's admin: neither the learner nor the participant's pages.
    exemptions_url = page.url.split("?")[0]
    other = await browser.new_page()
    await log_in(other, site, "admin 14")
    await other.goto(site.server.url + "/learners")
    assert "bo.b@sandviken.example" not in await other.locator("main").inner_text()
    for path in (
        exemptions_url.removeprefix(site.server.url),
        exemptions_url.removeprefix(site.server.url).replace("/exemptions", "/identities"),
        "/learners/connect?identity=" + quote("mbox:bo.b@sandviken.example"),
    ):
        answer = await other.goto(site.server.url + path)
        assert answer is not None and answer.status == 404, path
        assert await other.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
