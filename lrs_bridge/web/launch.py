"""``/l/{token}``: a participant's personal launch link (issue 14, decision 0006).

Following a link needs no log-in. A working link is dispatched by its course's launch kind
to the handler registered for that kind in ``LAUNCH_KINDS``:

- ``xapi``: a fresh per-learner credential, then a redirect to the course's URL with the
  launch parameters (``endpoint``, ``auth``, ``actor``, ``registration``, ``activity_id``);
- ``link``: a page saying which e-mail address to use at the external course, then a link
  to the course's own URL;
- ``cmi5``: registered by the cmi5 launch (``register_launch_kind("cmi5", handler)``).

A kind with no handler registered is shown as ``link`` (the course still works, matched by
e-mail address as before launch kinds). A revoked or expired link gets a 410 page that says
whom to contact; an unknown token the 404 page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.launch import Launch, LinkGone
from lrs_bridge.web.pages import Ctx, page

log = logging.getLogger(__name__)

LaunchHandler = Callable[[Ctx, Launch], Awaitable[Response]]
"""Starts a course for a working link: ``ctx`` is the request (no person is logged in),
``launch`` says who, which course of which workshop and until when."""

LAUNCH_KINDS: dict[str, LaunchHandler] = {}


def register_launch_kind(kind: str, handler: LaunchHandler) -> None:
    """Make ``handler`` start the courses of launch kind ``kind`` (one of
    ``reports.model.LAUNCH_KINDS``)."""
    LAUNCH_KINDS[kind] = handler


async def launch_xapi(ctx: Ctx, launch: Launch) -> Response:
    """The xAPI launch: a fresh per-learner credential in the course's URL."""
    service = ctx.services.launch
    issued = await service.issue_credential(launch)
    log.info("launch %s (xapi) of link %s", launch.target.course.id, launch.target.link.id)
    return ctx.leave(service.xapi_url(launch, issued))


async def launch_link(ctx: Ctx, launch: Launch) -> Response:
    """A course hosted elsewhere: which e-mail address to use there, then its URL."""
    target = launch.target
    return ctx.render(
        "launch_link.html",
        course=target.course,
        participant=target.participant,
        workshop=target.workshop,
    )


register_launch_kind("xapi", launch_xapi)
register_launch_kind("link", launch_link)


async def open_link(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    try:
        launch = await ctx.services.launch.resolve(token)
    except LinkGone as gone:
        return _gone(ctx, gone)
    if launch is None:
        return ctx.render(
            "error.html",
            404,
            title=ctx.t("web.launch.not_found.title"),
            message=ctx.t("web.launch.not_found.text"),
        )
    handler = LAUNCH_KINDS.get(launch.target.course.launch_kind, launch_link)
    return await handler(ctx, launch)


def _gone(ctx: Ctx, gone: LinkGone) -> Response:
    settings = ctx.services.settings
    target = gone.target
    until = ctx.services.launch.expires(target) if target is not None else None
    return ctx.render(
        "launch_gone.html",
        410,
        reason=gone.reason,
        until=until,
        contact=gone.contact,
        fallback_email=settings.contact_email,
        course=target.course if target is not None else None,
    )


def launch_routes() -> list[Route]:
    return [
        Route("/l/{token}", page(open_link, {"GET": None}, public=True), methods=["GET", "HEAD"])
    ]
