"""The statement browser (issue 15) in a real headless Chromium against a real server:
a national admin searches by learner, opens one statement, and downloads the selection,
with the keyboard only; axe-core finds nothing at 1280 and 320 px in any state; a county
admin and a coordinator are refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.web.conftest import Site
from tests.web.test_browser import (
    WIDTHS,
    complete,
    error_summary_has_focus,
    focus_by_tab,
    log_in,
    navigate_with,
)

pytestmark = pytest.mark.slow  # starts real processes


async def _axe(page: Any, label: str, found: dict[str, list[str]]) -> None:
    await page.wait_for_load_state()
    axe = Axe()
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


async def test_search_view_and_download_with_the_keyboard(
    site: Site, browser: Any, tmp_path: Path
) -> None:
    for email in ("anna.andersson@gavle.example", "bo.berg@sandviken.example"):
        complete(site, email)
    found: dict[str, list[str]] = {}
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    await log_in(page, site, "national")
    await focus_by_tab(page, "Utbildningshändelser")
    await navigate_with(page, "Enter")
    assert page.url.endswith("/statements")
    await _axe(page, "every statement", found)

    await focus_by_tab(page, "Från och med (ÅÅÅÅ-MM-DD)")
    await page.keyboard.type("den första")
    await navigate_with(page, "Enter")
    await error_summary_has_focus(page)
    await _axe(page, "a wrong date", found)
    await page.get_by_label("Från och med").fill("")

    await page.get_by_label("Deltagare").focus()
    await page.keyboard.type("anna.andersson@gavle.example")
    await navigate_with(page, "Enter")
    rows = await page.eval_on_selector_all(
        "table.data tbody tr", "rows => rows.map(r => r.innerText)"
    )
    assert len(rows) == 1 and "anna.andersson@gavle.example" in rows[0]
    await _axe(page, "one learner", found)

    await page.locator("table.data tbody a").first.focus()
    await navigate_with(page, "Enter")
    assert "/statements/" in page.url
    assert "anna.andersson@gavle.example" in await page.locator("pre.json").inner_text()
    await _axe(page, "one statement", found)

    await focus_by_tab(page, "Tillbaka till sökningen")
    await navigate_with(page, "Enter")
    await focus_by_tab(page, "Ladda ned urvalet som CSV (för Excel)")
    async with page.expect_download() as waiting:
        await page.keyboard.press("Enter")
    download = await waiting.value
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "anna.andersson@gavle.example"

    await page.get_by_role("button", name="In English").click()
    await page.wait_for_load_state()
    await page.goto(site.server.url + "/statements?learner=nobody")
    await _axe(page, "a wrong learner (English)", found)
    assert await page.locator("#error-summary").count() == 1
    assert found == {}, found


@pytest.mark.parametrize("kind", ["admin 21", "coordinator 2180"])
async def test_others_are_refused(site: Site, browser: Any, kind: str) -> None:
    complete(site, "anna.andersson@gavle.example")
    page = await browser.new_page()
    await log_in(page, site, kind)
    assert await page.get_by_role("link", name="Utbildningshändelser").count() == 0
    for path in ("/statements", "/statements/export.jsonl"):
        answer = await page.goto(site.server.url + path)
        assert answer is not None and answer.status == 403
        assert "anna.andersson" not in await page.content()
