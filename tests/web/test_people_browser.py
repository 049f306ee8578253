"""Issue 15 in a real headless Chromium against a real server process and SMTP server: a
county admin invites a coordinator, who chooses their own password from the e-mailed link
(keyboard only) and logs in; each role kept out of what is not theirs; and an axe-core
check, at 1280 and 320 px, of every people and account page and their error states."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import expect

from tests.web.conftest import Site
from tests.web.test_browser import (
    WIDTHS,
    error_summary_has_focus,
    focus_by_tab,
    log_in,
    navigate_with,
)

pytestmark = pytest.mark.slow  # starts real processes

NEW_PASSWORD = "tre-ord-i-rad-som-minns"


def link_in_mail(site: Site, to: str) -> str:
    for recipients, message in reversed(site.smtp.messages):
        if recipients == [to]:
            found = re.search(r"(http://\S+/password/\S+)", message.get_content())
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no e-mail to {to}")


async def test_a_county_admin_invites_a_coordinator_who_sets_their_password(
    site: Site, browser: Any
) -> None:
    admin = await browser.new_context()
    page = await admin.new_page()
    await log_in(page, site, "admin 21")
    await page.get_by_role("link", name="Personer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Personer")
    await page.get_by_role("link", name="Lägg till en person").click()
    await page.get_by_label("E-postadress").fill("eva@sandviken.example")
    await page.get_by_label("Kommun", exact=True).select_option(label="Sandviken")
    await page.get_by_role("button", name="Lägg till och skicka länken").click()
    await expect(page.locator("#mail-sent")).to_contain_text("eva@sandviken.example")
    link = link_in_mail(site, "eva@sandviken.example")
    assert link.startswith(site.server.url + "/password/")
    await admin.close()

    # The coordinator, keyboard only, in a browser of their own.
    coordinator = await browser.new_context(viewport={"width": 320, "height": 800})
    page = await coordinator.new_page()
    await page.goto(link)
    assert "eva@sandviken.example" in await page.locator("main").inner_text()
    await focus_by_tab(page, "Nytt lösenord")
    await page.keyboard.type("kort")
    await focus_by_tab(page, "Spara lösenordet")
    await navigate_with(page, "Enter")
    await error_summary_has_focus(page)
    assert "Lösenordet behöver vara minst 12 tecken." in await page.locator("main").inner_text()
    await focus_by_tab(page, "Nytt lösenord")
    await page.keyboard.type(NEW_PASSWORD)
    await focus_by_tab(page, "Nytt lösenord en gång till", limit=5)
    await page.keyboard.type(NEW_PASSWORD)
    await navigate_with(page, "Enter")
    assert "/login" in page.url
    await expect(page.locator("main")).to_contain_text("Ditt lösenord är sparat.")
    await page.get_by_label("E-postadress").fill("eva@sandviken.example")
    await page.get_by_label("Lösenord").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_load_state()
    assert page.url.endswith("/counties/21")
    answer = await page.goto(link)  # used up
    assert answer is not None and answer.status == 404
    await coordinator.close()


async def test_each_role_is_kept_out_of_what_is_not_theirs(site: Site, browser: Any) -> None:
    page = await browser.new_page()
    await log_in(page, site, "coordinator 2180")
    assert await page.get_by_role("link", name="Personer").count() == 0
    for path in ("/people", "/people/new", "/people/1", "/credentials"):
        answer = await page.goto(site.server.url + path)
        assert answer is not None and answer.status in (403, 404), path
        assert answer.status == 403, path
    await page.goto(site.server.url + "/account")  # their own account is theirs
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mitt konto")
    await page.close()

    page = await browser.new_page()
    await log_in(page, site, "admin 14")
    await page.goto(site.server.url + "/people")
    table = await page.locator("#people-table").inner_text()
    assert "olle@gavle.example" not in table and "karl@lansstyrelsen.example" not in table
    for email in ("olle@gavle.example", "karl@lansstyrelsen.example", "nationell@val.example"):
        number = await user_number(site, email)
        answer = await page.goto(site.server.url + f"/people/{number}")
        assert answer is not None and answer.status == 404, email
        assert await page.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
    await page.close()


async def user_number(site: Site, email: str) -> int:
    """The person's id, as the national admin's list links to it."""
    import sqlite3

    with sqlite3.connect(site.database) as conn:
        row = conn.execute("SELECT id FROM users WHERE email_key = ?", (email.lower(),)).fetchone()
    assert row is not None
    return int(row[0])


async def test_people_and_account_pages_pass_axe_at_1280_and_320_px(
    site: Site, browser: Any
) -> None:
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

    await log_in(page, site, "national")
    olle = await user_number(site, "olle@gavle.example")
    for path in ("/people", "/people/new", f"/people/{olle}", "/account", "/credentials"):
        await page.goto(site.server.url + path)
        await check(path)
    await page.goto(site.server.url + "/people/new")
    await page.get_by_label("E-postadress").fill("inte en adress")
    await page.get_by_role("button", name="Lägg till och skicka länken").click()
    await error_summary_has_focus(page)
    await check("new person with errors")
    await page.goto(site.server.url + f"/people/{olle}")
    await page.get_by_label("Län", exact=True).select_option(label="Skåne län")
    await page.get_by_role("button", name="Spara ändringen").click()
    await error_summary_has_focus(page)
    await check("change a person with errors")
    await page.get_by_role("button", name="Skicka länk för att välja lösenord").click()
    await expect(page.locator("#mail-sent")).to_be_visible()
    await check("a link sent")
    await page.goto(site.server.url + "/account")
    await page.get_by_role("button", name="Byt lösenord").click()
    await error_summary_has_focus(page)
    await check("own password with errors")
    await page.get_by_role("button", name="Skapa en ny API-nyckel").click()
    await expect(page.locator("#token-value")).to_have_value(re.compile(r"^lrsb_"))
    await check("a new token shown once")
    await page.get_by_role("button", name=re.compile("^Återkalla")).first.click()
    await check("a token revoked")

    for path in ("/courses", "/courses/new", "/courses/valmyndigheten-introduktion/edit"):
        await page.goto(site.server.url + path)
        await check(path)
    await page.get_by_label("Kursens namn").fill("")
    await page.get_by_role("button", name="Spara kursen").click()
    await error_summary_has_focus(page)
    await check("change a course with errors")
    await page.goto(site.server.url + "/credentials/new")
    await check("/credentials/new")
    await page.locator("#scope-0").uncheck()
    await page.get_by_role("button", name="Skapa nyckeln").click()
    await error_summary_has_focus(page)
    await check("new credential with errors")
    await page.get_by_label("Benämning").fill("Testpaketet")
    await page.locator("#scope-0").check()
    await page.get_by_role("button", name="Skapa nyckeln").click()
    await check("a credential created, its secret shown once")
    key = await page.get_by_label("Nyckel", exact=True).input_value()
    await page.goto(site.server.url + f"/credentials/{key}/revoke")
    await check("revoke a credential")
    await page.get_by_role("button", name="Ja, återkalla nyckeln").click()
    await check("a credential revoked")

    link = link_in_mail(site, "olle@gavle.example")
    anonymous = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await anonymous.new_page()
    await page.goto(link)
    await check("set password")
    await page.get_by_label("Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Nytt lösenord en gång till").fill("något annat")
    await page.get_by_role("button", name="Spara lösenordet").click()
    await error_summary_has_focus(page)
    await check("set password with errors")
    await page.goto(link + "x")
    await check("a link that does not work")
    await page.get_by_role("button", name="In English").click()
    await page.goto(link)
    await check("set password (English)")
    await anonymous.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


async def test_a_national_admin_creates_and_revokes_an_xapi_credential(
    site: Site, browser: Any
) -> None:
    page = await browser.new_page()
    await log_in(page, site, "national")
    await page.get_by_role("link", name="xAPI-nycklar").click()
    await page.get_by_role("link", name="Skapa en xAPI-nyckel").click()
    await page.get_by_role("button", name="Skapa nyckeln").click()  # no label: refused
    await error_summary_has_focus(page)
    await page.get_by_label("Benämning").fill("Kursleverantören")
    await page.get_by_role("button", name="Skapa nyckeln").click()
    key = await page.get_by_label("Nyckel", exact=True).input_value()
    secret = await page.get_by_label("Hemlighet").input_value()
    assert len(secret) >= 32
    statement = {
        "actor": {"mbox": "mailto:anna@gavle.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://kurs.example/a"},
    }
    headers = {"X-Experience-API-Version": "1.0.3"}
    async with httpx.AsyncClient(base_url=site.server.url, timeout=10) as http:
        sent = await http.post(
            "/xapi/statements", json=statement, auth=(key, secret), headers=headers
        )
        assert sent.status_code == 200, sent.text
        await page.get_by_role("link", name="Tillbaka till xAPI-nycklarna").click()
        row = page.locator("#credential-table tr", has_text="Kursleverantören")
        assert "Aldrig" not in await row.inner_text()  # its last use is shown
        await row.get_by_role("link", name="Återkalla Kursleverantören").click()
        await page.get_by_role("button", name="Ja, återkalla nyckeln").click()
        await expect(page.locator("main")).to_contain_text(f"Nyckeln {key} är återkallad.")
        refused = await http.post(
            "/xapi/statements", json=statement, auth=(key, secret), headers=headers
        )
        assert refused.status_code == 401
    await page.goto(site.server.url + "/audit")
    log = await page.locator("main").inner_text()
    assert "skapade xAPI-nyckel" in log and "återkallade xAPI-nyckel" in log
    for kind in ("admin 21", "coordinator 2180"):
        other = await browser.new_page()
        await log_in(other, site, kind)
        for path in ("/credentials", "/credentials/new", f"/credentials/{key}/revoke"):
            answer = await other.goto(site.server.url + path)
            assert answer is not None and answer.status == 403, (kind, path)
        await other.close()


async def test_a_national_admin_changes_a_course(site: Site, browser: Any) -> None:
    page = await browser.new_page()
    await log_in(page, site, "national")
    await page.get_by_role("link", name="Kurser").click()
    await page.locator('a[href="/courses/valmyndigheten-introduktion/edit"]').click()
    assert "Valsäkerhet i Gävleborg" in await page.locator("#used-by + ul").inner_text()
    await page.get_by_label("Aktiviteter (xAPI-id)").fill("")
    await page.get_by_label("Kursens namn").fill("")
    await page.get_by_role("button", name="Spara kursen").click()
    await error_summary_has_focus(page)
    await page.get_by_label("Kursens namn").fill("Introduktion till valsäkerhet")
    await page.get_by_label("Aktiviteter (xAPI-id)").fill("https://kurs.example/intro")
    await page.get_by_role("button", name="Spara kursen").click()
    await expect(page.locator("main")).to_contain_text("Introduktion till valsäkerhet")
    await page.goto(site.server.url + "/audit")
    await expect(page.locator("main")).to_contain_text("ändrade kurs")


async def test_the_new_pages_work_with_the_keyboard_only(site: Site, browser: Any) -> None:
    """Tab, Enter and typing only: invite a person, create an xAPI credential (its secret
    field reachable to copy), create an API token."""
    page = await browser.new_page(viewport={"width": 320, "height": 800})
    await log_in(page, site, "national")
    await focus_by_tab(page, "Personer")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Lägg till en person")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "E-postadress")
    await page.keyboard.type("ny@lansstyrelsen.example")
    await focus_by_tab(page, "Län")
    assert await page.evaluate("document.activeElement.id") == "county"
    for _ in range(20):  # down the list of counties to Gävleborg
        if await page.locator("#county").input_value() == "21":
            break
        await page.keyboard.press("ArrowDown")
    assert await page.locator("#county").input_value() == "21"
    await focus_by_tab(page, "Lägg till och skicka länken")
    await navigate_with(page, "Enter")
    await expect(page.locator("#mail-sent")).to_contain_text("ny@lansstyrelsen.example")

    await focus_by_tab(page, "xAPI-nycklar")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Skapa en xAPI-nyckel")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Benämning")
    await page.keyboard.type("Tangentbordspaketet")
    await focus_by_tab(page, "Skapa nyckeln")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Hemlighet")
    assert len(await page.evaluate("document.activeElement.value")) >= 32

    await focus_by_tab(page, "Mitt konto", limit=120)
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Skapa en ny API-nyckel")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "API-nyckel")
    assert (await page.evaluate("document.activeElement.value")).startswith("lrsb_")
