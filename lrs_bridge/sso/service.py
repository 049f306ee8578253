"""Single sign-on as the web pages use it: start a log-in at a named provider, finish it
(once, in the browser that started it), match or create the account, and log out at the
provider where it can. The pages (``lrs_bridge.web.sso``) hold no protocol code."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from lrs_bridge.people.model import User
from lrs_bridge.people.service import PeopleService
from lrs_bridge.sso.accounts import Refused, account_for
from lrs_bridge.sso.config import Provider, SsoConfig
from lrs_bridge.sso.oidc import OidcClient, OidcError
from lrs_bridge.sso.saml import SamlClient, SamlError
from lrs_bridge.sso.storage import Flow, SsoStorage

log = logging.getLogger(__name__)


class SsoError(Exception):
    """A log-in that cannot be finished: an answer that is not accepted (tampered, expired,
    another audience, used before, started in another browser) or a provider that cannot be
    reached. ``reason`` is for the log (English, no personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LoggedIn:
    user: User
    next_url: str
    logout: str
    """What single log-out needs (kept in the session): the provider's name, and for SAML
    the NameID and session index."""


def browser_hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


class SsoService:
    def __init__(
        self, config: SsoConfig, storage: SsoStorage, people: PeopleService, base_url: str
    ) -> None:
        self.config = config
        self.storage = storage
        self.people = people
        self.base_url = base_url
        self._oidc = {p.name: OidcClient(p, base_url) for p in config.providers if p.kind == "oidc"}
        self._saml = {p.name: SamlClient(p, base_url) for p in config.providers if p.kind == "saml"}

    @property
    def providers(self) -> tuple[Provider, ...]:
        return self.config.providers

    def provider(self, name: str) -> Provider | None:
        return self.config.provider(name)

    async def start(self, provider: Provider, browser: str, next_url: str) -> str:
        """Where to send the browser to log in; the flow is kept for the answer."""
        now = datetime.now(UTC)
        if provider.kind == "oidc":
            state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
            try:
                url = await self._oidc[provider.name].authorization_url(state, nonce, verifier)
            except OidcError as error:
                raise SsoError(error.reason) from None
            flow = Flow(
                state, "request", provider.name, browser_hash(browser), nonce, verifier, next_url
            )
            await self.storage.add_flow(flow, now)
            return url
        client = self._saml[provider.name]
        try:
            request_id, url = await client.authn_request(relay_state=provider.name)
        except SamlError as error:
            raise SsoError(error.reason) from None
        flow = Flow(request_id, "request", provider.name, browser_hash(browser), "", "", next_url)
        await self.storage.add_flow(flow, now)
        return url

    async def finish_oidc(
        self, provider: Provider, state: str, code: str, browser: str
    ) -> LoggedIn | Refused:
        now = datetime.now(UTC)
        flow = await self.storage.take_flow(state, "request", provider.name, now)
        if flow is None:
            raise SsoError("no log-in under way with this state (used, expired or unknown)")
        if not secrets.compare_digest(flow.browser, browser_hash(browser)):
            raise SsoError("the log-in was started in another browser")
        try:
            identity = await self._oidc[provider.name].finish(code, flow.verifier, flow.nonce)
        except OidcError as error:
            raise SsoError(error.reason) from None
        expires = datetime.fromtimestamp(identity.expires + 120, UTC)
        if not await self.storage.first_use(
            provider.name, "oidc:" + identity.token_id, expires, now
        ):
            raise SsoError("this ID token was used before")
        if identity.claims.get("email_verified") is False:
            return Refused("unverified")  # the provider itself does not vouch for the address
        attributes = {
            name: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for name, value in identity.claims.items()
            if isinstance(value, (str, int, list))
        }
        found = await account_for(self.people, provider, attributes)
        if isinstance(found, Refused):
            return found
        return LoggedIn(found, flow.next_url, provider.name)

    async def finish_saml(self, provider: Provider, response: str) -> str | Refused:
        """Check a SAML response posted by the identity provider; a ticket the browser that
        started the log-in redeems (``redeem``), or why the person is refused."""
        client = self._saml[provider.name]
        now = datetime.now(UTC)
        request_id = client.in_response_to(response)
        if request_id is None:
            raise SsoError("a SAML response that answers no request (unsolicited) is refused")
        flow = await self.storage.take_flow(request_id, "request", provider.name, now)
        if flow is None:
            raise SsoError("no log-in under way for this response (used, expired or unknown)")
        try:
            identity = await client.check_response(response, request_id)
        except SamlError as error:
            raise SsoError(error.reason) from None
        if not await self.storage.first_use(
            provider.name, "saml:" + identity.assertion_id, identity.expires, now
        ):
            raise SsoError("this assertion was used before")
        found = await account_for(self.people, provider, identity.attributes)
        if isinstance(found, Refused):
            return found
        ticket = secrets.token_urlsafe(32)
        await self.storage.add_flow(
            Flow(
                ticket,
                "ticket",
                provider.name,
                flow.browser,
                "",
                "",
                flow.next_url,
                found.id,
                identity.logout,
            ),
            now,
        )
        return ticket

    async def redeem(self, provider: Provider, ticket: str, browser: str) -> LoggedIn:
        flow = await self.storage.take_flow(ticket, "ticket", provider.name, datetime.now(UTC))
        if flow is None or flow.user_id is None:
            raise SsoError("no ticket (used, expired or unknown)")
        if not secrets.compare_digest(flow.browser, browser_hash(browser)):
            raise SsoError("the log-in was started in another browser")
        user = await self.people.find_user(str(flow.user_id))
        if user is None or not user.active:
            raise SsoError("the account was disabled meanwhile")
        return LoggedIn(user, flow.next_url, provider.name + "|" + flow.logout)

    async def logout_url(self, logout: str) -> str | None:
        """Where to send the browser to log out at the provider too, if anywhere."""
        name, _, data = logout.partition("|")
        provider = self.provider(name)
        if provider is None:
            return None
        if provider.kind == "oidc":
            return await self._oidc[provider.name].logout_url()
        client = self._saml[provider.name]
        return await client.logout_url(data)

    async def saml_metadata(self, provider: Provider) -> bytes:
        client = self._saml[provider.name]
        try:
            return await client.metadata()
        except SamlError as error:
            raise SsoError(error.reason) from None

    async def idp_logout(
        self, provider: Provider, params: Mapping[str, str], sso: str
    ) -> tuple[bool, str]:
        """A SAML IdP asks to end a person's session here: whether the browser's own session
        (``sso``, from its cookie) is that person's, and where the answer goes."""
        try:
            name_id, url = await self._saml[provider.name].idp_logout(params)
        except SamlError as error:
            raise SsoError(error.reason) from None
        name, _, data = sso.partition("|")
        ours = False
        if name == provider.name and data:
            try:
                ours = orjson.loads(data).get("name_id") == name_id
            except orjson.JSONDecodeError:
                ours = False
        return ours, url
