"""What authentication may cost: failure throttles and the cap on Argon2 verifications.

Security review 2026-12, findings 4 and 8: every wrong secret for a known key cost an
Argon2 verification (64 MiB, ~0.3 CPU-s) with nothing to stop a flood, and five wrong
passwords from anywhere locked a person out of their own account. The rules now, all kept
in memory per instance:

- **Argon2 runs at most ``concurrency`` at a time** (``LRS_BRIDGE_AUTH_CONCURRENCY``,
  default 2), on threads of its own. Waiters are served by standing: first a person
  logging in from a client they logged in from before (within ``TRUSTED_DAYS``), then by
  how many recent failures their client address has, fewest first, so a flood's requests
  wait behind a real person's; at most ``MAX_WAITING`` wait, and a newcomer with a better
  standing pushes out the worst of them (answered 429).
- **Per client address**: ``CLIENT_FAILURES`` failures of any kind (password, xAPI secret,
  API token) within ``WINDOW`` seconds, and the address gets no more expensive checks (a
  log-in, an old Argon2 machine hash) until the oldest failure is out of the window: 429
  with Retry-After.
- **Per (e-mail address, client address)**: ``PAIR_FAILURES`` wrong passwords and that
  client may not try that address again within the window (429). Another client may: an
  attacker's failures never lock the real person out of their own client.
- **Per e-mail address**: no block at all, a slow-down. From the ``FREE_FAILURES``-th
  recent failure on, each further wrong password for that address is answered only after
  a delay that doubles up to ``MAX_DELAY``; a right password is answered at once, from
  any client not blocked itself.
- **Per xAPI key and per API token**: their secrets are checked with SHA-256 (cheap,
  ``lrs_bridge.auth.hashing``), so a right secret always gets through; beyond
  ``KEY_FAILURES`` failures within the window a wrong one gets 429 instead of 401.

Memory is bounded: each table keeps at most ``max_keys`` keys, dropping the oldest.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from lrs_bridge.auth.hashing import (
    dummy_password_hash,
    is_legacy,
    verify_machine_secret,
    verify_password,
)

T = TypeVar("T")

WINDOW = 900.0
CLIENT_FAILURES = 20
PAIR_FAILURES = 5
KEY_FAILURES = 20
FREE_FAILURES = 5
FIRST_DELAY = 0.5
MAX_DELAY = 8.0
MAX_WAITING = 64
TRUSTED_DAYS = 30


class Throttled(Exception):
    """Too many failures: try again after ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"throttled for {retry_after:.0f} s")
        self.retry_after = retry_after

    @property
    def seconds(self) -> int:
        """For the Retry-After header: whole seconds, at least 1."""
        return max(1, math.ceil(self.retry_after))


class Throttle:
    """Failures per key within a sliding window of ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        found = self._failures.get(key)
        if found is None:
            return deque()
        now = self.clock()
        while found and now - found[0] >= self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def failures(self, key: str) -> int:
        return len(self._recent(key))

    def wait(self, *keys: str) -> float:
        """Seconds until these keys are under the limit again (0: now)."""
        longest = 0.0
        for key in keys:
            recent = self._recent(key)
            if len(recent) >= self.limit:
                longest = max(longest, self.window - (self.clock() - recent[-self.limit]))
        return longest

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            found = self._failures.get(key)
            if found is None:
                if len(self._failures) >= self.max_keys:  # bound memory under a flood
                    for oldest in list(itertools.islice(self._failures, self.max_keys // 10 + 1)):
                        del self._failures[oldest]
                found = self._failures[key] = deque()
            found.append(now)
            while len(found) > self.limit * 4:  # enough to tell "over the limit" apart
                found.popleft()

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


class Verifier:
    """Runs slow hash checks at most ``capacity`` at once, on threads of its own; the
    waiter with the lowest ``priority`` goes first. With a capacity of 2 or more, one
    slot is kept for trusted checks (negative priority: a person on a client they logged
    in from before), so they never wait for a flood's checks to finish, and while one
    runs no other check starts (it has the CPU to itself but for checks already going)."""

    def __init__(self, capacity: int, max_waiting: int = MAX_WAITING) -> None:
        self.capacity = capacity
        self.general = capacity - 1 if capacity > 1 else capacity
        """Slots any check may take; the rest are for trusted ones."""
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(capacity, thread_name_prefix="argon2")
        self._running = 0
        self._running_general = 0
        self._waiting: list[tuple[int, int, asyncio.Future[bool]]] = []
        self._order = itertools.count()

    async def run(self, check: Callable[[str, str], T], *args: str, priority: int = 0) -> T:
        general = await self._acquire(priority)
        loop = asyncio.get_running_loop()
        job = self._pool.submit(check, *args)
        # The slot is given back when the thread is done, not when the request is: a
        # cancelled request does not stop a running Argon2.
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release, general))
        return await asyncio.wrap_future(job)

    def _take(self, priority: int) -> bool | None:
        """Take a slot if one is free for ``priority``: whether it is a general one
        (None: no slot free)."""
        if self._running >= self.capacity:
            return None
        trusted_running = self._running - self._running_general
        if self._running_general < self.general and (priority < 0 or not trusted_running):
            self._running += 1
            self._running_general += 1
            return True
        if priority < 0:
            self._running += 1
            return False
        return None

    async def _acquire(self, priority: int) -> bool:
        if not self._waiting or priority < self._waiting[0][0]:
            taken = self._take(priority)
            if taken is not None:
                return taken
        if len(self._waiting) >= self.max_waiting:
            self._waiting = [entry for entry in self._waiting if not entry[2].done()]
            heapq.heapify(self._waiting)
        if len(self._waiting) >= self.max_waiting:
            worst = max(self._waiting)
            if worst[0] <= priority:
                raise Throttled(1.0)
            self._waiting.remove(worst)
            heapq.heapify(self._waiting)
            worst[2].set_exception(Throttled(1.0))
        granted: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), granted))
        try:
            return await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled() and granted.exception() is None:
                self._release(granted.result())  # granted a slot, cancelled before use
            raise

    def _release(self, general: bool) -> None:
        self._running -= 1
        if general:
            self._running_general -= 1
        while self._waiting:
            priority, _, granted = self._waiting[0]
            if granted.done():  # cancelled or turned away meanwhile
                heapq.heappop(self._waiting)
                continue
            taken = self._take(priority)
            if taken is None:
                return
            heapq.heappop(self._waiting)
            granted.set_result(taken)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class AuthLimits:
    """The throttles and the Argon2 cap, shared by every kind of authentication."""

    def __init__(self, concurrency: int = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self.clients = Throttle(CLIENT_FAILURES, clock=clock)
        self.pairs = Throttle(PAIR_FAILURES, clock=clock)
        self.emails = Throttle(FREE_FAILURES, clock=clock)
        self.keys = Throttle(KEY_FAILURES, clock=clock)
        self.verifier = Verifier(concurrency)
        self.clock = clock
        self._trusted: dict[str, float] = {}
        """(e-mail, client) pairs of right passwords, and when: these go first."""
        self.max_trusted = 100_000

    def _priority(self, client: str) -> int:
        return self.clients.failures(client)

    async def check_machine_secret(
        self, client: str, subject: str, secret_hash: str, secret: str
    ) -> bool:
        """Whether ``secret`` is right for the xAPI key or token ``subject``; raises
        ``Throttled`` for a wrong one beyond the limits (and before an old Argon2 hash
        is verified for a client beyond its limit)."""
        if is_legacy(secret_hash):
            wait = self.clients.wait(client)
            if wait > 0:
                raise Throttled(wait)
            right = await self.verifier.run(
                verify_password, secret_hash, secret, priority=self._priority(client)
            )
        else:
            right = verify_machine_secret(secret_hash, secret)
        if not right:
            self.failed_machine(client, subject)
        return right

    def failed_machine(self, client: str, subject: str | None = None) -> None:
        """Count a wrong (or unknown) key or token; raises ``Throttled`` when the client or
        the key had used up its failures already."""
        keys = [subject] if subject is not None else []
        wait = max(self.clients.wait(client), self.keys.wait(*keys))
        self.clients.failed(client)
        self.keys.failed(*keys)
        if wait > 0:
            raise Throttled(wait)

    async def check_password(
        self, client: str, email: str, password_hash: str | None, password: str
    ) -> bool:
        """Whether ``password`` is right; ``password_hash`` None (no such person, disabled,
        no password) is checked against a dummy hash, so it takes the same time. Raises
        ``Throttled`` when the client, or the client for this address, is blocked."""
        pair = email + "\n" + client
        wait = max(self.clients.wait(client), self.pairs.wait(pair))
        if wait > 0:
            raise Throttled(wait)
        right = await self.verifier.run(
            verify_password,
            password_hash or dummy_password_hash(),
            password,
            priority=-1 if self._is_trusted(pair) else self._priority(client),
        )
        if right and password_hash is not None:
            self.pairs.succeeded(pair)
            self._trust(pair)
            return True
        self.clients.failed(client)
        self.pairs.failed(pair)
        self.emails.failed(email)
        await asyncio.sleep(self.delay(email))
        return False

    def _is_trusted(self, pair: str) -> bool:
        since = self._trusted.get(pair)
        return since is not None and self.clock() - since < TRUSTED_DAYS * 86400

    def _trust(self, pair: str) -> None:
        self._trusted.pop(pair, None)
        if len(self._trusted) >= self.max_trusted:
            del self._trusted[next(iter(self._trusted))]  # the longest unused
        self._trusted[pair] = self.clock()

    def delay(self, email: str) -> float:
        """How long a wrong password for ``email`` is held back (the progressive delay)."""
        beyond = self.emails.failures(email) - FREE_FAILURES
        return 0.0 if beyond < 0 else min(MAX_DELAY, FIRST_DELAY * 2**beyond)

    def close(self) -> None:
        self.verifier.close()
