"""Importing a cmi5 course through the API and the CLI: one permission check, audited,
and a refused package saves nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.conftest import run_cli
from tests.lrs_bridge.cmi5.packages import au, package, structure

ZIP = "application/zip"


@dataclass
class Api:
    http: httpx.AsyncClient
    services: Services
    national: dict[str, str]
    county: dict[str, str]


@pytest.fixture
async def api(services: Services, settings: Settings) -> AsyncIterator[Api]:
    async def person(email: str, role: str, county: str | None) -> dict[str, str]:
        user = await services.people.create_user(email, role, county)
        token = await services.people.issue_token(str(user.id))
        return {"Authorization": f"Bearer {token.token}"}

    national = await person("anna@val.se", "national-admin", None)
    county = await person("karl@lansstyrelsen.se", "county-admin", "21")
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield Api(http, services, national, county)


def a_package() -> bytes:
    return package(
        structure(au(1, "au/index.html?lang=sv", move_on="CompletedAndPassed")),
        {"au/index.html": b"<!doctype html><title>AU</title>", "au/au.js": b"// js"},
    )


async def test_a_zip_package_becomes_a_course_whose_files_the_service_serves(api: Api) -> None:
    answer = await api.http.post(
        "/api/v1/cmi5/courses?id=valsakerhet-cmi5",
        content=a_package(),
        headers={**api.national, "Content-Type": ZIP},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert answer.headers["location"] == "/api/v1/cmi5/courses/valsakerhet-cmi5"
    assert body["packaged"] is True
    (unit,) = body["aus"]
    assert unit["url"] == "http://lrs.test/cmi5/valsakerhet-cmi5/files/au/index.html?lang=sv"
    assert (unit["move_on"], unit["mastery_score"]) == ("CompletedAndPassed", "0.8")
    assert unit["activity_id"].startswith("urn:lrs-bridge:cmi5:valsakerhet-cmi5:au:")
    course = (await api.http.get("/api/v1/courses/valsakerhet-cmi5", headers=api.county)).json()
    assert course["activities"] == ["urn:lrs-bridge:cmi5:valsakerhet-cmi5"]
    assert course["name"] == "Valsäkerhet cmi5"
    served = await api.http.get("/cmi5/valsakerhet-cmi5/files/au/index.html")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/html")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert (await api.http.get("/cmi5/valsakerhet-cmi5/files/au/nope.js")).status_code == 404
    entries = (await api.http.get("/api/v1/audit", headers=api.national)).json()["entries"]
    assert entries[0]["action"] == "course.import_cmi5"
    assert entries[0]["object_id"] == "valsakerhet-cmi5"
    got = await api.http.get("/api/v1/cmi5/courses/valsakerhet-cmi5", headers=api.county)
    assert got.json() == body


async def test_only_national_admins_import(api: Api) -> None:
    answer = await api.http.post(
        "/api/v1/cmi5/courses", content=a_package(), headers={**api.county, "Content-Type": ZIP}
    )
    assert answer.status_code == 403
    assert len(await api.services.reports.list_courses()) == 2


async def test_a_malformed_package_is_refused_in_the_readers_language_and_nothing_is_saved(
    api: Api,
) -> None:
    bad = package(structure(au(1, "au/index.html", move_on="Klar")), {"au/index.html": b""})
    answer = await api.http.post(
        "/api/v1/cmi5/courses",
        content=bad,
        headers={**api.national, "Content-Type": ZIP, "Accept-Language": "sv"},
    )
    assert answer.status_code == 400
    (problem,) = answer.json()["details"]
    assert problem["path"] == "courseStructure/au[1]/@moveOn"
    assert problem["rule"] == "enum"
    assert problem["text"].startswith("courseStructure/au[1]/@moveOn ska vara något av")
    english = await api.http.post(
        "/api/v1/cmi5/courses",
        content=bad,
        headers={**api.national, "Content-Type": ZIP, "Accept-Language": "en"},
    )
    assert "must be one of" in english.text
    assert len(await api.services.reports.list_courses()) == 2
    assert (await api.services.store.read("SELECT count(*) FROM cmi5_courses"))[0][0] == 0
    assert (await api.services.store.read("SELECT count(*) FROM cmi5_files"))[0][0] == 0


async def test_a_taken_course_id_is_a_conflict_and_keeps_the_course(api: Api) -> None:
    answer = await api.http.post(
        "/api/v1/cmi5/courses?id=skr-ett-tryggt-valar",
        content=a_package(),
        headers={**api.national, "Content-Type": ZIP},
    )
    assert answer.status_code == 400
    assert "skr-ett-tryggt-valar" in answer.text
    assert (await api.services.store.read("SELECT count(*) FROM cmi5_files"))[0][0] == 0


def test_the_cli_imports_a_package_and_refuses_a_bad_one_in_one_line(
    tmp_path: Path, database_url: str
) -> None:
    good = tmp_path / "kurs.zip"
    good.write_bytes(a_package())
    done = run_cli("cmi5", "import", str(good), "--id", "kurs", "--database", database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported kurs: 1 AU(s)")
    bad = tmp_path / "cmi5.xml"
    bad.write_bytes(structure(au(1, "relative/index.html")))
    refused = run_cli("cmi5", "import", str(bad), "--database", database_url)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "courseStructure/au[1]/url" in refused.stderr
