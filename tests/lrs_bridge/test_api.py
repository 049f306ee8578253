"""The ``/api/v1`` operations one by one, as a county admin and a national admin use them:
what each answers (bodies, headers), what it stores, the JSON errors of bad input (which
change nothing), and the audit entries left behind."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST = (
    "\ufeffNamn;E-post;Kommun;Roll\r\n"
    "Anna Andersson;anna.andersson@gavle.se;Gävle;valsamordnare\r\n"
    "Bo Berg;bo.berg@sandviken.se;2181;valnämnd\r\n"
)


@dataclass
class Api:
    http: httpx.AsyncClient
    services: Services
    admin: dict[str, str]  # county admin of 21
    admin_id: int
    national: dict[str, str]
    national_id: int
    other: dict[str, str]  # county admin of 14

    async def workshop(self, **extra: Any) -> dict[str, Any]:
        body = {"county": "21", "title": "Valsäkerhet Gävleborg", "date": "2030-01-18", **extra}
        answer = await self.http.post("/api/v1/workshops", json=body, headers=self.admin)
        assert answer.status_code == 201, answer.text
        created: dict[str, Any] = answer.json()
        return created


@pytest.fixture
async def api(services: Services, settings: Settings) -> AsyncIterator[Api]:
    async def person(email: str, role: str, county: str | None) -> tuple[dict[str, str], int]:
        user = await services.people.create_user(email, role, county)
        token = await services.people.issue_token(str(user.id))
        return {"Authorization": f"Bearer {token.token}"}, user.id

    admin, admin_id = await person("karl@lansstyrelsen.se", "county-admin", "21")
    national, national_id = await person("anna@val.se", "national-admin", None)
    other, _ = await person("lisa@lansstyrelsen.se", "county-admin", "14")
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield Api(http, services, admin, admin_id, national, national_id, other)


def error(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()
    assert set(body) == {"error", "details"}
    return body


# --- workshops -------------------------------------------------------------------------------


async def test_workshops_are_created_read_changed_and_deleted(api: Api) -> None:
    answer = await api.http.post(
        "/api/v1/workshops",
        json={"county": "21", "title": "Valsäkerhet Gävleborg", "date": "2030-01-18"},
        headers=api.admin,
    )
    assert answer.status_code == 201
    workshop = answer.json()
    assert answer.headers["Location"] == f"/api/v1/workshops/{workshop['id']}"
    assert {k: v for k, v in workshop.items() if k != "id"} == {
        "county": "21",
        "county_name": "Gävleborgs län",
        "title": "Valsäkerhet Gävleborg",
        "date": "2030-01-18",
        "deadline": "2030-01-17T23:59:00+01:00",  # 23:59 Stockholm the day before
        "courses": ["valmyndigheten-introduktion"],
        "participants": 0,
        "purged_at": None,  # kept (issue 16: set once retention purged it)
    }
    url = f"/api/v1/workshops/{workshop['id']}"
    assert (await api.http.get(url, headers=api.admin)).json() == workshop

    listed = await api.http.get("/api/v1/workshops?county=21", headers=api.admin)
    assert listed.json() == {"workshops": [workshop]}
    assert (await api.http.get("/api/v1/workshops", headers=api.national)).json() == {
        "workshops": [workshop]
    }
    # Another county's admin sees none of it, whatever they ask for.
    for query in ("", "?county=21", "?county=14"):
        answer = await api.http.get("/api/v1/workshops" + query, headers=api.other)
        assert answer.json() == {"workshops": []}

    changed = await api.http.patch(
        url,
        json={"title": "Valsäkerhet i Gävleborg", "deadline": "2030-01-10T17:00:00+01:00"},
        headers=api.admin,
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Valsäkerhet i Gävleborg"
    assert changed.json()["deadline"] == "2030-01-10T17:00:00+01:00"

    removed = await api.http.delete(url, headers=api.admin)
    assert removed.status_code == 200 and removed.json()["id"] == workshop["id"]
    body = error(await api.http.get(url, headers=api.admin), 404)
    assert body["details"] == [{"path": url, "rule": "exists", "message": "no such workshop"}]
    assert (await api.http.get("/api/v1/workshops", headers=api.national)).json() == {
        "workshops": []
    }

    entries = (await api.http.get("/api/v1/audit", headers=api.admin)).json()["entries"]
    assert [(e["actor"], e["action"], e["object_id"], e["details"]) for e in entries[:3]] == [
        (api.admin_id, "workshop.delete", workshop["id"], {"participants": 0}),
        (api.admin_id, "workshop.change", workshop["id"], {"fields": ["deadline", "title"]}),
        (api.admin_id, "workshop.create", workshop["id"], {}),
    ]


async def test_bad_workshop_input_is_a_json_error_naming_the_field(api: Api) -> None:
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"json": {"county": "21", "date": "2030-01-18"}}, 400, "title", "required"),
        (
            {"json": {"county": "21", "title": "x", "date": "18 januari"}},
            400,
            "date",
            "date",
        ),
        (
            {"content": b"[1, 2]", "headers": {"Content-Type": "application/json"}},
            400,
            "$",
            "object",
        ),
        ({"content": b"{", "headers": {"Content-Type": "application/json"}}, 400, "$", "json"),
        (
            {"content": b"county=21", "headers": {"Content-Type": "text/plain"}},
            400,
            "Content-Type",
            "media_type",
        ),
        (
            {"json": {"county": "14", "title": "x", "date": "2030-01-18"}},
            403,
            "county",
            "scope",
        ),
    ]
    for request, status, path, rule in cases:
        headers = {**api.admin, **request.pop("headers", {})}
        answer = await api.http.post("/api/v1/workshops", headers=headers, **request)
        body = error(answer, status)
        assert (body["details"][0]["path"], body["details"][0]["rule"]) == (path, rule), body
    assert (await api.http.get("/api/v1/workshops", headers=api.national)).json() == {
        "workshops": []
    }
    unknown = error(await api.http.get("/api/v1/workshops?county=99", headers=api.admin), 400)
    assert unknown["details"][0]["path"] == "county"

    workshop = await api.workshop()
    url = f"/api/v1/workshops/{workshop['id']}"
    moved = error(await api.http.patch(url, json={"county": "14"}, headers=api.admin), 400)
    assert moved["details"][0]["path"] == "county"
    assert (await api.http.get(url, headers=api.admin)).json() == workshop
    refused = error(await api.http.patch(url, json={"title": "x"}, headers={}), 401)
    assert refused["details"][0]["path"] == "Authorization"


# --- participants ----------------------------------------------------------------------------


async def test_a_list_is_dry_run_then_imported_then_edited_one_by_one(api: Api) -> None:
    workshop = await api.workshop()
    url = f"/api/v1/workshops/{workshop['id']}/participants"
    csv_headers = {**api.admin, "Content-Type": "text/csv; charset=utf-8"}

    dry = await api.http.put(url + "?dry_run=true", content=LIST.encode(), headers=csv_headers)
    assert dry.status_code == 200
    assert dry.json()["dry_run"] is True
    assert [p["name"] for p in dry.json()["added"]] == ["Anna Andersson", "Bo Berg"]
    assert (await api.http.get(url, headers=api.admin)).json() == {"participants": []}

    done = await api.http.put(url, content=LIST.encode(), headers=csv_headers)
    assert (done.status_code, done.json()["dry_run"], done.json()["rows"]) == (200, False, 2)
    listed = (await api.http.get(url, headers=api.admin)).json()["participants"]
    assert [(p["name"], p["email"], p["municipality"], p["role"]) for p in listed] == [
        ("Anna Andersson", "anna.andersson@gavle.se", "2180", "valsamordnare"),
        ("Bo Berg", "bo.berg@sandviken.se", "2181", "valnämnd"),
    ]

    # One bad row imports nothing; every bad row is named with its line and reason.
    bad = LIST + "Cilla;cilla@;Göteborg;valnämnd\r\nDan;anna.andersson@gavle.se;Gävle;valnämnd\r\n"
    body = error(await api.http.put(url, content=bad.encode(), headers=csv_headers), 400)
    assert body["error"] == "the list was not imported: 2 bad rows (lines 4, 5)"
    assert [(d["line"], d["rule"]) for d in body["details"]] == [
        (4, "bad_email"),
        (4, "municipality_outside_county"),
        (5, "duplicate"),
    ]
    assert (await api.http.get(url, headers=api.admin)).json()["participants"] == listed

    # The same list as an XLSX workbook (as Excel saves it) replaces it: Bo is gone.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Namn", "E-post", "Kommun", "Roll"])
    sheet.append(["Anna Andersson", "anna.andersson@gavle.se", "Gävle", "valsamordnare"])
    sheet.append(["Eva Ek", "eva.ek@bollnas.se", 2183, "valnämnd"])
    data = io.BytesIO()
    book.save(data)
    xlsx = await api.http.put(
        url, content=data.getvalue(), headers={**api.admin, "Content-Type": XLSX}
    )
    assert xlsx.status_code == 200, xlsx.text
    assert [p["name"] for p in xlsx.json()["added"]] == ["Eva Ek"]
    assert [p["name"] for p in xlsx.json()["removed"]] == ["Bo Berg"]
    assert xlsx.json()["unchanged"] == 1

    wrong_type = await api.http.put(
        url, content=b"{}", headers={**api.admin, "Content-Type": "application/json"}
    )
    assert error(wrong_type, 415)["details"][0]["path"] == "Content-Type"
    not_a_flag = await api.http.put(
        url + "?dry_run=maybe", content=LIST.encode(), headers=csv_headers
    )
    assert error(not_a_flag, 400)["details"][0]["path"] == "dry_run"

    # One by one.
    added = await api.http.post(
        url,
        json={
            "name": "Frida Falk",
            "email": "frida.falk@ljusdal.se",
            "municipality": "Ljusdal",
            "role": "other",
        },
        headers=api.admin,
    )
    assert added.status_code == 201
    frida = added.json()
    assert added.headers["Location"] == f"{url}/{frida['id']}"
    assert (frida["municipality"], frida["municipality_name"]) == ("2161", "Ljusdal")
    again = await api.http.post(url, json={**frida, "id": None}, headers=api.admin)
    assert again.status_code in (400, 409)
    elsewhere = await api.http.post(
        url,
        json={"name": "G", "email": "g@goteborg.se", "municipality": "1480", "role": "other"},
        headers=api.admin,
    )
    assert error(elsewhere, 400)["details"][0]["path"] == "municipality"

    one = f"{url}/{frida['id']}"
    assert (await api.http.get(one, headers=api.admin)).json() == frida
    changed = await api.http.patch(one, json={"role": "kommunikatör"}, headers=api.admin)
    assert changed.status_code == 200 and changed.json()["role"] == "kommunikatör"
    removed = await api.http.delete(one, headers=api.admin)
    assert removed.status_code == 200 and removed.json()["id"] == frida["id"]
    assert error(await api.http.get(one, headers=api.admin), 404)["error"] == "no such participant"
    names = [p["name"] for p in (await api.http.get(url, headers=api.admin)).json()["participants"]]
    assert names == ["Anna Andersson", "Eva Ek"]

    # The audit log: imports (not the dry run, not the refused one) and each change.
    entries = (await api.http.get("/api/v1/audit", headers=api.national)).json()["entries"]
    actions = [
        (e["action"], e["details"])
        for e in reversed(entries)
        if e["actor"] is not None and e["action"] != "participants.read"
    ]
    assert [e["action"] for e in entries].count("participants.read") == 5  # one a read
    assert actions == [
        ("workshop.create", {}),
        ("participants.import", {"rows": 2, "added": 2, "changed": 0, "removed": 0}),
        ("participants.import", {"rows": 2, "added": 1, "changed": 0, "removed": 1}),
        ("participant.add", {"workshop": workshop["id"]}),
        ("participant.change", {"workshop": workshop["id"], "fields": ["role"]}),
        ("participant.remove", {"workshop": workshop["id"]}),
    ]
    assert all(e["actor"] == api.admin_id for e in entries if e["actor"] is not None)
    text = str(entries)
    assert "@" not in text and "Frida" not in text  # people by id, never by name or address


# --- courses ---------------------------------------------------------------------------------


async def test_courses_are_listed_by_all_and_changed_by_national_admins(api: Api) -> None:
    listed = (await api.http.get("/api/v1/courses", headers=api.admin)).json()["courses"]
    assert sorted((c["id"], c["rule"], len(c["activities"])) for c in listed) == [
        ("skr-ett-tryggt-valar", "all_of", 3),
        ("valmyndigheten-introduktion", "any_of", 2),
    ]
    course = {"name": "Säker röstmottagning", "rule": "any_of", "activities": ["https://x.se/k"]}
    refused = await api.http.post("/api/v1/courses", json=course, headers=api.admin)
    assert error(refused, 403)["details"][0]["rule"] == "role"

    added = await api.http.post("/api/v1/courses", json=course, headers=api.national)
    assert added.status_code == 201
    assert added.json()["id"] == "saker-rostmottagning"
    assert added.headers["Location"] == "/api/v1/courses/saker-rostmottagning"
    twice = await api.http.post("/api/v1/courses", json=course, headers=api.national)
    assert error(twice, 409)

    url = "/api/v1/courses/saker-rostmottagning"
    changed = await api.http.put(
        url,
        json={**course, "activities": ["https://x.se/k", "https://x.se/k2"]},
        headers=api.national,
    )
    assert changed.status_code == 200 and changed.json()["activities"][1] == "https://x.se/k2"
    assert (await api.http.get(url, headers=api.other)).json() == changed.json()
    bad = await api.http.put(url, json={"name": "x", "activities": []}, headers=api.national)
    assert error(bad, 400)["details"][0]["path"] == "activities"
    missing = await api.http.put("/api/v1/courses/nosuch", json=course, headers=api.national)
    assert error(missing, 404)

    entries = (await api.http.get("/api/v1/audit", headers=api.national)).json()["entries"]
    assert [(e["action"], e["object_id"], e["county"]) for e in entries[:2]] == [
        ("course.change", "saker-rostmottagning", None),
        ("course.create", "saker-rostmottagning", None),
    ]
    # National things are not in a county admin's audit log.
    own = (await api.http.get("/api/v1/audit", headers=api.admin)).json()["entries"]
    assert [e["action"] for e in own] == ["token.create", "user.create"]


# --- reports ---------------------------------------------------------------------------------


async def test_reports_come_as_json_csv_and_xlsx_with_a_file_name(api: Api) -> None:
    workshop = await api.workshop()
    await api.http.put(
        f"/api/v1/workshops/{workshop['id']}/participants",
        content=LIST.encode(),
        headers={**api.admin, "Content-Type": "text/csv"},
    )
    url = f"/api/v1/workshops/{workshop['id']}/readiness"
    as_json = await api.http.get(url, headers=api.admin)
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json()["totals"] == {
        "completed_on_time": 0,
        "completed_late": 0,
        "in_progress": 0,
        "not_started": 2,
        "exempt": 0,
        "total": 2,
    }
    stem = "uppfoljning-21-2030-01-18-valsakerhet-gavleborg"
    as_csv = await api.http.get(url + "?format=csv", headers=api.admin)
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"] == (
        f"attachment; filename=\"{stem}.csv\"; filename*=UTF-8''{stem}.csv"
    )
    assert as_csv.content.startswith(b"\xef\xbb\xbfNamn;E-post;")
    as_xlsx = await api.http.get(url + "?format=XLSX", headers=api.admin)
    assert as_xlsx.headers["content-type"] == XLSX
    assert as_xlsx.headers["content-disposition"].startswith(f'attachment; filename="{stem}.xlsx"')
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert [row[0] for row in book.worksheets[0].iter_rows(values_only=True)] == [
        "Namn",
        "Anna Andersson",
        "Bo Berg",
    ]
    body = error(await api.http.get(url + "?format=pdf", headers=api.admin), 400)
    assert body["details"][0]["path"] == "format"

    county = await api.http.get("/api/v1/readiness/21?format=csv", headers=api.national)
    assert county.headers["content-disposition"].startswith(
        'attachment; filename="uppfoljning-lan-21.csv"'
    )
    mine = (await api.http.get("/api/v1/readiness", headers=api.admin)).json()
    assert (mine["county"], mine["totals"]["total"]) == ("21", 2)
    national = (await api.http.get("/api/v1/readiness", headers=api.national)).json()
    assert len(national["counties"]) == 21
    assert {c["county"]: c["totals"]["total"] for c in national["counties"]}["21"] == 2
    nothing = (await api.http.get("/api/v1/readiness", headers=api.other)).json()
    assert (nothing["county"], nothing["workshops"], nothing["totals"]["total"]) == ("14", [], 0)
    assert error(await api.http.get("/api/v1/readiness/21", headers=api.other), 404)

    # Downloads are exports: audited, with the format; JSON reads are not.
    entries = (await api.http.get("/api/v1/audit", headers=api.national)).json()["entries"]
    exports = [
        (e["actor"], e["object_type"], e["object_id"], e["details"]["format"])
        for e in entries
        if e["action"] == "report.export"
    ]
    assert exports == [
        (api.national_id, "county", "21", "csv"),
        (api.admin_id, "workshop", workshop["id"], "xlsx"),
        (api.admin_id, "workshop", workshop["id"], "csv"),
    ]


async def test_the_audit_log_pages_back_and_is_for_admins(api: Api) -> None:
    for n in range(3):
        await api.workshop(title=f"Workshop {n}")
    first = (await api.http.get("/api/v1/audit?limit=2", headers=api.admin)).json()
    assert [e["action"] for e in first["entries"]] == ["workshop.create", "workshop.create"]
    assert first["more"] == f"/api/v1/audit?before={first['entries'][1]['id']}&limit=2"
    second = (await api.http.get(first["more"], headers=api.admin)).json()
    assert [e["action"] for e in second["entries"]] == ["workshop.create", "token.create"]
    assert first["entries"][1]["id"] > second["entries"][0]["id"]
    assert error(await api.http.get("/api/v1/audit?limit=0", headers=api.admin), 400)
    assert (await api.http.get("/api/v1/audit", headers=api.other)).json()["entries"][0][
        "object_type"
    ] == "token"
    assert (await api.http.get("/api/v1/audit?county=21", headers=api.other)).json() == {
        "entries": []
    }


async def test_a_refusal_says_what_to_do_in_the_callers_language(api: Api) -> None:
    """Usability test F1: each problem of a refused request has a ``text`` for a person,
    Swedish unless Accept-Language prefers English; ``message`` stays the developer's."""
    body = {"county": "21", "title": "x", "date": "18 januari"}
    swedish = await api.http.post("/api/v1/workshops", json=body, headers=api.admin)
    (detail,) = swedish.json()["details"]
    assert detail["text"] == "Skriv date som ÅÅÅÅ-MM-DD, till exempel 2027-02-02."
    assert detail["message"] == "must be a date YYYY-MM-DD"
    english = await api.http.post(
        "/api/v1/workshops", json=body, headers={**api.admin, "Accept-Language": "en-GB, sv;q=0.5"}
    )
    assert english.json()["details"][0]["text"].startswith("Write date as YYYY-MM-DD")
