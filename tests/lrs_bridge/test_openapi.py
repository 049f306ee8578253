"""The service describes its own API at /openapi.json, and a schemathesis run against a
real server, driven by that description, finds no 500s."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.http.openapi import OPERATIONS, route_operations
from tests.conftest import LiveServer, XapiClient, run_cli


def test_every_route_is_described_and_every_description_has_a_route(settings: Settings) -> None:
    served = route_operations(create_app(settings).routes)
    described = {(path, method) for path, methods in OPERATIONS.items() for method in methods}
    assert served - described == set(), "routes without a description in OPERATIONS"
    assert described - served == set(), "descriptions of routes that do not exist"
    assert ("/xapi/statements", "POST") in served


async def test_openapi_json_is_served_without_credentials(xapi: XapiClient) -> None:
    response = await xapi.http.get("/openapi.json", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    spec = response.json()
    assert spec["openapi"] == "3.1.0"
    basic = spec["components"]["securitySchemes"]["basic"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
    post = spec["paths"]["/xapi/statements"]["post"]
    assert post["parameters"][0]["name"] == "X-Experience-API-Version"
    assert {"200", "400", "401", "403", "409", "413", "503"} <= set(post["responses"])
    get = spec["paths"]["/xapi/statements"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"agent", "verb", "activity", "since", "until", "limit", "cursor"} <= names
    assert spec["paths"]["/xapi/about"]["get"]["security"] == []
    assert "head" in spec["paths"]["/xapi/statements"]
    for chunk in response.text.split('"#/components/schemas/')[1:]:  # every $ref resolves
        assert chunk.split('"', 1)[0] in spec["components"]["schemas"]


def schemathesis(live_server: LiveServer, folder: Path, *options: str) -> int:
    """Examples generated from the description (valid and invalid), bounded in number and
    seeded, so the run is the same every time; no answer may be a 5xx. Returns how many
    operations were tested."""
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{live_server.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "10",
            "--seed",
            "20260101",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "1",  # hypothesis parses lambdas' source with ast, which is not thread-safe on 3.11
            "--no-shrink",
            "--request-timeout",
            "20",
            "--report",
            "junit",
            "--report-dir",
            str(folder / "report"),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=folder,
    )
    output = run.stdout[-6000:] + run.stderr[-3000:]
    assert run.returncode == 0, output
    assert "unexpected error" not in live_server.log.read_text(), live_server.log.read_text()
    assert live_server.process.poll() is None
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert tested is not None, output
    return int(tested.group(1))


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(live_server: LiveServer, tmp_path: Path) -> None:
    """The xAPI resources, with an xAPI credential."""
    tested = schemathesis(
        live_server,
        tmp_path,
        "--exclude-path-regex",
        "^/api/",
        "--auth",
        f"{live_server.key}:{live_server.secret}",
    )
    assert tested >= 25  # the xAPI resources' operations, HEAD included


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors_in_the_people_api(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """The /api/v1 routes, as a national admin (who may take every action)."""
    created = run_cli(
        "users", "create", "--database", live_server.database, "--email",
        "fuzz@val.example", "--role", "national-admin", "--token", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    token = json.loads(created.stdout)["token"]
    tested = schemathesis(
        live_server,
        tmp_path,
        "--include-path-regex",
        "^/api/v1/",
        "--header",
        f"Authorization: Bearer {token}",
    )
    assert tested >= 40  # every /api/v1 operation, HEAD included
