"""The single sign-on pages (issue 20): start a log-in at an identity provider, take its
answer, show the service's SAML metadata, and come back from a log-out there.

Every route goes through the pages' one gate (``pages.page``), public like the log-in page.
The SAML answer is a form the identity provider's page posts here from another site: it
carries no CSRF token of ours (``foreign=True``); what stands in for it is the signed
response itself, which must answer a request this service made, once. Since a browser
sends no SameSite=Lax cookie with that cross-site POST, the answer leaves a two-minute
ticket and redirects; the browser that started the log-in (its ``lrsb_sso`` cookie) then
redeems it, so an answer cannot be finished in someone else's browser.

A refused person sees, in Swedish first, whom to ask (``contact`` in the SSO file).
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.sso.accounts import Refused
from lrs_bridge.sso.config import Provider
from lrs_bridge.sso.service import LoggedIn, SsoError

if TYPE_CHECKING:
    from lrs_bridge.web.pages import Ctx

log = logging.getLogger(__name__)

BROWSER_COOKIE = "lrsb_sso"
BROWSER_COOKIE_SECONDS = 15 * 60


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _provider(ctx: Ctx) -> Provider | None:
    return ctx.services.sso.provider(str(ctx.request.path_params.get("name", "")))


def _browser(request: Request) -> str:
    return request.cookies.get(BROWSER_COOKIE, "")


def _failed(ctx: Ctx, provider: Provider | None, reason: str, status: int = 400) -> Response:
    log.info("single sign-on refused: %s", reason)  # never who: the reason names no person
    return ctx.render(
        "sso_failed.html",
        status,
        provider=provider,
        password_login=ctx.services.settings.password_login,
    )


def _refused(ctx: Ctx, provider: Provider, refused: Refused) -> Response:
    log.info("single sign-on through %s: no account (%s)", provider.name, refused.reason)
    return ctx.render(
        "sso_refused.html",
        403,
        provider=provider,
        reason=refused.reason,
        contact=ctx.services.sso.config.contact,
    )


def _logged_in(ctx: Ctx, done: LoggedIn) -> Response:
    ctx.session = ctx.session.logged_in(done.user.id, done.user.session_generation, done.logout)
    log.info("web log-in of user %d through single sign-on", done.user.id)
    response = ctx.redirect(_safe_next(done.next_url))
    response.delete_cookie(BROWSER_COOKIE, path="/sso")
    return response


async def start(ctx: Ctx) -> Response:
    """GET /sso/{name}?next=…: off to the identity provider."""
    provider = _provider(ctx)
    if provider is None:
        return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))
    browser = _browser(ctx.request) or secrets.token_urlsafe(32)
    next_url = _safe_next(ctx.request.query_params.get("next"))
    try:
        url = await ctx.services.sso.start(provider, browser, next_url)
    except SsoError as error:
        return _failed(ctx, provider, error.reason, 502)
    response = ctx.redirect(url)
    response.set_cookie(
        BROWSER_COOKIE,
        browser,
        max_age=BROWSER_COOKIE_SECONDS,
        path="/sso",
        httponly=True,
        samesite="lax",
        secure=ctx.services.settings.cookies_secure,
    )
    return response


async def oidc_callback(ctx: Ctx) -> Response:
    """GET /sso/{name}/callback?code=…&state=…: the OpenID provider's answer."""
    provider = _provider(ctx)
    if provider is None or provider.kind != "oidc":
        return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))
    params = ctx.request.query_params
    state, code = params.get("state", ""), params.get("code", "")
    if params.get("error") or not state or not code:
        return _failed(
            ctx, provider, f"the provider answered error={params.get('error', '')[:40]!r}"
        )
    try:
        done = await ctx.services.sso.finish_oidc(provider, state, code, _browser(ctx.request))
    except SsoError as error:
        return _failed(ctx, provider, error.reason)
    if isinstance(done, Refused):
        return _refused(ctx, provider, done)
    return _logged_in(ctx, done)


async def saml_acs(ctx: Ctx) -> Response:
    """POST /sso/{name}/acs: the SAML response (HTTP-POST binding)."""
    provider = _provider(ctx)
    if provider is None or provider.kind != "saml":
        return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))
    response = ctx.value("SAMLResponse")
    if not response:
        return _failed(ctx, provider, "no SAMLResponse in the form")
    try:
        outcome = await ctx.services.sso.finish_saml(provider, response)
    except SsoError as error:
        return _failed(ctx, provider, error.reason)
    if isinstance(outcome, Refused):
        return _refused(ctx, provider, outcome)
    return ctx.redirect(f"/sso/{provider.name}/done?" + urlencode({"ticket": outcome}))


async def saml_done(ctx: Ctx) -> Response:
    """GET /sso/{name}/done?ticket=…: the same browser finishes a SAML log-in."""
    provider = _provider(ctx)
    if provider is None or provider.kind != "saml":
        return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))
    ticket = ctx.request.query_params.get("ticket", "")
    try:
        done = await ctx.services.sso.redeem(provider, ticket, _browser(ctx.request))
    except SsoError as error:
        return _failed(ctx, provider, error.reason)
    return _logged_in(ctx, done)


async def saml_metadata(ctx: Ctx) -> Response:
    """GET /sso/{name}/metadata: the service's SAML metadata, for the identity provider."""
    provider = _provider(ctx)
    if provider is None or provider.kind != "saml":
        return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))
    try:
        xml = await ctx.services.sso.saml_metadata(provider)
    except SsoError as error:
        return _failed(ctx, provider, error.reason, 500)
    return Response(xml, media_type="application/samlmetadata+xml")


async def logged_out(ctx: Ctx) -> Response:
    """GET|POST /sso/{name}/logged-out: back from the log-out at the identity provider (the
    session here ended before the browser went there); or, from a SAML IdP, a signed
    LogoutRequest (the person logged out elsewhere): their session here ends too."""
    provider = _provider(ctx)
    params = ctx.request.query_params
    if provider is None or provider.kind != "saml" or "SAMLRequest" not in params:
        return ctx.redirect("/login?" + urlencode({"bye": "1"}))
    try:
        ours, url = await ctx.services.sso.idp_logout(provider, params, ctx.session.sso)
    except SsoError as error:
        return _failed(ctx, provider, error.reason)
    if ours and ctx.principal is not None:
        await ctx.services.people.end_sessions(ctx.principal.user_id)
        log.info("session of user %d ended by the IdP's log-out", ctx.principal.user_id)
        ctx.session = ctx.session.logged_out()
    return ctx.redirect(url)


async def after_logout(ctx: Ctx, sso: str) -> Response | None:
    """After the service's own log-out (which has ended every session of the person): a page
    that goes on to log out at the identity provider too, when it offers that."""
    if not sso:
        return None
    url = await ctx.services.sso.logout_url(sso)
    if url is None:
        return None
    return ctx.render("sso_logout.html", url=url)


def login_choices(ctx: Ctx, next_url: str) -> list[tuple[str, str]]:
    """(label, URL) of each identity provider, for the log-in page."""
    query = "?" + urlencode({"next": next_url}) if next_url != "/" else ""
    return [(p.label, f"/sso/{p.name}{query}") for p in ctx.services.sso.providers]
