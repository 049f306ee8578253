"""Exponential backoff between tries of a call to another LRS."""

from __future__ import annotations

import asyncio
import contextlib
import random


class Backoff:
    """Waits that double from ``first`` up to ``most`` seconds, each spread by ±20 % so
    that many clients of one LRS do not come back in step."""

    def __init__(self, first: float, most: float) -> None:
        self.first = first
        self.most = max(most, first)
        self._next = first

    def delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.most)
        return min(delay * random.uniform(0.8, 1.2), self.most)

    def reset(self) -> None:
        self._next = self.first


async def wait_for_event(event: asyncio.Event, seconds: float) -> None:
    """Until ``event`` is set or ``seconds`` pass; clears it. (asyncio.timeout, not
    wait_for: on 3.11 wait_for can swallow a cancellation that meets a wake-up.)"""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()
