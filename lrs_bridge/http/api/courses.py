"""Courses: configured centrally, read by everyone."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.http.api.common import audit, json_object, reports
from lrs_bridge.http.responses import JSONResponse
from reports.exports import to_json


def _course_id(request: Request) -> str:
    value: str = request.path_params["course_id"]
    return value


async def list_courses(request: Request, principal: Principal) -> Response:
    return JSONResponse({"courses": to_json(await reports(request).list_courses())})


async def get_course(request: Request, principal: Principal) -> Response:
    return JSONResponse(to_json(await reports(request).get_course(_course_id(request))))


async def add_course(request: Request, principal: Principal) -> Response:
    course = await reports(request).add_course(await json_object(request))
    await audit(request, principal, "course.create", "course", course.id, None)
    return JSONResponse(to_json(course), 201, headers={"Location": f"/api/v1/courses/{course.id}"})


async def change_course(request: Request, principal: Principal) -> Response:
    course = await reports(request).change_course(_course_id(request), await json_object(request))
    await audit(request, principal, "course.change", "course", course.id, None)
    return JSONResponse(to_json(course))
