"""Forwarding accepted statements to a target LRS from the outbox.

One forwarder per target sends the oldest waiting statements in batches, in log order, and
deletes them from the outbox only once the target has acknowledged them: at least once,
never out of order (the next batch goes only after the previous one is acknowledged). A
target that is down, slow or answers 5xx is tried again with backoff, for ever, with the
last error recorded for ``lrs-bridge outbox`` and ``/metrics``. A batch the target refuses
(400, 409, 413) is sent again statement by statement, so that one statement it will never
take is recorded as rejected and the others still arrive.

Instances sharing one database each run a forwarder per target, but only the one holding
the target (``BridgeStorage.forwarding``) reads the outbox, sends and acknowledges: no
statement is sent twice at once, and the target still receives them in log order.
"""

from __future__ import annotations

import asyncio
import logging

from lrs_bridge.bridge.client import BridgeLRS, RemoteError
from lrs_bridge.bridge.model import Target
from lrs_bridge.bridge.retry import Backoff, wait_for_event
from lrs_bridge.bridge.storage import BridgeStorage, OutboxItem
from lrs_bridge.config import Settings
from statements.storage.base import Store
from statements.time import now_micros

log = logging.getLogger(__name__)

REFUSED = (400, 409, 413)
"""Answers that say the statements themselves are refused: trying again will not help."""


class Forwarder:
    def __init__(
        self,
        name: str,
        storage: BridgeStorage,
        store: Store,
        settings: Settings,
        idle_seconds: float = 2.0,
    ) -> None:
        self.name = name
        self.storage = storage
        self.store = store
        self.settings = settings
        self.idle_seconds = idle_seconds
        """Statements stored by another process (a CLI pull) are seen within this time."""
        self.wake = asyncio.Event()

    async def run(self) -> None:
        backoff = Backoff(
            self.settings.remote_retry_first_seconds, self.settings.remote_retry_max_seconds
        )
        while True:
            try:
                async with self.storage.forwarding(self.name) as ours:
                    target = await self.storage.get_target(self.name, count=False)
                    if target is None:
                        return  # removed
                    items = await self.storage.outbox(self.name, target.batch_size) if ours else []
                    if items:
                        await self.deliver(target, items)
                if not items:
                    # Nothing waiting, or another instance is forwarding to this target.
                    await wait_for_event(self.wake, self.idle_seconds)
                    continue
            except RemoteError as error:
                await self.storage.record_target_error(self.name, error.message, now_micros())
                delay = backoff.delay()
                log.warning(
                    "target %s: %s; trying again in %.1f s",
                    self.name,
                    f"HTTP {error.status}" if error.status is not None else error.message,
                    delay,
                )
                await asyncio.sleep(delay)
            except Exception:  # the database, most likely: nothing is lost, try again
                log.exception("forwarding to target %s failed; trying again", self.name)
                await asyncio.sleep(backoff.delay())
            else:
                backoff.reset()

    async def deliver(self, target: Target, items: list[OutboxItem]) -> None:
        """Send ``items`` (in log order) and take the acknowledged ones out of the outbox;
        ``RemoteError`` when the target must be tried again later."""
        client = BridgeLRS(target.remote, self.settings.remote_timeout_seconds)
        attachments: dict[str, tuple[str, str, bytes]] = {}
        for item in items:
            for sha2 in item.attachment_hashes:
                if sha2 not in attachments:
                    found = await self.store.attachment(sha2)
                    if found is not None:
                        attachments[sha2] = (sha2, found[0], found[1])
        answer = await asyncio.to_thread(
            client.post_statements, [item.body for item in items], list(attachments.values())
        )
        if answer.ok:
            await self.storage.acknowledge(self.name, [i.seq for i in items], now_micros())
            return
        error = answer.error()
        if answer.status not in REFUSED:
            raise error
        if len(items) > 1:
            for item in items:
                await self.deliver(target, [item])
            return
        await self.storage.reject(self.name, items[0], answer.status, error.message, now_micros())
        log.warning(
            "target %s refused statement %s for good (HTTP %d); it is recorded as rejected",
            self.name,
            items[0].id,
            answer.status,
        )
