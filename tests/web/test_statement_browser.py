"""The statement browser (issue 15), in-process on both engines: the search page and its
paging by position, one statement's JSON, the streamed exports (CSV with the formula guard,
JSON Lines as stored), the API of the same, the audit entries, and the refusals."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import orjson
import pytest

from lrs_bridge.auth.access import Principal
from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from reports import statement_browser as browser
from tests.reports.helpers import COMPLETED, EXPERIENCED, INTRO, PASSED, SKR, mbox, send, statement
from tests.web.test_pages import PASSWORD, log_in

PEOPLE = {
    "national": ("national@val.example", "national-admin", None, None),
    "admin 21": ("karl@lst.example", "county-admin", "21", None),
    "coordinator 2180": ("olle@gavle.example", "coordinator", None, "2180"),
    "coordinator 21": ("cecilia@lst.example", "coordinator", "21", None),
}


@dataclass
class World:
    http: httpx.AsyncClient
    services: Services
    tokens: dict[str, str]
    ids: dict[str, str]


@pytest.fixture
async def world(services: Services, settings: Settings) -> AsyncIterator[World]:
    tokens = {}
    for kind, (email, role, county, municipality) in PEOPLE.items():
        user = await services.people.create_user(email, role, county, municipality)
        await services.people.set_password(str(user.id), PASSWORD)
        tokens[kind] = (await services.people.issue_token(str(user.id))).token
    ids: dict[str, str] = {}
    # Anna: the introduction (completed), SKR's three steps; a name Excel would run as a
    # formula; Bo: experienced the introduction.
    anna = {**mbox("anna@gavle.example"), "name": '=HYPERLINK("http://evil")'}
    (ids["anna intro"],) = await send(services, statement(anna, COMPLETED, INTRO))
    for n, step in enumerate(SKR, 1):
        (ids[f"anna skr {n}"],) = await send(
            services, statement(anna, PASSED, step, result={"success": True})
        )
    (ids["bo intro"],) = await send(
        services, statement(mbox("bo@sandviken.example"), EXPERIENCED, INTRO)
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield World(http, services, tokens, ids)


async def _principal(world: World, email: str) -> Principal:
    user = await world.services.people.find_user(email)
    assert user is not None
    return user.principal()


def bearer(world: World, kind: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[kind]}"}


async def test_search_by_learner_course_and_verb_pages_by_position(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    everything = await http.get("/statements")
    assert everything.status_code == 200
    assert everything.text.count('class="nowrap"><a href="/statements/') == 5
    by_learner = await http.get("/statements", params={"learner": "BO@sandviken.example"})
    assert world.ids["bo intro"] in by_learner.text
    assert world.ids["anna intro"] not in by_learner.text
    # A course of three activities: one query each, merged newest first.
    course = await http.get("/statements", params={"course": "skr-ett-tryggt-valar"})
    found = [world.ids[f"anna skr {n}"] for n in (3, 2, 1)]
    positions = [course.text.index(i) for i in found]
    assert positions == sorted(positions) and world.ids["anna intro"] not in course.text
    verb = await http.get("/statements", params={"verb": EXPERIENCED})
    assert world.ids["bo intro"] in verb.text and world.ids["anna intro"] not in verb.text

    selection = browser.select({}, [])
    first = await browser.page(world.services.store, selection, size=2)
    second = await browser.page(world.services.store, selection, first.before, size=2)
    third = await browser.page(world.services.store, selection, second.before, size=2)
    seen = [s.id for p in (first, second, third) for s in p.statements]
    assert seen == [
        world.ids[k] for k in ("bo intro", "anna skr 3", "anna skr 2", "anna skr 1", "anna intro")
    ]
    assert third.before is None
    older = await http.get("/statements", params={"before": str(first.before)})
    assert world.ids["bo intro"] not in older.text and world.ids["anna intro"] in older.text


async def test_every_problem_is_named_at_its_field(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    answer = await http.get(
        "/statements",
        params={
            "learner": "inte en adress",
            "course": "nej",
            "since": "2026-13-01",
            "until": "igår",
        },
    )
    assert answer.status_code == 400
    assert 'id="error-summary"' in answer.text
    for field in ("learner", "course", "since", "until"):
        assert f'href="#sel-{field}"' in answer.text
        assert f'aria-describedby="sel-{field}-error"' in answer.text
    assert 'value="inte en adress"' in answer.text  # the input stays
    order = await http.get("/statements", params={"since": "2026-03-02", "until": "2026-03-01"})
    assert order.status_code == 400 and "Slutdatumet" in order.text


async def test_one_statement_as_json(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    page = await http.get(f"/statements/{world.ids['bo intro']}")
    assert page.status_code == 200
    assert "bo@sandviken.example" in page.text and 'role="region"' in page.text
    assert (await http.get("/statements/00000000-0000-4000-8000-000000000000")).status_code == 404
    assert (await http.get("/statements/nonsense")).status_code == 404


async def test_csv_export_is_for_excel_and_guards_formulas(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    answer = await http.get("/statements/export.csv", params={"learner": "anna@gavle.example"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="statements-')
    assert answer.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in answer.content
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Lagrad", "Id", "Deltagare"]
    assert [r[1] for r in rows[1:]] == [
        world.ids[k] for k in ("anna intro", "anna skr 1", "anna skr 2", "anna skr 3")
    ]
    assert {r[3] for r in rows[1:]} == {'\'=HYPERLINK("http://evil")'}
    assert rows[2][9] == "ja"  # passed


async def test_jsonl_export_streams_every_statement_as_stored(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    async with http.stream("GET", "/statements/export.jsonl") as answer:
        assert answer.headers["content-type"] == "application/x-ndjson"
        body = b"".join([chunk async for chunk in answer.aiter_bytes()])
    lines = body.split(b"\n")
    assert lines[-1] == b""
    stored = [orjson.loads(line) for line in lines[:-1]]
    assert [s["id"] for s in stored] == [
        world.ids[k] for k in ("anna intro", "anna skr 1", "anna skr 2", "anna skr 3", "bo intro")
    ]
    found = await world.services.store.get_statement(world.ids["bo intro"])
    assert found is not None and lines[4] == found.body
    entries = await world.services.audit.entries(await _principal(world, "national@val.example"))
    assert entries[0].action == "statements.export"
    assert "anna" not in orjson.dumps(entries[0].details).decode()
    searched = await http.get("/statements", params={"learner": "anna@gavle.example"})
    assert searched.status_code == 200
    log = await http.get("/audit")
    assert "sökte bland utbildningshändelser" in log.text and "sökt på: Deltagare" in log.text
    assert "laddade ned utbildningshändelser" in log.text and "anna@gavle" not in log.text


async def test_export_in_batches_holds_every_statement(world: World) -> None:
    """Many more statements than a batch: the pages join without gap or repeat."""
    many = [statement(mbox(f"p{n}@x.example"), COMPLETED, INTRO) for n in range(45)]
    await send(world.services, *many)
    selection = browser.select(
        {"course": "valmyndigheten-introduktion"}, await world.services.reports.list_courses()
    )
    got = [s.id async for s in browser.statements(world.services.store, selection, batch=7)]
    assert len(got) == len(set(got)) == 47
    assert got[-45:] == [s["id"] for s in many]


async def test_the_api_searches_and_exports(world: World) -> None:
    http = world.http
    page = await http.get(
        "/api/v1/statements", params={"limit": "2"}, headers=bearer(world, "national")
    )
    assert page.status_code == 200
    body = page.json()
    assert [s["id"] for s in body["statements"]] == [world.ids["bo intro"], world.ids["anna skr 3"]]
    rest = await http.get(body["more"], headers=bearer(world, "national"))
    assert [s["id"] for s in rest.json()["statements"]] == [
        world.ids["anna skr 2"],
        world.ids["anna skr 1"],
    ]
    bad = await http.get(
        "/api/v1/statements", params={"learner": "nej"}, headers=bearer(world, "national")
    )
    assert bad.status_code == 400
    (detail,) = bad.json()["details"]
    assert (detail["path"], detail["rule"]) == ("learner", "learner")
    assert detail["text"].startswith("Skriv deltagaren")
    export = await http.get(
        "/api/v1/statements/export",
        params={"format": "csv", "verb": EXPERIENCED},
        headers=bearer(world, "national"),
    )
    assert export.status_code == 200 and world.ids["bo intro"] in export.text
    assert world.ids["anna intro"] not in export.text


@pytest.mark.parametrize("kind", ["admin 21", "coordinator 2180", "coordinator 21"])
async def test_county_admins_and_coordinators_are_refused(world: World, kind: str) -> None:
    email = PEOPLE[kind][0]
    http = world.http
    await log_in(http, email)
    for path in (
        "/statements",
        f"/statements/{world.ids['bo intro']}",
        "/statements/export.csv",
        "/statements/export.jsonl",
    ):
        answer = await http.get(path)
        assert answer.status_code == 403, path
        assert "bo@sandviken.example" not in answer.text
    assert 'href="/statements"' not in (await http.get("/courses")).text
    for path in ("/api/v1/statements", "/api/v1/statements/export"):
        refused = await http.get(path, headers=bearer(world, kind))
        assert refused.status_code == 403
        assert refused.json()["details"][0]["rule"] == "role"


async def test_a_credential_reads_and_exports_only_what_it_stored(world: World) -> None:
    """An xAPI credential's owner (HTTP Basic) searches and exports through the same API,
    limited to the statements stored with that credential, whatever its scopes."""
    http = world.http
    mine = await world.services.credentials.create("kurs", ["statements/write", "all/read"])
    other = await world.services.credentials.create("läsare", ["statements/write"])
    auth = (mine.credential.key, mine.secret)
    sent = statement(mbox("cilla@hudiksvall.example"), COMPLETED, INTRO)
    stored = await http.post(
        "/xapi/statements",
        json=sent,
        auth=auth,
        headers={"X-Experience-API-Version": "1.0.3"},
    )
    assert stored.status_code == 200, stored.text
    page = await http.get("/api/v1/statements", auth=auth)
    assert [s["id"] for s in page.json()["statements"]] == [sent["id"]]
    export = await http.get("/api/v1/statements/export", auth=auth)
    assert [orjson.loads(line)["id"] for line in export.content.splitlines()] == [sent["id"]]
    # A scope that reads no statements is refused; a wrong secret too.
    refused = await http.get("/api/v1/statements", auth=(other.credential.key, other.secret))
    assert refused.status_code == 403
    wrong = await http.get("/api/v1/statements", auth=(mine.credential.key, "fel"))
    assert wrong.status_code == 401
    # Reading back one's own statements is not audited (as GET /xapi/statements).
    entries = await world.services.audit.entries(await _principal(world, "national@val.example"))
    assert [e for e in entries if e.action.startswith("statements.")] == []
