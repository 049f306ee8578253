"""The ``cmi5`` launch kind of a personal link (``/l/{token}``, decisions 0006 and 0007):
the LMS launches an AU for the link's participant, in the link's registration, and the
browser goes to the AU's URL with endpoint, fetch, actor, registration and activityId
(cmi5 spec 8.1). The fetch URL (``lrs_bridge.http.cmi5``) then hands the AU the link's
per-learner credential, bound to that registration.

A course of one AU starts at once. A course of several shows its parts, each done or not by
its moveOn, with a link to each (``?au=N``); the AU's ``returnURL`` brings the learner back
to that page."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.responses import Response

from lrs_bridge.cmi5.moveon import AuStatus, au_satisfied
from lrs_bridge.cmi5.service import Cmi5Course
from lrs_bridge.cmi5.structure import title_of
from lrs_bridge.launch import Launch
from lrs_bridge.web.launch import register_launch_kind
from lrs_bridge.web.pages import Ctx

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Part:
    index: int
    title: str
    done: bool


async def launch_cmi5(ctx: Ctx, launch: Launch) -> Response:
    target = launch.target
    cmi5 = ctx.services.cmi5
    course = await cmi5.require(target.course.id)
    aus = course.structure.aus
    chosen = ctx.request.query_params.get("au")
    if len(aus) > 1 and not (chosen and chosen.isdigit() and int(chosen) < len(aus)):
        return await _parts(ctx, launch, course)
    actor = await cmi5.participant_actor(
        target.participant, target.course.id, target.link.registration
    )
    started = await cmi5.launch(
        target.course.id,
        actor,
        au_index=int(chosen) if len(aus) > 1 and chosen else 0,
        registration=target.link.registration,
        link_token=target.link.token,
        document_owner=f"launch:{target.link.id}",
        return_url=ctx.services.launch.url(target.link.token) if len(aus) > 1 else None,
    )
    log.info("launch %s (cmi5) of link %s", target.course.id, target.link.id)
    return ctx.redirect(started.url)


async def _parts(ctx: Ctx, launch: Launch, course: Cmi5Course) -> Response:
    target = launch.target
    statuses = await ctx.services.cmi5.statuses(target.link.registration)
    parts = [
        Part(
            au.index,
            title_of(au.title, ctx.language),
            au_satisfied(au.move_on, statuses.get(au.index, AuStatus())),
        )
        for au in course.structure.aus
    ]
    return ctx.render(
        "launch_cmi5.html",
        course=target.course,
        participant=target.participant,
        workshop=target.workshop,
        parts=parts,
        all_done=all(part.done for part in parts),
    )


register_launch_kind("cmi5", launch_cmi5)
