"""What the bridge's storage must do (sources, checkpoints, targets, the outbox), and its
rows (the SQL, for both engines, is in ``storage_sql``)."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from lrs_bridge.bridge.model import Filters, PullProblem, Remote, Source, Target
from statements.errors import Conflict


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A statement waiting for a target, as stored here."""

    seq: int
    id: str
    body: bytes
    attachment_hashes: tuple[str, ...]


class BridgeStorage(abc.ABC):
    """Built before the store opens: it registers the hook that
    writes the outbox rows of new statements in the transaction that stores them."""

    # --- sources ------------------------------------------------------------------------

    @abc.abstractmethod
    async def add_source(self, source: Source) -> None:
        """``Conflict`` when a source of that name exists."""

    @abc.abstractmethod
    async def list_sources(self) -> list[Source]: ...

    @abc.abstractmethod
    async def get_source(self, name: str) -> Source | None: ...

    @abc.abstractmethod
    async def remove_source(self, name: str) -> bool: ...

    @abc.abstractmethod
    async def advance(
        self, name: str, checkpoint: int | None, stored: int, problems: Sequence[PullProblem]
    ) -> None:
        """After a page is stored: move the checkpoint (never back: another pull of the same
        source may be ahead), count what was stored, and record the bad statements."""

    @abc.abstractmethod
    async def finish_pull(self, name: str, now: int, error: str | None) -> None: ...

    @abc.abstractmethod
    async def problems(self, name: str, limit: int = 100) -> list[PullProblem]: ...

    # --- targets and the outbox -----------------------------------------------------------

    @abc.abstractmethod
    async def add_target(self, target: Target) -> None:
        """``Conflict`` when a target of that name exists. Statements stored from now on
        are queued for it."""

    @abc.abstractmethod
    async def list_targets(self) -> list[Target]: ...

    @abc.abstractmethod
    async def get_target(self, name: str, *, count: bool = True) -> Target | None:
        """A target; with ``count``, with the length of its queue."""

    @abc.abstractmethod
    async def remove_target(self, name: str) -> bool:
        """Remove a target with its outbox: what it had not received, it never will."""

    @abc.abstractmethod
    async def target_names(self) -> list[str]: ...

    @abc.abstractmethod
    async def queue_lengths(self) -> dict[str, int]: ...

    @abc.abstractmethod
    def forwarding(self, name: str) -> AbstractAsyncContextManager[bool]:
        """The right to forward to target ``name`` while the block runs: True when this
        forwarder has it, False when another (of another instance) has it now. Reading
        the outbox, sending and acknowledging happen inside, so no statement is sent twice
        at once and the target receives them in log order."""

    @abc.abstractmethod
    async def outbox(self, name: str, limit: int) -> list[OutboxItem]:
        """The oldest statements waiting for a target, in log order."""

    @abc.abstractmethod
    async def acknowledge(
        self, name: str, seqs: Iterable[int], now: int | None, *, count: bool = True
    ) -> None:
        """The target has these statements: out of the outbox."""

    @abc.abstractmethod
    async def reject(
        self, name: str, item: OutboxItem, status: int, message: str, now: int
    ) -> None:
        """The target refused this statement for good: recorded, out of the outbox."""

    @abc.abstractmethod
    async def rejected(self, name: str, limit: int = 100) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    async def record_target_error(self, name: str, message: str, now: int) -> None: ...

    # --- the statement log ----------------------------------------------------------------

    @abc.abstractmethod
    async def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these (lower-cased) statement ids are stored here already."""

    @abc.abstractmethod
    async def log_position(self) -> int: ...

    @abc.abstractmethod
    async def set_secret(self, kind: str, name: str, secret: str, before: str) -> bool:
        """Replace the stored secret of source or target (``kind``) ``name``, if it is
        still ``before`` (another instance may have replaced it meanwhile); whether it did.
        The value is stored as given: sealing is the service's (``bridge.secrets``)."""

    async def close(self) -> None:  # noqa: B027 (most engines hold nothing more)
        """Let go of what the storage holds besides the store (the service stops)."""


def exists_already(kind: str, name: str) -> Conflict:
    message = f"a {kind} named {name!r} exists already"
    return Conflict(message, [{"path": "name", "rule": "unique", "message": message}])


# --- rows, alike on both engines ---------------------------------------------------------

SOURCE_COLUMNS = (
    "name, endpoint, key, secret, version, activity, verb, related_activities,"
    " interval_seconds, created_at, checkpoint, last_pull_at, last_success_at, last_error,"
    " last_error_at, pulled_total, bad_total"
)
TARGET_COLUMNS = (
    "name, endpoint, key, secret, version, activity, verb, related_activities, batch_size,"
    " peer_credential, created_at, last_sent_at, last_error, last_error_at, sent_total,"
    " rejected_total"
)


def source_of(row: Sequence[Any]) -> Source:
    """A source from its row (``SOURCE_COLUMNS``), on either engine."""
    (name, endpoint, key, secret, version, activity, verb, related, interval, created_at) = row[:10]
    checkpoint, pull_at, success_at, error, error_at, pulled, bad = row[10:]
    return Source(
        name=name,
        remote=Remote(endpoint, key, secret, version),
        filters=Filters(activity, verb, bool(related)),
        interval_seconds=interval,
        created_at=created_at,
        checkpoint=checkpoint,
        last_pull_at=pull_at,
        last_success_at=success_at,
        last_error=error,
        last_error_at=error_at,
        pulled_total=pulled,
        bad_total=bad,
    )


def target_of(row: Sequence[Any], queue: int = 0) -> Target:
    """A target from its row (``TARGET_COLUMNS``) and its queue length, on either engine."""
    (name, endpoint, key, secret, version, activity, verb, related, batch, peer) = row[:10]
    created_at, sent_at, error, error_at, sent, rejected = row[10:]
    return Target(
        name=name,
        remote=Remote(endpoint, key, secret, version),
        filters=Filters(activity, verb, bool(related)),
        batch_size=batch,
        peer_credential=peer,
        created_at=created_at,
        last_sent_at=sent_at,
        last_error=error,
        last_error_at=error_at,
        sent_total=sent,
        rejected_total=rejected,
        queue=queue,
    )
