"""The invitation page of a workshop (issue 14, usability test F4): who would be invited,
each with their personal launch links, the e-mail they get, and the send. Reached after a
list is saved and from the workshop page; participants added later appear here on their
own (they have not been invited yet), so they can be invited one by one. The send runs in
the background (usability test F13); the page redirects to how far it has come
(``lrs_bridge.web.sending``).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action
from lrs_bridge.gate import WORKSHOP
from lrs_bridge.web import forms
from lrs_bridge.web.pages import (
    Ctx,
    _by_person,
    _chosen,
    _chosen_municipality,
    page,
)
from reports.model import Workshop
from reports.reminding import INVITE


async def _send(
    ctx: Ctx, found: Workshop, municipality: str | None, reply_to: str | None, chosen: set[str]
) -> Response:
    assert ctx.principal is not None
    run = await ctx.services.reminders.start_invite(
        found.id,
        municipality=municipality,
        sent_by=str(ctx.principal.user_id),
        reply_to=reply_to,
        only=chosen,
    )
    details: dict[str, Any] = {
        "planned": run.planned,
        "not_invited": run.skipped,
        "chosen": len(chosen),
        "run": run.id,
    }
    if municipality is not None:
        details["municipality"] = municipality
    await ctx.services.audit.record(
        ctx.principal, "invitations.send", "workshop", found.id, found.county, **details
    )
    return ctx.redirect(f"/workshops/{found.id}/invitations/runs/{run.id}")


async def invitations(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    workshop_id: str = ctx.request.path_params["workshop_id"]
    services = ctx.services
    municipality, choices = await _chosen_municipality(ctx, workshop_id)
    found = await services.reports.get_workshop(workshop_id, municipality=municipality)
    sender = await services.people.find_user(str(ctx.principal.user_id))
    reply_to = sender.email if sender is not None else None
    desk = services.reminders
    preview = await desk.invitation_preview(
        workshop_id, municipality=municipality, reply_to=reply_to
    )
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        chosen = _chosen(ctx) or set()
        if not chosen and preview.plan.send:
            errors[f"participant-{preview.plan.send[0].participant_id}"] = ctx.t(
                "web.invitations.choose_someone"
            )
        else:
            return await _send(ctx, found, municipality, reply_to, chosen)
    people = {
        p.id: p
        for p in await services.reports.list_participants(workshop_id, municipality=municipality)
    }
    invited = [
        e
        for e in await desk.entries(workshop_id)
        if e.participant_id in people and e.trigger.startswith(INVITE)
    ]
    invited.reverse()
    return ctx.render(
        "invitations.html",
        400 if errors else 200,
        workshop=found,
        preview=preview,
        to_invite=_by_person(preview.plan.send),
        municipality=municipality,
        choices=choices,
        chosen=_chosen(ctx),
        deadline_passed=desk.clock() >= found.deadline,
        entries=invited[:200],
        people=people,
        errors=errors,
        form_errors=forms.summary(errors),
        error_title=ctx.t("web.invitations.not_sent"),
    )


def invitation_routes() -> list[Route]:
    both = {"GET": Action.REMINDERS_SEND, "POST": Action.REMINDERS_SEND}
    return [
        Route(
            "/workshops/{workshop_id}/invitations",
            page(invitations, both, WORKSHOP),
            methods=["GET", "HEAD", "POST"],
        )
    ]
