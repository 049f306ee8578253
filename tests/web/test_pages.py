"""The web pages in-process (httpx over ASGI): log-in and sessions, CSRF, throttling,
security headers, languages, and that every page goes through the one permission check."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.routing import Route

from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from lrs_bridge.web.session import COOKIE
from reports.model import Workshop
from statements.log import Writer
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement

PASSWORD = "ett-långt-lösenord"


@dataclass
class World:
    http: httpx.AsyncClient
    services: Services
    gavle: Workshop
    goteborg: Workshop


@pytest.fixture
async def world(services: Services, settings: Settings) -> AsyncIterator[World]:
    for email, role, county, municipality in (
        ("national@val.example", "national-admin", None, None),
        ("karl@lst.example", "county-admin", "21", None),
        ("lisa@lst.example", "county-admin", "14", None),
        ("olle@gavle.example", "coordinator", None, "2180"),
    ):
        user = await services.people.create_user(email, role, county, municipality)
        await services.people.set_password(str(user.id), PASSWORD)
    reports = services.reports
    gavle = await reports.create_workshop(
        {"county": "21", "title": "Gävleborgs workshop", "date": "2099-01-18"}
    )
    for name, email, town in (
        ("Anna Andersson", "anna@gavle.example", "2180"),
        ("Sven Sandvik", "sven@sandviken.example", "2181"),
    ):
        await reports.add_participant(
            gavle.id, {"name": name, "email": email, "municipality": town}
        )
    goteborg = await reports.create_workshop(
        {"county": "14", "title": "Göteborgs workshop", "date": "2099-01-18"}
    )
    await send(services, statement(mbox("anna@gavle.example"), COMPLETED, INTRO))
    await reports.catch_up()
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield World(http, services, gavle, goteborg)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def log_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = await http.get("/login")
    return await http.post(
        "/login",
        data={"csrf": csrf_of(form.text), "email": email, "password": password, "next": "/"},
    )


async def test_log_in_and_out(world: World) -> None:
    http = world.http
    first = await http.get("/counties/21")
    assert (first.status_code, first.headers["location"]) == (303, "/login?next=%2Fcounties%2F21")
    answer = await log_in(http, "KARL@lst.example")  # addresses are not case-sensitive
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert (await http.get("/")).headers["location"] == "/counties/21"
    page = await http.get("/counties/21")
    assert page.status_code == 200 and "Gävleborgs workshop" in page.text
    assert "Göteborgs workshop" not in page.text

    bye = await http.post("/logout", data={"csrf": csrf_of(page.text)})
    assert bye.status_code == 303
    assert (await http.get("/counties/21")).status_code == 303  # to the log-in page again


async def test_wrong_password_then_throttled(world: World) -> None:
    http = world.http
    for _ in range(5):
        wrong = await log_in(http, "karl@lst.example", "fel")
        assert wrong.status_code == 401
        assert "Fel e-postadress eller lösenord." in wrong.text
    refused = await log_in(http, "karl@lst.example")  # even the right password now
    assert refused.status_code == 429
    assert "För många misslyckade inloggningar" in refused.text
    assert (await http.get("/counties/21")).status_code == 303


async def test_a_form_without_the_session_token_is_refused(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}/reminders"
    forged = await http.post(url, data={"csrf": "guessed"})
    assert forged.status_code == 403 and "Formuläret har gått ut" in forged.text
    assert await world.services.reminders.entries(world.gavle.id) == []  # nothing was sent
    stranger = httpx.AsyncClient(transport=http._transport, base_url="http://lrs.test")
    login = await stranger.post(
        "/login", data={"csrf": "x", "email": "karl@lst.example", "password": PASSWORD}
    )
    assert login.status_code == 403  # a log-in form posted from elsewhere
    await stranger.aclose()


async def test_a_tampered_session_cookie_is_a_new_anonymous_session(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    value = http.cookies[COOKIE]
    http.cookies.set(COOKIE, value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert (await http.get("/counties/21")).status_code == 303


async def test_security_headers_on_every_page(world: World) -> None:
    http = world.http
    answers = [await http.get("/login"), await http.get("/tillganglighet")]
    await log_in(http, "karl@lst.example")
    for url in ("/counties/21", f"/workshops/{world.gavle.id}", "/courses"):
        answers.append(await http.get(url))
    for answer in answers:
        assert answer.status_code == 200
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        assert "script-src" not in policy  # no scripts at all
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"
        assert '<html lang="sv">' in answer.text


async def test_english_on_request(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    page = await http.get(f"/workshops/{world.gavle.id}")
    assert "Klar i tid" in page.text
    switched = await http.post(
        "/language",
        data={"csrf": csrf_of(page.text), "language": "en", "next": "https://evil.example/"},
    )
    assert switched.headers["location"] == "/"  # never to another site
    page = await http.get(f"/workshops/{world.gavle.id}")
    assert '<html lang="en">' in page.text and "Completed on time" in page.text


async def test_a_coordinator_sees_their_municipality(world: World) -> None:
    http = world.http
    await log_in(http, "olle@gavle.example")
    page = await http.get(f"/workshops/{world.gavle.id}")
    assert "Anna Andersson" in page.text and "Sven Sandvik" not in page.text
    assert "Ladda upp deltagarlista" not in page.text  # coordinators change no lists
    assert (await http.get(f"/workshops/{world.gavle.id}/upload")).status_code == 403
    assert (await http.get("/audit")).status_code == 403
    csv = await http.get(f"/workshops/{world.gavle.id}/export.csv")
    assert "Anna Andersson" in csv.text and "Sven" not in csv.text
    assert (await http.get(f"/workshops/{world.goteborg.id}")).status_code == 404


async def test_search_filter_and_sort(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}"
    found = await http.get(url, params={"q": "sandv"})
    assert "Sven Sandvik" in found.text and "Anna Andersson" not in found.text
    done = await http.get(url, params={"status": "completed_on_time"})
    assert "Anna Andersson" in done.text and "Sven Sandvik" not in done.text
    by_name = await http.get(url, params={"sort": "name"})
    assert by_name.text.index("Anna Andersson") < by_name.text.index("Sven Sandvik")
    by_status = await http.get(url, params={"sort": "status", "status": "bogus"})
    assert by_status.status_code == 200  # an unknown filter shows everyone
    assert "Visar 2 av 2 deltagare." in by_status.text


async def test_create_a_workshop_from_the_county_page(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    page = await http.get("/counties/21")
    refused = await http.post(
        "/counties/21/workshops", data={"csrf": csrf_of(page.text), "title": "", "date": "x"}
    )
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    created = await http.post(
        "/counties/21/workshops",
        data={
            "csrf": csrf_of(page.text),
            "title": "Ny workshop",
            "date": "2099-03-01",
            "courses": "valmyndigheten-introduktion",
        },
    )
    assert created.status_code == 303
    shown = await http.get(created.headers["location"])
    assert "Ny workshop" in shown.text and "2099-02-28 23:59" in shown.text
    elsewhere = await http.post(
        "/counties/14/workshops",
        data={"csrf": csrf_of(page.text), "title": "Fel län", "date": "2099-03-01"},
    )
    assert elsewhere.status_code == 404
    assert not any(w.title == "Fel län" for w in await world.services.reports.list_workshops())


def test_every_page_is_declared_with_its_permissions(settings: Settings) -> None:
    """No page is served without the gate: each declares the action of each method."""
    app = create_app(settings)
    pages = [
        route
        for route in app.routes
        if isinstance(route, Route)
        and not route.path.startswith(("/xapi", "/api/", "/static/"))
        and route.path not in ("/healthz", "/readyz", "/metrics", "/openapi.json")
    ]
    assert len(pages) >= 14
    for route in pages:
        actions = getattr(route.endpoint, "actions", None)
        assert actions, f"{route.path} has no declared permissions"
        public = getattr(route.endpoint, "public", False)
        assert public == (route.path in ("/login", "/language", "/tillganglighet")), route.path


async def test_trusted_reporters_on_the_courses_and_workshop_pages(world: World) -> None:
    """The Courses page names each course's trusted keys by label; a completion from an
    untrusted key shows on the workshop page as a note, not as a status."""
    services, http = world.services, world.http
    trusted = await services.credentials.create("Storyline-paketet", ["statements/write"])
    other = await services.credentials.create("Okänd nyckel", ["statements/write"])
    intro = await services.reports.get_course("valmyndigheten-introduktion")
    await services.reports.change_course(
        intro.id,
        {
            "name": intro.name,
            "activities": list(intro.activities),
            "reporters": {"credentials": [trusted.credential.key]},
        },
    )
    await services.statements.store_statements(
        [statement(mbox("sven@sandviken.example"), COMPLETED, INTRO)],
        version="1.0.3",
        writer=Writer(None, other.credential.key),
    )
    await services.reports.catch_up()
    await log_in(http, "national@val.example")
    page = (await http.get("/courses")).text
    assert f"Storyline-paketet (xAPI-nyckel {trusted.credential.key})" in page
    assert "Okänd nyckel" not in page
    workshop = (await http.get(f"/workshops/{world.gavle.id}")).text
    row = workshop[workshop.index("Sven Sandvik") :].split("</tr>")[0]
    assert "Inte påbörjad" in row or "Ej påbörjad" in row
    assert "Klar enligt en källa som inte räknas" in row
