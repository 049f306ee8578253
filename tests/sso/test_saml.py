"""SAML 2.0 log-in against a real IdP process (pysaml2's IdP, signing with xmlsec1) on
loopback, the service in-process on the test engine: accounts matched by e-mail or made from
the rules, people without an account refused, and tampered, expired, unsigned, wrong-audience
and replayed responses refused; the SP metadata served; single log-out at the IdP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.conftest import free_port
from tests.sso.conftest import SamlIdp, make_key_pair, need_xmlsec, saml_toml, start_saml_idp

BASE = "http://lrs.test"


@dataclass
class Site:
    http: httpx.AsyncClient
    services: Services
    idp: SamlIdp
    transport: httpx.AsyncBaseTransport

    async def at_idp(self, email: str, organisation: str = "") -> str:
        """Start a log-in and log in at the IdP: the SAMLResponse it posts back."""
        started = await self.http.get("/sso/test-saml?next=/counties/21")
        assert started.status_code == 303, started.text
        location = started.headers["location"]
        assert location.startswith(self.idp.url + "/sso?SAMLRequest=")
        async with httpx.AsyncClient(timeout=20) as browser:
            form = (await browser.get(location)).text
            fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
            answer = await browser.post(
                self.idp.url + "/login",
                data={**fields, "email": email, "organisation": organisation},
            )
        assert answer.status_code == 200, answer.text
        assert f"action='{BASE}/sso/test-saml/acs'" in answer.text
        found = re.search(r"name='SAMLResponse' value='([^']+)'", answer.text)
        assert found is not None
        return found.group(1)

    async def post_response(self, response: str) -> httpx.Response:
        """The IdP's page posts the response from its own site: no cookies of ours."""
        async with httpx.AsyncClient(transport=self.transport, base_url=BASE) as cross_site:
            return await cross_site.post(
                "/sso/test-saml/acs", data={"SAMLResponse": response, "RelayState": "test-saml"}
            )

    async def log_in(self, email: str, organisation: str = "") -> httpx.Response:
        posted = await self.post_response(await self.at_idp(email, organisation))
        if posted.status_code != 303:
            return posted
        return await self.http.get(posted.headers["location"])


@pytest.fixture
async def site(database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    need_xmlsec()
    sp_key, sp_cert = make_key_pair(tmp_path, "sp")
    sp_metadata = tmp_path / "sp-metadata.xml"
    idp = start_saml_idp(tmp_path, free_port(), str(sp_metadata))
    config = tmp_path / "sso.toml"
    config.write_text(saml_toml(idp.url + "/metadata", sp_key, sp_cert), encoding="utf-8")
    settings = load_settings(database_url=database_url, public_url=BASE, sso_config=str(config))
    services = Services.build(settings)
    await services.open()
    await services.people.create_user("karl@lansstyrelsen.example", "county-admin", "21")
    app = create_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            metadata = await http.get("/sso/test-saml/metadata")
            assert metadata.status_code == 200
            sp_metadata.write_text(metadata.text, encoding="utf-8")
            yield Site(http, services, idp, transport)
    finally:
        await services.close()
        idp.stop()


async def test_the_sp_metadata_names_the_acs_and_the_signing_certificate(site: Site) -> None:
    metadata = await site.http.get("/sso/test-saml/metadata")
    assert metadata.headers["content-type"].startswith("application/samlmetadata+xml")
    text = metadata.text
    assert 'entityID="http://lrs.test/sso/test-saml/metadata"' in text
    assert 'Location="http://lrs.test/sso/test-saml/acs"' in text
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in text
    assert 'Location="http://lrs.test/sso/test-saml/logged-out"' in text
    assert "<ns1:X509Certificate>" in text or "X509Certificate>" in text
    assert 'WantAssertionsSigned="true"' in text


async def test_an_existing_account_logs_in_and_sees_its_county(site: Site) -> None:
    done = await site.log_in("karl@lansstyrelsen.example")
    assert done.status_code == 303 and done.headers["location"] == "/counties/21"
    county = await site.http.get("/counties/21")
    assert county.status_code == 200 and "Gävleborgs län" in county.text


async def test_an_account_is_made_from_the_rule_and_no_more(site: Site) -> None:
    done = await site.log_in("lena@lansstyrelsen.example", "Länsstyrelsen Gävleborg")
    assert done.status_code == 303
    user = await site.services.people.find_user("lena@lansstyrelsen.example")
    assert user is not None
    assert (user.role.value, user.county, user.municipality) == ("county-admin", "21", None)
    assert (await site.http.get("/counties/14")).status_code == 404
    assert (await site.http.get("/nation")).status_code != 200  # not a national admin


async def test_a_person_without_account_is_refused(site: Site) -> None:
    refused = await site.log_in("okand@example.org", "Någon annan")
    assert refused.status_code == 403 and "Du har inget konto i tjänsten" in refused.text
    assert await site.services.people.find_user("okand@example.org") is None


@pytest.mark.parametrize("mode", ["tampered", "expired", "wrong-audience", "unsigned"])
async def test_a_bad_response_is_refused(
    site: Site, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    site.idp.mode(mode)
    with caplog.at_level("INFO", logger="lrs_bridge.web.sso"):
        refused = await site.log_in("karl@lansstyrelsen.example")
    assert refused.status_code == 400, refused.text
    assert "Inloggningen gick inte att slutföra" in refused.text
    reasons = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(reasons) == 1 and "SAML response refused" in reasons[0], reasons
    assert (await site.http.get("/counties/21")).status_code == 303


async def test_a_replayed_response_is_refused(site: Site) -> None:
    response = await site.at_idp("karl@lansstyrelsen.example")
    first = await site.post_response(response)
    assert first.status_code == 303
    again = await site.post_response(response)
    assert again.status_code == 400 and "Inloggningen gick inte att slutföra" in again.text


async def test_a_ticket_works_once_and_only_in_the_browser_that_started(site: Site) -> None:
    posted = await site.post_response(await site.at_idp("karl@lansstyrelsen.example"))
    ticket_url = posted.headers["location"]
    async with httpx.AsyncClient(transport=site.transport, base_url=BASE) as other:
        assert (await other.get(ticket_url)).status_code == 400
    # the ticket was taken by that try: the right browser cannot use it either
    assert (await site.http.get(ticket_url)).status_code == 400


async def test_logout_ends_the_session_and_sends_a_signed_logout_request(site: Site) -> None:
    await site.log_in("karl@lansstyrelsen.example")
    page = await site.http.get("/counties/21")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    answer = await site.http.post("/logout", data={"csrf": csrf.group(1)})
    assert answer.status_code == 200
    url = re.search(r'content="0;url=([^"]+)"', answer.text)
    assert url is not None and url.group(1).startswith(site.idp.url + "/slo?SAMLRequest=")
    assert "Signature=" in url.group(1)
    assert (await site.http.get("/counties/21")).status_code == 303
    async with httpx.AsyncClient(timeout=20) as browser:
        back = await browser.get(url.group(1).replace("&amp;", "&"))
    assert back.status_code == 303
    assert back.headers["location"].startswith(BASE + "/sso/test-saml/logged-out?SAMLResponse=")
    assert site.idp.seen() == ["logout:id-karl:signed=True"]


async def test_idp_metadata_may_come_from_a_file(site: Site, tmp_path: Path) -> None:
    from lrs_bridge.sso.config import Provider
    from lrs_bridge.sso.saml import SamlClient

    saved = tmp_path / "idp-metadata.xml"
    async with httpx.AsyncClient(timeout=10) as http:
        saved.write_text((await http.get(site.idp.url + "/metadata")).text, encoding="utf-8")
    configured = site.services.sso.provider("test-saml")
    assert configured is not None
    provider = Provider(
        **{
            **{f: getattr(configured, f) for f in configured.__slots__},
            "idp_metadata": str(saved),
        }
    )
    request_id, url = await SamlClient(provider, BASE).authn_request("test-saml")
    assert request_id and url.startswith(site.idp.url + "/sso?SAMLRequest=")


async def test_an_idp_initiated_logout_ends_the_session(site: Site) -> None:
    await site.log_in("karl@lansstyrelsen.example")
    async with httpx.AsyncClient(timeout=20) as browser:
        started = await browser.get(site.idp.url + "/test/logout-everywhere?name_id=id-karl")
    location = started.headers["location"]
    assert location.startswith(BASE + "/sso/test-saml/logged-out?SAMLRequest=")
    assert "Signature=" in location
    answer = await site.http.get(location.removeprefix(BASE))
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(site.idp.url + "/slo?SAMLResponse=")
    assert (await site.http.get("/counties/21")).status_code == 303  # logged out here


async def test_an_unsigned_or_foreign_logout_request_ends_nothing(site: Site) -> None:
    await site.log_in("karl@lansstyrelsen.example")
    async with httpx.AsyncClient(timeout=20) as browser:
        started = await browser.get(site.idp.url + "/test/logout-everywhere?name_id=id-karl")
    location = started.headers["location"].removeprefix(BASE)
    unsigned = re.sub(r"&Signature=[^&]*", "", location)
    assert (await site.http.get(unsigned)).status_code == 400
    forged = re.sub(r"Signature=[^&]*", "Signature=AAAA", location)
    assert (await site.http.get(forged)).status_code == 400
    assert (await site.http.get("/counties/21")).status_code == 200  # still logged in
