"""Take the README's screenshots from the demo (`make screenshot`): the county overview and
a workshop page.

Starts `lrs-bridge serve --demo` on a temporary database and a free loopback port, logs in
as the demo county administrator in Debian's headless Chromium, and saves the county page to
docs/county-overview.png and its first workshop to docs/workshop.png.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

OUT = Path(__file__).with_name("county-overview.png")
WORKSHOP_OUT = Path(__file__).with_name("workshop.png")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


async def shoot(url: str, password: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = await browser.new_page(viewport={"width": 1000, "height": 900})
        await page.goto(url + "/login")
        await page.get_by_label("E-postadress").fill("lansstyrelsen@demo.example")
        await page.get_by_label("Lösenord").fill(password)
        await page.get_by_role("button", name="Logga in").click()
        await page.wait_for_load_state()
        await page.screenshot(path=str(OUT), full_page=True)
        await page.locator("table.data tbody th a").first.click()
        await page.wait_for_load_state()
        await page.set_viewport_size({"width": 1280, "height": 1100})
        await page.screenshot(path=str(WORKSHOP_OUT))  # the top: who to chase, by when
        await browser.close()


def main() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "lrs_bridge.cli", "serve", "--demo", "--port", str(port),
             "--database", f"sqlite:///{folder}/demo.sqlite3", "--demo-folder", folder],
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            found = re.search(r"password (\S+)\)", log.read_text())
            assert found, log.read_text()
            asyncio.run(shoot(url, found.group(1)))
        finally:
            server.terminate()
            server.wait(10)
    print(f"wrote {OUT} and {WORKSHOP_OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
