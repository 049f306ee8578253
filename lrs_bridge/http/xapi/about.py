"""The About resource (Communication 2.8): no authentication, no version header needed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge import __version__
from lrs_bridge.http.responses import JSONResponse
from statements.models import VERSION_1, VERSION_2


async def about(request: Request) -> Response:
    return JSONResponse(
        {
            "version": [VERSION_1, VERSION_2],
            "extensions": {
                "https://github.com/lrs-bridge/lrs-bridge/about": {"version": __version__}
            },
        }
    )
