"""Retention (gallring): the purge the settings' rules decide, on a schedule and from the CLI.

Rules (each off at 0; README "Personal data" gives the defaults and why):

* ``LRS_BRIDGE_RETENTION_WORKSHOP_MONTHS``: N months after a workshop's date, its
  participant list, their progress and reminder log, and the statements its participants
  made are purged: unless a participant is also on a workshop that is kept, whose
  readiness still needs their statements. The workshop row stays, marked ``purged_at``,
  so that its readiness says the data was purged.
* ``LRS_BRIDGE_RETENTION_UNMATCHED_MONTHS``: statements older than M months whose actor
  matches no participant of any workshop.
* ``LRS_BRIDGE_RETENTION_AUDIT_YEARS``: audit entries older than K years.

Work goes in small units, each its own short transaction: a batch of at most ``BATCH``
statements, then one transaction per workshop for the rest of it (participants, progress,
reminders, documents, learned names, what only names them, and the ``purged_at`` mark).
A purge killed half-way leaves every unit purged or whole; the next run finds what is left
and finishes it. Memory is bounded by a batch; ingest waits at most one unit at a time.
A dry run counts the same units without changing anything. Each purge that removed
something is audited with counts only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson

from lrs_bridge.config import Settings
from lrs_bridge.people.forget import audit_in
from statements.identity import agent_key
from statements.storage import Store
from statements.storage.forget import (
    Forgotten,
    chunks,
    delete_statements,
    footprint,
    forget,
    statement_rows,
)
from statements.storage.port import Tx, in_list
from statements.time import now_micros

log = logging.getLogger(__name__)

ROLE = "retention-purge"
BATCH = 500
FIRST_RUN_SECONDS = 600
"""The scheduled purge first runs this long after the service starts."""
SCAN = 2000
"""Statements read per page when looking for unmatched ones (bounded memory)."""


@dataclass(slots=True)
class Purge:
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "counts": dict(sorted(self.counts.items()))}


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return date(year, month, min(day.day, last))
    raise AssertionError("unreachable")


class Retention:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    # --- the purge -----------------------------------------------------------------------

    async def run(self, actor: Any = None, *, dry_run: bool, today: date | None = None) -> Purge:
        today = today or datetime.now(UTC).date()
        done = Purge(dry_run)
        settings = self.settings
        if settings.retention_workshop_months:
            cutoff = months_before(today, settings.retention_workshop_months).isoformat()
            for (workshop_id,) in await self.store.read(
                "SELECT id FROM workshops WHERE purged_at IS NULL AND date < ? ORDER BY date, id",
                cutoff,
            ):
                await self._workshop(workshop_id, cutoff, done)
        if settings.retention_unmatched_months:
            cutoff_day = months_before(today, settings.retention_unmatched_months)
            await self._unmatched(_micros(cutoff_day), done)
        if settings.retention_audit_years:
            cutoff_day = months_before(today, 12 * settings.retention_audit_years)
            await self._audit(_micros(cutoff_day), done)
        if not dry_run and done.counts:
            counts = dict(done.counts)
            await self.store.write(
                lambda tx: audit_in(
                    tx,
                    datetime.now(UTC),
                    getattr(actor, "user_id", None),
                    getattr(actor, "county", None),
                    "retention.purge",
                    **counts,
                )
            )
        return done

    async def _workshop(self, workshop_id: str, cutoff: str, done: Purge) -> None:
        store = self.store
        rows = await store.read(
            "SELECT id, mbox_key, sha1_key, account_key FROM participants WHERE workshop_id = ?",
            workshop_id,
        )
        # A participant's identities are their own keys and those connected to them (an
        # administrator's, and the cmi5 launch account the service recorded).
        connected: dict[str, list[str]] = {}
        for participant_id, identity in await store.read(
            "SELECT i.participant_id, i.identity FROM participant_identities i"
            " JOIN participants p ON p.id = i.participant_id WHERE p.workshop_id = ?",
            workshop_id,
        ):
            connected.setdefault(participant_id, []).append(identity)
        rows = [(*row, *connected.get(row[0], ())) for row in rows]
        keys = {key for row in rows for key in row[1:] if key}
        kept: set[str] = set()
        for chunk in chunks(sorted(keys), 2000):
            where = []
            params: list[Any] = []
            for column in ("p.mbox_key", "p.sha1_key", "p.account_key"):
                condition, values = in_list(store.dialect, column, chunk)
                where.append(condition)
                params += values
            for row in await store.read(
                "SELECT p.mbox_key, p.sha1_key, p.account_key FROM participants p"
                " JOIN workshops w ON w.id = p.workshop_id"
                " WHERE w.id <> ? AND w.purged_at IS NULL AND w.date >= ?"
                f" AND ({' OR '.join(where)})",
                workshop_id,
                cutoff,
                *params,
            ):
                kept.update(key for key in row if key)
            condition, values = in_list(store.dialect, "i.identity", chunk)
            for (identity,) in await store.read(
                "SELECT i.identity FROM participant_identities i"
                " JOIN participants p ON p.id = i.participant_id"
                " JOIN workshops w ON w.id = p.workshop_id"
                f" WHERE w.id <> ? AND w.purged_at IS NULL AND w.date >= ? AND {condition}",
                workshop_id,
                cutoff,
                *values,
            ):
                kept.add(identity)
        gone = sorted(keys - _same_people(rows, kept))
        found = await footprint(store.read, store.dialect, gone)
        own = await self._own(found.seqs, frozenset(gone))
        done.counts["workshops"] += 1
        done.counts["participants"] += len(rows)
        if own:
            done.counts["statements"] += len(own)
        if done.dry_run:
            return
        for batch in chunks(own, BATCH):
            await store.write(_batch_deleter(batch))
        store.forget_index_values(gone)
        now = now_micros()

        async def finish(tx: Tx) -> Forgotten:
            rest = await footprint(tx.fetch, tx.dialect, gone)
            forgotten = await forget(tx, rest, "delete")
            await tx.execute("DELETE FROM reminders WHERE workshop_id = ?", workshop_id)
            for chunk in chunks(gone):
                condition, params = in_list(tx.dialect, "learner", chunk)
                await tx.execute(f"DELETE FROM progress WHERE {condition}", *params)
            await tx.execute("DELETE FROM participants WHERE workshop_id = ?", workshop_id)
            await tx.execute(
                "UPDATE progress_checkpoint SET generation = generation + 1 WHERE id = 1"
            )
            await tx.execute("UPDATE workshops SET purged_at = ? WHERE id = ?", now, workshop_id)
            return forgotten

        forgotten = await store.write(finish)
        store.forget_index_values(gone)
        done.counts.update(
            {k: v for k, v in (("statements", forgotten.statements),
                               ("documents", forgotten.documents)) if v}
        )  # fmt: skip

    async def _own(self, seqs: list[int], keys: frozenset[str]) -> list[int]:
        """Of these statements, those whose actor is one of ``keys`` (read a page at a time)."""
        own: list[int] = []
        for page in chunks(seqs, SCAN):
            for row in await statement_rows(self.store.read, self.store.dialect, page):
                if agent_key(orjson.loads(bytes(row[-1])).get("actor") or {}) in keys:
                    own.append(int(row[0]))
        return own

    async def _unmatched(self, cutoff: int, done: Purge) -> None:
        store = self.store
        participants: set[str] = set()
        for row in await store.read("SELECT mbox_key, sha1_key, account_key FROM participants"):
            participants.update(key for key in row if key)
        for (identity,) in await store.read("SELECT identity FROM participant_identities"):
            participants.add(identity)  # connected ones, the cmi5 launch accounts among them
        after = 0
        while True:
            rows = await store.read(
                "SELECT seq, body FROM statements WHERE seq > ? AND stored < ?"
                " ORDER BY seq LIMIT ?",
                after,
                cutoff,
                SCAN,
            )
            if not rows:
                return
            after = int(rows[-1][0])
            doomed = [
                int(seq)
                for seq, body in rows
                if agent_key(orjson.loads(bytes(body)).get("actor") or {}) not in participants
            ]
            if doomed:
                done.counts["unmatched_statements"] += len(doomed)
            if not done.dry_run:
                for batch in chunks(doomed, BATCH):
                    await store.write(_batch_deleter(batch))

    async def _audit(self, cutoff: int, done: Purge) -> None:
        store = self.store
        if done.dry_run:
            rows = await store.read("SELECT COUNT(*) FROM audit_log WHERE at < ?", cutoff)
            if rows[0][0]:
                done.counts["audit_entries"] += int(rows[0][0])
            return
        while True:
            removed = await store.write(
                lambda tx: tx.execute(
                    "DELETE FROM audit_log WHERE id IN"
                    " (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)",
                    cutoff,
                    BATCH,
                )
            )
            if removed:
                done.counts["audit_entries"] += removed
            if removed < BATCH:
                return

    # --- the schedule --------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._schedule(), name="retention purge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _schedule(self) -> None:
        # Not at the instant of start-up: a rule set wrongly can still be corrected by a
        # restart before anything is purged.
        await asyncio.sleep(min(FIRST_RUN_SECONDS, self.settings.retention_interval_hours * 3600))
        while True:
            try:
                # Of several instances on one database, one purges at a time.
                if await self.store.lead(ROLE):
                    purged = await self.run(dry_run=False)
                    if purged.counts:
                        log.info("retention purge: %s", dict(purged.counts))
            except Exception:
                log.exception("retention purge failed; trying again at the next interval")
            await asyncio.sleep(self.settings.retention_interval_hours * 3600)


async def _delete_batch(tx: Tx, seqs: Any) -> int:
    """One unit: these statements (those still there), whole or not at all."""
    condition, params = in_list(tx.dialect, "seq", list(seqs))
    still = [
        int(row[0])
        for row in await tx.fetch(f"SELECT seq FROM statements WHERE {condition}", *params)
    ]
    forgotten = Forgotten()
    await delete_statements(tx, still, forgotten)
    for chunk in chunks(still):
        condition, params = in_list(tx.dialect, "seq", chunk)
        await tx.execute(f"DELETE FROM bridge_outbox WHERE {condition}", *params)
        await tx.execute(f"DELETE FROM bridge_rejected WHERE {condition}", *params)
    return forgotten.statements


def _batch_deleter(seqs: Any) -> Callable[[Tx], Awaitable[int]]:
    return lambda tx: _delete_batch(tx, seqs)


def _same_people(rows: Any, kept: set[str]) -> set[str]:
    """Every key of a participant any of whose keys is kept (the same person)."""
    same: set[str] = set()
    for row in rows:
        keys = {key for key in row[1:] if key}
        if keys & kept:
            same |= keys
    return same


def _micros(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000
