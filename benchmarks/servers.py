"""The ceilings' servers, run as their own processes by ``benchmarks.run``.

    python -m benchmarks.servers bare --port 8001   # Starlette: parse the JSON body, 200
    python -m benchmarks.servers sink --port 8002   # raw uvloop+httptools: 200, no parsing

``bare`` is the HTTP stack's ceiling: the same Starlette, uvicorn (httptools, uvloop) and
orjson as lrs-bridge, served with the options ``lrs-bridge serve`` uses, and nothing else.
``sink`` answers as fast as Python can so that a generator run against it measures the
generator (with the same Lua script and bodies), not a server.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The uvicorn options of ``lrs-bridge serve`` (lrs_bridge/cli/serve.py, cmd_serve).
UVICORN_OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "loop": "auto",
    "http": "auto",
    "timeout_graceful_shutdown": 5,
}


async def _statements(request: Request) -> Response:
    data = orjson.loads(await request.body())
    items = data if isinstance(data, list) else [data]
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    return Response(orjson.dumps(ids), media_type="application/json")


def bare_app() -> Starlette:
    return Starlette(routes=[Route("/xapi/statements", _statements, methods=["POST"])])


_SINK_RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]"


class _SinkProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        import httptools

        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except Exception:
            if self.transport is not None:
                self.transport.close()

    def on_message_complete(self) -> None:
        if self.transport is not None:
            self.transport.write(_SINK_RESPONSE)


async def _serve_sink(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_SinkProtocol, host, port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="ceiling servers for the benchmark")
    parser.add_argument("kind", choices=["bare", "sink"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.kind == "bare":
        import uvicorn

        uvicorn.run(bare_app(), host=args.host, port=args.port, **UVICORN_OPTIONS)
    else:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        asyncio.run(_serve_sink(args.host, args.port))


if __name__ == "__main__":
    main()
