"""The ASGI stack's own cost per /xapi request, in process: no server, no socket, no
database. ``GET /xapi/about`` (routed, answered, CORS headers added) and a ``POST
/xapi/statements`` refused for its missing version header, each timed over 20,000 calls
to the app (best of five rounds).

    .venv/bin/python -m benchmarks.xapi_stack

The app of another tree (an older commit, to compare; its packages are imported instead):

    .venv/bin/python -m benchmarks.xapi_stack /path/to/other/tree
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from typing import Any

from starlette.types import Message

CASES: dict[str, tuple[str, str, list[tuple[bytes, bytes]]]] = {
    "GET /xapi/about": ("GET", "/xapi/about", [(b"host", b"x"), (b"origin", b"https://k.se")]),
    "POST /xapi/statements, no version": (
        "POST",
        "/xapi/statements",
        [(b"host", b"x"), (b"content-type", b"application/json")],
    ),
}
CALLS = 20_000


def _scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": list(headers),
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


async def _run() -> None:
    from lrs_bridge.config import Settings
    from lrs_bridge.http.app import create_app

    app = create_app(Settings())
    for name, (method, path, headers) in CASES.items():
        for _ in range(CALLS // 10):
            await app(_scope(method, path, headers), _receive, _send)
        rounds = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(CALLS):
                await app(_scope(method, path, headers), _receive, _send)
            rounds.append((time.perf_counter() - start) / CALLS * 1e6)
        shown = ", ".join(f"{r:.1f}" for r in rounds)
        print(f"{name}: {min(rounds):.1f} µs a request (best of 5: {shown})")


def main() -> None:
    if len(sys.argv) > 1:
        sys.path.insert(0, sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("LRS_BRIDGE_DATABASE_URL", f"sqlite:///{folder}/stack.sqlite3")
        os.environ.setdefault("LRS_BRIDGE_SESSION_SECRET", "benchmark")
        asyncio.run(_run())


if __name__ == "__main__":
    main()
