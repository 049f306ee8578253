"""Validation of incoming statements in helper processes, so that the service uses both
cores: the event loop and the store's writer share one interpreter lock, and validating a
statement (pydantic, about 40 µs) was the largest part of that lock's time during ingest.

The service re-encodes the statements it has parsed (``orjson.dumps``, a few µs each),
sends them to a helper over a local socket, and goes on serving other requests while the
helper parses and validates them with the one validation layer (``validate_statements``).
The answer is the same ``BadRequest`` (or nothing) the service would have raised itself.
Whatever goes wrong with a helper (it died, the statements cannot be encoded, an
unexpected error) the statements are validated in the service's own process instead: the
outcome never depends on the helper, only the speed does.

A helper is ``python -m statements.validation_pool`` with one end of a socket pair; it
exits when the service closes its end (or dies). It writes nothing to any log: statements
carry personal data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from statements.errors import BadRequest
from statements.prepare import prepare
from statements.validation import validate_statements

log = logging.getLogger("statements.validation")

_HEADER = struct.Struct("!IQ")  # the payload's length, the request's number
_OK, _BAD, _FAILED = 0, 1, 2
RESPAWN_AFTER = 5.0  # seconds between attempts to replace a helper that died


def helper_count(setting: int) -> int:
    """Helpers for a ``validation_processes`` setting: -1 = one fewer than the CPUs this
    process may use (none on one CPU), else the number given."""
    if setting >= 0:
        return setting
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(cpus - 1, 0)


@dataclass(eq=False)
class _Helper:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: dict[int, asyncio.Future[list[Any]]] = field(default_factory=dict)
    buffer: bytearray = field(default_factory=bytearray)
    alive: bool = True


class _HelperLost(Exception):
    """The helper went away before it answered: validate in-process."""


class ValidationPool:
    """``validate`` as ``validate_statements`` does, in helper processes when it pays.

    ``min_statements``: smaller requests are validated in-process (a trip to a helper
    costs the event loop about as much as validating one statement)."""

    def __init__(self, processes: int, *, min_statements: int = 2) -> None:
        self.processes = processes
        self.min_statements = min_statements
        self._helpers: list[_Helper] = []
        self._next_id = 0
        self._last_spawn = 0.0
        self._open = False
        self.stats = {"remote": 0, "local": 0, "fallbacks": 0}

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self._open = True
        for _ in range(self.processes):
            self._spawn()

    async def stop(self) -> None:
        self._open = False
        helpers, self._helpers = self._helpers, []
        for helper in helpers:
            self._lost(helper)
        for helper in helpers:
            try:
                await asyncio.to_thread(helper.process.wait, 5)
            except subprocess.TimeoutExpired:
                helper.process.kill()
                await asyncio.to_thread(helper.process.wait)

    def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        # Counted before the attempt: a helper that cannot be started is tried again at
        # most every RESPAWN_AFTER seconds, not (with a logged error) on every request.
        self._last_spawn = time.monotonic()
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "statements.validation_pool", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                # Ctrl-C in a terminal reaches the whole process group: the helper leaves
                # when the service closes its socket, not before.
                start_new_session=True,
            )
        except OSError:
            ours.close()
            log.exception("no validation helper could be started; validating in-process")
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        helper = _Helper(process, ours)
        self._helpers.append(helper)
        loop.add_reader(ours.fileno(), self._readable, helper)

    def _lost(self, helper: _Helper) -> None:
        if not helper.alive:
            return
        helper.alive = False
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(helper.sock.fileno())
        helper.sock.close()
        for future in helper.pending.values():
            if not future.done():
                future.set_exception(_HelperLost())
        helper.pending.clear()
        if helper in self._helpers:
            self._helpers.remove(helper)
            if self._open:
                log.warning(
                    "a validation helper stopped; it is replaced within %.0f s", RESPAWN_AFTER
                )

    def _pick(self) -> _Helper | None:
        if (
            self._open
            and len(self._helpers) < self.processes
            and time.monotonic() - self._last_spawn > RESPAWN_AFTER
        ):
            self._spawn()
        live = [helper for helper in self._helpers if helper.alive]
        return min(live, key=lambda helper: len(helper.pending)) if live else None

    # --- validating -------------------------------------------------------------------------

    async def validate(
        self,
        items: list[Any],
        version: str,
        *,
        batch: bool = True,
        authority: dict[str, Any] | None = None,
    ) -> list[set[tuple[int, str]]] | None:
        """Raise ``BadRequest`` for invalid statements, exactly as ``validate_statements``.

        When a helper validated them, also each statement's index keys as ``prepare``
        with ``authority`` computes them (so the service need not); else None."""
        helper = self._pick() if len(items) >= self.min_statements else None
        if helper is not None:
            try:
                # orjson.JSONEncodeError is a TypeError: what JSON cannot carry (a number
                # beyond 64 bits, say) is validated here.
                payload = orjson.dumps([version, batch, authority, items])
            except TypeError:
                payload = None
            try:
                answer = None if payload is None else await self._ask(helper, payload)
            except (_HelperLost, OSError):
                answer = None
            if answer is not None and answer[0] == _OK:
                self.stats["remote"] += 1
                return [{(kind, value) for kind, value in keys} for keys in answer[1]]
            if answer is not None and answer[0] == _BAD:
                self.stats["remote"] += 1
                raise BadRequest(answer[1], answer[2])
            self.stats["fallbacks"] += 1
        else:
            self.stats["local"] += 1
        validate_statements(items, version, batch=batch)
        return None

    async def _ask(self, helper: _Helper, payload: bytes) -> list[Any]:
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        helper.pending[request_id] = future
        try:
            async with helper.send_lock:
                if not helper.alive:
                    raise _HelperLost()
                await asyncio.get_running_loop().sock_sendall(
                    helper.sock, _HEADER.pack(len(payload), request_id) + payload
                )
            return await future
        except OSError:
            self._lost(helper)
            raise
        finally:
            helper.pending.pop(request_id, None)

    def _readable(self, helper: _Helper) -> None:
        try:
            chunk = helper.sock.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._lost(helper)
            return
        buffer = helper.buffer
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            size, request_id = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            answer = orjson.loads(bytes(buffer[_HEADER.size : _HEADER.size + size]))
            del buffer[: _HEADER.size + size]
            future = helper.pending.get(request_id)
            if future is not None and not future.done():
                future.set_result(answer)


# --- the helper process -------------------------------------------------------------------------


def _answer(payload: bytes) -> bytes:
    try:
        version, batch, authority, items = orjson.loads(payload)
        validate_statements(items, version, batch=batch)
        keys = [
            sorted(prepare(item, authority=authority, version=version, credential=None).index)
            for item in items
        ]
        return orjson.dumps([_OK, keys])
    except BadRequest as error:
        return orjson.dumps([_BAD, error.message, error.details])
    except Exception:  # anything else: the service validates these itself
        return orjson.dumps([_FAILED])


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def serve(fd: int) -> None:
    """Answer validation requests on socket ``fd`` until the service closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    while True:
        header = _read_exactly(sock, _HEADER.size)
        if header is None:
            return
        size, request_id = _HEADER.unpack(header)
        payload = _read_exactly(sock, size)
        if payload is None:
            return
        answer = _answer(payload)
        sock.sendall(_HEADER.pack(len(answer), request_id) + answer)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
