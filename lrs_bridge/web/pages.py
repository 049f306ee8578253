"""The web pages: routes, the one gate every page goes through, and the page handlers.

Every page is declared with the ``Action`` each method needs and, when its path names an
object, the same ``Locator`` the API uses; the gate (``page``) loads the signed session,
bounds and checks the CSRF token of every POST, finds the person (their session must be of
their current generation), and asks ``lrs_bridge.http.guard.refusal`` (the API's
permission check) before the handler runs. An object outside the person's scope gets the
same "not found" page as one that does not exist.

Bodies are bounded before they are parsed (security review 2026-12, finding 5): a form is
``application/x-www-form-urlencoded`` of at most ``MAX_FORM_BYTES``, its Content-Length
checked before anything is read and its streamed size counted (chunked bodies too); only
the participant-list upload (``upload=True``) takes ``multipart/form-data``, up to
``LRS_BRIDGE_MAX_BODY_BYTES``, and its body is read only after the session and the
permission check have passed (its CSRF token, a form field, is checked before the handler
sees the file). Anything else is answered 413 or 415 unread.

Texts come from the web catalogue (``lrs_bridge.web.texts``, keys ``web.*``) in the session's
language; templates are Jinja2 with autoescaping.
"""

from __future__ import annotations

import base64
import binascii
import logging
import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action, OutOfScope, Principal, Role, county_filter, may
from lrs_bridge.auth.access import municipality_filter as own_municipality
from lrs_bridge.auth.limits import Throttled
from lrs_bridge.config import Settings
from lrs_bridge.gate import (
    COUNTY,
    PARTICIPANT,
    WORKSHOP,
    Locator,
    check_target,
    client_address,
    content_disposition,
    read_body,
    refusal,
    services,
)
from lrs_bridge.services import Services
from lrs_bridge.web import charts, forms, sso
from lrs_bridge.web.forms import WorkshopForm
from lrs_bridge.web.session import COOKIE, Session, Sessions, check_csrf
from lrs_bridge.web.texts import CATALOGUE, LANGUAGES, text
from reports import places
from reports.courses import DEFAULT_REQUIRED
from reports.exports import printable
from reports.model import (
    ROLES,
    Participant,
    ParticipantReadiness,
    RowProblem,
    StatusTotals,
    Workshop,
    WorkshopReadiness,
    WorkshopSummary,
)
from reports.reminders import LogEntry, Recipient, Skipped, failure_kind
from reports.reminders import reason as reminder_reason
from reports.roster import ImportRejected
from reports.texts import long_date, long_datetime
from reports.texts import text as report_text
from statements.errors import Conflict, PayloadTooLarge, XapiError

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STATIC = Path(__file__).parent / "static"
STATUSES = charts.STATUSES
SORTS = ("municipality", "name", "status", "completed")
MAX_FORM_BYTES = 64 * 1024
"""Largest body of a web form other than the participant-list upload."""
FORM = "application/x-www-form-urlencoded"
UPLOAD_FORM = "multipart/form-data"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}


class Web:
    """What the pages share: templates and sessions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = Sessions(
            settings.session_secret,
            settings.session_hours,
            settings.session_max_hours,
            settings.cookies_secure,
        )
        self.templates = Environment(
            loader=PackageLoader("lrs_bridge.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_printable,
        )
        self.templates.filters["by_name"] = _by_name


def _by_name(items: Any, attribute: str = "municipality_name") -> list[Any]:
    """Rows in Swedish alphabetical order of a name (usability test F15: municipality
    tables were in code order, the participant table alphabetical)."""
    return sorted(items, key=lambda item: collate(getattr(item, attribute)))


def _printable(value: Any) -> Any:
    """Every value a template prints: control characters older data may hold (input
    refuses them) shown as U+FFFD; markup the code built (charts) is left as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


def web(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


# --- the page context --------------------------------------------------------------------


@dataclass
class Ctx:
    request: Request
    _session: Session | None
    """Read from the cookie when first asked for (``session``): a public page that
    neither shows a form nor keeps anyone logged in (a launch) never needs it."""
    principal: Principal | None
    form: FormData | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = web(self.request).sessions.load(self.request)
        return self._session

    @session.setter
    def session(self, value: Session) -> None:
        self._session = value

    @property
    def services(self) -> Services:
        return services(self.request)

    @property
    def language(self) -> str:
        return self.session.language

    def t(self, key: str, /, **values: Any) -> str:
        return text(key, self.language, **values)

    def has(self, key: str) -> bool:
        return key in CATALOGUE

    def may(self, action: Action) -> bool:
        return self.principal is not None and may(self.principal, action)

    def value(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return "–"
        return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")

    def problem(self, found: RowProblem) -> str:
        """A bad row's problem in the reader's language (the English message only for a
        problem the catalogue has no text for)."""
        if found.key:
            return report_text(found.key, self.language, **dict(found.values))
        return found.message

    def reason(self, skipped: Skipped) -> str:
        """Why a person is not reminded, in the reader's language."""
        if skipped.key:
            return reminder_reason(skipped.key, self.language, skipped.values)
        return skipped.reason

    def mail_error(self, error: str | None) -> str:
        """A failed e-mail's error as the reader can act on it (the technical text stays
        in the reminder log)."""
        return self.t("web.reminders.error." + failure_kind(error))

    def moment(self, value: datetime) -> str:
        """'8 december 2026 kl. 23.59' in Stockholm time."""
        return long_datetime(value.astimezone(STOCKHOLM), self.language)

    def day(self, value: date | datetime | None) -> str:
        return long_date(value, self.language) if value is not None else "–"

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        page = web(self.request).templates.get_template(template)
        html = page.render(
            t=self.t,
            has=CATALOGUE.__contains__,
            ctx=self,
            Action=Action,
            statuses=STATUSES,
            csrf=self.session.csrf,
            language=self.language,
            languages=LANGUAGES,
            path=self.request.url.path,
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        return finish(self.request, response, self.session)

    def redirect(self, url: str) -> Response:
        return finish(self.request, RedirectResponse(url, status_code=303), self.session)

    def leave(self, url: str) -> Response:
        """A redirect out of the service (a course a personal link launches): the
        security headers, but no session cookie, so nothing of ours goes along and
        nothing is signed or renewed for a visitor who is not logged in."""
        response = RedirectResponse(url, status_code=303)
        response.headers.update(SECURITY_HEADERS)
        return response


def finish(request: Request, response: Response, session: Session) -> Response:
    response.headers.update(SECURITY_HEADERS)
    web(request).sessions.save(response, session)
    return response


def _safe_next(value: str | None) -> str:
    """Only a path of this site (never another site, never //host)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


# --- the gate ----------------------------------------------------------------------------

PageHandler = Callable[[Ctx], Awaitable[Response]]


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def _refuse_unread(ctx: Ctx, limit: int, types: tuple[str, ...]) -> Response | None:
    """413 or 415 for a POST body that may not be read at all: a Content-Length over
    ``limit``, or a type the page does not take (no content type is an empty form)."""
    request = ctx.request
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return too_large(ctx)
    media_type = _media_type(request)
    if media_type and media_type not in types:
        return ctx.render("error.html", 415, title=ctx.t("web.error.form_type"))
    return None


async def _read_form(ctx: Ctx, limit: int, max_files: int, *, csrf: bool = True) -> Response | None:
    """Read the form (at most ``limit`` bytes, counted as they come) and check its CSRF
    token (unless ``csrf`` is false: a form another site posts, see ``page``); an error
    page instead when it is too large, malformed or has a wrong token."""
    request = ctx.request
    try:
        if _media_type(request) in (FORM, UPLOAD_FORM):
            await read_body(request, limit)
        ctx.form = await request.form(max_files=max_files, max_fields=50, max_part_size=limit)
    except PayloadTooLarge:
        return too_large(ctx)
    except Exception:
        return ctx.render("error.html", 400, title=ctx.t("web.error.bad_form"))
    if csrf and not check_csrf(ctx.session, ctx.form.get("csrf")):
        return ctx.render(
            "error.html",
            403,
            title=ctx.t("web.error.csrf"),
            message=ctx.t("web.error.csrf_help"),
        )
    return None


@dataclass(frozen=True)
class PageRules:
    """What a page allows: the action each method needs, the object its path names, and
    whether it is public or takes an upload."""

    actions: Mapping[str, Action | None]
    locator: Locator | None
    public: bool
    upload: bool
    foreign: bool = False

    def body_limit(self, request: Request) -> tuple[int, tuple[str, ...]]:
        if self.upload:
            return services(request).settings.max_body_bytes, (FORM, UPLOAD_FORM)
        return MAX_FORM_BYTES, (FORM,)


def page(
    handler: PageHandler,
    actions: Mapping[str, Action | None],
    locator: Locator | None = None,
    *,
    public: bool = False,
    upload: bool = False,
    foreign: bool = False,
) -> Callable[[Request], Awaitable[Response]]:
    """A page behind the one permission check: ``actions`` maps each method to the
    action it needs (None: any logged-in person; with ``public``, anyone). With
    ``upload``, a POST may bring a file (multipart, up to LRS_BRIDGE_MAX_BODY_BYTES),
    read only once the person is known to be allowed; other forms are small. With
    ``foreign`` (public pages only: a SAML identity provider's answer), a POST is a form
    another site posts, which carries no CSRF token of ours."""
    assert public or not foreign
    rules = PageRules(dict(actions), locator, public, upload, foreign)

    async def endpoint(request: Request) -> Response:
        response = await _gate(request, handler, rules)
        if request.method == "POST" and getattr(request, "_body", None) is None:
            # Answered without reading the body: close the connection rather than let
            # the server read (and throw away) whatever the client still sends.
            response.headers["Connection"] = "close"
        return response

    endpoint.__name__ = handler.__name__
    endpoint.actions = dict(actions)  # type: ignore[attr-defined]
    endpoint.locator = locator  # type: ignore[attr-defined]
    endpoint.public = public  # type: ignore[attr-defined]
    endpoint.upload = upload  # type: ignore[attr-defined]
    endpoint.foreign = foreign  # type: ignore[attr-defined]
    return endpoint


async def _gate(request: Request, handler: PageHandler, rules: PageRules) -> Response:
    """Method, body bounds, the person, the permission check, then the handler."""
    method = "GET" if request.method == "HEAD" else request.method
    ctx = Ctx(request, None, None)
    if method not in rules.actions:
        return ctx.render("error.html", 405, title=ctx.t("web.error.method"))
    limit, types = rules.body_limit(request)
    if method == "POST":
        refused_body = _refuse_unread(ctx, limit, types)
        if refused_body is None and not rules.upload:
            refused_body = await _read_form(ctx, limit, max_files=0, csrf=not rules.foreign)
        if refused_body is not None:
            return refused_body
    await _find_person(ctx)
    if not rules.public:
        refused = await _permission(ctx, rules.actions[method], rules.locator)
        if refused is not None:
            return refused
    if method == "POST" and rules.upload:
        refused_body = await _read_form(ctx, limit, max_files=1)
        if refused_body is not None:
            return refused_body
    try:
        return await handler(ctx)
    except XapiError as error:
        if error.status == 404:
            return not_found(ctx)
        return ctx.render("error.html", error.status, title=error.message)


async def _find_person(ctx: Ctx) -> None:
    """The person of the session. The person is read on every request anyway: a disabled
    person's sessions, and sessions of an earlier generation (log-out, new password), end
    here."""
    if COOKIE not in ctx.request.cookies:
        return  # no session cookie: nobody is logged in (the session is made if needed)
    session = ctx.session
    if session.user_id is None:
        return
    user = await services(ctx.request).people.find_user(str(session.user_id))
    if user is not None and user.active and user.session_generation == session.generation:
        ctx.principal = user.principal()
    else:
        ctx.session = session.logged_out()


async def _permission(ctx: Ctx, action: Action | None, locator: Locator | None) -> Response | None:
    """None when the person may; else the log-in page, 403 or 404 (out of scope)."""
    request = ctx.request
    if ctx.principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return ctx.redirect("/login?" + urlencode({"next": target}))
    if action is None:
        return None
    refused = await refusal(request, ctx.principal, action, locator)
    if refused == 403:
        return ctx.render("error.html", 403, title=ctx.t("web.error.forbidden"))
    if refused == 404:
        return not_found(ctx)
    return None


def too_large(ctx: Ctx) -> Response:
    response = ctx.render("error.html", 413, title=ctx.t("web.error.too_large"))
    response.headers["Connection"] = "close"  # the rest of the body is never read
    return response


def not_found(ctx: Ctx) -> Response:
    return ctx.render("error.html", 404, title=ctx.t("web.error.not_found"))


# --- log-in, log-out, language --------------------------------------------------------------


async def login(ctx: Ctx) -> Response:
    next_url = _safe_next(ctx.request.query_params.get("next") or ctx.value("next"))
    choices = sso.login_choices(ctx, next_url)
    password_login = ctx.services.settings.password_login
    if ctx.request.method != "POST":
        if ctx.principal is not None:
            return ctx.redirect(next_url)
        return ctx.render(
            "login.html",
            next_url=next_url,
            email="",
            error=None,
            sso_choices=choices,
            password_login=password_login,
        )
    if not password_login:
        return ctx.render("error.html", 403, title=ctx.t("web.sso.password_off"))
    email = ctx.value("email").lower()
    password = ctx.form.get("password") if ctx.form is not None else None
    user = None
    try:
        if email and isinstance(password, str) and password:
            client = client_address(ctx.request)
            user = await ctx.services.people.verify_password(email, password, client)
    except Throttled as throttled:
        response = ctx.render(
            "login.html",
            429,
            sso_choices=choices,
            password_login=True,
            next_url=next_url,
            email=email,
            error=(
                message := ctx.t("web.login.throttled", count=max(1, -(-throttled.seconds // 60)))
            ),
            form_errors=[("email", message)],
        )
        response.headers["Retry-After"] = str(throttled.seconds)
        return response
    if user is None:
        log.info("failed web log-in")  # neither the address tried nor the client's IP
        message = ctx.t("web.login.failed")
        return ctx.render(
            "login.html",
            401,
            sso_choices=choices,
            password_login=True,
            next_url=next_url,
            email=email,
            error=message,
            form_errors=[("email", message)],
        )
    ctx.session = ctx.session.logged_in(user.id, user.session_generation)
    log.info("web log-in of user %d", user.id)
    return ctx.redirect(next_url)


async def logout(ctx: Ctx) -> Response:
    """Log out everywhere: every session of the person ends, not only this cookie."""
    assert ctx.principal is not None
    await ctx.services.people.end_sessions(ctx.principal.user_id)
    ended = ctx.session.sso
    ctx.session = ctx.session.logged_out()
    at_provider = await sso.after_logout(ctx, ended)  # single log-out, where offered
    return at_provider or ctx.redirect("/login?" + urlencode({"bye": "1"}))


async def language(ctx: Ctx) -> Response:
    chosen = ctx.value("language")
    if chosen in LANGUAGES:
        ctx.session = replace(ctx.session, language=chosen)
    return ctx.redirect(_safe_next(ctx.value("next")))


async def home(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    if ctx.principal.role is Role.NATIONAL_ADMIN:
        return ctx.redirect("/nation")
    return ctx.redirect(f"/counties/{ctx.principal.county}")


ACCESSIBILITY_ASSESSED = date(2026, 12, 7)
"""When the web pages were last assessed (the usability and accessibility test of
December 2026, then the automated checks of tests/web/test_browser.py)."""
ACCESSIBILITY_UPDATED = date(2026, 12, 7)
"""When the accessibility statement was last changed: update both with the text."""


async def accessibility(ctx: Ctx) -> Response:
    settings = ctx.services.settings
    return ctx.render(
        "accessibility.html",
        contact=settings.contact_email,
        organisation=settings.organisation,
        assessed=ACCESSIBILITY_ASSESSED,
        updated=ACCESSIBILITY_UPDATED,
    )


# --- overviews --------------------------------------------------------------------------


def _done(totals: StatusTotals) -> int:
    """Those who need do nothing more: completed, or exempted from every course."""
    return totals.completed_on_time + totals.completed_late + totals.exempt


async def nation(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    if ctx.principal.role is not Role.NATIONAL_ADMIN:
        return ctx.redirect(f"/counties/{ctx.principal.county}")
    report = await ctx.services.reports.national_readiness()
    bars = [charts.Bar(c.county_name, c.totals) for c in report.counties]
    chart = charts.readiness_bars(bars, ctx.t("web.nation.chart_title"), ctx.t)
    return ctx.render("nation.html", report=report, chart=chart, done=_done)


async def all_workshops(ctx: Ctx) -> Response:
    """Usability test F15: a national admin's list of every county's workshops, by date,
    with each one's county and status counts."""
    assert ctx.principal is not None
    if ctx.principal.role is not Role.NATIONAL_ADMIN:
        return ctx.redirect(f"/counties/{ctx.principal.county}")
    reports = ctx.services.reports
    nation_ = await reports.national_readiness()
    found: list[WorkshopSummary] = []
    for county_ in nation_.counties:
        if county_.workshops:
            found.extend((await reports.county_readiness(county_.county)).workshops)
    found.sort(key=lambda w: (w.workshop.date, collate(w.workshop.title)))
    today = datetime.now(STOCKHOLM).date()
    return ctx.render(
        "nation_workshops.html",
        upcoming=[w for w in found if w.workshop.date >= today],
        past=[w for w in found if w.workshop.date < today],
        counties={c.county: c.county_name for c in nation_.counties},
        report=nation_,
    )


async def county(ctx: Ctx) -> Response:
    code: str = ctx.request.path_params["county"]
    return await _county_page(ctx, code, WorkshopForm(courses=[DEFAULT_REQUIRED]))


async def _county_page(ctx: Ctx, code: str, form: WorkshopForm, status: int = 200) -> Response:
    """The county overview, with the "Ny workshop" form as the person filled it in."""
    assert ctx.principal is not None
    reports = ctx.services.reports
    report = await reports.county_readiness(code, municipality=own_municipality(ctx.principal))
    bars = [charts.Bar(m.municipality_name, m.totals) for m in _by_name(report.municipalities)]
    chart = charts.readiness_bars(
        bars, ctx.t("web.county.chart_title", county=report.county_name), ctx.t
    )
    courses = await reports.list_courses()
    first_course = f"course-{courses[0].id}" if courses else "courses"
    own = own_municipality(ctx.principal)
    place = places.municipality(own) if own else None
    return ctx.render(
        "county.html",
        status,
        totals_caption=ctx.t("web.county.totals_municipality", municipality=place.name)
        if place
        else ctx.t("web.county.totals"),
        report=report,
        chart=chart,
        done=_done,
        courses=courses,
        form=form,
        errors=form.errors,
        values=form.values(),
        form_errors=forms.summary(form.errors, {"courses": first_course}),
        error_title=ctx.t("web.county.not_created"),
        today=datetime.now(STOCKHOLM).date(),
        contact=await reports.county_contact(report.county),
    )


def _workshop_form(ctx: Ctx) -> WorkshopForm:
    chosen = [v for v in ctx.form.getlist("courses") if isinstance(v, str)] if ctx.form else []
    return WorkshopForm(
        title=ctx.value("title"),
        date=ctx.value("date"),
        deadline=ctx.value("deadline"),
        courses=chosen,
        accepted=ctx.value("accepted"),
    )


async def create_workshop(ctx: Ctx) -> Response:
    """Every field checked at once; a date in the past or a last day after the workshop
    is shown for the person to confirm (or correct) before anything is created."""
    assert ctx.principal is not None
    found = places.county(ctx.request.path_params["county"])
    assert found is not None  # the route's locator answered 404 otherwise
    code = found.code  # the normalised code, the one the permission check saw
    check_target(ctx.principal, "county", code)
    reports = ctx.services.reports
    form = _workshop_form(ctx)
    forms.check_workshop(form, [c.id for c in await reports.list_courses()], ctx.t)
    if form.errors:
        return await _county_page(ctx, code, form, 400)
    if form.warnings:
        return await _county_page(ctx, code, form)
    try:
        created = await reports.create_workshop(form.data(code))
    except XapiError as error:
        if error.status != 400:
            raise
        form.errors = forms.service_errors(error, forms.WORKSHOP_FIELDS, ctx.t)
        return await _county_page(ctx, code, form, 400)
    await ctx.services.audit.record(
        ctx.principal, "workshop.create", "workshop", created.id, created.county
    )
    return ctx.redirect(f"/workshops/{created.id}")


# --- the county's contact person (usability test F4) --------------------------------------

CONTACT_FIELDS = ("name", "email", "phone", "organisation")


async def county_contact(ctx: Ctx) -> Response:
    """Set the county's contact person, whom the reminder e-mails name and reply to:
    every field checked at once, errors in the error summary and by each field."""
    assert ctx.principal is not None
    found = places.county(ctx.request.path_params["county"])
    assert found is not None  # the route's locator answered 404 otherwise
    reports = ctx.services.reports
    current = await reports.county_contact(found.code)
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        values = {name: ctx.value(name) for name in CONTACT_FIELDS}
        try:
            await reports.set_county_contact(found.code, values, by=str(ctx.principal.user_id))
        except XapiError as error:
            if error.status != 400:
                raise
            errors = _contact_errors(ctx, error)
        else:
            await ctx.services.audit.record(
                ctx.principal, "contact.set", "county", found.code, found.code
            )
            return ctx.redirect(f"/counties/{found.code}#contact")
    else:
        values = {name: getattr(current, name) or "" if current else "" for name in CONTACT_FIELDS}
    return ctx.render(
        "contact.html",
        400 if errors else 200,
        county=found,
        values=values,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.contact.not_saved"),
    )


def _contact_errors(ctx: Ctx, error: XapiError) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in error.details:
        name = str(detail.get("path", ""))
        name = name if name in CONTACT_FIELDS else "name"
        key = f"web.contact.{name}.{detail.get('rule', '')}"
        found.setdefault(name, ctx.t(key) if ctx.has(key) else ctx.t(f"web.contact.{name}.invalid"))
    return {name: found[name] for name in CONTACT_FIELDS if name in found}


# --- changing a workshop, adding a participant (usability test F7) ----------------------


def _form_of(found: Workshop) -> WorkshopForm:
    deadline = found.deadline.astimezone(STOCKHOLM)
    return WorkshopForm(
        title=found.title,
        date=found.date.isoformat(),
        deadline=f"{deadline:%Y-%m-%d %H.%M}",
        courses=list(found.courses),
    )


async def edit_workshop(ctx: Ctx) -> Response:
    """Change a workshop's title, date, last day or courses: the same checks, error
    summary and confirmation of a date in the past as a new one."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    courses = await reports.list_courses()
    form = _form_of(found) if ctx.request.method != "POST" else _workshop_form(ctx)
    status = 200
    if ctx.request.method == "POST":
        forms.check_workshop(form, [c.id for c in courses], ctx.t)
        if not form.errors and not form.warnings:
            data = form.data(found.county)
            del data["county"]
            try:
                changed = await reports.change_workshop(workshop_id, data)
            except XapiError as error:
                if error.status != 400:
                    raise
                form.errors = forms.service_errors(error, forms.WORKSHOP_FIELDS, ctx.t)
            else:
                await ctx.services.audit.record(
                    ctx.principal, "workshop.change", "workshop", workshop_id, changed.county
                )
                return ctx.redirect(f"/workshops/{workshop_id}")
        status = 400 if form.errors else 200
    first_course = f"course-{courses[0].id}" if courses else "courses"
    return ctx.render(
        "workshop_edit.html",
        status,
        workshop=found,
        form=form,
        errors=form.errors,
        values=form.values(),
        courses=courses,
        form_errors=forms.summary(form.errors, {"courses": first_course}),
        error_title=ctx.t("web.edit.not_saved"),
    )


async def delete_workshop(ctx: Ctx) -> Response:
    """A workshop and its list deleted, after a confirmation that says how many people
    the list holds."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    if ctx.request.method != "POST":
        return ctx.render("workshop_delete.html", workshop=found)
    deleted = await reports.delete_workshop(workshop_id)
    await ctx.services.audit.record(
        ctx.principal, "workshop.delete", "workshop", workshop_id, deleted.county
    )
    return ctx.redirect(f"/counties/{deleted.county}")


PARTICIPANT_FIELDS = ("name", "email", "municipality", "role")


async def add_participant(ctx: Ctx) -> Response:
    """One participant added to the list, without uploading the whole list again."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    values = {name: ctx.value(name) for name in PARTICIPANT_FIELDS}
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        try:
            added = await reports.add_participant(workshop_id, values)
        except XapiError as error:
            if error.status not in (400, 409):
                raise
            errors = _participant_errors(ctx, error)
        else:
            await ctx.services.audit.record(
                ctx.principal,
                "participant.add",
                "participant",
                added.id,
                found.county,
                workshop=workshop_id,
            )
            return ctx.redirect(f"/workshops/{workshop_id}#participants")
    return _participant_page(ctx, found, values, errors)


def _values_of(found: Participant) -> dict[str, str]:
    return {
        "name": found.name,
        "email": found.email,
        "municipality": found.municipality_name,
        "role": found.role,
    }


async def change_participant(ctx: Ctx) -> Response:
    """Usability test F7: one participant's name, e-mail, municipality or role changed in
    place, through the same service call and rules as the API's PATCH."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    participant_id: str = ctx.request.path_params["participant_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    before = await reports.get_participant(workshop_id, participant_id)
    if ctx.request.method != "POST":
        return _participant_page(ctx, found, _values_of(before), {}, before)
    values = {name: ctx.value(name) for name in PARTICIPANT_FIELDS}
    try:
        after = await reports.change_participant(workshop_id, participant_id, values)
    except XapiError as error:
        if error.status not in (400, 409):
            raise
        return _participant_page(ctx, found, values, _participant_errors(ctx, error), before)
    await ctx.services.audit.record(
        ctx.principal,
        "participant.change",
        "participant",
        participant_id,
        found.county,
        workshop=workshop_id,
        fields=[n for n in PARTICIPANT_FIELDS if getattr(before, n) != getattr(after, n)],
    )
    return ctx.redirect(f"/workshops/{workshop_id}#participants")


def _participant_page(
    ctx: Ctx,
    found: Workshop,
    values: Mapping[str, str],
    errors: dict[str, str],
    before: Participant | None = None,
) -> Response:
    """The form of a new participant, or of a change to ``before``."""
    role = values.get("role") or "other"
    return ctx.render(
        "participant_new.html",
        400 if errors else 200,
        workshop=found,
        participant=before,
        heading=ctx.t("web.participant.change_title", name=before.name)
        if before
        else ctx.t("web.participant.title"),
        values=values,
        errors=errors,
        roles=ROLES if role in ROLES else (*ROLES, role),
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.participant.not_saved" if before else "web.participant.not_added"),
    )


async def remove_participant(ctx: Ctx) -> Response:
    """Usability test F7: one participant taken off the list after a confirmation that
    names them."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    participant_id: str = ctx.request.path_params["participant_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    person = await reports.get_participant(workshop_id, participant_id)
    if ctx.request.method != "POST":
        return ctx.render("participant_remove.html", workshop=found, participant=person)
    await reports.remove_participant(workshop_id, participant_id)
    await ctx.services.audit.record(
        ctx.principal,
        "participant.remove",
        "participant",
        participant_id,
        found.county,
        workshop=workshop_id,
    )
    return ctx.redirect(f"/workshops/{workshop_id}#participants")


def _participant_errors(ctx: Ctx, error: XapiError) -> dict[str, str]:
    """The service's refusal of a participant, by field, in the reader's language: the
    same texts as an uploaded list's problems where there is one."""
    if error.status == 409:
        return {"email": ctx.t("web.participant.duplicate")}
    found: dict[str, str] = {}
    for detail in error.details:
        name = str(detail.get("path", "")).split(".")[0]
        name = name if name in PARTICIPANT_FIELDS else "name"
        rule = str(detail.get("rule", ""))
        key = f"web.participant.{name}.{rule}"
        found.setdefault(name, ctx.t(key) if ctx.has(key) else ctx.t(f"web.participant.{name}"))
    return found or {"name": ctx.t("web.form.invalid")}


# --- a workshop -------------------------------------------------------------------------


def fold(value: str) -> str:
    """Text as search compares it: case and diacritics ignored ('Åsa Öberg' → 'asa oberg',
    'Gävle' → 'gavle', 'é' → 'e')."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})
"""Å, Ä and Ö after Z: the characters after z in code point order."""


def collate(value: str) -> str:
    """A sort key in Swedish alphabetical order: case ignored, å ä ö after z, other
    accents as their letter (é as e)."""
    return fold(value.casefold().translate(_SWEDISH_LAST))


def _matches(entry: ParticipantReadiness, query: str) -> bool:
    """Name, e-mail address or municipality contains every word of the (folded) query."""
    person = entry.participant
    haystack = fold(f"{person.name} {person.email} {person.municipality_name}")
    return all(word in haystack for word in query.split())


def _sort_key(sort: str) -> Callable[[ParticipantReadiness], Any]:
    order = {status: n for n, status in enumerate(STATUSES)}
    if sort == "name":
        return lambda e: (collate(e.participant.name),)
    if sort == "status":
        return lambda e: (order[e.status], collate(e.participant.name))
    if sort == "completed":
        return lambda e: (
            e.completed_at is None,
            e.completed_at or datetime.max.replace(tzinfo=STOCKHOLM),
            collate(e.participant.name),
        )
    return lambda e: (collate(e.participant.municipality_name), collate(e.participant.name))


@dataclass(frozen=True)
class Filter:
    """The participant list's search, status and order, as the page's query has them."""

    query: str = ""
    status: str = ""
    sort: str = "municipality"

    @classmethod
    def of(cls, params: Mapping[str, str]) -> Filter:
        status = params.get("status", "")
        sort = params.get("sort", "municipality")
        return cls(
            query=params.get("q", "").strip()[:200],
            status=status if status in STATUSES else "",
            sort=sort if sort in SORTS else "municipality",
        )

    @property
    def active(self) -> bool:
        return bool(self.query or self.status)

    def apply(self, entries: list[ParticipantReadiness]) -> list[ParticipantReadiness]:
        words = fold(self.query)
        shown = [
            e
            for e in entries
            if (not words or _matches(e, words)) and (not self.status or e.status == self.status)
        ]
        return sorted(shown, key=_sort_key(self.sort))

    def query_string(self, **changes: str) -> str:
        values = {"q": self.query, "status": self.status, "sort": self.sort, **changes}
        return urlencode(
            {k: v for k, v in values.items() if v and (k, v) != ("sort", "municipality")}
        )


def _last_reminded(entries: list[LogEntry]) -> dict[str, datetime]:
    """When each participant was last sent a reminder (sent ones only)."""
    found: dict[str, datetime] = {}
    for entry in entries:
        if entry.status == "sent" and entry.sent_at is not None:
            previous = found.get(entry.participant_id)
            found[entry.participant_id] = max(previous or entry.sent_at, entry.sent_at)
    return found


def _charts(ctx: Ctx, report: WorkshopReadiness) -> dict[str, Any]:
    bars = [charts.Bar(m.municipality_name, m.totals) for m in _by_name(report.municipalities)]
    completed = [
        entry.completed_at.astimezone(STOCKHOLM)
        for entry in report.participants
        if entry.completed_at is not None
    ]
    days = charts.completions_by_day(completed)
    deadline = report.workshop.deadline.astimezone(STOCKHOLM)
    return {
        "bar_chart": charts.readiness_bars(bars, ctx.t("web.workshop.bars_title"), ctx.t),
        "time_chart": charts.completions_over_time(
            days, report.totals.total, deadline, ctx.t("web.workshop.time_title"), ctx.t
        ),
        "days": days,
    }


def _days_left(ctx: Ctx, deadline: datetime) -> str:
    left = forms.days_left(deadline, ctx.services.reminders.clock())
    if left > 0:
        return ctx.t("web.workshop.days_left", count=left)
    if left == 0:
        return ctx.t("web.workshop.last_day_today")
    return ctx.t("web.workshop.last_day_passed")


async def workshop(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    municipality = own_municipality(ctx.principal)
    report = await ctx.services.reports.workshop_readiness(workshop_id, municipality=municipality)
    await ctx.services.audit.record(  # the page shows the list: a read, as in the API
        ctx.principal,
        "participants.read",
        "workshop",
        workshop_id,
        report.workshop.county,
        participants=len(report.participants),
        municipality=municipality,
    )
    chosen = Filter.of(ctx.request.query_params)
    reminded = _last_reminded(await ctx.services.reminders.entries(workshop_id))
    return ctx.render(
        "workshop.html",
        report=report,
        shown=chosen.apply(report.participants),
        chosen=chosen,
        query=chosen.query,
        chosen_status=chosen.status,
        sort=chosen.sort,
        sorts=SORTS,
        reminded=reminded,
        course_names={c.id: c.name for c in report.courses},
        status_link=lambda status: (
            f"/workshops/{workshop_id}?{chosen.query_string(status=status)}#participants"
        ),
        days_left=_days_left(ctx, report.workshop.deadline),
        done=_done,
        percent=lambda value: round(100 * value),
        **_charts(ctx, report),
    )


async def export(ctx: Ctx) -> Response:
    """The list as CSV or XLSX: what the page shows when its filter is passed along."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    fmt: str = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        return not_found(ctx)
    reports = ctx.services.reports
    report = await reports.workshop_readiness(
        workshop_id, municipality=own_municipality(ctx.principal)
    )
    chosen = Filter.of(ctx.request.query_params)
    if chosen.active or chosen.sort != "municipality":
        report = replace(report, participants=chosen.apply(report.participants))
    exported = reports.export(report, fmt)
    await ctx.services.audit.record(
        ctx.principal,
        "report.export",
        "workshop",
        workshop_id,
        report.workshop.county,
        format=fmt,
        municipality=own_municipality(ctx.principal),
        participants=len(report.participants),
    )
    response = Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": content_disposition(exported.filename)},
    )
    return finish(ctx.request, response, ctx.session)


# --- uploading a participant list ---------------------------------------------------------


MAX_SUMMARY_PROBLEMS = 10
"""The error summary links the first ten bad rows; the table below lists them all."""


def _upload_error(ctx: Ctx, found: Workshop, message: str, **values: Any) -> Response:
    """The upload form again, the problem in the error summary and by the file field."""
    return ctx.render(
        "upload.html",
        400,
        workshop=found,
        result=None,
        problems=None,
        file_error=message,
        form_errors=[("file", message)],
        **values,
    )


def _rejected(
    ctx: Ctx, found: Workshop, problems: list[RowProblem], filename: str | None
) -> Response:
    lines = [
        ("file", ctx.t("web.upload.row_problem", line=p.line, problem=ctx.problem(p)))
        for p in problems[:MAX_SUMMARY_PROBLEMS]
    ]
    if len(problems) > MAX_SUMMARY_PROBLEMS:
        more = len(problems) - MAX_SUMMARY_PROBLEMS
        lines.append(("problems", ctx.t("web.upload.more_problems", count=more)))
    return ctx.render(
        "upload.html",
        400,
        workshop=found,
        result=None,
        problems=problems,
        filename=filename,
        file_error=ctx.t("web.upload.rejected", count=len(problems)),
        form_errors=lines,
        error_title=ctx.t("web.upload.rejected", count=len(problems)),
        error_help=ctx.t("web.upload.rejected_help"),
    )


async def _uploaded(ctx: Ctx) -> tuple[bytes, str | None] | str:
    """The list's bytes and file name: from the confirmed preview, or the chosen file; a
    message for the person when there is none."""
    if ctx.value("confirm") == "1":
        try:
            content = base64.b64decode(ctx.value("content"), validate=True)
        except (binascii.Error, ValueError):
            return ctx.t("web.error.bad_form")
        return content, ctx.value("filename") or None
    upload_file = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return ctx.t("web.upload.no_file")
    return await upload_file.read(), upload_file.filename


async def upload(ctx: Ctx) -> Response:
    workshop_id: str = ctx.request.path_params["workshop_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    if ctx.request.method != "POST":
        return ctx.render("upload.html", workshop=found, result=None, problems=None)
    confirm = ctx.value("confirm") == "1"
    uploaded = await _uploaded(ctx)
    if isinstance(uploaded, str):
        return _upload_error(ctx, found, uploaded)
    content, filename = uploaded
    try:
        result = await reports.import_participants(
            workshop_id,
            content,
            filename=filename,
            dry_run=not confirm,
            confirm_removal=ctx.value("confirm_removal") == "1",
        )
    except Conflict:
        # Issue 15: a list that removes everyone, or more than half, needs the box ticked.
        preview = await reports.import_participants(
            workshop_id, content, filename=filename, dry_run=True
        )
        message = ctx.t("web.upload.confirm_removal_missing", count=len(preview.removed))
        return ctx.render(
            "upload.html",
            400,
            workshop=found,
            result=preview,
            problems=None,
            filename=filename,
            content=base64.b64encode(content).decode(),
            removal_error=message,
            form_errors=[("confirm_removal", message)],
            error_title=ctx.t("web.upload.not_saved"),
        )
    except ImportRejected as rejected:
        return _rejected(ctx, found, rejected.problems, filename)
    except XapiError as error:
        if error.status not in (400, 413, 415):
            raise
        return _upload_error(ctx, found, _file_message(ctx, error))
    if confirm:
        assert ctx.principal is not None
        await ctx.services.audit.record(
            ctx.principal,
            "participants.import",
            "workshop",
            workshop_id,
            found.county,
            rows=result.rows,
            added=len(result.added),
            changed=len(result.changed),
            removed=len(result.removed),
        )
    return ctx.render(
        "upload.html",
        workshop=found,
        result=result,
        problems=None,
        filename=filename,
        content=base64.b64encode(content).decode() if not confirm else "",
    )


def _file_message(ctx: Ctx, error: XapiError) -> str:
    """A file refused as a whole, in the reader's language: the catalogue's text of its
    rule (a workbook refused for its parts says so in both languages already)."""
    rule = str(error.details[0].get("rule", "")) if error.details else ""
    if rule.startswith("xlsx_") or rule == "not_a_list":
        return error.message.split(" / ")[0 if ctx.language == "sv" else -1]
    if error.status == 413:
        return ctx.t("web.error.too_large")
    return ctx.t("web.upload.unreadable")


# --- reminders ----------------------------------------------------------------------------


MAX_GREETING = 500
"""The length of a sender's own greeting in a reminder, in characters."""


def _greeting(ctx: Ctx) -> tuple[str, str | None]:
    """The sender's own greeting as plain text (line breaks kept, other control
    characters and runs of spaces dropped), and the error when it is too long."""
    raw = ctx.value("greeting").replace("\r\n", "\n")
    kept = "".join(c for c in raw if c == "\n" or unicodedata.category(c) != "Cc")
    lines = [" ".join(line.split()) for line in kept.split("\n")]
    greeting = "\n".join(lines).strip()
    while "\n\n\n" in greeting:
        greeting = greeting.replace("\n\n\n", "\n\n")
    if len(greeting) > MAX_GREETING:
        return greeting, ctx.t("web.reminders.greeting_too_long", max=MAX_GREETING)
    return greeting, None


async def _chosen_municipality(ctx: Ctx, workshop_id: str) -> tuple[str | None, list[Any]]:
    """The municipality the page is filtered to (a coordinator's own always), and the
    municipalities of the list to choose from (name, code), in Swedish order."""
    assert ctx.principal is not None
    own = own_municipality(ctx.principal)
    people = await ctx.services.reports.list_participants(workshop_id, municipality=own)
    choices = sorted(
        {(p.municipality_name, p.municipality) for p in people}, key=lambda c: collate(c[0])
    )
    if own is not None:
        return own, []
    asked = ctx.value("municipality") or ctx.request.query_params.get("municipality", "")
    return (asked if asked in {code for _, code in choices} else None), choices


async def _send_reminders(
    ctx: Ctx, found: Workshop, municipality: str | None, reply_to: str | None, greeting: str
) -> Response:
    """Start the send in the background (usability test F13) and show how far it has come
    (``lrs_bridge.web.sending``)."""
    assert ctx.principal is not None and ctx.form is not None
    chosen = {v for v in ctx.form.getlist("participant") if isinstance(v, str)}
    run = await ctx.services.reminders.start_send(
        found.id,
        municipality=municipality,
        sent_by=str(ctx.principal.user_id),
        reply_to=reply_to,
        only=chosen,
        greeting=greeting,
    )
    details: dict[str, Any] = {
        "planned": run.planned,
        "skipped": run.skipped,
        "chosen": len(chosen),
        "run": run.id,
    }
    if municipality is not None:
        details["municipality"] = municipality
    if greeting:  # that there was one: its words are the sender's, not the log's
        details["greeting"] = True
    await ctx.services.audit.record(
        ctx.principal, "reminders.send", "workshop", found.id, found.county, **details
    )
    return ctx.redirect(f"/workshops/{found.id}/reminders/runs/{run.id}")


def _by_person(recipients: list[Recipient]) -> list[tuple[Recipient, list[str]]]:
    """Those to be reminded, one row per person with the courses they have left."""
    found: dict[str, tuple[Recipient, list[str]]] = {}
    for r in recipients:
        found.setdefault(r.participant_id, (r, []))[1].append(r.course)
    return list(found.values())


def _chosen(ctx: Ctx) -> set[str] | None:
    """The people ticked in the form shown again (None: a new page, everyone ticked)."""
    if ctx.form is None or ctx.request.method != "POST":
        return None
    return {v for v in ctx.form.getlist("participant") if isinstance(v, str)}


def _reminder_errors(ctx: Ctx, greeting_error: str | None, first: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if ctx.form is not None and first is not None and not ctx.form.getlist("participant"):
        errors[f"participant-{first}"] = ctx.t("web.reminders.choose_someone")
    if greeting_error is not None:
        errors["greeting"] = greeting_error
    return errors


async def reminders(ctx: Ctx) -> Response:
    """Usability test F12: who gets a reminder is chosen person by person (everyone to be
    reminded is ticked) and by municipality, and the sender may add a greeting of their
    own, shown in the example e-mail."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    services_ = ctx.services
    municipality, choices = await _chosen_municipality(ctx, workshop_id)
    found = await services_.reports.get_workshop(workshop_id, municipality=municipality)
    sender = await services_.people.find_user(str(ctx.principal.user_id))
    reply_to = sender.email if sender is not None else None
    greeting, greeting_error = _greeting(ctx)
    preview = await services_.reminders.preview(
        workshop_id, municipality=municipality, reply_to=reply_to, greeting=greeting
    )
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        first = preview.plan.send[0].participant_id if preview.plan.send else None
        errors = _reminder_errors(ctx, greeting_error, first)
        if not errors and not ctx.value("preview"):
            return await _send_reminders(ctx, found, municipality, reply_to, greeting)
    people = {
        p.id: p
        for p in await services_.reports.list_participants(workshop_id, municipality=municipality)
    }
    entries = [
        e for e in await services_.reminders.entries(workshop_id) if e.participant_id in people
    ]
    entries.reverse()
    waiting = len(preview.plan.send) + sum(
        1 for s in preview.plan.skipped if s.key == "reminder.skipped.recent"
    )
    return ctx.render(
        "reminders.html",
        400 if errors else 200,
        workshop=found,
        preview=preview,
        entries=entries[:200],
        people=people,
        window_hours=int(services_.reminders.service.window.total_seconds() // 3600),
        deadline_passed=services_.reminders.clock() >= found.deadline,
        schedule=services_.reminders.schedule(found.deadline),
        waiting=waiting,
        to_remind=_by_person(preview.plan.send),
        municipality=municipality,
        choices=choices,
        chosen=_chosen(ctx),
        greeting=greeting,
        max_greeting=MAX_GREETING,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.reminders.not_sent"),
    )


# --- lists ------------------------------------------------------------------------------


async def learners(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    try:
        county_code = county_filter(ctx.principal, None)
    except OutOfScope:  # pragma: no cover - no county asked for
        county_code = None
    found = await ctx.services.reports.unmatched_learners(county_code, limit=1000)
    titles = {}
    for workshop_id in {learner.nearest_workshop for learner in found} - {None}:
        titles[workshop_id] = await _workshop_title(ctx, str(workshop_id))
    return ctx.render("learners.html", learners=found, titles=titles)


async def link_learner(ctx: Ctx) -> Response:
    """Usability test F8: a participant's e-mail address changed to the one a learner
    used in the course (a typo on the list), from the unmatched learners' page; the
    learner's progress counts for the participant from then on."""
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    participant_id: str = ctx.request.path_params["participant_id"]
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    changed = await reports.change_participant(
        workshop_id, participant_id, {"email": ctx.value("email")}
    )
    await ctx.services.audit.record(
        ctx.principal,
        "participant.change",
        "participant",
        changed.id,
        found.county,
        workshop=workshop_id,
        fields=["email"],
    )
    return ctx.redirect(f"/workshops/{workshop_id}#participants")


async def courses(ctx: Ctx) -> Response:
    labels = {c.key: c.label for c in await ctx.services.store.list_credentials()}
    return ctx.render(
        "courses.html", courses=await ctx.services.reports.list_courses(), labels=labels
    )


def _detail(ctx: Ctx, key: str, value: Any, workshops: Mapping[str, str]) -> str:
    """One detail of an audit entry in the reader's words: 'rader: 12', 'roll: samordnare'."""
    label = ctx.t("web.audit.detail." + key) if ctx.has("web.audit.detail." + key) else key
    if key == "role" and ctx.has(f"web.user_role.{value}"):
        value = ctx.t(f"web.user_role.{value}")
    elif key == "workshop":
        value = workshops.get(str(value), value)
    elif key == "municipality":
        found = places.municipality(str(value))
        value = found.name if found else value
    elif key == "fields" and isinstance(value, list | tuple):
        value = ", ".join(
            ctx.t(f"web.field.{f}") if ctx.has(f"web.field.{f}") else str(f) for f in value
        )
    elif key == "filters":  # the statement browser's fields searched by
        value = ", ".join(
            ctx.t(f"web.statements.field.{f}") if ctx.has(f"web.statements.field.{f}") else f
            for f in str(value).split(", ")
        )
    elif key == "format":
        value = str(value).upper()
    elif key in ("greeting", "again"):
        value = ctx.t("web.yes")
    return f"{label}: {value}"


async def audit(ctx: Ctx) -> Response:
    """The log with names, not ids: workshops by title, people by e-mail address, the
    details in the reader's language."""
    assert ctx.principal is not None
    entries = await ctx.services.audit.entries(ctx.principal, limit=200)
    actors = {user.id: user.email for user in await ctx.services.people.list_users()}
    workshops: dict[str, str] = {}
    for entry in entries:
        ids = {entry.object_id} if entry.object_type == "workshop" else set()
        ids |= {str(entry.details["workshop"])} if entry.details.get("workshop") else set()
        for found in ids - workshops.keys():
            if found:
                workshops[found] = await _workshop_title(ctx, found)
    details = {
        entry.id: ", ".join(
            _detail(ctx, key, value, workshops)
            for key, value in entry.details.items()
            if value is not None
        )
        for entry in entries
    }
    return ctx.render(
        "audit.html", entries=entries, actors=actors, workshops=workshops, details=details
    )


async def _workshop_title(ctx: Ctx, workshop_id: str) -> str:
    try:
        return (await ctx.services.reports.get_workshop(workshop_id)).title
    except XapiError:  # deleted since
        return ctx.t("web.audit.deleted_workshop")


async def stylesheet(request: Request) -> Response:
    response = FileResponse(STATIC / "app.css", media_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- routes ---------------------------------------------------------------------------------


def sso_routes() -> list[Route]:
    """Single sign-on (``lrs_bridge.web.sso``): public, like the log-in page."""
    get = ["GET", "HEAD"]
    return [
        Route("/sso/{name}", page(sso.start, {"GET": None}, public=True), methods=get),
        Route(
            "/sso/{name}/callback", page(sso.oidc_callback, {"GET": None}, public=True), methods=get
        ),
        Route(
            "/sso/{name}/acs",
            page(sso.saml_acs, {"POST": None}, public=True, foreign=True),
            methods=["POST"],
        ),
        Route("/sso/{name}/done", page(sso.saml_done, {"GET": None}, public=True), methods=get),
        Route(
            "/sso/{name}/metadata", page(sso.saml_metadata, {"GET": None}, public=True), methods=get
        ),
        Route(
            "/sso/{name}/logged-out",
            page(sso.logged_out, {"GET": None, "POST": None}, public=True, foreign=True),
            methods=["GET", "HEAD", "POST"],
        ),
    ]


def web_routes() -> list[Route]:
    from lrs_bridge.web import (
        administration,  # its pages use this module's gate
        personal,  # imports this module (its Ctx)
    )

    get = ["GET", "HEAD"]
    both = ["GET", "HEAD", "POST"]
    any_person: dict[str, Action | None] = {"GET": None}
    return [
        Route("/static/app.css", stylesheet, methods=get),
        Route("/", page(home, any_person), methods=get),
        Route("/login", page(login, {"GET": None, "POST": None}, public=True), methods=both),
        Route("/logout", page(logout, {"POST": None}), methods=["POST"]),
        Route("/language", page(language, {"POST": None}, public=True), methods=["POST"]),
        *sso_routes(),
        Route("/tillganglighet", page(accessibility, {"GET": None}, public=True), methods=get),
        Route(personal.PATH, page(personal.privacy_page, {"GET": None}, public=True), methods=get),
        Route(
            personal.ADMIN_PATH,
            page(
                personal.personal_admin,
                {"GET": Action.PERSONAL_DATA, "POST": Action.PERSONAL_DATA},
            ),
            methods=both,
        ),
        Route("/nation", page(nation, {"GET": Action.REPORTS_READ}), methods=get),
        Route("/nation/workshops", page(all_workshops, {"GET": Action.REPORTS_READ}), methods=get),
        Route(
            "/counties/{county}",
            page(county, {"GET": Action.REPORTS_READ}, COUNTY),
            methods=get,
        ),
        Route(
            "/counties/{county}/contact",
            page(
                county_contact,
                {"GET": Action.CONTACTS_WRITE, "POST": Action.CONTACTS_WRITE},
                COUNTY,
            ),
            methods=both,
        ),
        Route(
            "/counties/{county}/workshops",
            page(create_workshop, {"POST": Action.WORKSHOPS_WRITE}, COUNTY),
            methods=["POST"],
        ),
        Route(
            "/workshops/{workshop_id}",
            page(workshop, {"GET": Action.REPORTS_READ}, WORKSHOP),
            methods=get,
        ),
        Route(
            "/workshops/{workshop_id}/edit",
            page(
                edit_workshop,
                {"GET": Action.WORKSHOPS_WRITE, "POST": Action.WORKSHOPS_WRITE},
                WORKSHOP,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/delete",
            page(
                delete_workshop,
                {"GET": Action.WORKSHOPS_WRITE, "POST": Action.WORKSHOPS_WRITE},
                WORKSHOP,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/participants/new",
            page(
                add_participant,
                {"GET": Action.PARTICIPANTS_WRITE, "POST": Action.PARTICIPANTS_WRITE},
                WORKSHOP,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/participants/{participant_id}/edit",
            page(
                change_participant,
                {"GET": Action.PARTICIPANTS_WRITE, "POST": Action.PARTICIPANTS_WRITE},
                PARTICIPANT,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/participants/{participant_id}/remove",
            page(
                remove_participant,
                {"GET": Action.PARTICIPANTS_WRITE, "POST": Action.PARTICIPANTS_WRITE},
                PARTICIPANT,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/export.{fmt}",
            page(export, {"GET": Action.REPORTS_READ}, WORKSHOP),
            methods=get,
        ),
        Route(
            "/workshops/{workshop_id}/upload",
            page(
                upload,
                {"GET": Action.PARTICIPANTS_WRITE, "POST": Action.PARTICIPANTS_WRITE},
                WORKSHOP,
                upload=True,
            ),
            methods=both,
        ),
        Route(
            "/workshops/{workshop_id}/reminders",
            page(
                reminders,
                {"GET": Action.REMINDERS_SEND, "POST": Action.REMINDERS_SEND},
                WORKSHOP,
            ),
            methods=both,
        ),
        Route("/learners", page(learners, {"GET": Action.LEARNERS_READ}), methods=get),
        Route(
            "/workshops/{workshop_id}/participants/{participant_id}/email",
            page(link_learner, {"POST": Action.PARTICIPANTS_WRITE}, WORKSHOP),
            methods=["POST"],
        ),
        Route("/courses", page(courses, {"GET": Action.COURSES_READ}), methods=get),
        Route("/audit", page(audit, {"GET": Action.AUDIT_READ}), methods=get),
        *_feature_routes(),
        *administration.routes(),
    ]


def _feature_routes() -> list[Route]:
    """Pages kept in modules of their own (they import this module)."""
    from lrs_bridge.web import (
        cmi5_launch,  # noqa: F401 (registers the cmi5 launch kind)
        course_admin,
        credentials,
        people,
        sending,
    )
    from lrs_bridge.web.invitations import invitation_routes
    from lrs_bridge.web.statements import statement_routes

    return [
        *invitation_routes(),
        *statement_routes(),
        *people.routes(),
        *credentials.routes(),
        *course_admin.routes(),
        *sending.routes(),
    ]
