"""Login throttling: after ``limit`` failed log-ins for one address, or from one client
address, within ``window`` seconds, further attempts are refused until the window has
passed since the oldest failure counted. Counts are kept in memory per instance (a
password guesser behind a load balancer gets ``limit`` tries per instance, still a
handful per quarter of an hour)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self,
        limit: int = 5,
        window: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        found = self._failures.get(key)
        if found is None:
            return deque()
        while found and now - found[0] >= self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def wait(self, *keys: str) -> float:
        """Seconds until another attempt for these keys is allowed (0: now)."""
        longest = 0.0
        for key in keys:
            recent = self._recent(key)
            if len(recent) >= self.limit:
                longest = max(longest, self.window - (self.clock() - recent[0]))
        return longest

    def failed(self, *keys: str) -> None:
        if len(self._failures) >= self.max_keys:  # bound memory under a flood
            self._failures.clear()
        now = self.clock()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
