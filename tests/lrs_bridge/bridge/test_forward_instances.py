"""Two instances on one PostgreSQL database forward to one target: each runs forwarders for
it, statements arrive through both, and still no statement is sent twice, no two batches
are in flight at once, everything arrives in log order, and when one instance stops the
other carries on."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest

from lrs_bridge.bridge.forward import Forwarder
from lrs_bridge.config import Settings
from statements.log import Writer
from tests.lrs_bridge.bridge.helpers import course, statement
from tests.lrs_bridge.conftest import EngineServices, open_engine_services

AUTHORITY = {"objectType": "Agent", "mbox": "mailto:lrs@lansstyrelsen.se"}


class CountingLRS:
    """A real HTTP server that takes POST …/statements slowly, recording every statement id
    it receives and the most requests it had in flight at once."""

    def __init__(self, delay: float) -> None:
        self.received: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        lock = threading.Lock()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ids = [item["id"] for item in orjson.loads(body)]
                with lock:
                    lrs.in_flight += 1
                    lrs.most_in_flight = max(lrs.most_in_flight, lrs.in_flight)
                time.sleep(delay)
                with lock:
                    lrs.received.extend(ids)
                    lrs.in_flight -= 1
                answer = orjson.dumps(ids)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("X-Experience-API-Version", "1.0.3")
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target_lrs() -> Iterator[CountingLRS]:
    lrs = CountingLRS(delay=0.02)
    try:
        yield lrs
    finally:
        lrs.close()


async def until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    """Poll ``check`` until true (a bound on waiting for background work, naming ``what``)."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.02)


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_two_instances_never_send_one_statement_twice(
    postgres_url: str, settings: Settings, target_lrs: CountingLRS
) -> None:
    first = await open_engine_services(postgres_url, settings)
    second = await open_engine_services(postgres_url, settings)
    instances: list[EngineServices] = [first, second]
    tasks: dict[int, list[asyncio.Task[None]]] = {0: [], 1: []}
    try:
        await first.bridge.add_target(
            {
                "name": "central",
                "endpoint": target_lrs.endpoint,
                "key": "k",
                "secret": "s",
                "batch_size": 4,
            }
        )
        # Two forwarders per instance (one is the service's way; the second proves that
        # a target is held once within an instance too).
        for number, instance in enumerate(instances):
            for _ in range(2):
                forwarder = Forwarder(
                    "central", instance.bridge.storage, instance.store, settings, 0.02
                )
                tasks[number].append(asyncio.create_task(forwarder.run()))

        activity = course("instances")
        stored: list[str] = []
        writer = Writer(authority=AUTHORITY, credential="k1", source=None)
        for round_ in range(20):
            batch = [statement(round_ * 3 + i, activity) for i in range(3)]
            instance = instances[round_ % 2]
            await instance.statements.store_statements(batch, version="1.0.3", writer=writer)
            stored += [item["id"] for item in batch]
            await asyncio.sleep(0.01)

        async def all_sent() -> bool:
            return len(target_lrs.received) >= len(stored) and not (
                await first.bridge.storage.queue_lengths()
            )

        await until(all_sent, "every statement forwarded")

        # The first instance stops; the second carries on alone with what comes next.
        await stop(tasks.pop(0))
        later = [statement(100 + i, activity) for i in range(6)]
        await first.statements.store_statements(later, version="1.0.3", writer=writer)
        stored += [item["id"] for item in later]
        await until(all_sent, "the statements stored after the first instance stopped")
        await stop(tasks.pop(1))
        target = await second.bridge.get_target("central")
    finally:
        for remaining in tasks.values():
            await stop(remaining)
        for instance in instances:
            await instance.close()

    assert target_lrs.received == stored  # each once, in log order
    assert target_lrs.most_in_flight == 1
    assert (target.queue, target.sent_total) == (0, len(stored))
