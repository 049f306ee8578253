"""Issue 15: people, one's own API tokens and password, and xAPI credentials in ``/api/v1``.

The same domain functions as the CLI and the web pages (``PeopleService``,
``CredentialService``), behind the same gate (``people_guarded``: ``Action.PEOPLE_MANAGE``
with the ``PERSON`` locator, ``Action.ACCOUNT``, ``Action.CREDENTIALS_MANAGE``). A
``PeopleError`` becomes the API's one error shape with the field and rule it names.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.auth.limits import Throttled
from lrs_bridge.gate import client_address, services
from lrs_bridge.http.api.common import bad, json_object
from lrs_bridge.http.guard import throttled_response
from lrs_bridge.http.responses import JSONResponse
from lrs_bridge.people.model import TokenInfo, User
from lrs_bridge.people.service import PeopleError
from statements.errors import XapiError
from statements.storage.base import Credential

# A rule of the people service → the API rule whose text says it (``api.rule.*``).
_RULES = {
    ("email", "email"): "bad_email",
    ("email", "taken"): "duplicate",
    ("county", "unknown"): "unknown_county",
    ("municipality", "unknown"): "unknown_municipality",
    ("municipality", "outside_county"): "municipality_outside_county",
    ("role", "unknown"): "enum",
    ("password", "length"): "password_length",
}


def refused(error: PeopleError) -> XapiError:
    """The people service's refusal as the API's error (status, field and rule)."""
    rule = _RULES.get((error.field, error.rule), error.rule)
    found = XapiError(str(error), [{"path": error.field, "rule": rule, "message": str(error)}])
    found.status = error.status
    return found


def _text(data: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise bad(name, "required", f"{name} is required")
        return None
    if not isinstance(value, str):
        raise bad(name, "type", f"{name} must be a string")
    return value


def _only(data: dict[str, Any], allowed: set[str]) -> None:
    for name in data:
        if name not in allowed:
            raise bad(name, "unknown_field", f"unknown field {name!r}")


def person_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "county": user.county,
        "municipality": user.municipality,
        "created_at": user.created_at.isoformat().replace("+00:00", "Z"),
        "disabled_at": user.disabled_at.isoformat().replace("+00:00", "Z")
        if user.disabled_at
        else None,
        "password": user.has_password,
    }


def token_json(token: TokenInfo) -> dict[str, Any]:
    return {
        "id": token.id,
        "created_at": token.created_at.isoformat().replace("+00:00", "Z"),
        "revoked_at": token.revoked_at.isoformat().replace("+00:00", "Z")
        if token.revoked_at
        else None,
    }


def _user_id(request: Request) -> str:
    return str(request.path_params["user_id"])


# --- people -------------------------------------------------------------------------------


async def list_people(request: Request, principal: Principal) -> Response:
    users = await services(request).people.visible_users(principal)
    return JSONResponse({"people": [person_json(u) for u in users]})


async def create_person(request: Request, principal: Principal) -> Response:
    """Create a person and (unless ``send_link`` is false) e-mail them a set-password link."""
    data = await json_object(request)
    _only(data, {"email", "role", "county", "municipality", "send_link"})
    send_link = data.get("send_link", True)
    if not isinstance(send_link, bool):
        raise bad("send_link", "type", "send_link must be true or false")
    people = services(request).people
    try:
        user = await people.create_user(
            _text(data, "email", True) or "",
            _text(data, "role", True) or "",
            _text(data, "county"),
            _text(data, "municipality"),
            actor=principal,
        )
    except PeopleError as error:
        raise refused(error) from None
    answer = person_json(user)
    answer["link_sent"] = False
    if send_link:
        try:
            await people.send_password_link(str(user.id), principal)
            answer["link_sent"] = True
        except PeopleError:
            pass  # created all the same; POST …/password-link again
    return JSONResponse(answer, 201, headers={"Location": f"/api/v1/people/{user.id}"})


async def get_person(request: Request, principal: Principal) -> Response:
    try:
        user = await services(request).people.managed_user(_user_id(request), principal)
    except PeopleError as error:
        raise refused(error) from None
    return JSONResponse(person_json(user))


async def change_person(request: Request, principal: Principal) -> Response:
    """Change a person's role or place, or disable or enable them (``disabled``)."""
    data = await json_object(request)
    _only(data, {"role", "county", "municipality", "disabled"})
    people = services(request).people
    ref = _user_id(request)
    try:
        user = await people.managed_user(ref, principal)
        if {"role", "county", "municipality"} & data.keys():
            role = _text(data, "role") or user.role.value
            user = await people.change_user(
                ref, role, _text(data, "county"), _text(data, "municipality"), principal
            )
        if "disabled" in data:
            disabled = data["disabled"]
            if not isinstance(disabled, bool):
                raise bad("disabled", "type", "disabled must be true or false")
            if disabled and user.active:
                user = await people.disable_user(ref, principal)
            elif not disabled and not user.active:
                user = await people.enable_user(ref, principal)
    except PeopleError as error:
        raise refused(error) from None
    return JSONResponse(person_json(user))


async def send_password_link(request: Request, principal: Principal) -> Response:
    """202 with ``sent`` true, or 200 with ``sent`` false and the problem when the mail
    server did not take the e-mail (as the reminders report a failed e-mail)."""
    try:
        expires = await services(request).people.send_password_link(_user_id(request), principal)
    except PeopleError as error:
        if error.rule != "mail":
            raise refused(error) from None
        problem = {"path": error.field, "rule": error.rule, "message": str(error)}
        return JSONResponse({"sent": False, "problem": problem})
    return JSONResponse(
        {"sent": True, "expires_at": expires.isoformat().replace("+00:00", "Z")}, 202
    )


# --- one's own account ----------------------------------------------------------------------


async def me(request: Request, principal: Principal) -> Response:
    user = await services(request).people.find_user(str(principal.user_id))
    assert user is not None
    return JSONResponse(person_json(user))


async def my_tokens(request: Request, principal: Principal) -> Response:
    tokens = await services(request).people.tokens_of(principal.user_id)
    return JSONResponse({"tokens": [token_json(t) for t in tokens if t.active]})


async def create_my_token(request: Request, principal: Principal) -> Response:
    """A new API token for oneself; the token is in this answer only."""
    created = await services(request).people.issue_token(str(principal.user_id), principal)
    answer = token_json(created.info)
    answer["token"] = created.token
    return JSONResponse(answer, 201)


async def revoke_my_token(request: Request, principal: Principal) -> Response:
    token_id = str(request.path_params["token_id"])
    try:
        revoked = await services(request).people.revoke_own_token(
            principal.user_id, token_id, principal
        )
    except PeopleError as error:
        raise refused(error) from None
    return JSONResponse(token_json(revoked))


async def change_my_password(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    _only(data, {"current", "password"})
    try:
        await services(request).people.change_own_password(
            principal.user_id,
            _text(data, "current", True) or "",
            _text(data, "password", True) or "",
            client_address(request),
        )
    except Throttled as throttled:
        return throttled_response(throttled)
    except PeopleError as error:
        raise refused(error) from None
    return JSONResponse({"changed": True})


# --- xAPI credentials ---------------------------------------------------------------------


async def credential_json(request: Request, credentials: list[Credential]) -> list[dict[str, Any]]:
    service = services(request)
    last = await service.credentials.last_uses([c.key for c in credentials])
    courses: dict[str, list[str]] = {}
    for course in await service.reports.list_courses():
        for key in course.reporters.credentials if course.reporters else ():
            courses.setdefault(key, []).append(course.id)
    return [
        {
            "key": c.key,
            "label": c.label,
            "scopes": list(c.scopes),
            "created_at": c.created_at.isoformat().replace("+00:00", "Z"),
            "revoked_at": c.revoked_at.isoformat().replace("+00:00", "Z") if c.revoked_at else None,
            "last_used_at": last[c.key].isoformat().replace("+00:00", "Z")
            if c.key in last
            else None,
            "courses": courses.get(c.key, []),
        }
        for c in credentials
    ]


async def list_credentials(request: Request, principal: Principal) -> Response:
    credentials = await services(request).store.list_credentials()
    return JSONResponse({"credentials": await credential_json(request, credentials)})


async def create_credential(request: Request, principal: Principal) -> Response:
    data = await json_object(request)
    _only(data, {"label", "scopes"})
    scopes = data.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise bad("scopes", "not_a_list", "scopes must be a list of scope names")
    try:
        created = await services(request).credentials.create(
            _text(data, "label", True) or "", scopes, principal
        )
    except ValueError as error:
        field = "label" if "label" in str(error) else "scopes"
        raise bad(field, "invalid", str(error)) from None
    answer = (await credential_json(request, [created.credential]))[0]
    answer["secret"] = created.secret
    return JSONResponse(
        answer, 201, headers={"Location": f"/api/v1/credentials/{created.credential.key}"}
    )


def _no_credential(key: str) -> XapiError:
    found = XapiError(
        "no such credential", [{"path": "key", "rule": "exists", "message": f"no {key!r}"}]
    )
    found.status = 404
    return found


async def get_credential(request: Request, principal: Principal) -> Response:
    key = str(request.path_params["key"])
    credential = await services(request).store.get_credential(key)
    if credential is None:
        raise _no_credential(key)
    return JSONResponse((await credential_json(request, [credential]))[0])


async def revoke_credential(request: Request, principal: Principal) -> Response:
    key = str(request.path_params["key"])
    service = services(request)
    if not await service.credentials.revoke(key, principal):
        raise _no_credential(key)
    credential = await service.store.get_credential(key)
    assert credential is not None
    return JSONResponse((await credential_json(request, [credential]))[0])
