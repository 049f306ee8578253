"""The information page on personal data (GDPR art. 13, issue 16): what the service stores
about participants, why, for how long, who sees it and whom to contact. Public (no log-in),
linked from the log-in page and from every reminder e-mail. Its texts are the domain's
catalogue entries (``reports.texts``, ``privacy.*``), the same the register extract
carries, so that the page and the extract never say different things."""

from __future__ import annotations

from starlette.responses import Response

from lrs_bridge.web.pages import Ctx

PATH = "/personuppgifter"


async def privacy_page(ctx: Ctx) -> Response:
    settings = ctx.services.settings
    return ctx.render(
        "privacy.html",
        information=ctx.services.privacy.information(ctx.language),
        contact=settings.privacy_contact or settings.contact_email,
    )
