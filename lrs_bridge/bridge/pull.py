"""Pulling statements from an upstream LRS into this one.

A pull asks the upstream for the statements stored since the source's checkpoint, oldest
first, follows ``more`` links page by page, and stores each page through the statement log,
the very path of received statements (validation, idempotency by id, voiding), keeping the
origin's ``authority`` and its ``stored`` time (the deadline clock of bridged statements).
Only once a page is committed does the checkpoint move, to the page's newest origin
``stored`` (never past the upstream's ``X-Experience-API-Consistent-Through``).

A crash loses nothing and duplicates nothing: the next pull asks again from a little
before the checkpoint (statements stored in one transaction share a ``stored`` time, and a
page may end in the middle of them), and statements stored already are accepted as they
are, by id. A page the log refuses as a whole is stored statement by statement: each bad
statement is reported (and stored nowhere), the others are stored, and the pull goes on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lrs_bridge.bridge.client import BridgeLRS, Page, RemoteError, timestamp_micros
from lrs_bridge.bridge.model import PullProblem, Source
from lrs_bridge.bridge.retry import Backoff
from lrs_bridge.bridge.storage import BridgeStorage
from lrs_bridge.config import Settings
from statements.errors import Unavailable, XapiError
from statements.log import AttachmentPart, StatementLog, Writer
from statements.query import format_timestamp
from statements.time import now_micros

log = logging.getLogger(__name__)

T = TypeVar("T")

OVERLAP_MICROS = 1000
"""A pull asks from this much before the checkpoint: statements with the checkpoint's own
stored time (and LRSs that compare at millisecond precision) are asked for again."""


@dataclass(slots=True)
class PullResult:
    """How a pull went (so far: progress callbacks get it after every page)."""

    source: str
    pages: int = 0
    received: int = 0
    """Statements the upstream returned (asked again after a resume included)."""
    stored: int = 0
    """Statements new here."""
    already: int = 0
    """Statements stored here before (the overlap after a resume, or pulled twice)."""
    problems: list[PullProblem] = field(default_factory=list)
    first_stored: int | None = None
    """The origin stored time of the first statement of this pull (for a progress bar)."""
    checkpoint: int | None = None
    newest: int | None = None
    """The newest origin stored time seen so far."""
    in_order: bool = True
    """Did every page come oldest first, as asked? An LRS that ignores ``ascending``
    moves the checkpoint only once the whole pull is done."""


class PullFailed(Exception):
    """The upstream could not be read (after retries) or the database refused the page."""

    def __init__(self, message: str, result: PullResult) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


Progress = Callable[[PullResult], None]


def _statement_id(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return str(item["id"]).lower()
    return ""


def _declared_hashes(item: Any) -> set[str]:
    if not isinstance(item, dict) or not isinstance(item.get("attachments"), list):
        return set()
    return {
        a["sha2"].lower()
        for a in item["attachments"]
        if isinstance(a, dict) and isinstance(a.get("sha2"), str)
    }


class Puller:
    def __init__(
        self, storage: BridgeStorage, statements: StatementLog, settings: Settings
    ) -> None:
        self.storage = storage
        self.statements = statements
        self.settings = settings

    def _backoff(self) -> Backoff:
        return Backoff(
            self.settings.remote_retry_first_seconds, self.settings.remote_retry_max_seconds
        )

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """``call``, tried again after a transient failure: a slow, down or failing upstream
        (``RemoteError``), or a database that is busy (``Unavailable``)."""
        backoff = self._backoff()
        attempts = self.settings.remote_pull_attempts
        for attempt in range(1, attempts + 1):
            try:
                return await call()
            except (RemoteError, Unavailable) as error:
                transient = error.transient if isinstance(error, RemoteError) else True
                if not transient or attempt == attempts:
                    raise
                delay = backoff.delay()
                reason = f"HTTP {error.status}" if isinstance(error, RemoteError) else "database"
                if isinstance(error, RemoteError) and error.status is None:
                    reason = error.message
                log.warning(
                    "%s failed (%s, try %d of %d); trying again in %.1f s",
                    what,
                    reason,
                    attempt,
                    attempts,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def pull(self, source: Source, progress: Progress | None = None) -> PullResult:
        """Pull every statement the upstream has stored since the checkpoint."""
        result = PullResult(source.name)
        current = await self.storage.get_source(source.name)
        checkpoint = current.checkpoint if current else None
        result.checkpoint = checkpoint
        client = BridgeLRS(source.remote, self.settings.remote_timeout_seconds)
        params = {"ascending": "true", "attachments": "true", **source.filters.query_params()}
        if checkpoint:
            params["since"] = format_timestamp(max(checkpoint - OVERLAP_MICROS, 0))
        what = f"pull from source {source.name}"
        try:
            page = await self._retrying(what, lambda: asyncio.to_thread(client.query_page, params))
            while True:
                await self._store_page(source, page, result)
                if progress is not None:
                    progress(result)
                if page.more is None or not page.statements:
                    break
                page = await self._retrying(
                    what, functools.partial(asyncio.to_thread, client.more_page, page.more)
                )
        except (RemoteError, XapiError) as error:
            message = error.message
            await self.storage.finish_pull(source.name, now_micros(), message)
            log.warning(
                "%s stopped: %s",
                what,
                message
                if isinstance(error, XapiError)
                else (f"HTTP {error.status}" if error.status is not None else error.message),
            )
            raise PullFailed(message, result) from None
        if not result.in_order and result.newest is not None:
            await self.storage.advance(source.name, result.newest, 0, ())
            result.checkpoint = max(result.newest, result.checkpoint or 0)
        await self.storage.finish_pull(source.name, now_micros(), None)
        log.info(
            "%s: %d statements received, %d new, %d bad",
            what,
            result.received,
            result.stored,
            len(result.problems),
        )
        return result

    async def _store_page(self, source: Source, page: Page, result: PullResult) -> None:
        """Store one page (what was stored before is accepted again), move the checkpoint
        and count the page in ``result``."""
        items = page.statements
        result.pages += 1
        if not items:
            return
        origin = [
            timestamp_micros(item.get("stored")) if isinstance(item, dict) else None
            for item in items
        ]
        ids = [_statement_id(item) for item in items]
        known = await self.storage.known_ids([i for i in ids if i])
        problems = await self._store_items(source, page, origin, ids)
        bad = {p.statement_id for p in problems}
        already = sum(1 for i in ids if i and i in known and i not in bad)
        new = len(items) - len(problems) - already
        times = [t for t in origin if t is not None]
        checkpoint = _page_checkpoint(source.name, page, times, result)
        await self.storage.advance(source.name, checkpoint, new, problems)
        if times:
            result.newest = max(times + ([result.newest] if result.newest else []))
            if result.first_stored is None:
                result.first_stored = min(times)
        result.received += len(items)
        result.stored += new
        result.already += already
        result.problems.extend(problems)
        if checkpoint is not None:
            result.checkpoint = max(checkpoint, result.checkpoint or 0)

    async def _store_items(
        self, source: Source, page: Page, origin: list[int | None], ids: list[str]
    ) -> list[PullProblem]:
        """Store the page's statements in one batch or, when something in it is refused,
        one by one so that the rest go in; the refused ones, stored nowhere, are returned.
        A busy database (``Unavailable``) stops the pull instead."""
        items = page.statements
        writer = Writer(authority=None, credential=None, source=source.name)
        by_hash = {part.sha2: part for part in page.parts}

        def parts_of(chosen: list[Any]) -> list[AttachmentPart]:
            wanted = set().union(*(_declared_hashes(item) for item in chosen))
            return [by_hash[sha2] for sha2 in sorted(wanted) if sha2 in by_hash]

        async def store(chosen: list[Any], stored: list[int | None], batch: bool) -> None:
            await self._retrying(
                f"storing statements of source {source.name}",
                lambda: self.statements.store_statements(
                    chosen,
                    version=source.remote.version,
                    writer=writer,
                    parts=parts_of(chosen),
                    origin_stored=stored,
                    batch=batch,
                ),
            )

        try:
            await store(items, origin, True)
            return []
        except Unavailable:
            raise
        except XapiError:
            pass
        problems: list[PullProblem] = []
        for index, item in enumerate(items):
            try:
                await store([item], [origin[index]], False)
            except Unavailable:
                raise
            except XapiError as error:
                problems.append(_refused(source.name, ids[index], origin[index], error))
        return problems


def _refused(source: str, statement_id: str, stored: int | None, error: XapiError) -> PullProblem:
    """A statement the store refused, logged without its content."""
    log.warning(
        "source %s: statement %s stored nowhere (%s)",
        source,
        statement_id or "without an id",
        ", ".join(f"{d.get('path')} {d.get('rule')}" for d in error.details[:3]),
    )
    return PullProblem(source, statement_id, stored, error.message, error.details, now_micros())


def _page_checkpoint(source: str, page: Page, times: list[int], result: PullResult) -> int | None:
    """How far the checkpoint may move after this page: to its newest stored time (not past
    the upstream's consistent-through), or nowhere once the upstream has answered out of
    stored order (``result.in_order`` turns false, and the pull moves it at its end)."""
    if times and (
        times != sorted(times) or (result.newest is not None and times[0] < result.newest)
    ):
        if result.in_order:
            log.warning("source %s answers out of stored order", source)
        result.in_order = False
    checkpoint = max(times) if times and result.in_order else None
    if checkpoint is not None and page.consistent_through is not None:
        checkpoint = min(checkpoint, page.consistent_through)
    return checkpoint
