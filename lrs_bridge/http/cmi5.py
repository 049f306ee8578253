"""The cmi5 LMS's public routes: the one-time fetch URL an AU posts to for its auth token
(spec 8.2), and the files of imported zip packages. Neither needs a log-in: the fetch URL
is a secret handed to one launch, and package files are course material.

Package files are served from the service's own origin: real AUs (and the ``@xapi/cmi5``
library) read cookies and storage, which a CSP sandbox forbids, so a package's scripts run
as the service's pages do. Only national administrators import packages; the README says
to import only packages from publishers they trust.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.gate import services
from lrs_bridge.http.responses import JSONResponse


async def fetch(request: Request) -> Response:
    """POST only (a GET is not allowed, spec 8.2.1); 200 with the token or the cmi5 error."""
    body = await services(request).cmi5.fetch(request.path_params["secret"])
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def package_file(request: Request) -> Response:
    found = await services(request).cmi5.file(
        request.path_params["course_id"], request.path_params["path"]
    )
    if found is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    content_type, content = found
    return Response(
        content,
        media_type=content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "public, max-age=300",
        },
    )


def cmi5_routes() -> list[Route]:
    return [
        Route("/cmi5/fetch/{secret}", fetch, methods=["POST"]),
        Route("/cmi5/{course_id}/files/{path:path}", package_file, methods=["GET", "HEAD"]),
    ]
