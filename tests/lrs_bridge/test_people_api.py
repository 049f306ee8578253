"""Issue 15 in ``/api/v1`` (in-process, a real SMTP server, on each storage engine): people,
one's own tokens and password, and xAPI credentials, through the same service functions as
the CLI and the pages; refusals name the field and rule with a text in the caller's
language; every change is audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.mail import MailCatcher


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
    )


@dataclass
class Api:
    http: httpx.AsyncClient
    services: Services
    tokens: dict[str, dict[str, str]]
    ids: dict[str, int]


@pytest.fixture
async def api(services: Services, settings: Settings) -> AsyncIterator[Api]:
    tokens: dict[str, dict[str, str]] = {}
    ids: dict[str, int] = {}
    for kind, email, role, county in (
        ("national", "national@val.example", "national-admin", None),
        ("admin 21", "karl@lst.example", "county-admin", "21"),
        ("admin 14", "lisa@lst.example", "county-admin", "14"),
        ("coordinator 21", "olle@gavle.example", "coordinator", "21"),
    ):
        user = await services.people.create_user(email, role, county)
        ids[kind] = user.id
        token = await services.people.issue_token(str(user.id))
        tokens[kind] = {"Authorization": f"Bearer {token.token}", "Accept-Language": "sv"}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield Api(http, services, tokens, ids)


async def test_a_county_admin_creates_changes_and_disables_a_coordinator(
    api: Api, smtp: tuple[MailCatcher, int]
) -> None:
    karl = api.tokens["admin 21"]
    made = await api.http.post(
        "/api/v1/people",
        json={"email": "eva@sandviken.example", "role": "coordinator", "municipality": "2181"},
        headers=karl,
    )
    assert made.status_code == 201, made.text
    eva = made.json()
    assert (eva["county"], eva["municipality"], eva["link_sent"]) == ("21", "2181", True)
    assert eva["password"] is False
    [(recipients, message)] = smtp[0].messages
    assert recipients == ["eva@sandviken.example"]
    assert re.search(r"http://lrs\.test/password/[0-9a-f]{16}\.\S+", message.get_content())

    listed = await api.http.get("/api/v1/people", headers=karl)
    assert {p["email"] for p in listed.json()["people"]} == {
        "olle@gavle.example",
        "eva@sandviken.example",
    }
    moved = await api.http.patch(
        f"/api/v1/people/{eva['id']}", json={"role": "coordinator", "county": "21"}, headers=karl
    )
    assert moved.status_code == 200 and moved.json()["municipality"] is None
    off = await api.http.patch(f"/api/v1/people/{eva['id']}", json={"disabled": True}, headers=karl)
    assert off.status_code == 200 and off.json()["disabled_at"] is not None
    on = await api.http.patch(f"/api/v1/people/{eva['id']}", json={"disabled": False}, headers=karl)
    assert on.status_code == 200 and on.json()["disabled_at"] is None
    link = await api.http.post(f"/api/v1/people/{eva['id']}/password-link", headers=karl)
    assert link.status_code == 202 and link.json()["sent"] is True
    assert len(smtp[0].messages) == 2

    entries = await api.services.audit.storage.audit_entries(None, None, 20)
    assert [e.action for e in reversed(entries) if e.object_id == str(eva["id"])] == [
        "user.create",
        "user.password_link",
        "user.change",
        "user.disable",
        "user.enable",
        "user.password_link",
    ]
    assert all(e.actor_id == api.ids["admin 21"] for e in entries if e.object_id == str(eva["id"]))


async def test_refusals_name_the_field_and_rule(api: Api) -> None:
    karl = api.tokens["admin 21"]
    cases = [
        ({"email": "x@lst.example", "role": "county-admin", "county": "21"}, 403, "role", "scope"),
        ({"email": "x@lst.example", "role": "coordinator", "county": "14"}, 403, "county", "scope"),
        ({"email": "inte en adress", "role": "coordinator"}, 400, "email", "bad_email"),
        (
            {"email": "olle@GAVLE.example", "role": "coordinator", "county": "21"},
            409,
            "email",
            "duplicate",
        ),
        ({"email": "x@lst.example", "role": "kung"}, 400, "role", "enum"),
        ({"email": "x@lst.example"}, 400, "role", "required"),
    ]
    for body, status, path, rule in cases:
        answer = await api.http.post("/api/v1/people", json=body, headers=karl)
        assert answer.status_code == status, (body, answer.text)
        [detail] = answer.json()["details"]
        assert (detail["path"], detail["rule"]) == (path, rule), body
        assert detail["text"], body  # in the caller's language
    assert await api.services.people.find_user("x@lst.example") is None
    # Someone outside the admin's reach is not found, whatever the request.
    for kind in ("national", "admin 14"):
        number = api.ids[kind]
        assert (await api.http.get(f"/api/v1/people/{number}", headers=karl)).status_code == 404
        patched = await api.http.patch(
            f"/api/v1/people/{number}", json={"disabled": True}, headers=karl
        )
        assert patched.status_code == 404
    assert (await api.services.people.find_user(str(api.ids["national"]))).active  # type: ignore[union-attr]
    # Their own coordinator may not be made a county admin or moved to another county.
    olle = api.ids["coordinator 21"]
    for body in ({"role": "county-admin", "county": "21"}, {"county": "14"}):
        answer = await api.http.patch(f"/api/v1/people/{olle}", json=body, headers=karl)
        assert answer.status_code == 403, body
    # Nobody changes or disables themselves here.
    self_ = await api.http.patch(
        f"/api/v1/people/{api.ids['national']}",
        json={"disabled": True},
        headers=api.tokens["national"],
    )
    assert self_.status_code == 409 and self_.json()["details"][0]["rule"] == "self"


async def test_own_tokens_and_password(api: Api) -> None:
    olle = api.tokens["coordinator 21"]
    me = await api.http.get("/api/v1/me", headers=olle)
    assert me.json()["email"] == "olle@gavle.example"
    made = await api.http.post("/api/v1/me/tokens", headers=olle)
    assert made.status_code == 201
    new = {"Authorization": f"Bearer {made.json()['token']}"}
    assert (await api.http.get("/api/v1/me", headers=new)).status_code == 200
    listed = await api.http.get("/api/v1/me/tokens", headers=olle)
    assert made.json()["id"] in {t["id"] for t in listed.json()["tokens"]}
    assert "token" not in listed.json()["tokens"][0]  # never again
    # Another person's token id is not found.
    karl_token = (await api.http.get("/api/v1/me/tokens", headers=api.tokens["admin 21"])).json()
    other = karl_token["tokens"][0]["id"]
    assert (await api.http.delete(f"/api/v1/me/tokens/{other}", headers=olle)).status_code == 404
    revoked = await api.http.delete(f"/api/v1/me/tokens/{made.json()['id']}", headers=olle)
    assert revoked.status_code == 200
    assert (await api.http.get("/api/v1/me", headers=new)).status_code == 401
    await api.services.people.set_password(str(api.ids["coordinator 21"]), "det-gamla-lösenordet")
    wrong = await api.http.put(
        "/api/v1/me/password",
        json={"current": "fel", "password": "ett-nytt-lösenord"},
        headers=olle,
    )
    assert wrong.status_code == 400 and wrong.json()["details"][0]["path"] == "current"
    right = await api.http.put(
        "/api/v1/me/password",
        json={"current": "det-gamla-lösenordet", "password": "ett-nytt-lösenord"},
        headers=olle,
    )
    assert right.status_code == 200
    assert await api.services.people.verify_password("olle@gavle.example", "ett-nytt-lösenord")


async def test_xapi_credentials(api: Api) -> None:
    national = api.tokens["national"]
    made = await api.http.post(
        "/api/v1/credentials",
        json={"label": "Kurspaketet", "scopes": ["statements/write"]},
        headers=national,
    )
    assert made.status_code == 201, made.text
    key, secret = made.json()["key"], made.json()["secret"]
    version = {"X-Experience-API-Version": "1.0.3"}
    statement = {
        "actor": {"mbox": "mailto:anna@gavle.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://kurs.example/a"},
    }
    sent = await api.http.post(
        "/xapi/statements", json=statement, auth=(key, secret), headers=version
    )
    assert sent.status_code == 200
    one = await api.http.get(f"/api/v1/credentials/{key}", headers=national)
    assert one.json()["last_used_at"] is not None and "secret" not in one.json()
    bad = await api.http.post(
        "/api/v1/credentials", json={"label": "x", "scopes": ["everything"]}, headers=national
    )
    assert bad.status_code == 400 and bad.json()["details"][0]["path"] == "scopes"
    gone = await api.http.delete(f"/api/v1/credentials/{key}", headers=national)
    assert gone.status_code == 200 and gone.json()["revoked_at"] is not None
    again = await api.http.post(
        "/xapi/statements", json=statement, auth=(key, secret), headers=version
    )
    assert again.status_code == 401
    assert (
        await api.http.delete(f"/api/v1/credentials/{key}", headers=national)
    ).status_code == 404
    actions = [e.action for e in await api.services.audit.storage.audit_entries(None, None, 3)]
    assert actions[:2] == ["credential.revoke", "credential.create"]
    refused = await api.http.get("/api/v1/credentials", headers=api.tokens["admin 21"])
    assert refused.status_code == 403
