"""The ``cmi5`` launch kind of a personal link (``/l/{token}``, decision 0006): the LMS
launches the course's first AU for the link's participant, in the link's registration, and
the browser goes to the AU's URL with endpoint, fetch, actor, registration and activityId
(cmi5 spec 8.1). The fetch URL (``lrs_bridge.http.cmi5``) then hands the AU the link's
per-learner credential, bound to that registration."""

from __future__ import annotations

import logging

from starlette.responses import Response

from lrs_bridge.launch import Launch
from lrs_bridge.web.launch import register_launch_kind
from lrs_bridge.web.pages import Ctx

log = logging.getLogger(__name__)


async def launch_cmi5(ctx: Ctx, launch: Launch) -> Response:
    target = launch.target
    cmi5 = ctx.services.cmi5
    started = await cmi5.launch(
        target.course.id,
        cmi5.participant_actor(target.participant),
        registration=target.link.registration,
        link_token=target.link.token,
        document_owner=f"launch:{target.link.id}",
    )
    log.info("launch %s (cmi5) of link %s", target.course.id, target.link.id)
    return ctx.redirect(started.url)


register_launch_kind("cmi5", launch_cmi5)
