"""The web pages in-process (httpx over ASGI): log-in and sessions, CSRF, throttling,
security headers, languages, and that every page goes through the one permission check."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.routing import Route

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from lrs_bridge.web.session import COOKIE
from reports.model import Workshop
from statements.log import Writer
from tests.mail import MailCatcher
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement

PASSWORD = "ett-långt-lösenord"


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    """The pages' settings, with a real SMTP server for the reminders page."""
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
    )


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


async def sent_page(world: World, started: httpx.Response) -> httpx.Response:
    """The page a send redirects to, once the send in the background has finished."""
    assert started.status_code == 303, started.text
    await world.services.reminders.background.wait()
    return await world.http.get(started.headers["location"])


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
    assert "Ny workshop" in shown.text and "28 februari 2099 kl. 23.59" in shown.text
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
        # /cmi5/ is the cmi5 protocol's surface for AUs, as /xapi is: the one-time fetch
        # URL is its own secret (spec 8.2) and package files are course material.
        and not route.path.startswith(("/xapi", "/api/", "/static/", "/cmi5/"))
        and route.path not in ("/healthz", "/readyz", "/metrics", "/openapi.json")
    ]
    assert len(pages) >= 14
    for route in pages:
        actions = getattr(route.endpoint, "actions", None)
        assert actions, f"{route.path} has no declared permissions"
        public = getattr(route.endpoint, "public", False)
        # A personal launch link is public: its token is the participant's key (issue 14);
        # a set-password link is guarded by its own secret (issue 15). The single sign-on
        # pages are part of logging in (issue 20), public like /login; so is the information
        # about personal data (issue 16).
        public_pages = (
            "/login",
            "/language",
            "/tillganglighet",
            "/l/{token}",
            "/password/{link}",
            "/personuppgifter",
        )
        assert public == (route.path in public_pages or route.path.startswith("/sso/")), route.path
        foreign = getattr(route.endpoint, "foreign", False)  # posted by an IdP, no CSRF token
        assert foreign == (route.path in ("/sso/{name}/acs", "/sso/{name}/logged-out")), route.path


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


async def test_the_workshop_form_shows_every_error_at_once_in_swedish(world: World) -> None:
    """Usability test F1/F2: an error summary linking each field, 'Fel:' in the title,
    each error by its field, in plain Swedish, and what was typed kept."""
    http = world.http
    await log_in(http, "karl@lst.example")
    page = await http.get("/counties/21")
    refused = await http.post(
        "/counties/21/workshops",
        data={
            "csrf": csrf_of(page.text),
            "title": "",
            "date": "",
            "deadline": "1 feb 2027 kl 16",
            "courses": "valmyndigheten-introduktion",
        },
    )
    assert refused.status_code == 400
    html = refused.text
    assert "<title>Fel: Gävleborgs län" in html
    assert 'class="error-summary"' in html and "autofocus" in html
    assert "Workshoppen skapades inte – 3 fel" in html
    for field, message in (
        ("title", "Fyll i workshoppens namn."),
        ("date", "Fyll i workshoppens datum."),
        ("deadline", "Skriv sista dag som ÅÅÅÅ-MM-DD TT.MM, till exempel 2027-02-01 16.00"),
    ):
        assert f'<a href="#{field}">{message}' in html  # in the summary, linked
        assert f'id="{field}-error"' in html and f'aria-describedby="{field}-error"' in html
        assert message in html.split('id="new-workshop"')[1]  # and by the field
    assert 'value="1 feb 2027 kl 16"' in html  # the input is kept
    assert "must" not in html and "ISO 8601" not in html


async def test_a_workshop_in_the_past_is_created_only_when_confirmed(world: World) -> None:
    """Usability test F3: a date that has passed, or a last day after the workshop, is
    shown for the person to confirm; nothing is created until they do."""
    http = world.http
    await log_in(http, "karl@lst.example")
    csrf = csrf_of((await http.get("/counties/21")).text)
    form = {
        "csrf": csrf,
        "title": "Förra veckan",
        "date": "2020-03-02",
        "deadline": "2020-04-01 kl. 12.00",
        "courses": "valmyndigheten-introduktion",
    }
    asked = await http.post("/counties/21/workshops", data=form)
    assert asked.status_code == 200
    assert "Workshoppens datum har redan varit." in asked.text
    assert "Sista dag är efter workshoppen." in asked.text
    assert "Skapa workshoppen ändå" in asked.text
    assert not any(w.title == "Förra veckan" for w in await world.services.reports.list_workshops())
    accepted = re.search(r'name="accepted" value="([^"]*)"', asked.text)
    assert accepted is not None
    created = await http.post(
        "/counties/21/workshops", data={**form, "accepted": accepted.group(1)}
    )
    assert created.status_code == 303
    (made,) = [
        w for w in await world.services.reports.list_workshops() if w.title == "Förra veckan"
    ]
    assert made.deadline.isoformat().startswith("2020-04-01T12:00")
    county = (await http.get("/counties/21")).text
    assert "Förra veckan" in county.split("Workshoppar som har varit")[1]  # F11
    assert "Gävleborgs workshop" in county.split("Workshoppar som har varit")[0]


async def test_the_workshop_page_answers_who_to_chase(world: World) -> None:
    """Usability test F10, F11, F16: a summary line, counts that filter, search that
    ignores case and diacritics and finds e-mail addresses, downloads of what is shown."""
    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}"
    page = await http.get(url)
    assert re.search(r"1 av 2 klara – \d+ dagar kvar", page.text)
    assert f'href="/workshops/{world.gavle.id}?status=not_started#participants">1</a>' in page.text
    assert "Senast påmind" in page.text
    for query in ("ANNA", "andersson", "gavle.example", "gävle", "GAVLE"):
        found = await http.get(url, params={"q": query})
        assert "Visar 1 av 2 deltagare." in found.text, query
    filtered = await http.get(url, params={"q": "sandviken"})
    assert f'/workshops/{world.gavle.id}/export.csv?q=sandviken"' in filtered.text
    exported = await http.get(f"{url}/export.csv", params={"q": "sandviken"})
    rows = exported.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith("Sven Sandvik;")
    everyone = await http.get(f"{url}/export.csv")
    assert len(everyone.content.decode("utf-8-sig").splitlines()) == 3


async def test_the_upload_page_says_what_is_wrong_in_swedish(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    csrf = csrf_of((await http.get(f"/workshops/{world.gavle.id}/upload")).text)
    content = (
        "Namn;E-post;Kommun;Roll\r\n"
        "Björn Ståhl;bjorn.stahl@bollnas,se;Bollnäs;valnämnd\r\n"
        "Åsa Öberg;asa.oberg@gavle.se;Gälve;\r\n"
        "Kim Falk;kim@falun.se;Falun;Ordförande\r\n"
    ).encode()
    page = await http.post(
        f"/workshops/{world.gavle.id}/upload",
        data={"csrf": csrf},
        files={"file": ("lista.csv", content, "text/csv")},
    )
    assert page.status_code == 400
    html = page.text
    assert "<title>Fel: " in html
    assert "Listan har 3 fel och sparades inte" in html
    assert "E-postadressen bjorn.stahl@bollnas,se är felskriven: den har ett kommatecken" in html
    assert "Det finns ingen kommun som heter Gälve. Menade du Gävle?" in html
    assert "Falun ligger i Dalarnas län, inte i Gävleborgs län." in html
    assert "Ordförande" not in html  # a role not on the list is no error (F14)
    assert '<a href="#file">Rad 2: ' in html
    assert "is not" not in html and "e.g." not in html
    empty = await http.post(f"/workshops/{world.gavle.id}/upload", data={"csrf": csrf})
    assert (
        empty.status_code == 400 and '<a href="#file">Välj en fil att ladda upp.</a>' in empty.text
    )


async def test_the_accessibility_statement_has_diggs_elements(world: World) -> None:
    """Usability test F18: compliance status, what is not accessible, the date of the
    assessment and update, how it was assessed, reporting, and Digg's form."""
    page = await world.http.get("/tillganglighet")
    text = page.text
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in text
    assert "Kända brister" in text and "Samma siffror finns i en tabell" in text
    assert "Tjänsten bedömdes senast den 7 december 2026." in text
    assert "självskattning" in text and "axe-core" in text
    assert 'href="https://www.digg.se/tdosanmalan"' in text
    assert "oskäligt betungande anpassning" in text


async def test_a_workshop_is_changed_deleted_and_a_participant_added_in_place(
    world: World,
) -> None:
    """Usability test F7: no re-upload to fix one thing."""
    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}"
    page = await http.get(url)
    for link in ("/edit", "/delete", "/participants/new"):
        assert f'href="{url}{link}"' in page.text
    form = await http.get(f"{url}/edit")
    assert 'value="Gävleborgs workshop"' in form.text and 'value="2099-01-17 23.59"' in form.text
    csrf = csrf_of(form.text)
    refused = await http.post(
        f"{url}/edit",
        data={
            "csrf": csrf,
            "title": "",
            "date": "2099-01-18",
            "courses": "valmyndigheten-introduktion",
        },
    )
    assert refused.status_code == 400 and "Ändringarna sparades inte" in refused.text
    changed = await http.post(
        f"{url}/edit",
        data={
            "csrf": csrf,
            "title": "Gävleborg, ny titel",
            "date": "2099-01-18",
            "deadline": "2099-01-10 16.00",
            "courses": "valmyndigheten-introduktion",
        },
    )
    assert changed.status_code == 303
    workshop = await world.services.reports.get_workshop(world.gavle.id)
    assert workshop.title == "Gävleborg, ny titel"
    assert f"{workshop.deadline:%Y-%m-%d %H:%M}" == "2099-01-10 16:00"

    add = f"{url}/participants/new"
    wrong = await http.post(
        add,
        data={"csrf": csrf, "name": "Bo Berg", "email": "bo@gavle", "municipality": "Falun"},
    )
    assert wrong.status_code == 400 and "<title>Fel: " in wrong.text
    assert 'value="bo@gavle"' in wrong.text and '<a href="#email">' in wrong.text
    added = await http.post(
        add,
        data={
            "csrf": csrf,
            "name": "Bo Berg",
            "email": "bo@gavle.example",
            "municipality": "Gävle",
            "role": "valnämnd",
        },
    )
    assert added.status_code == 303
    people = await world.services.reports.list_participants(world.gavle.id)
    assert "bo@gavle.example" in {p.email for p in people}
    again = await http.post(
        add,
        data={"csrf": csrf, "name": "Bo", "email": "bo@gavle.example", "municipality": "Gävle"},
    )
    assert "Det finns redan en deltagare med den e-postadressen" in again.text

    confirm = await http.get(f"{url}/delete")
    assert "deltagarlista med 3 deltagare tas bort" in confirm.text
    deleted = await http.post(f"{url}/delete", data={"csrf": csrf})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/counties/21"
    assert (await http.get(url)).status_code == 404


async def test_upload_edge_cases(world: World) -> None:
    """Usability test F14: a PDF is named as such; a list that removes everyone warns
    before it is saved, and the preview can be cancelled."""
    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}/upload"
    csrf = csrf_of((await http.get(url)).text)
    pdf = await http.post(
        url,
        data={"csrf": csrf},
        files={"file": ("anteckning.pdf", b"%PDF-1.7\n...", "application/pdf")},
    )
    assert pdf.status_code == 400 and "Filen är inte en CSV- eller Excel-fil." in pdf.text
    empty = await http.post(
        url,
        data={"csrf": csrf},
        files={"file": ("tom.csv", b"Namn;E-post;Kommun\r\n", "text/csv")},
    )
    assert empty.status_code == 200
    assert "Alla 2 deltagare tas bort från listan om du sparar. Är du säker?" in empty.text
    assert "Spara listan och ta bort 2 deltagare" in empty.text
    assert "Avbryt – inget sparas" in empty.text
    assert len(await world.services.reports.list_participants(world.gavle.id)) == 2

    people = await world.services.reports.list_participants(world.gavle.id)
    kept = "".join(f"{p.name};{p.email};{p.municipality_name};\r\n" for p in people)
    free_role = await http.post(
        url,
        data={"csrf": csrf},
        files={
            "file": (
                "roller.csv",
                ("Namn;E-post;Kommun;Roll\r\n" + kept).encode()
                + "Ola Ek;ola@gavle.example;Gävle;Ordförande i valnämnden\r\n".encode(),
                "text/csv",
            )
        },
    )
    assert free_role.status_code == 200, free_role.text
    assert "Att kontrollera (raderna sparas ändå)" in free_role.text
    assert (
        "Rollen &#39;Ordförande i valnämnden&#39; finns inte i listan och sparas som Övrig."
        in free_role.text
    )
    titled = await http.post(
        url,
        data={"csrf": csrf},
        files={
            "file": (
                "titel.csv",
                ("Deltagare workshop Gävleborg 2026;;\r\n;;\r\nNamn;E-post;Kommun\r\n" + kept)
                .replace(";\r\n", "\r\n")
                .encode(),
                "text/csv",
            )
        },
    )
    assert titled.status_code == 200, titled.text
    assert "Rubrikerna hittades på rad 3. Raderna ovanför läses inte." in titled.text
    assert 'id="header-line"' not in free_role.text


def test_swedish_order_and_search_folding() -> None:
    from lrs_bridge.web.pages import collate, fold

    names = ["Östersund", "Åre", "Älvdalen", "Ale", "Zinkgruvan", "Émile"]
    assert sorted(names, key=collate) == [
        "Ale",
        "Émile",
        "Zinkgruvan",
        "Åre",
        "Älvdalen",
        "Östersund",
    ]
    assert fold("Åsa Öberg, Gävle, Hélène") == "asa oberg, gavle, helene"


async def test_polish_language_switch_keeps_the_filter_and_the_workbook_prints(
    world: World,
) -> None:
    """Usability test F19."""
    import io

    from openpyxl import load_workbook

    http = world.http
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}?status=not_started"
    page = await http.get(url)
    assert f'name="next" value="{url}"' in page.text.replace("&amp;", "&")
    answer = await http.get(f"/workshops/{world.gavle.id}/export.xlsx")
    workbook = load_workbook(io.BytesIO(answer.content))
    sheet = workbook.worksheets[0]
    assert sheet.auto_filter.ref and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert workbook.properties.creator == "Valsäkerhetsutbildningen – uppföljning"


async def test_an_unmatched_learner_is_linked_to_the_participant_in_place(world: World) -> None:
    """Usability test F8: the typo on the list is fixed from the learners' page, and the
    course completion then counts; the link names the workshop."""
    services = world.services
    await send(services, statement(mbox("sven@sandvikn.example"), COMPLETED, INTRO))
    await services.reports.catch_up()
    http = world.http
    await log_in(http, "karl@lst.example")
    page = await http.get("/learners")
    assert ">Gävleborgs workshop</a>" in page.text
    assert "Byt sven@sandviken.example till sven@sandvikn.example på deltagarlistan" in page.text
    action = re.search(r'action="(/workshops/[^"]+/email)"', page.text)
    assert action is not None
    linked = await http.post(
        action.group(1), data={"csrf": csrf_of(page.text), "email": "sven@sandvikn.example"}
    )
    assert linked.status_code == 303
    report = await services.reports.workshop_readiness(world.gavle.id)
    sven = next(e for e in report.participants if e.participant.name == "Sven Sandvik")
    assert sven.participant.email == "sven@sandvikn.example"
    assert sven.status == "completed_on_time"


async def test_one_participant_is_changed_or_removed_in_place(world: World) -> None:
    """Usability test F7: 'Ändra' and 'Ta bort' per participant, with the API's rules,
    the error summary, a confirmation and the audit log; coordinators change nothing."""
    http = world.http
    reports = world.services.reports
    sven = next(
        p for p in await reports.list_participants(world.gavle.id) if p.name == "Sven Sandvik"
    )
    url = f"/workshops/{world.gavle.id}/participants/{sven.id}"
    await log_in(http, "olle@gavle.example")
    assert (await http.get(f"/workshops/{world.gavle.id}")).text.count("/edit") == 0
    assert (await http.get(f"{url}/edit")).status_code in (403, 404)
    http.cookies.clear()

    await log_in(http, "karl@lst.example")
    page = await http.get(f"/workshops/{world.gavle.id}")
    assert f'href="{url}/edit">Ändra<span class="visually-hidden"> Sven Sandvik</span>' in page.text
    assert f'href="{url}/remove">Ta bort' in page.text
    form = await http.get(f"{url}/edit")
    assert "Ändra uppgifterna för Sven Sandvik" in form.text
    assert 'value="sven@sandviken.example"' in form.text and 'value="Sandviken"' in form.text
    csrf = csrf_of(form.text)
    wrong = await http.post(
        f"{url}/edit",
        data={"csrf": csrf, "name": "Sven", "email": "sven@", "municipality": "Falun"},
    )
    assert wrong.status_code == 400 and "<title>Fel: " in wrong.text
    assert "Ändringarna sparades inte" in wrong.text and '<a href="#email">' in wrong.text
    assert '<a href="#municipality">' in wrong.text and 'value="sven@"' in wrong.text
    clash = await http.post(
        f"{url}/edit",
        data={"csrf": csrf, "name": "Sven", "email": "anna@gavle.example", "municipality": "2181"},
    )
    assert clash.status_code == 400 and "Det finns redan en deltagare" in clash.text
    assert (await reports.get_participant(world.gavle.id, sven.id)) == sven
    changed = await http.post(
        f"{url}/edit",
        data={
            "csrf": csrf,
            "name": "Sven Sandvik-Berg",
            "email": "sven.berg@sandviken.example",
            "municipality": "Hofors",
            "role": "valnämnd",
        },
    )
    assert changed.status_code == 303
    after = await reports.get_participant(world.gavle.id, sven.id)
    assert (after.name, after.email, after.municipality, after.role) == (
        "Sven Sandvik-Berg",
        "sven.berg@sandviken.example",
        "2104",
        "valnämnd",
    )

    confirm = await http.get(f"{url}/remove")
    assert "Ta bort Sven Sandvik-Berg från listan" in confirm.text
    assert "sven.berg@sandviken.example, Hofors" in confirm.text
    assert len(await reports.list_participants(world.gavle.id)) == 2
    removed = await http.post(f"{url}/remove", data={"csrf": csrf})
    assert removed.status_code == 303
    assert len(await reports.list_participants(world.gavle.id)) == 1
    assert (await http.get(f"{url}/edit")).status_code == 404
    audit = await http.get("/audit")
    assert "ändrade deltagare" in audit.text and "tog bort deltagare" in audit.text


async def test_a_national_admin_lists_every_workshop_and_an_empty_one_asks_for_the_list(
    world: World,
) -> None:
    """Usability test F15: all workshops of the country on one page, by date, with the
    county and status counts; a workshop without participants asks for its list instead of
    showing an empty chart."""
    http = world.http
    early = await world.services.reports.create_workshop(
        {"county": "01", "title": "Stockholms workshop", "date": "2098-06-01"}
    )
    await log_in(http, "karl@lst.example")
    refused = await http.get("/nation/workshops")
    assert refused.status_code == 303 and refused.headers["location"] == "/counties/21"
    empty = await http.get(f"/workshops/{world.goteborg.id}")
    assert empty.status_code == 404  # another county's
    http.cookies.clear()

    await log_in(http, "national@val.example")
    assert 'href="/nation/workshops"' in (await http.get("/nation")).text
    page = await http.get("/nation/workshops")
    assert page.status_code == 200 and "<title>Alla workshoppar i landet" in page.text
    titles = re.findall(r'<a href="/workshops/[^"]+">([^<]+)</a>', page.text)
    assert titles == ["Stockholms workshop", "Gävleborgs workshop", "Göteborgs workshop"]
    assert '<a href="/counties/14">Västra Götalands län</a>' in page.text
    row = page.text[page.text.index("Gävleborgs workshop") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row)[-1] == "2"

    empty = await http.get(f"/workshops/{early.id}")
    assert "Workshoppen har inga deltagare än." in empty.text
    assert f'<a class="button" href="/workshops/{early.id}/upload">Ladda upp deltagarlistan' in (
        empty.text
    )
    assert "<svg" not in empty.text and "participant-table" not in empty.text
    full = await http.get(f"/workshops/{world.gavle.id}")
    assert "Ladda upp deltagarlistan" not in full.text and "participant-table" in full.text


async def test_reminders_to_the_people_chosen_with_a_greeting_of_ones_own(
    world: World, smtp: tuple[MailCatcher, int]
) -> None:
    """Usability test F12: a check box per person (all ticked), a municipality filter and
    an optional greeting, plain text and length-limited, shown in the example e-mail."""
    catcher, _ = smtp
    http = world.http
    reports = world.services.reports
    for name, email, town in (
        ("Åsa Öberg", "asa@gavle.example", "2180"),
        ("Bo Berg", "bo@sandviken.example", "2181"),
    ):
        await reports.add_participant(
            world.gavle.id, {"name": name, "email": email, "municipality": town}
        )
    people = {p.name: p.id for p in await reports.list_participants(world.gavle.id)}
    url = f"/workshops/{world.gavle.id}/reminders"
    await log_in(http, "karl@lst.example")
    page = await http.get(url)
    for name in ("Sven Sandvik", "Åsa Öberg", "Bo Berg"):
        assert f'value="{people[name]}" id="participant-{people[name]}" checked>' in page.text
    assert '<option value="2180">Gävle</option>' in page.text
    assert "Skicka 3 påminnelser" in page.text
    only_gavle = await http.get(url, params={"municipality": "2180"})
    assert "Åsa Öberg" in only_gavle.text and "Sven Sandvik" not in only_gavle.text
    assert "Skicka 1 påminnelse" in only_gavle.text
    csrf = csrf_of(page.text)

    nobody = await http.post(url, data={"csrf": csrf})
    assert nobody.status_code == 400 and "<title>Fel: " in nobody.text
    anchor = re.search(r'<a href="#(participant-[^"]+)">Välj minst en person', nobody.text)
    assert anchor is not None and f'id="{anchor.group(1)}"' in nobody.text
    too_long = await http.post(
        url, data={"csrf": csrf, "participant": people["Bo Berg"], "greeting": "x" * 501}
    )
    assert too_long.status_code == 400 and '<a href="#greeting">' in too_long.text
    assert 'id="participant-' + people["Sven Sandvik"] + '">' in too_long.text  # unticked kept
    assert catcher.messages == []

    greeting = "Vi ses i <b>Gävle</b>!\r\n\x07Ring mig   gärna."
    shown = await http.post(
        url,
        data={
            "csrf": csrf,
            "participant": [people["Bo Berg"]],
            "greeting": greeting,
            "preview": "1",
        },
    )
    assert shown.status_code == 200 and catcher.messages == []
    assert "Vi ses i &lt;b&gt;Gävle&lt;/b&gt;!\nRing mig gärna." in shown.text
    assert "Skicka 1 påminnelse" in shown.text
    sent = await http.post(
        url, data={"csrf": csrf, "participant": [people["Bo Berg"]], "greeting": greeting}
    )
    done = await sent_page(world, sent)
    assert "1 av 1 skickad, 0 misslyckades, 0 återstår." in done.text
    assert [to for to, _ in catcher.messages] == [["bo@sandviken.example"]]
    body = catcher.messages[0][1].get_content().replace("\r\n", "\n")
    assert body.startswith("Hej Bo Berg!\n\nVi ses i <b>Gävle</b>!\nRing mig gärna.\n\nDu är")
    by_municipality = await http.post(
        url, data={"csrf": csrf, "municipality": "2180", "participant": list(people.values())}
    )
    assert "1 av 1 skickad" in (await sent_page(world, by_municipality)).text
    assert catcher.messages[-1][0] == ["asa@gavle.example"]
    audit = await http.get("/audit")
    assert "egen hälsning: Ja" in audit.text and "valda: 1" in audit.text
    assert "Ring mig" not in audit.text
    http.cookies.clear()
    await log_in(http, "olle@gavle.example")  # a coordinator: their municipality only
    own = await http.get(url, params={"municipality": "2181"})
    assert own.status_code == 200 and 'id="municipality-filter"' not in own.text
    assert "Bo Berg" not in own.text.split('id="to-remind"')[1].split("</table>")[0]
