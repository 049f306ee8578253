"""Issue 15, the workshop side of running the service from the browser: exempting a
participant from a course with a reason (and undoing it), and connecting a learner
identity the course saw to a participant, from the unmatched learners' suggestions or by
searching the list (and undoing it); and which roles must take each of a workshop's
courses.

Every page is declared with its ``Action`` and locator and goes through the pages' one
gate (``lrs_bridge.web.pages.page``, the API's ``refusal``); the routes are listed in
``routes()``, which ``pages.web_routes`` includes. A county admin may connect only a
learner their learners' page shows them (``ReportsService.learner_in_county``): anything
else is "not found", as an object outside their scope is.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action, Principal
from lrs_bridge.gate import PARTICIPANT, WORKSHOP
from lrs_bridge.web import forms
from lrs_bridge.web.pages import Ctx, fold, not_found, page
from reports.matching import display_of
from reports.model import ROLES, Participant, Workshop
from statements.errors import XapiError

MAX_FOUND = 50
"""Participants a search shows at most."""


def _ids(ctx: Ctx) -> tuple[str, str]:
    params = ctx.request.path_params
    return str(params["workshop_id"]), str(params["participant_id"])


def _by(principal: Principal) -> str:
    return str(principal.user_id)


# --- exemptions ---------------------------------------------------------------------------


async def exemptions(ctx: Ctx) -> Response:
    """A participant's exemptions, each with its undo, and the form for a new one (course
    and reason): the error summary names the field, the input is kept."""
    assert ctx.principal is not None
    workshop_id, participant_id = _ids(ctx)
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    person = await reports.get_participant(workshop_id, participant_id)
    values = {"course": ctx.value("course"), "reason": ctx.value("reason")}
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        try:
            made = await reports.exempt(workshop_id, participant_id, values, by=_by(ctx.principal))
        except XapiError as error:
            if error.status != 400:
                raise
            errors = _exemption_errors(ctx, error)
        else:
            await ctx.services.audit.record(
                ctx.principal,
                "participant.exempt",
                "participant",
                participant_id,
                found.county,
                workshop=workshop_id,
                course=made.course_id,
            )
            return ctx.redirect(
                f"/workshops/{workshop_id}/participants/{participant_id}/exemptions?"
                + urlencode({"done": "exempt", "course": made.course_id})
            )
    return await _exemptions_page(ctx, found, person, values, errors)


async def _exemptions_page(
    ctx: Ctx,
    found: Workshop,
    person: Participant,
    values: Mapping[str, str],
    errors: dict[str, str],
) -> Response:
    reports = ctx.services.reports
    names = {course.id: course.name for course in await reports.list_courses()}
    current = await reports.exemptions(found.id, participant_id=person.id)
    done = ctx.request.query_params.get("done", "")
    course = ctx.request.query_params.get("course", "")
    notice = None
    if done in ("exempt", "unexempt") and course in names:
        notice = ctx.t(f"web.exempt.done_{done}", name=person.name, course=names[course])
    return ctx.render(
        "exemptions.html",
        400 if errors else 200,
        workshop=found,
        participant=person,
        exemptions=current,
        courses=[(course_id, names.get(course_id, course_id)) for course_id in found.courses],
        names=names,
        values=values,
        errors=errors,
        notice=notice,
        undo_course=course if done == "exempt" else "",
        form_errors=forms.summary(errors, {"course": f"course-{found.courses[0]}"})
        if found.courses
        else forms.summary(errors),
        error_title=ctx.t("web.exempt.not_saved"),
    )


def _exemption_errors(ctx: Ctx, error: XapiError) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in error.details:
        name = str(detail.get("path", ""))
        name = name if name in ("course", "reason") else "reason"
        key = f"web.exempt.{name}.{detail.get('rule', '')}"
        found.setdefault(name, ctx.t(key) if ctx.has(key) else ctx.t(f"web.exempt.{name}.bad"))
    return found


async def remove_exemption(ctx: Ctx) -> Response:
    """Undo an exemption (the participant's status is judged on the course again)."""
    assert ctx.principal is not None
    workshop_id, participant_id = _ids(ctx)
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    undone = await reports.unexempt(workshop_id, participant_id, ctx.value("course"))
    await ctx.services.audit.record(
        ctx.principal,
        "participant.unexempt",
        "participant",
        participant_id,
        found.county,
        workshop=workshop_id,
        course=undone.course_id,
    )
    return ctx.redirect(
        f"/workshops/{workshop_id}/participants/{participant_id}/exemptions?"
        + urlencode({"done": "unexempt", "course": undone.course_id})
    )


# --- connected learner identities -------------------------------------------------------------


async def _may_connect(ctx: Ctx, identity: str) -> bool:
    """National admins may connect any identity; a county admin one their learners' page
    shows them."""
    assert ctx.principal is not None
    county = ctx.principal.county
    if county is None:
        return True
    return await ctx.services.reports.learner_in_county(identity, county)


async def identities(ctx: Ctx) -> Response:
    """GET: the identities connected to a participant, each with its undo. POST
    (``identity``): connect one, in one action from the learners' page or the search."""
    assert ctx.principal is not None
    workshop_id, participant_id = _ids(ctx)
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    person = await reports.get_participant(workshop_id, participant_id)
    error = None
    if ctx.request.method == "POST":
        identity = ctx.value("identity")
        if not await _may_connect(ctx, identity):
            return not_found(ctx)
        try:
            connected = await reports.connect_identity(
                workshop_id, participant_id, {"identity": identity}, by=_by(ctx.principal)
            )
        except XapiError as refused:
            if refused.status not in (400, 409):
                raise
            error = ctx.t(
                "web.connect.duplicate" if refused.status == 409 else "web.connect.bad_identity"
            )
        else:
            await ctx.services.audit.record(
                ctx.principal,
                "participant.connect",
                "participant",
                participant_id,
                found.county,
                workshop=workshop_id,
                kind=connected.identity.partition(":")[0],
            )
            return ctx.redirect(
                f"/workshops/{workshop_id}/participants/{participant_id}/identities?"
                + urlencode({"connected": connected.identity})
            )
    connected_now = ctx.request.query_params.get("connected", "")
    removed = ctx.request.query_params.get("removed", "")
    return ctx.render(
        "identities.html",
        400 if error else 200,
        workshop=found,
        participant=person,
        identities=await reports.connected_identities(workshop_id, participant_id=person.id),
        connected=connected_now,
        connected_display=display_of(connected_now) if connected_now else "",
        removed_display=display_of(removed) if removed else "",
        error=error,
        form_errors=[("identity-error", error)] if error else None,
        error_title=ctx.t("web.connect.not_saved"),
    )


async def remove_identity(ctx: Ctx) -> Response:
    """Undo a connection: the learner is unmatched again, the participant as before."""
    assert ctx.principal is not None
    workshop_id, participant_id = _ids(ctx)
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    undone = await reports.disconnect_identity(workshop_id, participant_id, ctx.value("identity"))
    await ctx.services.audit.record(
        ctx.principal,
        "participant.disconnect",
        "participant",
        participant_id,
        found.county,
        workshop=workshop_id,
        kind=undone.identity.partition(":")[0],
    )
    return ctx.redirect(
        f"/workshops/{workshop_id}/participants/{participant_id}/identities?"
        + urlencode({"removed": undone.identity})
    )


def _matches(person: Participant, words: list[str]) -> bool:
    haystack = fold(f"{person.name} {person.email} {person.municipality_name}")
    return all(word in haystack for word in words)


async def connect_search(ctx: Ctx) -> Response:
    """Search the participants (of the person's county) to connect a learner to: by name,
    e-mail or municipality; each found one with a button that connects at once."""
    assert ctx.principal is not None
    identity = ctx.request.query_params.get("identity", "").strip()
    query = ctx.request.query_params.get("q", "").strip()[:200]
    if not identity or not await _may_connect(ctx, identity):
        return not_found(ctx)
    reports = ctx.services.reports
    workshops = {w.id: w for w in await reports.list_workshops(ctx.principal.county)}
    found: list[tuple[Participant, Workshop]] = []
    words = [fold(word) for word in query.split()]
    if words:
        people = await reports.storage.participants(county=ctx.principal.county)
        for person in people:
            if person.workshop_id in workshops and _matches(person, words):
                found.append((person, workshops[person.workshop_id]))
                if len(found) > MAX_FOUND:
                    break
    return ctx.render(
        "connect.html",
        identity=identity,
        display=display_of(identity),
        query=query,
        found=found[:MAX_FOUND],
        more=len(found) > MAX_FOUND,
    )


# --- requirements per role -------------------------------------------------------------------


async def requirements(ctx: Ctx) -> Response:
    """Which roles must take each of the workshop's courses (none ticked: everyone)."""
    assert ctx.principal is not None
    workshop_id = str(ctx.request.path_params["workshop_id"])
    reports = ctx.services.reports
    found = await reports.get_workshop(workshop_id)
    names = {course.id: course.name for course in await reports.list_courses()}
    current: Mapping[str, tuple[str, ...]] = await reports.workshop_requirements(workshop_id)
    errors: dict[str, str] = {}
    saved = ctx.request.query_params.get("saved") == "1"
    if ctx.request.method == "POST":
        form = ctx.form
        assert form is not None
        chosen = {
            course: [str(role) for role in form.getlist(f"roles-{course}")]
            for course in found.courses
        }
        try:
            await reports.set_workshop_requirements(
                workshop_id, {c: roles for c, roles in chosen.items() if roles}
            )
        except XapiError as error:
            if error.status != 400:
                raise
            errors = {found.courses[0]: ctx.t("web.requirements.one_for_everyone")}
            current = {c: tuple(roles) for c, roles in chosen.items() if roles}
        else:
            await ctx.services.audit.record(
                ctx.principal,
                "workshop.requirements",
                "workshop",
                workshop_id,
                found.county,
                courses=sorted(c for c, roles in chosen.items() if roles),
            )
            return ctx.redirect(f"/workshops/{workshop_id}/requirements?saved=1")
    first = found.courses[0] if found.courses else ""
    return ctx.render(
        "requirements.html",
        400 if errors else 200,
        workshop=found,
        courses=[(course, names.get(course, course)) for course in found.courses],
        current=current,
        roles=ROLES,
        errors=errors,
        saved=saved,
        form_errors=[(f"roles-{first}-{ROLES[0]}", errors[first])] if errors else None,
        error_title=ctx.t("web.requirements.not_saved"),
    )


def routes() -> list[Route]:
    both = ["GET", "HEAD", "POST"]
    write = Action.PARTICIPANTS_WRITE
    base = "/workshops/{workshop_id}/participants/{participant_id}"
    return [
        Route(
            base + "/exemptions",
            page(exemptions, {"GET": write, "POST": write}, PARTICIPANT),
            methods=both,
        ),
        Route(
            base + "/exemptions/remove",
            page(remove_exemption, {"POST": write}, PARTICIPANT),
            methods=["POST"],
        ),
        Route(
            base + "/identities",
            page(identities, {"GET": write, "POST": write}, PARTICIPANT),
            methods=both,
        ),
        Route(
            base + "/identities/remove",
            page(remove_identity, {"POST": write}, PARTICIPANT),
            methods=["POST"],
        ),
        Route("/learners/connect", page(connect_search, {"GET": write}), methods=["GET", "HEAD"]),
        Route(
            "/workshops/{workshop_id}/requirements",
            page(
                requirements,
                {"GET": Action.WORKSHOPS_WRITE, "POST": Action.WORKSHOPS_WRITE},
                WORKSHOP,
            ),
            methods=both,
        ),
    ]


__all__ = ["routes"]
