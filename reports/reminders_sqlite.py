"""SQLite SQL for the reminder log (writes through the store's one writer)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from reports.reminders import LogEntry, ReminderLog, log_entry_of
from statements.query import from_micros, to_micros
from statements.storage.migrate import register
from statements.storage.sqlite import SQLiteStore

register("reports.migrations")


class SQLiteReminderLog(ReminderLog):
    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def last_sent(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        found: dict[tuple[str, str], datetime] = {}
        workshops = sorted({workshop for workshop, _ in pairs})
        wanted = set(pairs)
        for workshop in workshops:
            rows = await self.store._read(
                "SELECT participant_id, MAX(sent_at) FROM reminders"
                " WHERE workshop_id = ? AND status = 'sent' GROUP BY participant_id",
                (workshop,),
            )
            for participant, sent_at in rows:
                if (workshop, participant) in wanted:
                    found[(workshop, participant)] = from_micros(sent_at)
        return found

    async def claim(
        self,
        workshop_id: str,
        participant_id: str,
        trigger: str,
        now: datetime,
        sent_by: str | None,
        max_attempts: int,
    ) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT status, attempts FROM reminders"
                " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?",
                (workshop_id, participant_id, trigger),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO reminders (workshop_id, participant_id, trigger, status,"
                    " attempts, created_at, sent_by) VALUES (?, ?, ?, 'pending', 1, ?, ?)",
                    (workshop_id, participant_id, trigger, to_micros(now), sent_by),
                )
                return True
            status, attempts = row
            if status == "failed" and attempts < max_attempts:
                conn.execute(
                    "UPDATE reminders SET status = 'pending', attempts = attempts + 1"
                    " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?",
                    (workshop_id, participant_id, trigger),
                )
                return True
            return False

        claimed: bool = await self.store.write_sync(apply)
        return claimed

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
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE reminders SET status = ?, last_error = ?, sent_at = ?"
                " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?",
                (
                    status,
                    error,
                    to_micros(now) if status == "sent" else None,
                    workshop_id,
                    participant_id,
                    trigger,
                ),
            )

        await self.store.write_sync(apply)

    async def abandon_pending(self, before: datetime) -> int:
        def apply(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "UPDATE reminders SET status = 'unknown',"
                " last_error = 'interrupted before the result was recorded; not resent'"
                " WHERE status = 'pending' AND created_at < ?",
                (to_micros(before),),
            )
            return cursor.rowcount

        count: int = await self.store.write_sync(apply)
        return count

    async def entries(self, workshop_id: str) -> list[LogEntry]:
        rows = await self.store._read(
            "SELECT workshop_id, participant_id, trigger, status, attempts, last_error,"
            " created_at, sent_at, sent_by FROM reminders WHERE workshop_id = ?"
            " ORDER BY created_at, id",
            (workshop_id,),
        )
        return [log_entry_of(row) for row in rows]
