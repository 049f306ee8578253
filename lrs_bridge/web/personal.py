"""The information page on personal data (GDPR art. 13, issue 16): what the service stores
about participants, why, for how long, who sees it and whom to contact. Public (no log-in),
linked from the log-in page and from every reminder e-mail. Its texts are the domain's
catalogue entries (``reports.texts``, ``privacy.*``), the same the register extract
carries, so that the page and the extract never say different things."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from lrs_bridge.gate import content_disposition
from lrs_bridge.privacy.service import extract_xlsx
from lrs_bridge.web import forms
from lrs_bridge.web.pages import Ctx, finish
from statements.errors import XapiError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PATH = "/personuppgifter"


async def privacy_page(ctx: Ctx) -> Response:
    settings = ctx.services.settings
    return ctx.render(
        "privacy.html",
        information=ctx.services.privacy.information(ctx.language),
        contact=settings.privacy_contact or settings.contact_email,
    )


# --- national admins: retention rules, what a purge would remove, register extracts --------

ADMIN_PATH = "/personuppgifter/hantera"


async def personal_admin(ctx: Ctx) -> Response:
    """The retention rules in force and (on request) what a purge would remove now, per
    kind; and the register extract of one person, downloaded as XLSX or JSON."""
    services = ctx.services
    errors: dict[str, str] = {}
    email = ""
    if ctx.request.method == "POST":
        email = ctx.value("email")
        form = "json" if ctx.value("format") == "json" else "xlsx"
        try:
            data = await services.privacy.extract(ctx.principal, email)
        except XapiError as error:
            if error.status not in (400, 404):
                raise
            rule = "not_found" if error.status == 404 else "invalid"
            errors = {"email": ctx.t(f"web.privacy.email.{rule}")}
        else:
            content = (
                extract_xlsx(data, ctx.language)
                if form == "xlsx"
                else orjson.dumps(data, option=orjson.OPT_INDENT_2)
            )
            media = XLSX if form == "xlsx" else "application/json"
            response = Response(
                content,
                media_type=media,
                headers={"Content-Disposition": content_disposition(f"registerutdrag.{form}")},
            )
            return finish(ctx.request, response, ctx.session)
    preview = None
    if ctx.request.query_params.get("preview"):
        preview = (await services.retention.run(dry_run=True)).as_json()["counts"]
    settings = services.settings
    return ctx.render(
        "privacy_admin.html",
        400 if errors else 200,
        rules=[
            ("workshop", settings.retention_workshop_months),
            ("unmatched", settings.retention_unmatched_months),
            ("audit", settings.retention_audit_years),
        ],
        mode=settings.erasure_mode,
        preview=preview,
        email=email,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.privacy.not_extracted"),
    )
