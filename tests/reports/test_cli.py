"""The readiness commands of the CLI: report, progress rebuild, courses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lrs_bridge.config import Settings
from lrs_bridge.services import Services
from tests.conftest import run_cli
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement

pytestmark = pytest.mark.slow  # starts real processes


def _database(settings: Settings) -> str:
    return settings.database_url.removeprefix("sqlite:///")


async def test_report_in_every_format(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    workshop = await services.reports.create_workshop(
        {"county": "21", "title": "Gävleborg", "date": "2099-01-18"}
    )
    await services.reports.add_participant(
        workshop.id, {"name": "Anna Ö", "email": "anna@gavle.se", "municipality": "Gävle"}
    )
    await services.reports.add_participant(
        workshop.id, {"name": "Bo", "email": "bo@gavle.se", "municipality": "Gävle"}
    )
    await send(services, statement(mbox("ANNA@gavle.se"), COMPLETED, INTRO))
    database = _database(settings)

    shown = run_cli("report", workshop.id, "--database", database)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert {p["participant"]["name"]: p["status"] for p in data["participants"]} == {
        "Anna Ö": "completed_on_time",
        "Bo": "not_started",
    }
    assert data["freshness"]["through_seq"] == 1  # caught up before reporting

    target = tmp_path / "rapport.csv"
    written = run_cli(
        "report", workshop.id, "--format", "csv", "--output", str(target), "--database", database
    )
    assert written.returncode == 0, written.stderr
    content = target.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [(row[0], row[5]) for row in rows[1:]] == [
        ("Anna Ö", "Klar i tid"),
        ("Bo", "Inte påbörjad"),
    ]

    target = tmp_path / "rapport.xlsx"
    written = run_cli(
        "report", workshop.id, "--format", "xlsx", "--output", str(target), "--database", database
    )
    assert written.returncode == 0, written.stderr
    book = load_workbook(target)
    assert [row[5] for row in book["Deltagare"].iter_rows(min_row=2, values_only=True)] == [
        "Klar i tid",
        "Inte påbörjad",
    ]

    county = run_cli("report", "--county", "21", "--format", "csv", "--database", database)
    assert county.returncode == 0, county.stderr
    assert "Gävleborg;2099-01-18;2099-01-17 23:59;2;1;0;0;1" in county.stdout
    nation = json.loads(run_cli("report", "--national", "--database", database).stdout)
    assert nation["totals"]["total"] == 2

    missing = run_cli("report", "no-such-workshop", "--database", database)
    assert (missing.returncode, missing.stderr) == (2, "lrs-bridge: no workshop no-such-workshop\n")
    neither = run_cli("report", "--database", database)
    assert neither.returncode == 2 and neither.stderr.count("\n") == 1


async def test_progress_rebuild(services: Services, settings: Settings) -> None:
    await send(
        services,
        statement(mbox("anna@gavle.se"), COMPLETED, INTRO),
        statement(mbox("bo@gavle.se"), COMPLETED, INTRO),
    )
    await services.reports.catch_up()
    before = await services.reports.storage.ledger()
    rebuilt = run_cli("progress", "rebuild", "--database", _database(settings))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (
        rebuilt.stdout == "progress rebuilt: 2 statements read, 2 progress rows, log position 2\n"
    )
    assert await services.reports.storage.ledger() == before


async def test_courses_commands(services: Services, settings: Settings) -> None:
    database = _database(settings)
    listed = run_cli("courses", "list", "--json", "--database", database)
    assert [c["id"] for c in json.loads(listed.stdout)] == [
        "valmyndigheten-introduktion",
        "skr-ett-tryggt-valar",
    ]
    added = run_cli(
        "courses",
        "add",
        "--name",
        "Krisövning",
        "--activity",
        "https://x.se/1",
        "--activity",
        "https://x.se/2",
        "--rule",
        "all_of",
        "--json",
        "--database",
        database,
    )
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {
        "id": "krisovning",
        "name": "Krisövning",
        "rule": "all_of",
        "activities": ["https://x.se/1", "https://x.se/2"],
        "url": "",
        "description": "",
        "reporters": {"credentials": [], "sources": []},
        "launch_kind": "link",
    }
    changed = run_cli(
        "courses", "change", "krisovning", "--url", "https://x.se/start", "--database", database
    )
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("changed krisovning  all_of  Krisövning")
    course = await services.reports.get_course("krisovning")
    assert (course.url, course.activities) == (
        "https://x.se/start",
        ("https://x.se/1", "https://x.se/2"),
    )
    text = run_cli("courses", "list", "--database", database).stdout
    assert (
        "krisovning  all_of  Krisövning  (2 activities, trusts 0 credentials and 0 bridge"
        " sources)" in text
    )
    key = (await services.credentials.create("Krisövning", ["statements/write"])).credential.key
    trusted = run_cli(
        "courses", "change", "krisovning", "--trust-credential", key, "--database", database
    )
    assert trusted.returncode == 0, trusted.stderr
    course = await services.reports.get_course("krisovning")
    assert course.reporters is not None and course.reporters.credentials == (key,)
    assert course.url == "https://x.se/start"  # the rest is kept
    listed = run_cli("courses", "list", "--database", database).stdout
    assert f"    trusts credential {key}" in listed
    for args, message in [
        (["change", "nope", "--name", "x"], "lrs-bridge: no course nope\n"),
        (
            ["add", "--name", "x", "--activity", "not an iri"],
            "lrs-bridge: activities[0]: must be an IRI with a scheme\n",
        ),
        (
            ["add", "--name", "Krisövning", "--activity", "https://x.se/3"],
            "lrs-bridge: a course 'krisovning' exists\n",
        ),
        (
            ["change", "krisovning", "--trust-credential", "no-such-key"],
            "lrs-bridge: reporters.credentials[0]: no such credential\n",
        ),
    ]:
        failed = run_cli("courses", *args, "--database", database)
        assert (failed.returncode, failed.stderr) == (2, message)
    helped = run_cli("courses", "add", "--help")
    assert "--activity IRI" in helped.stdout and "all_of" in helped.stdout
