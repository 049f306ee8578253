"""PostgreSQL SQL for the reminder log, on the statement store's asyncpg pool.

A claim is one statement that either inserts the (workshop, participant, trigger) row or
takes a failed one back to 'pending': the unique constraint and the row lock decide, so of
two instances claiming the same reminder at once exactly one gets it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reports.reminders import LogEntry, ReminderLog, log_entry_of
from statements.query import from_micros, to_micros
from statements.storage.migrate import register
from statements.storage.postgres import PostgresStore, affected_rows

register("reports.migrations")


class PostgresReminderLog(ReminderLog):
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def last_sent(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        if not pairs:
            return {}
        wanted = set(pairs)
        rows = await self.store._read(
            "SELECT workshop_id, participant_id, MAX(sent_at) FROM reminders"
            " WHERE workshop_id = ANY($1::text[]) AND status = 'sent'"
            " GROUP BY workshop_id, participant_id",
            sorted({workshop for workshop, _ in pairs}),
        )
        return {
            (workshop, participant): from_micros(sent_at)
            for workshop, participant, sent_at in rows
            if (workshop, participant) in wanted
        }

    async def claim(
        self,
        workshop_id: str,
        participant_id: str,
        trigger: str,
        now: datetime,
        sent_by: str | None,
        max_attempts: int,
    ) -> bool:
        async with self.store._transaction() as conn:
            # A claim of another instance not yet committed makes this insert wait for it,
            # then do nothing.
            inserted = await conn.execute(
                "INSERT INTO reminders (workshop_id, participant_id, trigger, status, attempts,"
                " created_at, sent_by) VALUES ($1, $2, $3, 'pending', 1, $4, $5)"
                " ON CONFLICT (workshop_id, participant_id, trigger) DO NOTHING",
                workshop_id,
                participant_id,
                trigger,
                to_micros(now),
                sent_by,
            )
            if affected_rows(inserted) == 1:
                return True
            # A failed one is tried again: the row lock makes the condition hold for one
            # claimer only (the other re-reads the row as 'pending' and updates nothing).
            retried = await conn.execute(
                "UPDATE reminders SET status = 'pending', attempts = attempts + 1"
                " WHERE workshop_id = $1 AND participant_id = $2 AND trigger = $3"
                " AND status = 'failed' AND attempts < $4",
                workshop_id,
                participant_id,
                trigger,
                max_attempts,
            )
        return affected_rows(retried) == 1

    async def finish(
        self,
        workshop_id: str,
        participant_id: str,
        trigger: str,
        *,
        status: str,
        error: str | None,
        now: datetime,
    ) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "UPDATE reminders SET status = $1, last_error = $2, sent_at = $3"
                " WHERE workshop_id = $4 AND participant_id = $5 AND trigger = $6",
                status,
                error,
                to_micros(now) if status == "sent" else None,
                workshop_id,
                participant_id,
                trigger,
            )

    async def abandon_pending(self, before: datetime) -> int:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "UPDATE reminders SET status = 'unknown',"
                " last_error = 'interrupted before the result was recorded; not resent'"
                " WHERE status = 'pending' AND created_at < $1",
                to_micros(before),
            )
        return affected_rows(status)

    async def entries(self, workshop_id: str) -> list[LogEntry]:
        rows = await self.store._read(
            "SELECT workshop_id, participant_id, trigger, status, attempts, last_error,"
            " created_at, sent_at, sent_by FROM reminders WHERE workshop_id = $1"
            " ORDER BY created_at, id",
            workshop_id,
        )
        return [log_entry_of(row) for row in rows]
