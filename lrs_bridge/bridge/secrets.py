"""Bridge secrets at rest: the secrets of other LRSs (sources and targets) are stored
encrypted with a key from the settings (``LRS_BRIDGE_SECRETS_KEY``), since the service
must send them upstream and so cannot keep only a hash of them.

The key is a comma-separated list of Fernet keys (``lrs-bridge secrets new-key`` makes
one): the first seals every secret written, all of them open (rotation: put a new key
first, run ``lrs-bridge secrets rotate``, then drop the old key). A sealed secret is stored
as ``fernet:<token>`` (AES-128-CBC with HMAC-SHA256, from ``cryptography``); a stored value
without that prefix is a secret from before encryption, used as it is and sealed at the
service's next start (or by ``secrets rotate``).

Without a key, secrets are stored in plaintext, as before, and the service says so at
start; a sealed secret cannot be used then (the pull or the forwarding fails, saying
which setting is missing).

``SealedBridgeStorage`` wraps the engine's storage in the service layer: the storage
itself stores what it is given.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from lrs_bridge.bridge.model import PullProblem, Source, Target
from lrs_bridge.bridge.storage import BridgeStorage, OutboxItem
from statements.errors import Unavailable

log = logging.getLogger(__name__)

PREFIX = "fernet:"
SETTING = "LRS_BRIDGE_SECRETS_KEY"


def parse_keys(value: str) -> list[Fernet]:
    """The keys of the setting, first the one that seals; ValueError naming the bad one."""
    keys: list[Fernet] = []
    for position, part in enumerate(p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            keys.append(Fernet(part))
        except (ValueError, TypeError):
            raise ValueError(
                f"key {position + 1} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with 'lrs-bridge secrets new-key')"
            ) from None
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode()


class SecretUnreadable(Unavailable):
    """A stored secret cannot be opened with the keys configured (503: the operator must
    set the key; nothing else is wrong)."""

    def __init__(self, kind: str, name: str, why: str) -> None:
        message = f"the secret of bridge {kind} {name!r} cannot be read: {why}"
        super().__init__(message, [{"path": SETTING, "rule": "secrets_key", "message": message}])


class SecretBox:
    def __init__(self, keys: str) -> None:
        self.keys = parse_keys(keys)
        self._all = MultiFernet(self.keys) if self.keys else None

    @property
    def sealing(self) -> bool:
        return self._all is not None

    def seal(self, secret: str) -> str:
        """The value to store for ``secret`` (itself without a key)."""
        if self._all is None:
            return secret
        return PREFIX + self._all.encrypt(secret.encode()).decode()

    def open(self, stored: str, kind: str, name: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # stored before encryption
        if self._all is None:
            raise SecretUnreadable(kind, name, f"it is encrypted and {SETTING} is not set")
        try:
            return self._all.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretUnreadable(kind, name, f"none of the keys in {SETTING} opens it") from None

    def reseal(self, stored: str, kind: str, name: str) -> str | None:
        """The value to store instead (sealed with the first key), or None when it is so
        already (or there is no key)."""
        if self._all is None:
            return None
        if stored.startswith(PREFIX):
            try:
                self.keys[0].decrypt(stored[len(PREFIX) :].encode())
                return None
            except InvalidToken:
                pass
        return self.seal(self.open(stored, kind, name))


def _with_secret(item: Any, secret: str) -> Any:
    return dataclasses.replace(item, remote=dataclasses.replace(item.remote, secret=secret))


class SealedBridgeStorage(BridgeStorage):
    """The engine's bridge storage, with secrets sealed on the way in and opened on the
    way out. Listings do not open them (they never show secrets, and must work without
    the key): their ``remote.secret`` is empty."""

    def __init__(self, inner: BridgeStorage, box: SecretBox) -> None:
        self.inner = inner
        self.box = box

    async def add_source(self, source: Source) -> None:
        await self.inner.add_source(_with_secret(source, self.box.seal(source.remote.secret)))

    async def list_sources(self) -> list[Source]:
        return [_with_secret(s, "") for s in await self.inner.list_sources()]

    async def get_source(self, name: str) -> Source | None:
        found = await self.inner.get_source(name)
        if found is None:
            return None
        source: Source = _with_secret(found, self.box.open(found.remote.secret, "source", name))
        return source

    async def add_target(self, target: Target) -> None:
        await self.inner.add_target(_with_secret(target, self.box.seal(target.remote.secret)))

    async def list_targets(self) -> list[Target]:
        return [_with_secret(t, "") for t in await self.inner.list_targets()]

    async def get_target(self, name: str, *, count: bool = True) -> Target | None:
        found = await self.inner.get_target(name, count=count)
        if found is None:
            return None
        target: Target = _with_secret(found, self.box.open(found.remote.secret, "target", name))
        return target

    async def reseal_all(self) -> int:
        """Seal every secret stored in plaintext or with a key other than the first; how
        many were changed."""
        changed = 0
        stored: list[tuple[str, str, str]] = [
            ("source", s.name, s.remote.secret) for s in await self.inner.list_sources()
        ] + [("target", t.name, t.remote.secret) for t in await self.inner.list_targets()]
        for kind, name, secret in stored:
            sealed = self.box.reseal(secret, kind, name)
            if sealed is not None and await self.inner.set_secret(kind, name, sealed, secret):
                changed += 1
        return changed

    async def plaintext_count(self) -> int:
        secrets = [s.remote.secret for s in await self.inner.list_sources()] + [
            t.remote.secret for t in await self.inner.list_targets()
        ]
        return sum(not secret.startswith(PREFIX) for secret in secrets)

    # --- the rest as it is -------------------------------------------------------------------

    async def set_secret(self, kind: str, name: str, secret: str, before: str) -> bool:
        return await self.inner.set_secret(kind, name, secret, before)

    async def remove_source(self, name: str) -> bool:
        return await self.inner.remove_source(name)

    async def advance(
        self, name: str, checkpoint: int | None, stored: int, problems: Sequence[PullProblem]
    ) -> None:
        await self.inner.advance(name, checkpoint, stored, problems)

    async def finish_pull(self, name: str, now: int, error: str | None) -> None:
        await self.inner.finish_pull(name, now, error)

    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]:
        return await self.inner.problems(name, limit)

    async def remove_target(self, name: str) -> bool:
        return await self.inner.remove_target(name)

    async def target_names(self) -> list[str]:
        return await self.inner.target_names()

    async def queue_lengths(self) -> dict[str, int]:
        return await self.inner.queue_lengths()

    def forwarding(self, name: str) -> AbstractAsyncContextManager[bool]:
        return self.inner.forwarding(name)

    async def outbox(self, name: str, limit: int) -> list[OutboxItem]:
        return await self.inner.outbox(name, limit)

    async def acknowledge(
        self, name: str, seqs: Iterable[int], now: int | None, *, count: bool = True
    ) -> None:
        await self.inner.acknowledge(name, seqs, now, count=count)

    async def reject(
        self, name: str, item: OutboxItem, status: int, message: str, now: int
    ) -> None:
        await self.inner.reject(name, item, status, message, now)

    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        return await self.inner.rejected(name, limit)

    async def record_target_error(self, name: str, message: str, now: int) -> None:
        await self.inner.record_target_error(name, message, now)

    async def known_ids(self, ids: Sequence[str]) -> set[str]:
        return await self.inner.known_ids(ids)

    async def log_position(self) -> int:
        return await self.inner.log_position()

    async def close(self) -> None:
        await self.inner.close()


__all__ = [
    "PREFIX",
    "SealedBridgeStorage",
    "SecretBox",
    "SecretUnreadable",
    "new_key",
]
