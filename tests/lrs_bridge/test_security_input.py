"""Regression tests for the input findings of the December 2026 security review
(``security-2026-12.md``, issue 13): each test names the finding it reproduces, sends the
attack to the in-process app (the same code path as a server) or to a real server on a
loopback port, and shows it no longer gets through.

- finding 1: the tenant boundary, whatever JSON type or spelling a county or municipality
  code has, on every route and page that takes one;
- finding 6: XLSX decompression bombs;
- findings 10, 11, 12: control characters in text fields, exports of older data that holds
  them, reminders that must not fail as a batch, course URLs;
- issue items 12 and 13: no personal data in logs; reads of personal data audited; bridge
  secrets encrypted at rest; coordinators see only their municipality's counts.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from lrs_bridge.auth.access import Principal, Role
from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.mail import MailCatcher

PASSWORD = "ett-långt-lösenord-för-test"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind → (role, county, municipality)
PEOPLE: dict[str, tuple[str, str | None, str | None]] = {
    "national": ("national-admin", None, None),
    "admin 21": ("county-admin", "21", None),
    "admin 14": ("county-admin", "14", None),
    "coordinator 2180": ("coordinator", None, "2180"),
}


@dataclass
class World:
    http: httpx.AsyncClient
    services: Services
    tokens: dict[str, dict[str, str]]
    users: dict[str, int]
    w21: str
    w14: str
    p21: str
    """Anna in Gävle (2180) on the county-21 workshop."""
    p14: str

    async def workshops(self) -> list[tuple[str, str]]:
        """(county, title) of every workshop, as the national admin sees them."""
        found = await self.services.reports.list_workshops()
        return sorted((w.county, w.title) for w in found)

    async def people_of(self, workshop_id: str) -> list[tuple[str, str, str]]:
        found = await self.services.reports.list_participants(workshop_id)
        return sorted((p.name, p.email, p.municipality) for p in found)


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
    )


@pytest.fixture
async def world(services: Services, settings: Settings) -> AsyncIterator[World]:
    tokens: dict[str, dict[str, str]] = {}
    users: dict[str, int] = {}
    for kind, (role, county, municipality) in PEOPLE.items():
        email = f"{kind.replace(' ', '.')}@example.se"
        user = await services.people.create_user(email, role, county, municipality)
        await services.people.set_password(str(user.id), PASSWORD)
        token = (await services.people.issue_token(str(user.id))).token
        tokens[kind] = {"Authorization": f"Bearer {token}"}
        users[kind] = user.id
    reports = services.reports
    w21 = await reports.create_workshop(
        {"county": "21", "title": "Gävleborg", "date": "2099-01-18"}
    )
    w14 = await reports.create_workshop({"county": "14", "title": "Västra", "date": "2099-01-18"})
    p21 = await reports.add_participant(
        w21.id, {"name": "Anna Andersson", "email": "anna@gavle.example", "municipality": "2180"}
    )
    await reports.add_participant(
        w21.id, {"name": "Sven Sandvik", "email": "sven@sandviken.example", "municipality": "2181"}
    )
    p14 = await reports.add_participant(
        w14.id, {"name": "Göta Gren", "email": "gota@goteborg.example", "municipality": "1480"}
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield World(http, services, tokens, users, w21.id, w14.id, p21.id, p14.id)


def problem(answer: httpx.Response, status: int) -> list[tuple[str, str]]:
    """The (path, rule) pairs of an error answer, after checking its status."""
    assert answer.status_code == status, answer.text
    return [(d["path"], d["rule"]) for d in answer.json()["details"]]


def xlsx_of(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def web_log_in(http: httpx.AsyncClient, kind: str) -> str:
    """Log ``kind`` in on the web pages; a CSRF token of the new session."""
    form = await http.get("/login")
    answer = await http.post(
        "/login",
        data={
            "csrf": csrf_of(form.text),
            "email": f"{kind.replace(' ', '.')}@example.se",
            "password": PASSWORD,
            "next": "/",
        },
    )
    assert answer.status_code == 303, answer.text
    page = await http.get("/courses")
    return csrf_of(page.text)


# --- finding 1: the tenant boundary ------------------------------------------------------------

# Every way the review (and issue 13) spelt a county: JSON numbers are refused as a type
# error naming the field; strings are normalised, then checked against the person's scope.
COUNTY_SPELLINGS: list[tuple[Any, int, str]] = [
    (1, 400, "type"),
    (1.0, 400, "type"),
    (22, 400, "type"),
    (21, 400, "type"),  # even their own county: a code is a string
    (True, 400, "type"),
    ([21], 400, "type"),
    ({"code": "21"}, 400, "type"),
    ("1", 403, "scope"),
    (" 01", 403, "scope"),
    ("01 ", 403, "scope"),
    ("22", 403, "scope"),
    ("14", 403, "scope"),
    ("\t14", 403, "scope"),
    ("21", 201, ""),
    (" 21 ", 201, ""),
]


@pytest.mark.parametrize(("county", "status", "rule"), COUNTY_SPELLINGS)
async def test_finding_1_county_admin_creates_workshops_only_in_own_county(
    world: World, county: Any, status: int, rule: str
) -> None:
    """Finding 1: a county admin of 21 posting a workshop with another county's code, in
    any JSON type or spelling, gets a 400 or 403 naming ``county`` and nothing is created;
    the own county, in any string spelling, is created as "21"."""
    before = await world.workshops()
    answer = await world.http.post(
        "/api/v1/workshops",
        json={"county": county, "title": "Injected", "date": "2099-12-30"},
        headers=world.tokens["admin 21"],
    )
    if status == 201:
        assert answer.status_code == 201, answer.text
        assert answer.json()["county"] == "21"
        assert await world.workshops() == sorted([*before, ("21", "Injected")])
        return
    assert problem(answer, status) == [("county", rule)]
    assert await world.workshops() == before


@pytest.mark.parametrize("county", [1, "1", " 01", 1.0, 22, "14", "21", " 21"])
async def test_finding_1_county_of_a_workshop_never_changes(world: World, county: Any) -> None:
    """Finding 1: PATCHing a workshop's county, in any type or spelling, moves nothing
    (400 naming ``county``: a type error for numbers, immutable for another county)."""
    before = await world.workshops()
    answer = await world.http.patch(
        f"/api/v1/workshops/{world.w21}",
        json={"county": county, "title": "Moved"},
        headers=world.tokens["admin 21"],
    )
    if county in ("21", " 21"):
        assert answer.status_code == 200 and answer.json()["county"] == "21"
        return
    rules = problem(answer, 400)
    assert rules in ([("county", "type")], [("county", "immutable")])
    assert await world.workshops() == before


# Another county's municipality in every spelling (Göteborg is 1480 in county 14), as a
# JSON field of one participant.
MUNICIPALITY_SPELLINGS: list[tuple[Any, str]] = [
    (1480, "type"),
    (1480.0, "type"),
    (180, "type"),  # a number that would zero-fill to Stockholm (0180)
    (2180, "type"),  # even their own county's municipality: a code is a string
    ("1480", "municipality_outside_county"),
    (" 1480", "municipality_outside_county"),
    ("Göteborg", "municipality_outside_county"),
    ("GÖTEBORGS STAD", "municipality_outside_county"),
    ("180", "municipality_outside_county"),
    ("0180", "municipality_outside_county"),
]


@pytest.mark.parametrize(("municipality", "rule"), MUNICIPALITY_SPELLINGS)
async def test_finding_1_participants_only_from_the_workshops_county(
    world: World, municipality: Any, rule: str
) -> None:
    """Finding 1, beside it: adding or changing a participant with another county's
    municipality, in any type or spelling, is a 400 naming ``municipality``; the list is
    unchanged."""
    before = await world.people_of(world.w21)
    headers = world.tokens["admin 21"]
    added = await world.http.post(
        f"/api/v1/workshops/{world.w21}/participants",
        json={"name": "Ny", "email": "ny@example.se", "municipality": municipality},
        headers=headers,
    )
    assert ("municipality", rule) in problem(added, 400)
    changed = await world.http.patch(
        f"/api/v1/workshops/{world.w21}/participants/{world.p21}",
        json={"municipality": municipality},
        headers=headers,
    )
    assert ("municipality", rule) in problem(changed, 400)
    assert await world.people_of(world.w21) == before


@pytest.mark.parametrize("cell", ["1480", " 1480", "Göteborg", 1480, 1480.0, "0180"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_finding_1_list_upload_with_another_countys_municipality(
    world: World, cell: Any, kind: str
) -> None:
    """Finding 1, beside it: a county admin of 21 uploading a list whose rows name another
    county's municipality (as text or as a number cell) imports nothing and lists every bad
    row; the same through the web upload's dry run."""
    rows: list[list[Any]] = [
        ["Namn", "E-post", "Kommun"],
        ["Rätt Rad", "ratt@gavle.example", "2180"],
        ["Fel Ett", "fel1@example.se", cell],
        ["Fel Två", "fel2@example.se", cell],
    ]
    if kind == "csv":
        content = "\n".join(";".join(str(c) for c in row) for row in rows).encode()
        media = "text/csv"
    else:
        content, media = xlsx_of(rows), XLSX
    before = await world.people_of(world.w21)
    answer = await world.http.put(
        f"/api/v1/workshops/{world.w21}/participants",
        content=content,
        headers={**world.tokens["admin 21"], "Content-Type": media},
    )
    details = answer.json()["details"]
    assert answer.status_code == 400, answer.text
    # "1480.0" as CSV text is no municipality at all; every other spelling is Göteborg.
    text_float = kind == "csv" and isinstance(cell, float)
    rule = "unknown_municipality" if text_float else "municipality_outside_county"
    assert sorted((d["line"], d["field"], d["rule"]) for d in details) == [
        (3, "municipality", rule),
        (4, "municipality", rule),
    ]
    assert await world.people_of(world.w21) == before

    csrf = await web_log_in(world.http, "admin 21")
    page = await world.http.post(
        f"/workshops/{world.w21}/upload",
        data={"csrf": csrf},
        files={"file": (f"lista.{kind}", content, media)},
    )
    assert page.status_code == 400 and "fel2@example.se" not in page.text
    lines = re.findall(r'<tr><td class="num">(\d+)</td>', page.text)
    assert lines == ["3", "4"]
    assert await world.people_of(world.w21) == before


async def test_finding_1_coordinator_changes_no_list(world: World) -> None:
    """Finding 1, beside it: a coordinator of Gävle uploading rows (of Gävle or another
    municipality) or adding a participant is refused by role (403); nothing changes."""
    before = await world.people_of(world.w21)
    headers = world.tokens["coordinator 2180"]
    for municipality in ("2180", "2181", "1480"):
        upload = await world.http.put(
            f"/api/v1/workshops/{world.w21}/participants",
            content=f"namn;e-post;kommun\nX;x@example.se;{municipality}\n".encode(),
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert problem(upload, 403) == [("Authorization", "role")]
        added = await world.http.post(
            f"/api/v1/workshops/{world.w21}/participants",
            json={"name": "X", "email": "x@example.se", "municipality": municipality},
            headers=headers,
        )
        assert problem(added, 403) == [("Authorization", "role")]
    created = await world.http.post(
        "/api/v1/workshops",
        json={"county": "21", "title": "X", "date": "2099-01-01"},
        headers=headers,
    )
    assert problem(created, 403) == [("Authorization", "role")]
    assert await world.people_of(world.w21) == before


@pytest.mark.parametrize("county", ["14", "%2014", "14%20", "014"])
async def test_finding_1_filters_and_paths_never_widen_scope(world: World, county: str) -> None:
    """Finding 1, beside it: the county of a query filter or a path, in any spelling,
    shows a county admin of 21 nothing of county 14 (empty lists, the same 404)."""
    headers = world.tokens["admin 21"]
    http = world.http
    listed = await http.get(f"/api/v1/workshops?county={county}", headers=headers)
    if listed.status_code == 200:
        assert listed.json() == {"workshops": []}
    else:
        assert problem(listed, 400) == [("county", "unknown_county")]
    audit = await http.get(f"/api/v1/audit?county={county}", headers=headers)
    assert audit.status_code in (200, 400)
    if audit.status_code == 200:
        assert audit.json()["entries"] == []
    learners = await http.get(f"/api/v1/learners/unmatched?county={county}", headers=headers)
    assert learners.status_code in (200, 400)
    if learners.status_code == 200:
        assert learners.json() == {"learners": []}
    report = await http.get(f"/api/v1/readiness/{county}", headers=headers)
    assert problem(report, 404) == [(f"/api/v1/readiness/{county}".replace("%20", " "), "exists")]
    for path in (f"/api/v1/workshops/{world.w14}", f"/api/v1/workshops/{world.w14}/readiness"):
        assert (await http.get(path, headers=headers)).status_code == 404

    csrf = await web_log_in(http, "admin 21")
    page = await http.post(
        f"/counties/{county}/workshops",
        data={"csrf": csrf, "title": "Injected", "date": "2099-12-30"},
    )
    assert page.status_code == 404
    assert ("14", "Injected") not in await world.workshops()


@pytest.mark.parametrize("municipality", ["1480", "Göteborg", "9999", ""])
async def test_finding_1_municipality_filters_are_checked(world: World, municipality: str) -> None:
    """Finding 1, beside it: a municipality filter (``--municipality`` of ``report`` and
    ``remind``) outside the workshop's county, or unknown, is a 400 naming it, never an
    empty or a wider answer; " 2180" and "Gävle" read as 2180."""
    from statements.errors import BadRequest

    reports = world.services.reports
    desk = world.services.reminders
    for call in (
        reports.workshop_readiness(world.w21, municipality=municipality),
        reports.county_readiness("21", municipality=municipality),
        reports.list_participants(world.w21, municipality=municipality),
        desk.preview(world.w21, municipality=municipality),
        desk.send(world.w21, municipality=municipality),
    ):
        with pytest.raises(BadRequest) as refused:
            await call
        assert refused.value.details[0]["path"] == "municipality"
    for spelling in (" 2180", "Gävle", "2180"):
        report = await reports.workshop_readiness(world.w21, municipality=spelling)
        assert [e.participant.email for e in report.participants] == ["anna@gavle.example"]


async def test_finding_1_audit_is_filed_under_the_actors_county_too(world: World) -> None:
    """Finding 1: an entry about county 14's object made by county 21's admin is in both
    counties' audit logs (the author's county shows what they did)."""
    admin21 = Principal(world.users["admin 21"], Role.COUNTY_ADMIN, "21")
    entry = await world.services.audit.record(
        admin21, "workshop.change", "workshop", world.w14, "14"
    )
    for kind in ("admin 21", "admin 14", "national"):
        answer = await world.http.get("/api/v1/audit", headers=world.tokens[kind])
        assert entry in [e["id"] for e in answer.json()["entries"]], kind
    assert [
        e["id"]
        for e in (
            await world.http.get("/api/v1/audit?county=21", headers=world.tokens["national"])
        ).json()["entries"]
    ].count(entry) == 1
    created = await world.http.post(
        "/api/v1/workshops",
        json={"county": "21", "title": "Egen", "date": "2099-03-03"},
        headers=world.tokens["admin 21"],
    )
    own = (await world.http.get("/api/v1/audit", headers=world.tokens["admin 21"])).json()
    assert ("workshop.create", created.json()["id"]) in [
        (e["action"], e["object_id"]) for e in own["entries"]
    ]
    other = (await world.http.get("/api/v1/audit", headers=world.tokens["admin 14"])).json()
    assert created.json()["id"] not in [e["object_id"] for e in other["entries"]]


# --- finding 6: XLSX decompression bombs ---------------------------------------------------


def xlsx_bomb(megabytes: int = 320) -> bytes:
    """A real workbook whose first sheet unpacks to ``megabytes`` MB from a few hundred KB
    (the review's mkbomb.py: 310 KB → 314 MB), deflated at level 9."""
    import zipfile

    plain = xlsx_of([["Namn", "E-post", "Kommun"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member.filename, source.read(member.filename))
                continue
            head = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            # One cell of ``megabytes`` MB of one letter: deflate packs it ~1000 times.
            with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                chunk = b"x" * (1024 * 1024)
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row>")
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def with_member(name: str, data: bytes) -> bytes:
    """A small valid participant list with one more member."""
    import zipfile

    plain = xlsx_of([["Namn", "E-post", "Kommun"], ["Anna", "anna@gavle.example", "2180"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for member in source.infolist():
            copy.writestr(member, source.read(member.filename))
        copy.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    made = xlsx_bomb()
    assert 200_000 < len(made) < 500_000, len(made)  # ~300 KB compressed, >300 MB unpacked
    return made


async def test_finding_6_xlsx_bomb_refused_by_api_and_web(world: World, bomb: bytes) -> None:
    """Finding 6: the decompression bomb is refused with a 400 naming the rule (in Swedish
    and English) before openpyxl opens it, through the API (dry run and real) and through
    the web upload's dry run; the list is unchanged."""
    before = await world.people_of(world.w21)
    for query in ("?dry_run=true", ""):
        answer = await world.http.put(
            f"/api/v1/workshops/{world.w21}/participants{query}",
            content=bomb,
            headers={**world.tokens["admin 21"], "Content-Type": XLSX},
        )
        assert problem(answer, 400) == [("file", "xlsx_member_size")]
        message = answer.json()["details"][0]["message"]
        assert "packas upp till mer än 32 MB" in message and "unpacks to more than 32 MB" in message
    csrf = await web_log_in(world.http, "admin 21")
    page = await world.http.post(
        f"/workshops/{world.w21}/upload",
        data={"csrf": csrf},
        files={"file": ("lista.xlsx", bomb, XLSX)},
    )
    assert page.status_code == 400 and "packas upp till mer än 32 MB" in page.text
    assert await world.people_of(world.w21) == before


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("xl/vbaProject.bin", b"macro", "xlsx_part"),
        ("xl/externalLinks/externalLink1.xml", b"<externalLink/>", "xlsx_part"),
        ("xl/embeddings/oleObject1.bin", b"ole", "xlsx_part"),
        ("xl/activeX/activeX1.xml", b"<ax/>", "xlsx_part"),
        ("evil.txt", b"other", "xlsx_part"),
        ("../escape.xml", b"<x/>", "xlsx_part"),
        ("docProps/filler.xml", b"\0" * (2 * 1024 * 1024), "xlsx_ratio"),
    ],
)
async def test_finding_6_unexpected_xlsx_parts_refused(
    world: World, name: str, data: bytes, rule: str
) -> None:
    """Finding 6: only the parts of a plain workbook are taken: macros, external links,
    embedded objects and anything else are refused (400 naming the rule), and so is a
    part packed more than 100 times."""
    answer = await world.http.put(
        f"/api/v1/workshops/{world.w21}/participants?dry_run=true",
        content=with_member(name, data),
        headers={**world.tokens["admin 21"], "Content-Type": XLSX},
    )
    assert problem(answer, 400) == [("file", rule)]


async def test_finding_6_total_size_and_a_plain_list(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: the total unpacked size is bounded too; a plain workbook passes."""
    import reports.roster

    plain = with_member("docProps/custom.xml", b"<Properties/>")
    headers = {**world.tokens["admin 21"], "Content-Type": XLSX}
    path = f"/api/v1/workshops/{world.w21}/participants?dry_run=true"
    answer = await world.http.put(path, content=plain, headers=headers)
    assert answer.status_code == 200 and answer.json()["rows"] == 1
    monkeypatch.setattr(reports.roster, "XLSX_MAX_TOTAL_BYTES", 2000)
    assert problem(await world.http.put(path, content=plain, headers=headers), 400) == [
        ("file", "xlsx_total_size")
    ]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.mark.slow
def test_finding_6_server_memory_under_the_bomb(
    database_url: str, tmp_path: Any, bomb: bytes, record_property: Any
) -> None:
    """Finding 6, as the review measured it: a real server on loopback gets the bomb three
    times through the API (dry run) and once through the web upload's dry run. The
    server's peak RSS (VmHWM) is printed and recorded; before the fix it grew by ~580 MB,
    now it must stay under a generous 300 MB."""
    import asyncio

    from tests.conftest import start_server

    async def seed() -> tuple[str, str]:
        services = Services.build(load_settings(database_url=database_url))
        await services.open()
        try:
            user = await services.people.create_user("admin.21@example.se", "county-admin", "21")
            await services.people.set_password(str(user.id), PASSWORD)
            token = (await services.people.issue_token(str(user.id))).token
            workshop = await services.reports.create_workshop(
                {"county": "21", "title": "Bomb", "date": "2099-01-18"}
            )
            return token, workshop.id
        finally:
            await services.close()

    token, workshop_id = asyncio.run(seed())
    server = start_server(database_url.removeprefix("sqlite:///"), tmp_path / "server.log")
    try:
        pid = server.process.pid
        before = peak_rss_mb(pid)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(3):
                answer = http.put(
                    f"/api/v1/workshops/{workshop_id}/participants?dry_run=true",
                    content=bomb,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": XLSX},
                )
                assert answer.status_code == 400
                assert answer.json()["details"][0]["rule"] == "xlsx_member_size"
            form = http.get("/login")
            http.post(
                "/login",
                data={
                    "csrf": csrf_of(form.text),
                    "email": "admin.21@example.se",
                    "password": PASSWORD,
                    "next": "/",
                },
            )
            csrf = csrf_of(http.get("/courses").text)
            page = http.post(
                f"/workshops/{workshop_id}/upload",
                data={"csrf": csrf},
                files={"file": ("lista.xlsx", bomb, XLSX)},
            )
            assert page.status_code == 400 and "32 MB" in page.text
            assert http.get("/healthz").status_code == 200
        peak = peak_rss_mb(pid)
    finally:
        server.stop()
    figure = f"peak RSS {peak:.0f} MB (before the bomb {before:.0f} MB), bomb {len(bomb)} bytes"
    print(f"\nfinding 6: server {figure}")
    record_property("finding_6_peak_rss_mb", round(peak))
    assert peak < 300, figure


# --- findings 10 and 12: control characters in text fields, course URLs ----------------------

BAD_TEXTS = [
    "Ctrl\x01char",
    "Rad\r\nBcc: attacker@evil.example",
    "Tab\there",
    "Esc\x1b[31m",
    "Ls\u2028x",
]


async def raw_sql(database_url: str, sql: str, *params: Any) -> None:
    """Run ``sql`` (``?`` placeholders) on a connection of its own, outside the service:
    how data from before the input checks (or another tool) gets into the database."""
    if database_url.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(sql, params)
        return
    import asyncpg

    numbered = iter(range(1, len(params) + 1))
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *params)
    finally:
        await conn.close()


@pytest.mark.parametrize("bad", BAD_TEXTS)
async def test_finding_10_text_fields_refuse_control_characters(world: World, bad: str) -> None:
    """Finding 10: a control character or line break in a workshop title, a participant's
    name or role, or a course's name or description is a 400 naming the field, with rule
    ``control_character``; nothing changes."""
    admin, national = world.tokens["admin 21"], world.tokens["national"]
    http = world.http
    before = await world.workshops()
    created = await http.post(
        "/api/v1/workshops",
        json={"county": "21", "title": bad, "date": "2099-12-30"},
        headers=admin,
    )
    assert problem(created, 400) == [("title", "control_character")]
    changed = await http.patch(f"/api/v1/workshops/{world.w21}", json={"title": bad}, headers=admin)
    assert problem(changed, 400) == [("title", "control_character")]
    assert await world.workshops() == before
    people = await world.people_of(world.w21)
    for field in ("name", "role", "email"):
        person = {"name": "Ny Person", "email": "ny@example.se", "municipality": "2180"}
        added = await http.post(
            f"/api/v1/workshops/{world.w21}/participants",
            json={**person, field: bad},
            headers=admin,
        )
        assert "control_character" in [rule for path, rule in problem(added, 400) if path == field]
    assert await world.people_of(world.w21) == people
    for field in ("name", "description"):
        course = {"name": "Kurs", "activities": ["https://example.se/a"], field: bad}
        answer = await http.post("/api/v1/courses", json=course, headers=national)
        assert problem(answer, 400) == [(field, "control_character")]


async def test_finding_10_list_with_control_characters_imports_nothing(world: World) -> None:
    """Finding 10: a list whose rows hold control characters imports nothing and lists
    every bad row (the review's CSV with "Ctrl\\x01char"), also as XLSX and on the web."""
    rows = [
        ["namn", "e-post", "kommun", "roll"],
        ["Ctrl\x01char", "xss7@t.se", "2180", "valnämnd"],
        ["Bra Namn", "bra@t.se", "2180", "valnämnd"],
        ["Roll Fel", "roll@t.se", "2180", "valnämnd\x07"],
    ]
    content = "\n".join(";".join(row) for row in rows).encode()
    before = await world.people_of(world.w21)
    answer = await world.http.put(
        f"/api/v1/workshops/{world.w21}/participants",
        content=content,
        headers={**world.tokens["admin 21"], "Content-Type": "text/csv"},
    )
    assert answer.status_code == 400
    assert [(d["line"], d["field"], d["rule"]) for d in answer.json()["details"]] == [
        (2, "name", "control_character"),
        (4, "role", "control_character"),
    ]
    assert await world.people_of(world.w21) == before
    csrf = await web_log_in(world.http, "admin 21")
    page = await world.http.post(
        f"/workshops/{world.w21}/upload",
        data={"csrf": csrf},
        files={"file": ("lista.csv", content, "text/csv")},
    )
    assert page.status_code == 400
    # Each bad cell twice: linked in the error summary, and in the table of problems.
    assert page.text.count("Cellen innehåller en radbrytning eller ett osynligt styrtecken") == 4
    assert await world.people_of(world.w21) == before


async def test_finding_10_exports_of_older_data_with_control_characters(
    world: World, database_url: str
) -> None:
    """Finding 10: data stored before the checks (written here straight into the database)
    with control characters in a participant's name, a workshop's title and a course's
    name is exported as JSON, CSV and XLSX for the workshop, the county and the nation, and
    shown on the web pages: no 500, and U+FFFD where the character was."""
    import openpyxl

    await raw_sql(
        database_url, "UPDATE participants SET name = ? WHERE id = ?", "Ctrl\x01char", world.p21
    )
    await raw_sql(
        database_url, "UPDATE workshops SET title = ? WHERE id = ?", "Titel\r\nRad\x1b", world.w21
    )
    await raw_sql(
        database_url,
        "UPDATE courses SET name = ? WHERE id = ?",
        "Kurs\r\nBcc: attacker@evil.example",
        "valmyndigheten-introduktion",
    )
    paths = [
        f"/api/v1/workshops/{world.w21}/readiness",
        "/api/v1/readiness/21",
        "/api/v1/readiness",
    ]
    for kind in ("admin 21", "national", "coordinator 2180"):
        for path in paths:
            for fmt in ("json", "csv", "xlsx"):
                answer = await world.http.get(f"{path}?format={fmt}", headers=world.tokens[kind])
                assert answer.status_code == 200, (kind, path, fmt, answer.text[:200])
                if fmt == "csv":
                    assert "\x01" not in answer.text and "\x1b" not in answer.text
                if fmt == "xlsx":
                    book = openpyxl.load_workbook(io.BytesIO(answer.content))
                    cells = [
                        str(cell)
                        for sheet in book.worksheets
                        for row in sheet.iter_rows(values_only=True)
                        for cell in row
                    ]
                    if path.endswith("readiness") and "workshops" in path:
                        assert "Ctrl\ufffdchar" in cells
        csv_answer = await world.http.get(
            f"/api/v1/workshops/{world.w21}/readiness?format=csv", headers=world.tokens[kind]
        )
        assert "Ctrl\ufffdchar" in csv_answer.text
    csrf = await web_log_in(world.http, "admin 21")
    assert csrf
    for page in (f"/workshops/{world.w21}", "/counties/21", f"/workshops/{world.w21}/reminders"):
        shown = await world.http.get(page)
        assert shown.status_code == 200 and "\x01" not in shown.text and "\x1b" not in shown.text
    for fmt in ("csv", "xlsx"):
        exported = await world.http.get(f"/workshops/{world.w21}/export.{fmt}")
        assert exported.status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("javascript:alert(document.cookie)", 400),
        ("JavaScript:alert(1)", 400),
        ("data:text/html,<script>alert(1)</script>", 400),
        ("vbscript:msgbox(1)", 400),
        ("//evil.example/x", 400),
        ("https:///nohost", 400),
        ("ftp://example.se/kurs", 400),
        ("https://www.val.se/kurs", 201),
        ("http://intranet.example/kurs", 201),
    ],
)
async def test_finding_12_course_urls_are_web_addresses(
    world: World, url: str, status: int
) -> None:
    """Finding 12: a course URL is https: or http: with a host; ``javascript:`` and the
    like are a 400 naming ``url``, so they never reach /courses or a reminder e-mail."""
    answer = await world.http.post(
        "/api/v1/courses",
        json={"name": "Kurs", "url": url, "activities": ["https://example.se/a"]},
        headers=world.tokens["national"],
    )
    if status == 201:
        assert answer.status_code == 201, answer.text
    else:
        assert problem(answer, 400) == [("url", "url")]


# --- finding 11: reminders never fail as a batch ----------------------------------------------


def service_log(caplog: Any) -> str:
    """Every record the service logged, messages and tracebacks, at any level; the test's
    own SMTP server (aiosmtpd, logger ``mail.log``) is not the service."""
    import logging

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith("mail.log")
    )


async def bad_course_workshop(world: World, database_url: str) -> str:
    """A county-21 workshop whose only course's name holds CR/LF (older data, written
    straight into the database: input refuses it now), with two participants."""
    reports = world.services.reports
    course = await reports.add_course(
        {"id": "evil-course", "name": "Kurs", "activities": ["http://example.com/evil-act"]}
    )
    workshop = await reports.create_workshop(
        {"county": "21", "title": "A först", "date": "2099-01-16", "courses": [course.id]}
    )
    for n in (1, 2):
        await reports.add_participant(
            workshop.id,
            {"name": f"Evil {n}", "email": f"evil{n}@gavle.example", "municipality": "2180"},
        )
    await raw_sql(
        database_url,
        "UPDATE courses SET name = ? WHERE id = ?",
        "Kurs\r\nBcc: attacker@evil.example",
        course.id,
    )
    return workshop.id


async def test_finding_11_a_course_name_that_cannot_go_into_a_header(
    world: World, database_url: str, smtp: tuple[MailCatcher, int], caplog: Any
) -> None:
    """Finding 11: the review's reminder send for a workshop whose course name holds CR/LF
    answered 500 and left the row 'pending'. Now each recipient fails on its own (counted,
    logged without personal data, 'failed' in the reminder log), no Bcc goes anywhere, and
    the same coordinator's send for a sound workshop goes through."""
    catcher, _ = smtp
    workshop_id = await bad_course_workshop(world, database_url)
    headers = world.tokens["admin 21"]
    with caplog.at_level("DEBUG"):
        answer = await world.http.post(
            f"/api/v1/workshops/{workshop_id}/reminders", headers=headers
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["sent"] == [] and len(body["failed"]) == 2
    assert all("could not be written" in f["error"] for f in body["failed"])
    entries = await world.services.reminders.entries(workshop_id)
    assert sorted(e.status for e in entries) == ["failed", "failed"]
    assert catcher.messages == []
    assert "evil1@" not in service_log(caplog) and "Evil 1" not in service_log(caplog)
    sound = await world.http.post(f"/api/v1/workshops/{world.w21}/reminders", headers=headers)
    assert len(sound.json()["sent"]) == 2 and len(catcher.messages) == 2
    assert not any("attacker" in str(rcpt) for rcpt, _ in catcher.messages)


async def test_finding_11_an_smtp_server_refusing_one_recipient(
    world: World, settings: Settings, caplog: Any
) -> None:
    """Finding 11: an SMTP server that refuses one recipient fails that one (retried, then
    'failed'); the others of the workshop are sent; the log names ids, not addresses."""
    import socket

    from aiosmtpd.controller import Controller

    class Refusing(MailCatcher):
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            if address.startswith("anna@"):
                return "550 5.1.1 <anna@gavle.example>: Recipient address rejected"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    catcher = Refusing()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        services = Services.build(
            load_settings(database_url=settings.database_url, smtp_host="127.0.0.1", smtp_port=port)
        )
        await services.open()
        try:
            services.reminders.service.backoff = 0.01
            with caplog.at_level("DEBUG"):
                outcome = await services.reminders.send(world.w21)
        finally:
            await services.close()
    finally:
        controller.stop()
    assert [r.email for r in outcome.sent] == ["sven@sandviken.example"]
    assert [(r.email, "550" in error) for r, error in outcome.failed] == [
        ("anna@gavle.example", True)
    ]
    assert [rcpts for rcpts, _ in catcher.messages] == [["sven@sandviken.example"]]
    entries = {e.participant_id: e for e in await world.services.reminders.entries(world.w21)}
    assert entries[world.p21].status == "failed" and entries[world.p21].attempts >= 1
    assert "anna@" not in service_log(caplog) and "Anna Andersson" not in service_log(caplog)


async def test_finding_11_one_bad_workshop_does_not_stop_the_scheduler(
    world: World, database_url: str, smtp: tuple[MailCatcher, int]
) -> None:
    """Finding 11: the automatic scheduler's ``run_once`` goes through every workshop: one
    whose course name cannot go into a header fails per recipient, one whose report cannot
    be computed (a damaged progress row, written straight into the database) is counted
    and tried again next round, and the workshop after them gets its reminders."""
    from datetime import timedelta

    catcher, _ = smtp
    services = world.services
    scheduler = services.reminder_scheduler
    assert scheduler is not None
    scheduler.service.backoff = 0.01
    bad_course = await bad_course_workshop(world, database_url)
    broken = await services.reports.create_workshop(
        {"county": "21", "title": "B trasig", "date": "2099-01-17"}
    )
    await services.reports.add_participant(
        broken.id, {"name": "Bruten", "email": "bruten@gavle.example", "municipality": "2180"}
    )
    await raw_sql(
        database_url,
        "INSERT INTO progress (learner, course_id, trusted, completed_at, last_activity,"
        " steps_done, step_times) VALUES (?, ?, 1, NULL, 1, 0, ?)",
        "mbox:bruten@gavle.example",
        "valmyndigheten-introduktion",
        "{damaged",
    )
    # world.w21 and w14 (2099-01-18) come after both in the scheduler's order (by date);
    # every deadline is ahead, and within seven days.
    deadline = (await services.reports.get_workshop(bad_course)).deadline
    now = deadline - timedelta(hours=1)
    total = await scheduler.run_once(now)
    assert total.workshops_failed == [broken.id]
    assert sorted(r.email for r, _ in total.failed) == [
        "evil1@gavle.example",
        "evil2@gavle.example",
    ]
    sent = sorted(r.email for r in total.sent)
    assert "anna@gavle.example" in sent and "sven@sandviken.example" in sent
    assert "gota@goteborg.example" in sent  # county 14's workshop, after all of them
    await raw_sql(
        database_url, "DELETE FROM progress WHERE learner = ?", "mbox:bruten@gavle.example"
    )
    again = await scheduler.run_once(now + timedelta(minutes=5))
    assert again.workshops_failed == [] and [r.email for r in again.sent] == [
        "bruten@gavle.example"
    ]
    assert bad_course not in [r.workshop_id for r in again.sent]
    assert len(catcher.messages) == len(sent) + 1


# --- issue item 12: no personal data in logs, tracebacks included ----------------------------

MARKER_NAME = "Markus Markörsson"
MARKER_EMAIL = "markus.markor@example.se"


def test_item_12_exception_messages_are_scrubbed_at_every_level() -> None:
    """Issue item 12 (finding 10's traceback): errors whose messages carry values —
    openpyxl's IllegalCharacterError (the cell text), pydantic's ValidationError (the
    input), a database error (the row), chained and grouped — are logged through the
    service's handler at DEBUG with their types and frames, never their messages; an
    exception passed as a log argument is shown by its type."""
    import logging

    import pydantic
    from openpyxl.utils.exceptions import IllegalCharacterError

    from lrs_bridge.logs import FORMAT, ExceptionArgumentFilter, ScrubbingFormatter

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ScrubbingFormatter(FORMAT))
    handler.addFilter(ExceptionArgumentFilter())
    logger = logging.getLogger("lrs_bridge.test_item_12")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    class Person(pydantic.BaseModel):
        age: int

    def database() -> None:
        import sqlite3

        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (v TEXT CHECK (v NOT LIKE '%@%'))")
        conn.execute("INSERT INTO t VALUES (?)", (MARKER_EMAIL,))

    try:
        for fail in (
            lambda: (_ for _ in ()).throw(IllegalCharacterError(f"{MARKER_NAME}\x01")),
            lambda: Person(age=MARKER_EMAIL),  # type: ignore[arg-type]
            database,
        ):
            try:
                try:
                    fail()
                except Exception as inner:
                    raise RuntimeError(f"while handling {MARKER_NAME}") from inner
            except Exception as error:
                logger.exception("unexpected error")
                logger.debug("database error: %s", error)
                logger.warning("stopped: %r", error.__cause__)
                logger.error(error)
        try:
            raise ExceptionGroup(MARKER_EMAIL, [ValueError(MARKER_NAME)])
        except ExceptionGroup:
            logger.exception("group")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "IllegalCharacterError" in text and "ValidationError" in text
    assert "IntegrityError" in text and "Traceback" in text and "RuntimeError" in text
    assert MARKER_NAME not in text and MARKER_EMAIL not in text and "Markörsson" not in text


@pytest.mark.slow
def test_item_12_a_real_server_logs_no_personal_data(database_url: str, tmp_path: Any) -> None:
    """Issue item 12: a real server at log level debug meets unexpected errors whose
    messages carry a participant's name and address — a damaged row read back
    (``date.fromisoformat`` quotes the text) and, on PostgreSQL, a database error with the
    row's values (a trigger refusing the insert, as a constraint's DETAIL would) — answers
    500, and its log (its own lines and uvicorn's traceback) holds the tracebacks' types
    but neither the name nor the address."""
    import asyncio

    from tests.conftest import start_server

    async def seed() -> tuple[str, str, str]:
        services = Services.build(load_settings(database_url=database_url))
        await services.open()
        try:
            user = await services.people.create_user("admin.21@example.se", "county-admin", "21")
            token = (await services.people.issue_token(str(user.id))).token
            sound = await services.reports.create_workshop(
                {"county": "21", "title": "Loggtest", "date": "2099-01-18"}
            )
            damaged = await services.reports.create_workshop(
                {"county": "21", "title": "Trasig", "date": "2099-01-19"}
            )
            return token, sound.id, damaged.id
        finally:
            await services.close()

    token, workshop_id, damaged = asyncio.run(seed())
    asyncio.run(
        raw_sql(
            database_url,
            "UPDATE workshops SET date = ? WHERE id = ?",
            f"{MARKER_NAME} <{MARKER_EMAIL}>",
            damaged,
        )
    )
    postgres = not database_url.startswith("sqlite:")
    if postgres:
        asyncio.run(
            raw_sql(
                database_url,
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN"
                " RAISE EXCEPTION 'refused % <%>', NEW.name, NEW.email;"
                " END $$ LANGUAGE plpgsql",
            )
        )
        asyncio.run(
            raw_sql(
                database_url,
                "CREATE TRIGGER refuse BEFORE INSERT ON participants"
                " FOR EACH ROW EXECUTE FUNCTION refuse()",
            )
        )
    log = tmp_path / "server.log"
    server = start_server(
        database_url.removeprefix("sqlite:///"), log, env={"LRS_BRIDGE_LOG_LEVEL": "debug"}
    )
    headers = {"Authorization": f"Bearer {token}"}
    try:
        listed = httpx.get(f"{server.url}/api/v1/workshops", headers=headers, timeout=30)
        assert listed.status_code == 500 and "markus" not in listed.text.lower()
        if postgres:
            answer = httpx.post(
                f"{server.url}/api/v1/workshops/{workshop_id}/participants",
                json={"name": MARKER_NAME, "email": MARKER_EMAIL, "municipality": "2180"},
                headers=headers,
                timeout=30,
            )
            assert answer.status_code == 500 and MARKER_EMAIL not in answer.text
    finally:
        server.stop()
    text = log.read_text()
    assert "Traceback" in text and "ValueError" in text, text
    if postgres:
        assert "RaiseError" in text, text
    assert MARKER_EMAIL not in text and MARKER_NAME not in text and "markus" not in text.lower()


# --- issue item 13: reads audited, coordinators' counts ------------------------------------------


async def test_item_13_reads_of_personal_data_are_audited(world: World) -> None:
    """Issue item 13: a JSON readiness report and a participant list (or one participant)
    read through the API, and the workshop page on the web, are audited as
    ``report.read`` / ``participants.read``: one entry a read, the reader by id, no
    personal data in the entry."""
    http, headers = world.http, world.tokens["coordinator 2180"]

    async def actions() -> list[tuple[str, str | None, Any]]:
        entries = (await http.get("/api/v1/audit", headers=world.tokens["national"])).json()
        return [
            (e["action"], e["object_id"], e["details"].get("format"))
            for e in reversed(entries["entries"])
            if e["actor"] == world.users["coordinator 2180"]
        ]

    reads = [
        (f"/api/v1/workshops/{world.w21}/readiness", ("report.read", world.w21, "json")),
        ("/api/v1/readiness", ("report.read", "21", "json")),
        ("/api/v1/readiness/21?format=json", ("report.read", "21", "json")),
        (f"/api/v1/workshops/{world.w21}/participants", ("participants.read", world.w21, None)),
        (
            f"/api/v1/workshops/{world.w21}/participants/{world.p21}",
            ("participants.read", world.w21, None),
        ),
        (
            f"/api/v1/workshops/{world.w21}/readiness?format=csv",
            ("report.export", world.w21, "csv"),
        ),
    ]
    for path, expected in reads:
        before = await actions()
        assert (await http.get(path, headers=headers)).status_code == 200
        assert await actions() == [*before, expected], path
    # Not audited: a read that is refused (another municipality's participant).
    before = await actions()
    other = await world.services.reports.list_participants(world.w21, municipality="2181")
    refused = await http.get(
        f"/api/v1/workshops/{world.w21}/participants/{other[0].id}", headers=headers
    )
    assert refused.status_code == 404 and await actions() == before
    entries = (await http.get("/api/v1/audit", headers=world.tokens["national"])).json()
    assert "@" not in str(entries) and "Anna" not in str(entries)

    await web_log_in(http, "coordinator 2180")
    before = await actions()
    assert (await http.get(f"/workshops/{world.w21}")).status_code == 200
    assert await actions() == [*before, ("participants.read", world.w21, None)]


async def test_item_13_coordinators_see_their_municipalitys_counts(world: World) -> None:
    """Issue item 13: a workshop object shows a municipality coordinator the number of
    their municipality's participants (1 in Gävle), not the county-wide total (2), in the
    list, the workshop, and the reports; the county admin sees 2."""
    http = world.http
    for kind, count in (("coordinator 2180", 1), ("admin 21", 2), ("national", 2)):
        headers = world.tokens[kind]
        listed = (await http.get("/api/v1/workshops?county=21", headers=headers)).json()
        assert [w["participants"] for w in listed["workshops"] if w["id"] == world.w21] == [count]
        one = (await http.get(f"/api/v1/workshops/{world.w21}", headers=headers)).json()
        assert one["participants"] == count
        report = await http.get(f"/api/v1/workshops/{world.w21}/readiness", headers=headers)
        assert report.json()["workshop"]["participants"] == count
        county = (await http.get("/api/v1/readiness/21", headers=headers)).json()
        assert [w["workshop"]["participants"] for w in county["workshops"]] == [count]
        assert [w["totals"]["total"] for w in county["workshops"]] == [count]


# --- issue item 13: bridge secrets encrypted at rest ------------------------------------------

REMOTE = {"endpoint": "http://127.0.0.1:9/xapi/", "key": "upstream-key"}
UPSTREAM_SECRET = "upstream-secret-3f9a"


async def stored_secrets(database_url: str) -> dict[str, str]:
    """name → the secret column as stored, for every source and target."""
    rows: list[tuple[Any, ...]] = []
    for table in ("bridge_sources", "bridge_targets"):
        sql = f"SELECT name, secret FROM {table}"
        if database_url.startswith("sqlite:"):
            import sqlite3

            with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
                rows += conn.execute(sql).fetchall()
        else:
            import asyncpg

            conn = await asyncpg.connect(database_url)
            try:
                rows += [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()
    return {str(name): str(secret) for name, secret in rows}


async def open_services(database_url: str, key: str) -> Services:
    services = Services.build(load_settings(database_url=database_url, secrets_key=key))
    await services.open()
    return services


@pytest.mark.slow
async def test_item_13_bridge_secrets_are_encrypted_at_rest(database_url: str) -> None:
    """Issue item 13: with LRS_BRIDGE_SECRETS_KEY set, a source's and a target's secrets
    are stored sealed (``fernet:…``, the plaintext nowhere in the row) and opened for the
    pull; rows stored in plaintext before the key keep working and are sealed at the next
    start; ``lrs-bridge secrets rotate`` re-seals with a new first key, after which the old
    key alone cannot open them (503 naming the setting) and no key at all cannot either."""
    from lrs_bridge.bridge.secrets import SecretUnreadable, new_key
    from tests.conftest import run_cli

    old, new = new_key(), new_key()
    # Before the key: plaintext, as before.
    plain = await open_services(database_url, "")
    try:
        await plain.bridge.add_source({"name": "before", **REMOTE, "secret": UPSTREAM_SECRET})
    finally:
        await plain.close()
    assert (await stored_secrets(database_url))["before"] == UPSTREAM_SECRET

    services = await open_services(database_url, old)
    try:
        await services.bridge.add_source({"name": "src", **REMOTE, "secret": UPSTREAM_SECRET})
        await services.bridge.add_target({"name": "tgt", **REMOTE, "secret": UPSTREAM_SECRET})
        stored = await stored_secrets(database_url)
        assert stored["src"].startswith("fernet:") and stored["tgt"].startswith("fernet:")
        assert UPSTREAM_SECRET not in stored["src"] + stored["tgt"]
        assert stored["before"] == UPSTREAM_SECRET  # used as it is until sealed
        for name in ("src", "before"):
            source = await services.bridge.storage.get_source(name)
            assert source is not None and source.remote.secret == UPSTREAM_SECRET
        target = await services.bridge.storage.get_target("tgt")
        assert target is not None and target.remote.secret == UPSTREAM_SECRET
        assert await services.bridge.seal_secrets() == 1  # what start() does
        assert (await stored_secrets(database_url))["before"].startswith("fernet:")
    finally:
        await services.close()

    env = {"LRS_BRIDGE_DATABASE_URL": database_url, "LRS_BRIDGE_SECRETS_KEY": f"{new},{old}"}
    rotated = run_cli("secrets", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == "3 secrets sealed with the first key"
    assert "3" not in run_cli("secrets", "rotate", env=env).stdout  # nothing left to do
    no_key = run_cli("secrets", "rotate", env={**env, "LRS_BRIDGE_SECRETS_KEY": ""})
    assert no_key.returncode != 0 and "LRS_BRIDGE_SECRETS_KEY is not set" in no_key.stderr
    bad = run_cli("secrets", "rotate", env={**env, "LRS_BRIDGE_SECRETS_KEY": "not-a-key"})
    assert bad.returncode != 0 and "LRS_BRIDGE_SECRETS_KEY" in bad.stderr

    for key, opens in ((new, True), (old, False), ("", False)):
        services = await open_services(database_url, key)
        try:
            if opens:
                source = await services.bridge.storage.get_source("src")
                assert source is not None and source.remote.secret == UPSTREAM_SECRET
            else:
                with pytest.raises(SecretUnreadable) as refused:
                    await services.bridge.pull("src")
                assert refused.value.status == 503
                assert "LRS_BRIDGE_SECRETS_KEY" in refused.value.message
            # Listings and the source itself are shown with or without the key.
            assert [s.name for s in await services.bridge.list_sources()] == ["before", "src"]
            assert (await services.bridge.get_source("src")).name == "src"
        finally:
            await services.close()
