"""Single sign-on in a real headless Chromium against a real server process (on the test
engine) and real identity providers on loopback: log in with OpenID Connect and with SAML,
see one's county, log out (here and at the provider); a person without an account sees
the Swedish refusal; the new pages pass axe-core at 1280 and 320 px."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from tests.conftest import LiveServer, free_port, start_server
from tests.sso.conftest import (
    CLIENT_ID,
    OidcProvider,
    SamlIdp,
    make_key_pair,
    oidc_toml,
    saml_toml,
    start_saml_idp,
)
from tests.web.conftest import SESSION_SECRET, browser, need_chromium

__all__ = ["browser"]  # the Chromium fixture of the web tests

pytestmark = pytest.mark.slow  # starts real processes


@dataclass
class Site:
    server: LiveServer
    oidc: OidcProvider
    saml: SamlIdp


async def _seed(database_url: str) -> None:
    services = Services.build(load_settings(database_url=database_url))
    await services.open()
    try:
        await services.people.create_user("karl@lansstyrelsen.example", "county-admin", "21")
    finally:
        await services.close()


@pytest.fixture
def site(database_url: str, tmp_path: Path, oidc_idp: OidcProvider) -> Iterator[Site]:
    need_chromium()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    saml = start_saml_idp(tmp_path, free_port(), base + "/sso/test-saml/metadata")
    sp_key, sp_cert = make_key_pair(tmp_path, "sp")
    config = tmp_path / "sso.toml"
    saml_part = saml_toml(saml.url + "/metadata", sp_key, sp_cert).split("[[provider]]", 1)[1]
    config.write_text(oidc_toml(oidc_idp.url) + "\n[[provider]]" + saml_part, encoding="utf-8")
    asyncio.run(_seed(database_url))
    server = start_server(
        database_url.removeprefix("sqlite:///"),
        tmp_path / "server.log",
        key="unused",
        secret="unused",
        port=port,
        env={
            "LRS_BRIDGE_SESSION_SECRET": SESSION_SECRET,
            "LRS_BRIDGE_PUBLIC_URL": base,
            "LRS_BRIDGE_SSO_CONFIG": str(config),
        },
    )
    try:
        yield Site(server, oidc_idp, saml)
    finally:
        server.stop()
        saml.stop()


async def _log_in(page: Any, site: Site, provider: str, email: str, organisation: str = "") -> None:
    await page.goto(site.server.url + "/")
    assert "/login" in page.url
    await page.get_by_role("link", name=f"Logga in med {provider}").click()
    await page.get_by_label("E-post").fill(email)
    if organisation:
        await page.get_by_label("Organisation").fill(organisation)
    await page.get_by_role("button", name="Logga in hos test-IdP").click()
    await page.wait_for_load_state()


async def _log_out(page: Any, site: Site) -> None:
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url("**/login?bye=1")
    assert "Du är utloggad" in await page.locator("main").inner_text()


@pytest.mark.parametrize("provider", ["Test-OIDC", "Test-SAML"])
async def test_log_in_see_the_county_and_log_out(site: Site, browser: Any, provider: str) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await _log_in(page, site, provider, "karl@lansstyrelsen.example")
    assert page.url.endswith("/counties/21")
    assert await page.get_by_role("heading", level=1).inner_text() == "Gävleborgs län"
    cookies = await context.cookies()
    await _log_out(page, site)
    # Logged out at the provider too ...
    if provider == "Test-OIDC":
        assert f"logout:{CLIENT_ID}" in site.oidc.seen()
    else:
        assert site.saml.seen() == ["logout:id-karl:signed=True"]
    # ... and here, even with the cookies from before the log-out.
    other = await browser.new_context()
    await other.add_cookies(cookies)
    stale = await other.new_page()
    await stale.goto(site.server.url + "/counties/21")
    assert "/login" in stale.url
    await other.close()
    await context.close()


async def test_a_new_person_gets_exactly_the_rules_rights(site: Site, browser: Any) -> None:
    page = await browser.new_page()
    await _log_in(page, site, "Test-SAML", "olle@gavle.example", "Gävle kommun")
    assert page.url.endswith("/counties/21")
    await page.goto(site.server.url + "/counties/01")
    assert await page.get_by_role("heading", level=1).inner_text() != "Stockholms län"


async def test_a_person_without_account_is_refused_and_pages_pass_axe(
    site: Site, browser: Any
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    axe = Axe()
    found: dict[str, list[str]] = {}

    async def check(label: str) -> None:
        await page.wait_for_load_state()
        for width in (1280, 320):
            await page.set_viewport_size({"width": width, "height": 900})
            results = await axe.run(page)
            bad = [f"{v['id']}: {v['help']}" for v in results.response["violations"]]
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                bad.append(f"scrolls sideways by {overflow} px")
            if bad:
                found[f"{label} at {width} px"] = bad
        await page.set_viewport_size({"width": 1280, "height": 900})

    await page.goto(site.server.url + "/login")
    await check("login with providers")
    await _log_in(page, site, "Test-OIDC", "okand@example.org", "Okänd organisation")
    main = await page.locator("main").inner_text()
    assert "Du har inget konto i tjänsten" in main
    assert "Valmyndighetens support, support@val.example" in main
    await check("refused")
    site.oidc.mode("expired")
    await _log_in(page, site, "Test-OIDC", "karl@lansstyrelsen.example")
    assert "Inloggningen gick inte att slutföra" in await page.locator("main").inner_text()
    await check("failed")
    assert found == {}
