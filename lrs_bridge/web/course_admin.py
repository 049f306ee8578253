"""Issue 15: adding and changing courses in the web pages (national admins,
``Action.COURSES_WRITE``), through the same ``ReportsService.add_course`` and
``change_course`` the API's ``POST``/``PUT /api/v1/courses`` call, with the same checks
(``reports.courses.parse_course``), and audited the same way (``course.create``,
``course.change``). The change page also says which workshops require the course.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action
from lrs_bridge.web import forms
from lrs_bridge.web.pages import Ctx, not_found, page
from reports.model import Course
from statements.errors import NotFound, XapiError

COURSE_FIELDS = ("name", "rule", "activities", "url", "description", "launch_kind", "reporters")


def _values(course: Course | None) -> dict[str, Any]:
    if course is None:
        return {
            "name": "",
            "rule": "any_of",
            "activities": "",
            "url": "",
            "description": "",
            "launch_kind": "link",
            "credentials": [],
            "sources": [],
        }
    reporters = course.reporters
    return {
        "name": course.name,
        "rule": course.rule,
        "activities": "\n".join(course.activities),
        "url": course.url or "",
        "description": course.description or "",
        "launch_kind": course.launch_kind,
        "credentials": list(reporters.credentials) if reporters else [],
        "sources": list(reporters.sources) if reporters else [],
    }


def _posted(ctx: Ctx) -> dict[str, Any]:
    form = ctx.form
    assert form is not None
    chosen = {
        name: [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        for name in ("credentials", "sources")
    }
    raw = form.get("activities")
    return {
        "name": ctx.value("name"),
        "rule": ctx.value("rule") or "any_of",
        "activities": raw if isinstance(raw, str) else "",
        "url": ctx.value("url"),
        "description": ctx.value("description"),
        "launch_kind": ctx.value("launch_kind") or "link",
        **chosen,
    }


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """The service's input, as the API takes it."""
    data: dict[str, Any] = {
        "name": values["name"],
        "rule": values["rule"],
        "launch_kind": values["launch_kind"],
        "activities": [line.strip() for line in values["activities"].splitlines() if line.strip()],
        "reporters": {"credentials": values["credentials"], "sources": values["sources"]},
    }
    if values["url"]:
        data["url"] = values["url"]
    if values["description"]:
        data["description"] = values["description"]
    return data


def _errors(ctx: Ctx, error: XapiError) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in error.details:
        path = str(detail.get("path", "")).split(".")[0].split("[")[0]
        name = path if path in COURSE_FIELDS else "name"
        if name == "reporters":
            name = "credentials"
        rule = str(detail.get("rule", ""))
        key = f"web.course.error.{name}.{rule}"
        found.setdefault(name, ctx.t(key) if ctx.has(key) else ctx.t(f"web.course.error.{name}"))
    return found or {"name": ctx.t("web.course.error.name")}


async def _form(
    ctx: Ctx, course: Course | None, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    services = ctx.services
    credentials = [c for c in await services.store.list_credentials() if c.active]
    sources = list(await services.bridge.source_names())
    workshops = []
    if course is not None:
        workshops = [w for w in await services.reports.list_workshops() if course.id in w.courses]
    anchors = {
        "credentials": "credential-0" if credentials else "credentials",
        "launch_kind": "launch_kind-" + str(values["launch_kind"]),
    }
    return ctx.render(
        "course_form.html",
        400 if errors else 200,
        course=course,
        values=values,
        errors=errors,
        credentials=credentials,
        sources=sources,
        workshops=workshops,
        # cmi5 is the kind of a course imported from a cmi5 package, never chosen here.
        launch_kinds=("cmi5", "xapi", "link")
        if values["launch_kind"] == "cmi5"
        else ("xapi", "link"),
        form_errors=forms.summary(errors, anchors),
        error_title=ctx.t("web.course.not_saved"),
    )


async def new_course(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    if ctx.request.method != "POST":
        return await _form(ctx, None, _values(None), {})
    values = _posted(ctx)
    try:
        course = await ctx.services.reports.add_course(_data(values))
    except XapiError as error:
        if error.status not in (400, 409):
            raise
        errors = (
            {"name": ctx.t("web.course.error.name.taken")}
            if error.status == 409
            else _errors(ctx, error)
        )
        return await _form(ctx, None, values, errors)
    await ctx.services.audit.record(ctx.principal, "course.create", "course", course.id, None)
    return ctx.redirect(f"/courses#course-{course.id}")


async def edit_course(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    reports = ctx.services.reports
    try:
        course = await reports.get_course(str(ctx.request.path_params["course_id"]))
    except NotFound:
        return not_found(ctx)
    if ctx.request.method != "POST":
        return await _form(ctx, course, _values(course), {})
    values = _posted(ctx)
    try:
        changed = await reports.change_course(course.id, _data(values))
    except XapiError as error:
        if error.status != 400:
            raise
        return await _form(ctx, course, values, _errors(ctx, error))
    await ctx.services.audit.record(ctx.principal, "course.change", "course", changed.id, None)
    return ctx.redirect(f"/courses#course-{changed.id}")


def routes() -> list[Route]:
    write = Action.COURSES_WRITE
    both = ["GET", "HEAD", "POST"]
    return [
        Route("/courses/new", page(new_course, {"GET": write, "POST": write}), methods=both),
        Route(
            "/courses/{course_id}/edit",
            page(edit_course, {"GET": write, "POST": write}),
            methods=both,
        ),
    ]
