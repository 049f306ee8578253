"""cmi5 courses: import a course structure (``cmi5.xml`` or a zip package with it) as a
course, and read what was imported."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.cmi5.structure import MAX_PACKAGE_BYTES
from lrs_bridge.gate import read_body, services
from lrs_bridge.http.api.common import audit, json_object
from lrs_bridge.http.responses import JSONResponse
from reports.fields import bad

MEDIA_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/xml",
    "text/xml",
    "application/octet-stream",
)


async def import_course(request: Request, principal: Principal) -> Response:
    """The body is the package itself (zip or XML); ``?id=`` chooses the course id (else
    from the course's title)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise bad("Content-Type", "media_type", "send application/zip or application/xml")
    data = await read_body(request, MAX_PACKAGE_BYTES)
    service = services(request).cmi5
    course = await service.import_package(data, request.query_params.get("id") or None)
    await audit(
        request,
        principal,
        "course.import_cmi5",
        "course",
        course.course_id,
        None,
        aus=len(course.structure.aus),
        packaged=course.packaged,
    )
    return JSONResponse(
        service.describe(course),
        201,
        headers={"Location": f"/api/v1/cmi5/courses/{course.course_id}"},
    )


async def get_course(request: Request, principal: Principal) -> Response:
    service = services(request).cmi5
    course = await service.require(request.path_params["course_id"])
    return JSONResponse(service.describe(course))


async def waive(request: Request, principal: Principal) -> Response:
    """An administrator exempts a participant from a cmi5 course (or one of its AUs): the
    LMS writes waived, and satisfied when that meets the course's moveOn."""
    params = request.path_params
    service = services(request)
    waived = await service.cmi5.waive_participant(
        params["workshop_id"],
        params["participant_id"],
        params["course_id"],
        await json_object(request),
    )
    workshop = await service.reports.get_workshop(params["workshop_id"])
    await audit(
        request,
        principal,
        "participant.cmi5_waive",
        "participant",
        params["participant_id"],
        workshop.county,
        course=params["course_id"],
        aus=waived,
    )
    return JSONResponse({"waived": waived})
