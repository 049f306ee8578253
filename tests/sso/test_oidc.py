"""OpenID Connect log-in against a real provider process on loopback, the service in-process
on the test engine (LRS_BRIDGE_TEST_ENGINE): accounts matched by e-mail or made from the
rules, people without an account refused, and bad ID tokens, a replayed answer and an
answer finished in another browser refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.sso.conftest import CLIENT_ID, OidcProvider, oidc_toml

BASE = "http://lrs.test"


@dataclass
class Site:
    http: httpx.AsyncClient
    services: Services
    idp: OidcProvider

    async def begin(self) -> str:
        """Click 'Logga in med Test-OIDC': the provider's authorization URL."""
        started = await self.http.get("/sso/test-oidc?next=/counties/21")
        assert started.status_code == 303, started.text
        location = started.headers["location"]
        assert location.startswith(self.idp.url + "/authorize?")
        query = parse_qs(urlsplit(location).query)
        assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
        return location

    async def at_provider(self, location: str, email: str, organisation: str = "") -> str:
        """Log in at the provider: the callback URL it sends the browser back to."""
        async with httpx.AsyncClient(timeout=10) as browser:
            params = dict(httpx.URL(location).params)
            answer = await browser.post(
                self.idp.url + "/authorize",
                data={**params, "email": email, "organisation": organisation},
            )
        assert answer.status_code == 303, answer.text
        callback = answer.headers["location"]
        assert callback.startswith(BASE + "/sso/test-oidc/callback?")
        return callback.removeprefix(BASE)

    async def log_in(self, email: str, organisation: str = "") -> httpx.Response:
        callback = await self.at_provider(await self.begin(), email, organisation)
        return await self.http.get(callback)


@pytest.fixture
async def site(database_url: str, tmp_path: Path, oidc_idp: OidcProvider) -> AsyncIterator[Site]:
    config = tmp_path / "sso.toml"
    config.write_text(oidc_toml(oidc_idp.url), encoding="utf-8")
    settings = load_settings(database_url=database_url, public_url=BASE, sso_config=str(config))
    services = Services.build(settings)
    await services.open()
    await services.people.create_user("karl@lansstyrelsen.example", "county-admin", "21")
    app = create_app(settings, services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
        try:
            yield Site(http, services, oidc_idp)
        finally:
            await services.close()


async def test_login_page_offers_the_provider(site: Site) -> None:
    page = await site.http.get("/login")
    assert "Logga in med Test-OIDC" in page.text
    assert 'href="/sso/test-oidc"' in page.text
    assert 'name="password"' in page.text  # password log-in still on by default


async def test_an_existing_account_is_matched_by_email_case_insensitively(site: Site) -> None:
    done = await site.log_in("Karl@Lansstyrelsen.Example")
    assert done.status_code == 303 and done.headers["location"] == "/counties/21"
    county = await site.http.get("/counties/21")
    assert county.status_code == 200 and "Gävleborgs län" in county.text
    assert site.idp.seen() == ["pkce-ok"]  # the provider checked the PKCE verifier
    users = await site.services.people.list_users()
    assert len(users) == 1  # matched, nothing created


async def test_an_account_is_made_from_the_first_matching_rule_and_no_more(site: Site) -> None:
    done = await site.log_in("olle@gavle.example", "Gävle kommun")
    assert done.status_code == 303
    user = await site.services.people.find_user("olle@gavle.example")
    assert user is not None
    assert (user.role.value, user.county, user.municipality) == ("coordinator", "21", "2180")
    assert not user.has_password
    # A coordinator of Gävle: the county page is theirs, another county's is not.
    assert (await site.http.get("/counties/21")).status_code == 200
    assert (await site.http.get("/counties/01")).status_code == 404
    assert (await site.http.get("/audit")).status_code == 403
    entries = await site.services.people.storage.audit_entries(None, None, 10)
    made = [(e.action, e.object_id, e.details) for e in entries if e.action.startswith("user.")]
    assert (
        "user.sso_create",
        str(user.id),
        {"provider": "test-oidc", "rule": 2, "role": "coordinator"},
    ) in made


async def test_a_person_without_account_or_rule_is_refused_in_swedish(site: Site) -> None:
    refused = await site.log_in("okand@example.org", "Okänd organisation")
    assert refused.status_code == 403
    assert "Du har inget konto i tjänsten" in refused.text
    assert "Valmyndighetens support, support@val.example" in refused.text
    assert await site.services.people.find_user("okand@example.org") is None
    assert (await site.http.get("/counties/21", follow_redirects=False)).status_code == 303


async def test_an_address_the_provider_has_not_verified_is_refused(site: Site) -> None:
    site.idp.mode("unverified")
    refused = await site.log_in("karl@lansstyrelsen.example")
    assert refused.status_code == 403 and "inte bekräftat din e-postadress" in refused.text
    assert (await site.http.get("/counties/21")).status_code == 303


async def test_a_disabled_account_is_refused(site: Site) -> None:
    await site.services.people.disable_user("karl@lansstyrelsen.example")
    refused = await site.log_in("karl@lansstyrelsen.example")
    assert refused.status_code == 403 and "avstängt" in refused.text


WHY = {
    "tampered": "BadSignatureError",
    "foreign-key": "BadSignatureError",
    "expired": "ExpiredTokenError",
    "wrong-audience": "'aud'",
    "wrong-nonce": "'nonce'",
    "none": "ID token refused",
}


@pytest.mark.parametrize(
    "mode", ["tampered", "expired", "wrong-audience", "wrong-nonce", "foreign-key", "none"]
)
async def test_a_bad_id_token_is_refused(
    site: Site, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    site.idp.mode(mode)
    with caplog.at_level("INFO", logger="lrs_bridge.web.sso"):
        refused = await site.log_in("karl@lansstyrelsen.example")
    assert refused.status_code == 400
    reasons = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(reasons) == 1 and WHY[mode] in reasons[0], reasons
    assert "karl" not in reasons[0]  # no personal data in the log
    assert "Inloggningen gick inte att slutföra" in refused.text
    assert (await site.http.get("/counties/21")).status_code == 303  # not logged in


async def test_a_replayed_answer_is_refused(site: Site) -> None:
    callback = await site.at_provider(await site.begin(), "karl@lansstyrelsen.example")
    assert (await site.http.get(callback)).status_code == 303
    await site.http.post("/logout", data={"csrf": await _csrf(site)})
    again = await site.http.get(callback)
    assert again.status_code == 400
    assert (await site.http.get("/counties/21")).status_code == 303


async def test_an_answer_finished_in_another_browser_is_refused(site: Site) -> None:
    callback = await site.at_provider(await site.begin(), "karl@lansstyrelsen.example")
    app = site.http._transport  # the same service, a browser without the start's cookie
    async with httpx.AsyncClient(transport=app, base_url=BASE) as other:
        refused = await other.get(callback)
        assert refused.status_code == 400
        assert (await other.get("/counties/21")).status_code == 303


async def test_logout_ends_the_session_and_logs_out_at_the_provider(site: Site) -> None:
    await site.log_in("karl@lansstyrelsen.example")
    cookie = site.http.cookies.get("lrsb_session")
    answer = await site.http.post("/logout", data={"csrf": await _csrf(site)})
    assert answer.status_code == 200
    assert f'content="0;url={site.idp.url}/logout?' in answer.text
    assert "Fortsätt till utloggningen" in answer.text
    # The old cookie is over, whatever the provider does.
    async with httpx.AsyncClient(transport=site.http._transport, base_url=BASE) as old:
        old.cookies.set("lrsb_session", cookie or "")
        assert (await old.get("/counties/21")).status_code == 303


async def _csrf(site: Site) -> str:
    page = await site.http.get("/counties/21")
    marker = 'name="csrf" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]
