"""Issue 15: people, the set-password link and one's own account, in the web pages.

Every change goes through the same ``PeopleService`` functions the CLI (``lrs-bridge users``)
and the API (``/api/v1/people``, ``/api/v1/me``) call, so the scope rule
(``lrs_bridge.auth.access.may_manage_person``), the checks of e-mail, role and place, and
the audit entries are one and the same. The pages are declared in ``routes()`` behind the
pages' one gate (``lrs_bridge.web.pages.page``): ``Action.PEOPLE_MANAGE`` and, for a page
naming a person, the ``PERSON`` locator, so that a county admin gets the same "not found"
for another county's people, for county admins and national admins as for nobody.

No administrator types or sees a password: they send a single-use, expiring link by
e-mail (``/password/<link>``, a public page guarded by the link itself).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action, Principal, Role
from lrs_bridge.auth.limits import Throttled
from lrs_bridge.gate import PERSON, client_address
from lrs_bridge.people.model import User
from lrs_bridge.people.service import MIN_PASSWORD_LENGTH, PeopleError
from lrs_bridge.web import forms
from lrs_bridge.web.pages import Ctx, not_found, page
from reports import places

PERSON_FIELDS = ("email", "role", "county", "municipality")


def _error_text(ctx: Ctx, error: PeopleError) -> str:
    key = f"web.people.error.{error.field}.{error.rule}"
    if ctx.has(key):
        return ctx.t(key, length=MIN_PASSWORD_LENGTH)
    return ctx.t("web.people.error.invalid")


def _field_of(error: PeopleError, fields: tuple[str, ...]) -> str:
    return error.field if error.field in fields else fields[0]


def _roles(principal: Principal) -> list[Role]:
    """The roles a person may give: county admins only make coordinators."""
    return list(Role) if principal.role is Role.NATIONAL_ADMIN else [Role.COORDINATOR]


def _choices(principal: Principal) -> dict[str, Any]:
    counties = (
        list(places.COUNTIES)
        if principal.role is Role.NATIONAL_ADMIN
        else [c for c in places.COUNTIES if c.code == principal.county]
    )
    return {
        "roles": _roles(principal),
        "counties": counties,
        "municipalities": {c.code: places.municipalities_of(c.code) for c in counties},
    }


def place_name(user: User) -> str:
    if user.municipality:
        found = places.municipality(user.municipality)
        return found.name if found else user.municipality
    if user.county:
        county = places.county(user.county)
        return county.name if county else user.county
    return ""


# --- the list and a new person ----------------------------------------------------------


async def people_list(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    users = await ctx.services.people.visible_users(ctx.principal)
    return ctx.render("people.html", users=users, place_name=place_name)


def _person_values(ctx: Ctx) -> dict[str, str]:
    return {name: ctx.value(name) for name in PERSON_FIELDS}


async def new_person(ctx: Ctx) -> Response:
    """Create a person and e-mail them a link to choose their password."""
    assert ctx.principal is not None
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        values = _person_values(ctx)
        people = ctx.services.people
        try:
            user = await people.create_user(
                values["email"],
                values["role"] or "-",
                values["county"] or None,
                values["municipality"] or None,
                actor=ctx.principal,
            )
        except PeopleError as error:
            errors = {_field_of(error, PERSON_FIELDS): _error_text(ctx, error)}
        else:
            try:
                await people.send_password_link(str(user.id), ctx.principal)
            except PeopleError:
                return ctx.redirect(f"/people/{user.id}?created=1&mail=failed")
            return ctx.redirect(f"/people/{user.id}?created=1&mail=sent")
    else:
        values = {"email": "", "role": Role.COORDINATOR.value, "county": "", "municipality": ""}
        if ctx.principal.county:
            values["county"] = ctx.principal.county
    return ctx.render(
        "person_new.html",
        400 if errors else 200,
        values=values,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.people.not_created"),
        **_choices(ctx.principal),
    )


# --- one person -----------------------------------------------------------------------------


def _user_id(ctx: Ctx) -> str:
    return str(ctx.request.path_params["user_id"])


async def person(ctx: Ctx) -> Response:
    """One person: their role and place (changeable), access, and the set-password link."""
    assert ctx.principal is not None
    people = ctx.services.people
    try:
        user = await people.managed_user(_user_id(ctx), ctx.principal)
    except PeopleError:
        return not_found(ctx)
    errors: dict[str, str] = {}
    values = {
        "role": user.role.value,
        "county": user.county or "",
        "municipality": user.municipality or "",
    }
    if ctx.request.method == "POST":
        values = {name: ctx.value(name) for name in ("role", "county", "municipality")}
        try:
            await people.change_user(
                str(user.id),
                values["role"] or "-",
                values["county"] or None,
                values["municipality"] or None,
                actor=ctx.principal,
            )
        except PeopleError as error:
            if error.status == 404:
                return not_found(ctx)
            errors = {_field_of(error, ("role", "county", "municipality")): _error_text(ctx, error)}
        else:
            return ctx.redirect(f"/people/{user.id}?changed=1")
    return _person_page(ctx, user, values, errors)


def _person_page(
    ctx: Ctx,
    user: User,
    values: dict[str, str],
    errors: dict[str, str],
    status: int | None = None,
) -> Response:
    assert ctx.principal is not None
    query = ctx.request.query_params
    return ctx.render(
        "person.html",
        status or (400 if errors else 200),
        user=user,
        place_name=place_name,
        values=values,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.people.not_saved"),
        created=query.get("created") == "1",
        mail=query.get("mail"),
        changed=query.get("changed") == "1",
        access=query.get("access"),
        myself=user.id == ctx.principal.user_id,
        **_choices(ctx.principal),
    )


async def _person_action(ctx: Ctx, action: str) -> Response:
    """Disable, enable, or send a set-password link (the buttons of the person's page)."""
    assert ctx.principal is not None
    people = ctx.services.people
    user_id = _user_id(ctx)
    try:
        if action == "disable":
            await people.disable_user(user_id, ctx.principal)
            return ctx.redirect(f"/people/{user_id}?access=disabled")
        if action == "enable":
            await people.enable_user(user_id, ctx.principal)
            return ctx.redirect(f"/people/{user_id}?access=enabled")
        await people.send_password_link(user_id, ctx.principal)
        return ctx.redirect(f"/people/{user_id}?mail=sent")
    except PeopleError as error:
        if error.status == 404:
            return not_found(ctx)
        if error.rule == "mail":
            return ctx.redirect(f"/people/{user_id}?mail=failed")
        user = await people.managed_user(user_id, ctx.principal)
        values = {
            "role": user.role.value,
            "county": user.county or "",
            "municipality": user.municipality or "",
        }
        return _person_page(ctx, user, values, {"actions": _error_text(ctx, error)}, 409)


async def disable_person(ctx: Ctx) -> Response:
    return await _person_action(ctx, "disable")


async def enable_person(ctx: Ctx) -> Response:
    return await _person_action(ctx, "enable")


async def send_link(ctx: Ctx) -> Response:
    return await _person_action(ctx, "password-link")


# --- the set-password link (public, guarded by the link) --------------------------------


async def set_password(ctx: Ctx) -> Response:
    link: str = ctx.request.path_params["link"]
    people = ctx.services.people
    client = client_address(ctx.request)
    try:
        user = await people.password_link_user(link, client)
    except (PeopleError, Throttled):
        return ctx.render("password_link_gone.html", 404)
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        form = ctx.form
        password = form.get("password") if form is not None else None
        repeat = form.get("repeat") if form is not None else None
        password = password if isinstance(password, str) else ""
        repeat = repeat if isinstance(repeat, str) else ""
        if len(password) < MIN_PASSWORD_LENGTH:
            errors["password"] = ctx.t(
                "web.people.error.password.length", length=MIN_PASSWORD_LENGTH
            )
        elif password != repeat:
            errors["repeat"] = ctx.t("web.people.error.repeat.differs")
        else:
            try:
                await people.use_password_link(link, password, client)
            except (PeopleError, Throttled) as error:
                if isinstance(error, PeopleError) and error.field == "password":
                    errors["password"] = _error_text(ctx, error)
                else:
                    return ctx.render("password_link_gone.html", 404)
            else:
                ctx.session = ctx.session.logged_out()
                return ctx.redirect("/login?password=1")
    return ctx.render(
        "password_set.html",
        400 if errors else 200,
        email=user.email,
        link=link,
        errors=errors,
        length=MIN_PASSWORD_LENGTH,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.password.not_saved"),
    )


# --- one's own account: password and API tokens --------------------------------------------


async def account(ctx: Ctx, errors: dict[str, str] | None = None, **values: Any) -> Response:
    assert ctx.principal is not None
    people = ctx.services.people
    user = await people.find_user(str(ctx.principal.user_id))
    assert user is not None
    tokens = [t for t in await people.tokens_of(user.id) if t.active]
    errors = errors or {}
    query = ctx.request.query_params
    return ctx.render(
        "account.html",
        400 if errors else 200,
        user=user,
        place_name=place_name,
        tokens=tokens,
        errors=errors,
        length=MIN_PASSWORD_LENGTH,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.account.not_saved"),
        saved=query.get("password") == "1",
        revoked=query.get("revoked"),
        **values,
    )


async def account_page(ctx: Ctx) -> Response:
    return await account(ctx)


async def change_password(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    form = ctx.form
    fields = {}
    for name in ("current", "password", "repeat"):
        value = form.get(name) if form is not None else None
        fields[name] = value if isinstance(value, str) else ""
    errors: dict[str, str] = {}
    if not fields["current"]:
        errors["current"] = ctx.t("web.people.error.current.wrong")
    if len(fields["password"]) < MIN_PASSWORD_LENGTH:
        errors["password"] = ctx.t("web.people.error.password.length", length=MIN_PASSWORD_LENGTH)
    elif fields["password"] != fields["repeat"]:
        errors["repeat"] = ctx.t("web.people.error.repeat.differs")
    if not errors:
        try:
            user = await ctx.services.people.change_own_password(
                ctx.principal.user_id,
                fields["current"],
                fields["password"],
                client_address(ctx.request),
            )
        except Throttled as throttled:
            minutes = max(1, -(-throttled.seconds // 60))
            errors["current"] = ctx.t("web.login.throttled", count=minutes)
        except PeopleError as error:
            errors[_field_of(error, ("current", "password"))] = _error_text(ctx, error)
        else:
            # Every session of the person ended; this one goes on in the new generation.
            ctx.session = ctx.session.logged_in(user.id, user.session_generation)
            return ctx.redirect("/account?password=1")
    return await account(ctx, errors)


async def create_token(ctx: Ctx) -> Response:
    """A new API token, shown on this answer only (never again)."""
    assert ctx.principal is not None
    created = await ctx.services.people.issue_token(str(ctx.principal.user_id), ctx.principal)
    return await account(ctx, new_token=created.token, new_token_id=created.info.id)


async def revoke_token(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    token_id = str(ctx.request.path_params["token_id"])
    try:
        await ctx.services.people.revoke_own_token(ctx.principal.user_id, token_id, ctx.principal)
    except PeopleError:
        return not_found(ctx)
    return ctx.redirect(f"/account?revoked={token_id}")


# --- routes ---------------------------------------------------------------------------------


def routes() -> list[Route]:
    both = ["GET", "HEAD", "POST"]
    manage = Action.PEOPLE_MANAGE
    own = Action.ACCOUNT
    return [
        Route("/people", page(people_list, {"GET": manage}), methods=["GET", "HEAD"]),
        Route("/people/new", page(new_person, {"GET": manage, "POST": manage}), methods=both),
        Route(
            "/people/{user_id}",
            page(person, {"GET": manage, "POST": manage}, PERSON),
            methods=both,
        ),
        *(
            Route(
                f"/people/{{user_id}}/{suffix}",
                page(handler, {"POST": manage}, PERSON),
                methods=["POST"],
            )
            for suffix, handler in (
                ("disable", disable_person),
                ("enable", enable_person),
                ("password-link", send_link),
            )
        ),
        Route(
            "/password/{link}",
            page(set_password, {"GET": None, "POST": None}, public=True),
            methods=both,
        ),
        Route("/account", page(account_page, {"GET": own}), methods=["GET", "HEAD"]),
        Route("/account/password", page(change_password, {"POST": own}), methods=["POST"]),
        Route("/account/tokens", page(create_token, {"POST": own}), methods=["POST"]),
        Route(
            "/account/tokens/{token_id}/revoke",
            page(revoke_token, {"POST": own}),
            methods=["POST"],
        ),
    ]
