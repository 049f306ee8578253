"""`make run`'s demo: `lrs-bridge serve --demo` seeds people, workshops and learning data
once, prints how to log in, and the printed log-in works on the web pages."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from lrs_bridge.demo import DEMO_TAG, seed_demo
from lrs_bridge.services import Services
from tests.conftest import free_port


async def test_the_demo_is_seeded_once(services: Services) -> None:
    first = await seed_demo(services, "demo-lösenord-1")
    assert [login.role for login in first] == ["national-admin", "county-admin", "coordinator"]
    workshops = await services.reports.list_workshops()
    assert len(workshops) == 3 and all(DEMO_TAG in w.title for w in workshops)
    report = await services.reports.county_readiness("21")
    totals = report.totals
    assert totals.total == 60  # 48 + 12 participants in Gävleborg
    assert totals.completed_on_time > 0 and totals.in_progress > 0 and totals.not_started > 0

    again = await seed_demo(services, "another-password")  # a restart: nothing new
    assert len(await services.reports.list_workshops()) == 3
    assert await services.people.verify_password(again[1].email, "demo-lösenord-1") is not None


@pytest.mark.slow
def test_serve_demo_prints_working_log_ins(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "lrs_bridge.cli", "serve", "--demo", "--port", str(port),
         "--database", f"sqlite:///{tmp_path / 'demo.sqlite3'}", "--demo-folder", str(tmp_path)],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        printed = log.read_text()
        assert f"xAPI endpoint: {url}/xapi/" in printed
        password = re.search(r"password (\S+)\)", printed)
        assert password is not None, printed
        assert "lansstyrelsen@demo.example  (county-admin)" in printed
        with httpx.Client(base_url=url) as browser:
            form = browser.get("/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', form)
            assert csrf is not None
            answer = browser.post(
                "/login",
                data={
                    "csrf": csrf.group(1),
                    "email": "lansstyrelsen@demo.example",
                    "password": password.group(1),
                },
                follow_redirects=True,
            )
            assert answer.status_code == 200 and "Gävleborgs län" in answer.text
            assert "Workshop i valsäkerhet, Gävleborg (demo)" in answer.text
    finally:
        process.terminate()
        process.wait(10)
