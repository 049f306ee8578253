"""The bridge: sources and targets, pulls on demand and on schedule, and the forwarders.

In the service (``start``/``stop`` with ``Services.open``/``close``) one background task
starts each source's scheduled pull when it is due and keeps one forwarder running per
target, noticing targets added or removed by the CLI within ``idle_seconds``. Command-line
pulls run in their own process; both may pull one source at once without harm (storing is
idempotent and the checkpoint never moves back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from lrs_bridge.auth.access import Principal
from lrs_bridge.bridge.forward import Forwarder
from lrs_bridge.bridge.model import PullProblem, Source, Target, parse_source, parse_target
from lrs_bridge.bridge.pull import Progress, Puller, PullFailed, PullResult
from lrs_bridge.bridge.retry import wait_for_event
from lrs_bridge.bridge.secrets import SealedBridgeStorage, SecretBox, SecretUnreadable
from lrs_bridge.bridge.storage_sql import bridge_storage
from lrs_bridge.config import Settings
from lrs_bridge.people.audit import AuditLog
from statements.errors import NotFound
from statements.log import StatementLog
from statements.prepare import PreparedStatement
from statements.storage.base import Store
from statements.time import now_micros

log = logging.getLogger(__name__)


def _missing(kind: str, name: str) -> NotFound:
    message = f"no bridge {kind} named {name!r}"
    return NotFound(message, [{"path": "name", "rule": "not_found", "message": message}])


BRIDGE_ROLE = "bridge-schedule"


class BridgeService:
    def __init__(
        self,
        store: Store,
        statements: StatementLog,
        audit: AuditLog,
        settings: Settings,
        *,
        idle_seconds: float = 2.0,
    ) -> None:
        """Build before the store opens: the bridge's migrations and its hook into the
        store's statement transactions are registered here."""
        self.store = store
        self.storage = SealedBridgeStorage(bridge_storage(store), SecretBox(settings.secrets_key))
        self.audit = audit
        self.settings = settings
        self.idle_seconds = idle_seconds
        self.puller = Puller(self.storage, statements, settings)
        self._locks: dict[str, asyncio.Lock] = {}
        self._pulls: dict[str, asyncio.Task[None]] = {}
        self._requested: set[str] = set()
        self._forwarders: dict[str, tuple[Forwarder, asyncio.Task[None]]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Run scheduled pulls and the forwarders in the background (the service only);
        first seal secrets stored in plaintext or under an older key, if a key is set."""
        await self.seal_secrets()
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._loop(), name="bridge")

    async def seal_secrets(self) -> int:
        """Seal what is not sealed with the first key (``lrs-bridge secrets rotate`` and
        every start); how many secrets changed. Without a key, say what is in plaintext."""
        try:
            if not self.storage.box.sealing:
                plain = await self.storage.plaintext_count()
                if plain:
                    log.warning(
                        "%d bridge secrets are stored in plaintext: set LRS_BRIDGE_SECRETS_KEY "
                        "to encrypt them (see the README)",
                        plain,
                    )
                return 0
            changed = await self.storage.reseal_all()
        except SecretUnreadable as error:
            log.warning("bridge secrets not sealed: %s", error.message)
            return 0
        if changed:
            log.info("sealed %d bridge secrets with the first key", changed)
        return changed

    async def stop(self) -> None:
        tasks = [t for _, t in self._forwarders.values()] + list(self._pulls.values())
        if self._loop_task is not None:
            tasks.append(self._loop_task)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop_task = None
        self._forwarders.clear()
        self._pulls.clear()
        await self.storage.close()

    def nudge(self, batch: Sequence[PreparedStatement] = ()) -> None:
        """New statements are stored (a ``StatementLog.on_stored`` listener): the
        forwarders look at their outboxes now."""
        for forwarder, _ in self._forwarders.values():
            forwarder.wake.set()

    async def _loop(self) -> None:
        while True:
            wait = self.idle_seconds
            try:
                wait = min(wait, await self._tick())
            except Exception:
                log.exception("bridge scheduling failed; trying again shortly")
            await wait_for_event(self._wake, max(wait, 0.05))

    async def _tick(self) -> float:
        """Keep one forwarder per target and start the pulls that are due; the seconds
        until the next pull is due. Of several instances on one database, one does this
        (two pulling one source would race for its cursor); another takes over when it
        stops or dies."""
        if not await self.store.lead(BRIDGE_ROLE):
            for _, task in self._forwarders.values():
                task.cancel()
            self._forwarders.clear()
            return self.idle_seconds
        names = set(await self.storage.target_names())
        for name in list(self._forwarders):
            forwarder, task = self._forwarders[name]
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.error("the forwarder of target %s stopped: %r", name, task.exception())
            if name not in names or task.done():
                task.cancel()
                del self._forwarders[name]
        for name in sorted(names - set(self._forwarders)):
            forwarder = Forwarder(name, self.storage, self.store, self.settings, self.idle_seconds)
            task = asyncio.create_task(forwarder.run(), name=f"bridge-forward-{name}")
            self._forwarders[name] = (forwarder, task)
        now = now_micros()
        next_due = self.idle_seconds
        for source in await self.storage.list_sources():
            if source.name in self._pulls:
                continue
            due = self._due(source, now)
            if source.name in self._requested or due <= 0:
                self._requested.discard(source.name)
                self._pulls[source.name] = asyncio.create_task(
                    self._scheduled_pull(source), name=f"bridge-pull-{source.name}"
                )
            elif due < next_due:
                next_due = due
        return next_due

    @staticmethod
    def _due(source: Source, now: int) -> float:
        """Seconds until the source's next scheduled pull (infinite: not scheduled)."""
        if source.interval_seconds is None:
            return float("inf")
        if source.last_pull_at is None:
            return 0.0
        return (source.last_pull_at + source.interval_seconds * 1_000_000 - now) / 1_000_000

    async def _scheduled_pull(self, source: Source) -> None:
        try:
            await self.pull(source.name)
        except PullFailed:
            pass  # recorded on the source and logged; the next one is due after the interval
        except NotFound:
            pass  # removed meanwhile
        except SecretUnreadable as error:  # shown on the source as its last error
            log.warning("%s", error.message)
            with contextlib.suppress(Exception):
                await self.storage.finish_pull(source.name, now_micros(), error.message)
        except Exception:
            log.exception("pull from source %s failed", source.name)
        finally:
            self._pulls.pop(source.name, None)
            self._wake.set()

    # --- sources --------------------------------------------------------------------------

    async def add_source(self, data: Any, actor: Principal | None = None) -> Source:
        source = parse_source(data, now_micros())
        await self.storage.add_source(source)
        await self.audit.record(
            actor,
            "bridge.source.add",
            "bridge_source",
            source.name,
            None,
            endpoint=source.remote.endpoint,
        )
        self._wake.set()
        return await self.get_source(source.name)

    async def list_sources(self) -> list[Source]:
        return await self.storage.list_sources()

    async def source_names(self) -> list[str]:
        return [source.name for source in await self.storage.list_sources()]

    async def get_source(self, name: str) -> Source:
        """A source as shown (its secret, never shown, is left sealed)."""
        source = await self.storage.inner.get_source(name)
        if source is None:
            raise _missing("source", name)
        return source

    async def remove_source(self, name: str, actor: Principal | None = None) -> None:
        if not await self.storage.remove_source(name):
            raise _missing("source", name)
        await self.audit.record(actor, "bridge.source.remove", "bridge_source", name, None)

    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]:
        await self.get_source(name)
        return await self.storage.problems(name, limit)

    async def pull(self, name: str, progress: Progress | None = None) -> PullResult:
        """Pull a source now (waits for a pull of it already running in this process)."""
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            source = await self.storage.get_source(name)  # with its secret opened
            if source is None:
                raise _missing("source", name)
            return await self.puller.pull(source, progress)

    def pull_soon(self, name: str) -> bool:
        """Start a pull in the background; False when one of the source runs already."""
        if name in self._pulls:
            return False
        self._requested.add(name)
        self._wake.set()
        return True

    # --- targets --------------------------------------------------------------------------

    async def add_target(self, data: Any, actor: Principal | None = None) -> Target:
        target = parse_target(data, now_micros())
        await self.storage.add_target(target)
        await self.audit.record(
            actor,
            "bridge.target.add",
            "bridge_target",
            target.name,
            None,
            endpoint=target.remote.endpoint,
        )
        self._wake.set()
        return await self.get_target(target.name)

    async def list_targets(self) -> list[Target]:
        """Every target with its queue length and last error."""
        return await self.storage.list_targets()

    async def get_target(self, name: str) -> Target:
        """A target as shown (its secret, never shown, is left sealed)."""
        target = await self.storage.inner.get_target(name)
        if target is None:
            raise _missing("target", name)
        return target

    async def remove_target(self, name: str, actor: Principal | None = None) -> None:
        if not await self.storage.remove_target(name):
            raise _missing("target", name)
        await self.audit.record(actor, "bridge.target.remove", "bridge_target", name, None)
        self._wake.set()

    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        await self.get_target(name)
        return await self.storage.rejected(name, limit)
