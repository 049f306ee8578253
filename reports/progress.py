"""The progress projector: reads the statement log in order from a checkpoint and keeps
the ledger — per learner identity and course, the first completion of each step, the
course's completion and the last activity.

Every row is a fold of min/max over the learner's statements that are not voided, so
projecting a statement twice changes nothing, and the ledger rebuilt from the log equals
the ledger built along the way. A voiding statement makes the projector recompute the
voided statement's (learner, course) rows from the log (by the statement index, not a scan).

Times are the LRS's ``stored`` (a learner's browser cannot backdate it); for statements
pulled from another LRS, the origin's ``stored``.

What a course's untrusted reporters sent goes into rows of its own (``trusted`` False), by
the same fold, so the reports can show it without counting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from reports.courses import CourseIndex, Touch
from reports.model import Course
from reports.storage import Checkpoint, LedgerRow, Merge, Pair, ReadinessStorage
from statements.identity import keys_of_actor
from statements.query import StatementQuery
from statements.storage.base import Store, StoredStatement

log = logging.getLogger(__name__)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
_QUERY_PAGE = 1000


@dataclass(frozen=True, slots=True)
class Event:
    """What one statement adds to one ledger row."""

    moment: int
    completes: tuple[int, ...]
    reported: int | None = None
    """The progress (0–100) the statement reported, if any."""


def reported_progress(body: Mapping[str, Any]) -> int | None:
    """The cmi5 progress (an integer 0–100) in a statement's result, else None."""
    result = body.get("result")
    extensions = result.get("extensions") if isinstance(result, dict) else None
    value = extensions.get(PROGRESS_EXTENSION) if isinstance(extensions, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != int(value) or not 0 <= value <= 100:
        return None
    return int(value)


def _latest(current: tuple[int, int] | None, events: Iterable[Event]) -> tuple[int, int] | None:
    """(moment, progress) of the latest report; on a tie the higher progress, so the fold
    is the same in any order."""
    for event in events:
        if event.reported is not None:
            found = (event.moment, event.reported)
            current = found if current is None else max(current, found)
    return current


def fold(row: LedgerRow | None, pair: Pair, events: Iterable[Event], steps: int) -> LedgerRow:
    """A ledger row with events added: first completion per step, last activity, the
    latest reported progress."""
    events = list(events)
    times: list[int | None] = list(row.step_times) if row is not None else []
    times = (times + [None] * steps)[:steps]
    last = row.last_activity if row is not None else 0
    for event in events:
        last = max(last, event.moment)
        for step in event.completes:
            if step < steps:
                current = times[step]
                times[step] = event.moment if current is None else min(current, event.moment)
    done = [moment for moment in times if moment is not None]
    completed = max(done) if steps and len(done) == steps else None
    before = None
    if row is not None and row.reported_at is not None and row.reported_progress is not None:
        before = (row.reported_at, row.reported_progress)
    latest = _latest(before, events)
    return LedgerRow(
        pair[0],
        pair[1],
        pair[2],
        completed,
        last,
        tuple(times),
        latest[1] if latest is not None else None,
        latest[0] if latest is not None else None,
    )


def moment_of(statement: StoredStatement) -> int:
    return statement.origin_stored if statement.origin_stored is not None else statement.stored


def events_of(
    statement: StoredStatement, body: Mapping[str, Any], index: CourseIndex
) -> list[tuple[Pair, Event]]:
    """The ledger events of one (not voided) statement, in the trusted or the untrusted
    rows of each course as the course trusts the statement's credential or source."""
    own = statement.credential is None and statement.source is None
    touches: list[Touch] = index.touches(body, own=own)
    if not touches:
        return []
    actor = body.get("actor")
    keys = keys_of_actor(actor) if isinstance(actor, dict) else []
    moment = moment_of(statement)
    reported = reported_progress(body)
    found: list[tuple[Pair, Event]] = []
    for touch in touches:
        trusted = index.courses[touch.course_id].trusts(statement.credential, statement.source)
        event = Event(moment, touch.completes, reported)
        found.extend(((key, touch.course_id, trusted), event) for key in keys)
    return found


@dataclass(slots=True)
class Progress:
    """How far a catch-up went."""

    seq: int
    last_stored: int | None
    statements: int


PROJECTOR_ROLE = "progress-projector"
STOP_SECONDS = 5.0
"""How long ``Projector.stop`` lets a batch in progress finish before cutting it off."""


class Projector:
    """Projects the log into the ledger. One per process; several processes (the server and
    a CLI command) may run at once: a batch commits only if the checkpoint it started from is
    still the ledger's, so each statement is projected into one consistent ledger."""

    def __init__(
        self,
        store: Store,
        storage: ReadinessStorage,
        *,
        batch_size: int = 2000,
        idle_seconds: float = 5.0,
        settle_seconds: float = 0.05,
    ) -> None:
        self.store = store
        self.storage = storage
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.settle_seconds = settle_seconds
        """After a nudge, wait this long before projecting, so that a rush of POSTs is
        projected in a few batches instead of one small batch (and one write transaction,
        competing with the POSTs' own) per commit."""
        self.lock = asyncio.Lock()
        """Held while projecting or changing a course: one thing at a time in a process."""
        self._index: CourseIndex | None = None
        self._generation = -1
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # --- background ---------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="progress-projector")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            # Let a batch in progress finish (a query cut off mid-way leaves the database
            # driver cancelling it on a connection of its own as the process exits), but
            # do not wait long for it: the checkpoint is consistent either way.
            self._wake.set()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), STOP_SECONDS)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    def nudge(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                # Of several instances on one database, one projects (the others' ledger
                # reads see its work); when it stops or dies, another takes over.
                if await self.store.lead(PROJECTOR_ROLE) and not self._stopping:
                    await self.catch_up()
            except Exception:
                log.exception("progress projection failed; trying again shortly")
            # Statements written by another process (a CLI import, another instance) are
            # picked up within idle_seconds even without a nudge. (asyncio.timeout, not
            # wait_for: on 3.11 wait_for can swallow a cancellation that meets a wake-up.)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.idle_seconds):
                    await self._wake.wait()
                await asyncio.sleep(self.settle_seconds)  # woken: let the rush settle
            self._wake.clear()

    # --- projecting -------------------------------------------------------------------------

    async def invalidate(self) -> None:
        """Courses changed in this process: read them again before the next batch."""
        self._generation = -1

    async def _course_index(self, checkpoint: Checkpoint) -> CourseIndex:
        if self._index is None or self._generation != checkpoint.generation:
            self._index = CourseIndex(await self.storage.courses())
            self._generation = checkpoint.generation
        return self._index

    async def catch_up(self) -> Progress:
        """Project every statement stored so far."""
        async with self.lock:
            return await self._catch_up()

    async def _catch_up(self) -> Progress:
        projected = 0
        while True:
            checkpoint = await self.storage.checkpoint()
            index = await self._course_index(checkpoint)
            batch = await self.store.statements_after(checkpoint.seq, self.batch_size)
            if not batch:
                return Progress(checkpoint.seq, checkpoint.last_stored, projected)
            merges, replacements = await self._project(batch, index)
            last = batch[-1]
            committed = await self.storage.advance(
                checkpoint, merges, replacements, last.seq, max(s.stored for s in batch)
            )
            if committed:
                projected += len(batch)
            if committed and len(batch) < self.batch_size:
                return Progress(last.seq, max(s.stored for s in batch), projected)

    async def _project(
        self, batch: list[StoredStatement], index: CourseIndex
    ) -> tuple[dict[Pair, Merge], dict[Pair, LedgerRow | None]]:
        events: dict[Pair, list[Event]] = {}
        voided: list[str] = []
        for statement in batch:
            if statement.voided:
                continue  # its voiding statement (later in the log) recomputes its rows
            body = orjson.loads(statement.body)
            verb = body.get("verb", {}).get("id")
            if verb == VOIDED:
                voided.append(str(body["object"]["id"]))
                continue
            for pair, event in events_of(statement, body, index):
                events.setdefault(pair, []).append(event)
        recompute: set[Pair] = set()
        for target_id in voided:
            target = await self.store.get_statement(target_id)
            if target is None:
                continue
            body = orjson.loads(target.body)
            recompute.update(pair for pair, _ in events_of(target, body, index))
        replacements = {pair: await self._from_log(pair, index) for pair in sorted(recompute)}
        merges = {pair: self._merger(index, found) for pair, found in events.items()}
        return merges, replacements

    @staticmethod
    def _merger(index: CourseIndex, events: list[Event]) -> Merge:
        def merge(row: LedgerRow | None, pair: Pair) -> LedgerRow:
            return fold(row, pair, events, index.courses[pair[1]].steps)

        return merge

    async def _from_log(self, pair: Pair, index: CourseIndex) -> LedgerRow | None:
        """A learner's row for a course computed afresh from the log (voided ones left
        out), by the statement index on the learner."""
        learner = pair[0]
        found: list[Event] = []
        query: StatementQuery | None = StatementQuery(
            agent=learner, ascending=True, limit=_QUERY_PAGE
        )
        while query is not None:
            page = await self.store.query(query)
            for statement in page.statements:
                body = orjson.loads(statement.body)
                found.extend(
                    event for key, event in events_of(statement, body, index) if key == pair
                )
            query = page.more
        if not found:
            return None
        return fold(None, pair, found, index.courses[pair[1]].steps)

    async def project_course(self, course: Course) -> int:
        """After a course changed (its rows are cleared): fold its history into the
        ledger from the log, found by the statement index on its activities. The caller
        holds ``lock``. Returns the number of statements read."""
        index = CourseIndex([course])
        events: dict[Pair, list[Event]] = {}
        read = 0
        for activity in course.activities:
            query: StatementQuery | None = StatementQuery(
                activity=activity, related_activities=True, ascending=True, limit=_QUERY_PAGE
            )
            while query is not None:
                page = await self.store.query(query)
                for statement in page.statements:
                    read += 1
                    body = orjson.loads(statement.body)
                    for pair, event in events_of(statement, body, index):
                        events.setdefault(pair, []).append(event)
                query = page.more
        if events:
            await self.storage.merge_rows(
                {pair: self._merger(index, found) for pair, found in events.items()}
            )
        return read

    async def rebuild(self) -> Progress:
        """Empty the ledger and project the whole log again."""
        async with self.lock:
            await self.storage.reset_ledger()
            return await self._catch_up()
