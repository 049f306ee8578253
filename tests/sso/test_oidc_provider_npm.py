"""OpenID Connect against panva's ``oidc-provider`` from the npm registry (the certified
Node.js implementation) in headless Chromium: log in through its own log-in and consent
pages, see one's county, log out here and there. The provider's ID token carries only the
subject, so the e-mail address comes from its userinfo endpoint.

The package is installed by this test, at the version ``node/package.json`` pins, into a
cache folder outside the repository (``LRS_BRIDGE_TEST_NPM_CACHE``, default
``~/.cache/lrs-bridge-tests/npm``); without ``node``/``npm`` or the registry the test is
skipped, saying why."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from tests.conftest import LiveServer, free_port, start_server
from tests.sso.conftest import CLIENT_ID, CLIENT_SECRET, Process, oidc_toml, start_process
from tests.web.conftest import SESSION_SECRET, browser, need_chromium

__all__ = ["browser"]  # the Chromium fixture of the web tests

pytestmark = pytest.mark.slow  # starts real processes

HERE = Path(__file__).parent / "node"
CACHE = Path(
    os.environ.get("LRS_BRIDGE_TEST_NPM_CACHE")
    or Path.home() / ".cache" / "lrs-bridge-tests" / "npm"
)


def node_binary() -> str:
    found = shutil.which("node")
    assert found is not None  # installed_provider() skipped otherwise
    return found


def installed_provider() -> Path:
    """The folder with provider.mjs and its node_modules, installed if need be."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("npm OpenID provider test skipped: node and npm are not installed")
    wanted = json.loads((HERE / "package.json").read_text())["dependencies"]["oidc-provider"]
    folder = CACHE / f"oidc-provider-{wanted}"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "provider.mjs"):
        shutil.copyfile(HERE / name, folder / name)
    found = folder / "node_modules" / "oidc-provider" / "package.json"
    if not found.exists() or json.loads(found.read_text())["version"] != wanted:
        try:
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--omit=dev"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm OpenID provider test skipped: npm install took over 5 minutes")
        if done.returncode != 0 or not found.exists():
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            pytest.skip(f"npm OpenID provider test skipped: npm install failed: {last[0]}")
    return folder


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, Process]]:
    need_chromium()
    folder = installed_provider()
    port, idp_port = free_port(), free_port()
    base, issuer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{idp_port}"
    idp = start_process(
        [
            node_binary(),
            str(folder / "provider.mjs"),
            str(idp_port),
            CLIENT_ID,
            CLIENT_SECRET,
            base + "/sso/test-oidc/callback",
            base + "/sso/test-oidc/logged-out",
        ],
        issuer,
        "/.well-known/openid-configuration",
        tmp_path / "oidc-provider-npm.log",
    )
    config = tmp_path / "sso.toml"
    config.write_text(oidc_toml(issuer), encoding="utf-8")

    async def seed() -> None:
        services = Services.build(load_settings(database_url=database_url))
        await services.open()
        try:
            await services.people.create_user("karl@lansstyrelsen.example", "county-admin", "21")
        finally:
            await services.close()

    asyncio.run(seed())
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
        yield server, idp
    finally:
        server.stop()
        idp.stop()


async def test_log_in_with_oidc_provider_see_the_county_and_log_out(
    site: tuple[LiveServer, Process], browser: Any
) -> None:
    server, _ = site
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(server.url + "/")
    await page.get_by_role("link", name="Logga in med Test-OIDC").click()
    # oidc-provider's development log-in and consent pages
    await page.locator("input[name=login]").fill("karl@lansstyrelsen.example")
    await page.locator("input[name=password]").fill("anything")
    await page.locator("button[type=submit]").click()
    await page.wait_for_load_state()
    if "/counties/" not in page.url:
        await page.locator("button[type=submit]").click()  # consent: Continue
        await page.wait_for_load_state()
    assert page.url == server.url + "/counties/21", page.url
    assert await page.get_by_role("heading", level=1).inner_text() == "Gävleborgs län"
    cookies = await context.cookies()

    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url("**/session/end**")  # the provider asks before it logs out
    await page.locator("button[autofocus], button[type=submit]").first.click()
    await page.wait_for_url("**/login?bye=1")
    other = await browser.new_context()
    await other.add_cookies(cookies)
    stale = await other.new_page()
    await stale.goto(server.url + "/counties/21")
    assert "/login" in stale.url  # the session ended here, whatever the provider did
    await other.close()
    await context.close()
