"""Issue 15: xAPI credentials in the web pages (national admins, ``Action.CREDENTIALS_MANAGE``).

The same ``CredentialService`` the CLI (``lrs-bridge credentials``) and the API
(``/api/v1/credentials``) call: create with a label and scopes (the secret shown once, on
the answer to the form), list with the last time each stored a statement and the courses
that trust it as a reporter (``reports.courses``), revoke after a confirmation. Every
change audited by the service.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action
from lrs_bridge.auth.scopes import XAPI_SCOPES
from lrs_bridge.web import forms
from lrs_bridge.web.pages import Ctx, not_found, page
from reports.model import Course


def reported_by(courses: list[Course]) -> dict[str, list[Course]]:
    """Credential key → the courses that trust it as a reporter."""
    found: dict[str, list[Course]] = {}
    for course in courses:
        reporters = course.reporters
        for key in reporters.credentials if reporters else ():
            found.setdefault(key, []).append(course)
    return found


async def credentials_list(ctx: Ctx) -> Response:
    services = ctx.services
    credentials = await services.store.list_credentials()
    last = await services.credentials.last_uses([c.key for c in credentials])
    courses = reported_by(await services.reports.list_courses())
    query = ctx.request.query_params
    return ctx.render(
        "credentials.html",
        credentials=sorted(credentials, key=lambda c: (not c.active, c.label.lower(), c.key)),
        last=last,
        courses=courses,
        revoked=query.get("revoked"),
    )


async def new_credential(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    errors: dict[str, str] = {}
    label = ctx.value("label")
    scopes = (
        [s for s in ctx.form.getlist("scope") if isinstance(s, str)]
        if ctx.form is not None
        else ["statements/write"]
    )
    if ctx.request.method == "POST":
        if not label:
            errors["label"] = ctx.t("web.credentials.error.label")
        elif len(label) > 200:
            errors["label"] = ctx.t("web.credentials.error.label_long")
        if not scopes or any(s not in XAPI_SCOPES for s in scopes):
            errors["scope-0"] = ctx.t("web.credentials.error.scopes")
        if not errors:
            try:
                created = await ctx.services.credentials.create(label, scopes, ctx.principal)
            except ValueError:
                errors["label"] = ctx.t("web.credentials.error.label")
            else:
                return ctx.render(
                    "credential_created.html",
                    201,
                    credential=created.credential,
                    secret=created.secret,
                    endpoint=ctx.services.settings.base_url + "/xapi/",
                )
    return ctx.render(
        "credential_new.html",
        400 if errors else 200,
        label=label,
        chosen=set(scopes),
        scopes=XAPI_SCOPES,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.credentials.not_created"),
    )


async def revoke_credential(ctx: Ctx) -> Response:
    """A confirmation that says which courses lose a reporter, then the revocation."""
    assert ctx.principal is not None
    key = str(ctx.request.path_params["key"])
    services = ctx.services
    credential = await services.store.get_credential(key)
    if credential is None or not credential.active:
        return not_found(ctx)
    if ctx.request.method != "POST":
        courses = reported_by(await services.reports.list_courses()).get(key, [])
        return ctx.render("credential_revoke.html", credential=credential, courses=courses)
    if not await services.credentials.revoke(key, ctx.principal):
        return not_found(ctx)
    return ctx.redirect(f"/credentials?revoked={key}")


def routes() -> list[Route]:
    manage = Action.CREDENTIALS_MANAGE
    both = ["GET", "HEAD", "POST"]
    return [
        Route("/credentials", page(credentials_list, {"GET": manage}), methods=["GET", "HEAD"]),
        Route(
            "/credentials/new",
            page(new_credential, {"GET": manage, "POST": manage}),
            methods=both,
        ),
        Route(
            "/credentials/{key}/revoke",
            page(revoke_credential, {"GET": manage, "POST": manage}),
            methods=both,
        ),
    ]
