"""Issue 15, people in the web pages (in-process, httpx over ASGI, a real SMTP server, on
each storage engine): a county admin invites a coordinator, who chooses their password from
the e-mailed single-use link and logs in; changes, disabling and enabling are audited;
everything outside the admin's reach is refused (404 for a person, 403 for a role); and
everyone changes their own password and keeps their own API tokens."""

from __future__ import annotations

import re

import httpx

from lrs_bridge.people.service import PASSWORD_LINK_HOURS
from tests.mail import MailCatcher
from tests.web import test_pages
from tests.web.test_pages import PASSWORD, World, csrf_of, log_in

settings = test_pages.settings  # the same fixtures: pages with a real SMTP server
world = test_pages.world

NEW_PASSWORD = "tre-ord-i-rad-som-minns"


def link_of(smtp: MailCatcher, to: str) -> str:
    for recipients, message in reversed(smtp.messages):
        if recipients == [to]:
            found = re.search(r"http://lrs\.test(/password/\S+)", message.get_content())
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no e-mail to {to}")


async def user_id(world: World, email: str) -> int:
    found = await world.services.people.find_user(email)
    assert found is not None
    return found.id


async def form_post(
    http: httpx.AsyncClient, form_path: str, action: str, **data: str
) -> httpx.Response:
    page = await http.get(form_path)
    assert page.status_code == 200, page.text
    return await http.post(action, data={"csrf": csrf_of(page.text), **data})


async def test_a_county_admin_invites_a_coordinator_who_sets_their_password(
    world: World, smtp: tuple[MailCatcher, int]
) -> None:
    catcher = smtp[0]
    http = world.http
    await log_in(http, "karl@lst.example")
    listing = await http.get("/people")
    assert listing.status_code == 200
    assert "olle@gavle.example" in listing.text  # their county's coordinator
    assert "national@val.example" not in listing.text and "lisa@lst.example" not in listing.text
    assert "karl@lst.example" not in listing.text  # not other county admins, not themselves

    created = await form_post(
        http,
        "/people/new",
        "/people/new",
        email="Eva@Sandviken.example",
        role="coordinator",
        county="21",
        municipality="2181",
    )
    assert created.status_code == 303, created.text
    assert created.headers["location"].endswith("?created=1&mail=sent")
    eva = await world.services.people.find_user("eva@sandviken.example")
    assert eva is not None and (eva.county, eva.municipality) == ("21", "2181")
    assert not eva.has_password
    person_page = await http.get(created.headers["location"])
    assert (
        "En länk för att välja lösenord är skickad till Eva@Sandviken.example" in person_page.text
    )
    link = link_of(catcher, "Eva@Sandviken.example")
    assert PASSWORD_LINK_HOURS == 72

    # The coordinator, in a browser of their own, chooses a password from the link.
    transport = http._transport  # the same app, another person's cookies
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as eva_http:
        form = await eva_http.get(link)
        assert form.status_code == 200 and "Eva@Sandviken.example" in form.text
        short = await eva_http.post(link, data={"csrf": csrf_of(form.text), "password": "kort"})
        assert short.status_code == 400
        assert "Lösenordet behöver vara minst 12 tecken." in short.text
        differs = await eva_http.post(
            link,
            data={
                "csrf": csrf_of(form.text),
                "password": NEW_PASSWORD,
                "repeat": NEW_PASSWORD + "x",
            },
        )
        assert differs.status_code == 400 and "Lösenorden är inte likadana" in differs.text
        done = await eva_http.post(
            link,
            data={"csrf": csrf_of(form.text), "password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        )
        assert (done.status_code, done.headers["location"]) == (303, "/login?password=1")
        again = await eva_http.get(link)
        assert again.status_code == 404 and "Länken fungerar inte" in again.text  # single use
        logged_in = await log_in(eva_http, "eva@sandviken.example", NEW_PASSWORD)
        assert logged_in.status_code == 303 and logged_in.headers["location"] == "/"
        assert (await eva_http.get("/counties/21")).status_code == 200
        assert (await eva_http.get("/people")).status_code == 403  # coordinators manage nobody
        assert (await eva_http.get(f"/people/{eva.id}")).status_code == 403

    # Change the place, disable, enable: every change audited.
    changed = await form_post(
        http, f"/people/{eva.id}", f"/people/{eva.id}", role="coordinator", county="21"
    )
    assert changed.status_code == 303
    after = await world.services.people.find_user(str(eva.id))
    assert after is not None and (after.county, after.municipality) == ("21", None)
    disabled = await form_post(http, f"/people/{eva.id}", f"/people/{eva.id}/disable")
    assert disabled.status_code == 303
    assert not (await world.services.people.find_user(str(eva.id))).active  # type: ignore[union-attr]
    enabled = await form_post(http, f"/people/{eva.id}", f"/people/{eva.id}/enable")
    assert enabled.status_code == 303
    assert (await world.services.people.find_user(str(eva.id))).active  # type: ignore[union-attr]
    actions = [
        (e.action, e.object_id)
        for e in await world.services.audit.storage.audit_entries(None, None, 50)
        if e.object_type == "user" and e.object_id == str(eva.id)
    ]
    assert [a for a, _ in reversed(actions)] == [
        "user.create",
        "user.password_link",
        "user.password",
        "user.change",
        "user.disable",
        "user.enable",
    ]


async def test_outside_the_county_admins_reach_is_refused(world: World) -> None:
    http = world.http
    await log_in(http, "karl@lst.example")
    for email in ("national@val.example", "lisa@lst.example", "karl@lst.example"):
        number = await user_id(world, email)
        for path in (f"/people/{number}",):
            assert (await http.get(path)).status_code == 404, (email, path)
        page = await http.get("/people")
        for action in ("disable", "enable", "password-link"):
            answer = await http.post(
                f"/people/{number}/{action}", data={"csrf": csrf_of(page.text)}
            )
            assert answer.status_code == 404, (email, action)
    assert (await http.get("/people/999999")).status_code == 404
    # A coordinator of another county, or a county admin: refused in the form, not saved.
    for data, field in (
        ({"role": "coordinator", "county": "14"}, "county"),
        ({"role": "county-admin", "county": "21"}, "role"),
        ({"role": "national-admin"}, "role"),
    ):
        refused = await form_post(
            http, "/people/new", "/people/new", email="ny@lst.example", **data
        )
        assert refused.status_code == 400, data
        assert "Du kan bara lägga till och ändra samordnare i ditt eget län." in refused.text
        assert f'href="#{field}"' in refused.text
    assert await world.services.people.find_user("ny@lst.example") is None
    # Moving their coordinator to another county is refused too.
    olle = await user_id(world, "olle@gavle.example")
    moved = await form_post(
        http, f"/people/{olle}", f"/people/{olle}", role="coordinator", county="14"
    )
    assert moved.status_code == 400
    assert (await world.services.people.find_user(str(olle))).county == "21"  # type: ignore[union-attr]


async def test_a_national_admin_manages_everyone(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    listing = await http.get("/people")
    for email in ("karl@lst.example", "lisa@lst.example", "olle@gavle.example"):
        assert email in listing.text
    made = await form_post(
        http, "/people/new", "/people/new", email="ny@val.example", role="county-admin", county="14"
    )
    assert made.status_code == 303
    bad = await form_post(
        http, "/people/new", "/people/new", email="inte en adress", role="coordinator", county="14"
    )
    assert bad.status_code == 400 and 'href="#email"' in bad.text
    taken = await form_post(
        http, "/people/new", "/people/new", email="NY@val.example", role="coordinator", county="14"
    )
    assert taken.status_code == 400
    assert "Det finns redan en person med den här e-postadressen." in taken.text
    own = await user_id(world, "national@val.example")
    refused = await form_post(http, f"/people/{own}", f"/people/{own}/disable")
    assert refused.status_code == 409  # not oneself
    assert (await world.services.people.find_user(str(own))).active  # type: ignore[union-attr]


async def test_everyone_changes_their_own_password_and_keeps_their_own_tokens(
    world: World,
) -> None:
    http = world.http
    await log_in(http, "olle@gavle.example")
    page = await http.get("/account")
    assert page.status_code == 200 and "olle@gavle.example" in page.text
    wrong = await form_post(
        http,
        "/account",
        "/account/password",
        current="fel-lösenord",
        password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
    )
    assert wrong.status_code == 400 and 'href="#current"' in wrong.text
    changed = await form_post(
        http,
        "/account",
        "/account/password",
        current=PASSWORD,
        password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
    )
    assert (changed.status_code, changed.headers["location"]) == (303, "/account?password=1")
    assert (await http.get("/account")).status_code == 200  # this session goes on

    made = await form_post(http, "/account", "/account/tokens")
    assert made.status_code == 200
    token = re.search(r'id="token-value" type="text" readonly value="([^"]+)"', made.text)
    assert token is not None
    bearer = {"Authorization": f"Bearer {token.group(1)}"}
    assert (await http.get("/api/v1/workshops", headers=bearer)).status_code == 200
    assert token.group(1) not in (await http.get("/account")).text  # shown only once
    token_id = token.group(1).split("_")[1]
    # Another person's token cannot be revoked from here.
    other = await world.services.people.issue_token("karl@lst.example")
    page = await http.get("/account")
    refused = await http.post(
        f"/account/tokens/{other.info.id}/revoke", data={"csrf": csrf_of(page.text)}
    )
    assert refused.status_code == 404
    revoked = await http.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf": csrf_of(page.text)}
    )
    assert revoked.status_code == 303
    assert (await http.get("/api/v1/workshops", headers=bearer)).status_code == 401
    actions = [e.action for e in await world.services.audit.storage.audit_entries(None, None, 10)]
    assert actions[:4] == ["token.revoke", "token.create", "token.create", "user.password"]


async def test_xapi_credentials_are_created_listed_with_last_use_and_revoked(
    world: World,
) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    refused = await form_post(
        http, "/credentials/new", "/credentials/new", label="", scope="statements/write"
    )
    assert refused.status_code == 400 and 'href="#label"' in refused.text
    made = await form_post(
        http, "/credentials/new", "/credentials/new", label="Kurspaketet", scope="statements/write"
    )
    assert made.status_code == 201
    key = re.search(r'id="key" type="text" readonly value="([^"]+)"', made.text)
    secret = re.search(r'id="secret" type="text" readonly value="([^"]+)"', made.text)
    assert key is not None and secret is not None
    auth = (key.group(1), secret.group(1))
    statement = {
        "actor": {"mbox": "mailto:anna@gavle.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://kurs.example/a"},
    }
    version = {"X-Experience-API-Version": "1.0.3"}
    stored = await http.post("/xapi/statements", json=statement, auth=auth, headers=version)
    assert stored.status_code == 200, stored.text
    listing = await http.get("/credentials")
    row = re.search(r"<th scope=\"row\">Kurspaketet</th>.*?</tr>", listing.text, re.S)
    assert row is not None and "Aldrig" not in row.group(0)
    assert secret.group(1) not in listing.text  # the secret was shown once only
    revoked = await form_post(
        http, f"/credentials/{auth[0]}/revoke", f"/credentials/{auth[0]}/revoke"
    )
    assert revoked.status_code == 303
    again = await http.post("/xapi/statements", json=statement, auth=auth, headers=version)
    assert again.status_code == 401
    gone = await http.get(f"/credentials/{auth[0]}/revoke")
    assert gone.status_code == 404
    actions = [e.action for e in await world.services.audit.storage.audit_entries(None, None, 5)]
    assert actions[:2] == ["credential.revoke", "credential.create"]
    transport = http._transport  # the same app, another person's cookies
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as karl:
        await log_in(karl, "karl@lst.example")
        assert (await karl.get("/credentials")).status_code == 403
        assert (await karl.get(f"/credentials/{auth[0]}/revoke")).status_code == 403


async def test_a_national_admin_adds_and_changes_a_course(world: World) -> None:
    http = world.http
    await log_in(http, "national@val.example")
    listing = await http.get("/courses")
    assert 'href="/courses/new"' in listing.text
    bad = await form_post(
        http,
        "/courses/new",
        "/courses/new",
        name="Ny kurs",
        rule="any_of",
        activities="inte en iri",
    )
    assert bad.status_code == 400 and 'href="#activities"' in bad.text
    assert "inte en iri" in bad.text  # the form keeps what was typed
    made = await form_post(
        http,
        "/courses/new",
        "/courses/new",
        name="Ny kurs",
        rule="all_of",
        activities="https://kurs.example/a\nhttps://kurs.example/b",
        url="https://kurs.example/",
    )
    assert made.status_code == 303, made.text
    course = await world.services.reports.get_course("ny-kurs")
    assert course.rule == "all_of" and len(course.activities) == 2
    assert course.launch_kind == "link"  # the default: the course's own site
    # An xAPI launch needs the course's address: refused at its field, the choice kept.
    no_url = await form_post(
        http,
        "/courses/ny-kurs/edit",
        "/courses/ny-kurs/edit",
        name="Ny kurs",
        rule="all_of",
        activities="https://kurs.example/a",
        launch_kind="xapi",
    )
    assert no_url.status_code == 400 and 'href="#url"' in no_url.text
    assert 'id="launch_kind-xapi" name="launch_kind" value="xapi" checked' in no_url.text
    assert (await world.services.reports.get_course("ny-kurs")).launch_kind == "link"
    xapi = await form_post(
        http,
        "/courses/ny-kurs/edit",
        "/courses/ny-kurs/edit",
        name="Ny kurs",
        rule="all_of",
        activities="https://kurs.example/a\nhttps://kurs.example/b",
        url="https://kurs.example/",
        launch_kind="xapi",
    )
    assert xapi.status_code == 303, xapi.text
    assert (await world.services.reports.get_course("ny-kurs")).launch_kind == "xapi"
    edit_xapi = await http.get("/courses/ny-kurs/edit")
    assert 'value="xapi" checked' in edit_xapi.text and 'value="cmi5"' not in edit_xapi.text
    key = (await world.services.credentials.create("Paketet", ["statements/write"])).credential.key
    edit = await http.get("/courses/valmyndigheten-introduktion/edit")
    assert edit.status_code == 200 and world.gavle.title in edit.text  # the workshops using it
    changed = await form_post(
        http,
        "/courses/ny-kurs/edit",
        "/courses/ny-kurs/edit",
        name="Ny kurs, andra upplagan",
        rule="any_of",
        activities="https://kurs.example/a",
        url="https://kurs.example/",
        launch_kind="link",
        credentials=key,
    )
    assert changed.status_code == 303
    course = await world.services.reports.get_course("ny-kurs")
    assert course.name == "Ny kurs, andra upplagan" and course.reporters is not None
    assert course.reporters.credentials == (key,)
    actions = [e.action for e in await world.services.audit.storage.audit_entries(None, None, 5)]
    assert "course.change" in actions and "course.create" in actions
    assert (await http.get("/courses/nosuchcourse/edit")).status_code == 404
    transport = http._transport  # the same app, another person's cookies
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as karl:
        await log_in(karl, "karl@lst.example")
        assert (await karl.get("/courses/ny-kurs/edit")).status_code == 403
        assert (await karl.get("/courses/new")).status_code == 403
        assert 'href="/courses/new"' not in (await karl.get("/courses")).text
