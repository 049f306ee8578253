"""``/api/v1/bridge``: upstream sources, forwarding targets, pulls and the outbox (national
admins only; secrets go in, never out)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.access import Principal
from lrs_bridge.bridge.service import BridgeService
from lrs_bridge.gate import services
from lrs_bridge.http.api.common import count, json_object
from lrs_bridge.http.responses import JSONResponse

PREFIX = "/api/v1/bridge"


def bridge(request: Request) -> BridgeService:
    return services(request).bridge


def _name(request: Request) -> str:
    name: str = request.path_params["name"]
    return name


async def list_sources(request: Request, principal: Principal) -> Response:
    sources = await bridge(request).list_sources()
    return JSONResponse({"sources": [s.public() for s in sources]})


async def add_source(request: Request, principal: Principal) -> Response:
    source = await bridge(request).add_source(await json_object(request), principal)
    return JSONResponse(
        source.public(), 201, headers={"Location": f"{PREFIX}/sources/{source.name}"}
    )


async def get_source(request: Request, principal: Principal) -> Response:
    """The source with its checkpoint and status, and the latest bad statements it sent."""
    service = bridge(request)
    source = await service.get_source(_name(request))
    problems = await service.problems(source.name, count(request, "problems", 100, 1000))
    return JSONResponse({**source.public(), "problems": [p.public() for p in problems]})


async def remove_source(request: Request, principal: Principal) -> Response:
    name = _name(request)
    await bridge(request).remove_source(name, principal)
    return JSONResponse({"removed": name})


async def pull_source(request: Request, principal: Principal) -> Response:
    """Start a pull now, in the background (202); its outcome shows on the source."""
    service = bridge(request)
    source = await service.get_source(_name(request))
    started = service.pull_soon(source.name)
    return JSONResponse(
        {"source": source.name, "pull": "started" if started else "running"},
        202,
        headers={"Location": f"{PREFIX}/sources/{source.name}"},
    )


async def list_targets(request: Request, principal: Principal) -> Response:
    targets = await bridge(request).list_targets()
    return JSONResponse({"targets": [t.public() for t in targets]})


async def add_target(request: Request, principal: Principal) -> Response:
    target = await bridge(request).add_target(await json_object(request), principal)
    return JSONResponse(
        target.public(), 201, headers={"Location": f"{PREFIX}/targets/{target.name}"}
    )


async def get_target(request: Request, principal: Principal) -> Response:
    """The target with its queue and status, and the latest statements it refused."""
    service = bridge(request)
    target = await service.get_target(_name(request))
    rejected = await service.rejected(target.name, count(request, "rejected", 100, 1000))
    return JSONResponse({**target.public(), "rejected": rejected})


async def remove_target(request: Request, principal: Principal) -> Response:
    name = _name(request)
    await bridge(request).remove_target(name, principal)
    return JSONResponse({"removed": name})


async def outbox(request: Request, principal: Principal) -> Response:
    """Per target: statements waiting, sent, refused, and the last error."""
    targets = await bridge(request).list_targets()
    return JSONResponse(
        {
            "targets": [
                {
                    key: t.public()[key]
                    for key in (
                        "name",
                        "queue",
                        "sent_total",
                        "rejected_total",
                        "last_sent_at",
                        "last_error",
                        "last_error_at",
                    )
                }
                for t in targets
            ]
        }
    )
