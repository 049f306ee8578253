"""The reminder log's SQL, once for both engines, over the store's database port.

A claim is one statement that either inserts the (workshop, participant, trigger) row or
takes a failed one back to 'pending': the unique constraint and the row lock decide, so of
two instances claiming the same reminder at once exactly one gets it (under SQLite's one
writer the question does not arise).

A run started on the web pages claims all its rows up front as 'queued' (``queue``), in one
transaction, so its total is in the log from the start; each is then taken from 'queued' to
'pending' by the same claim just before its e-mail goes, so an e-mail is still sent only by
whoever holds its claim."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reports.reminders import STOPPED, LogEntry, ReminderLog, log_entry_of
from statements.query import from_micros, to_micros
from statements.storage.port import Database, Tx, in_list


class SqlReminderLog(ReminderLog):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def last_sent(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        if not pairs:
            return {}
        wanted = set(pairs)
        workshops, params = in_list(
            self.db.dialect, "workshop_id", sorted({workshop for workshop, _ in pairs})
        )
        rows = await self.db.read(
            "SELECT workshop_id, participant_id, MAX(sent_at) FROM reminders"
            f" WHERE {workshops} AND status = 'sent' GROUP BY workshop_id, participant_id",
            *params,
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
        run: str | None = None,
    ) -> bool:
        async def apply(tx: Tx) -> bool:
            # A claim of another instance not yet committed makes this insert wait for it,
            # then do nothing.
            inserted = await tx.execute(
                "INSERT INTO reminders (workshop_id, participant_id, trigger, status, attempts,"
                " created_at, sent_by, run) VALUES (?, ?, ?, 'pending', 1, ?, ?, ?)"
                " ON CONFLICT (workshop_id, participant_id, trigger) DO NOTHING",
                workshop_id,
                participant_id,
                trigger,
                to_micros(now),
                sent_by,
                run,
            )
            if inserted == 1:
                return True
            # A queued one is sent now, a failed one tried again: the row lock makes the
            # condition hold for one claimer only (the other re-reads the row as 'pending'
            # and updates nothing).
            retried = await tx.execute(
                "UPDATE reminders SET status = 'pending', attempts = attempts + 1"
                " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?"
                " AND (status = 'queued' OR (status = 'failed' AND attempts < ?))",
                workshop_id,
                participant_id,
                trigger,
                max_attempts,
            )
            return retried == 1

        return await self.db.write(apply)

    async def queue(
        self,
        pairs: Sequence[tuple[str, str]],
        trigger: str,
        now: datetime,
        sent_by: str | None,
        max_attempts: int,
        run: str | None = None,
    ) -> set[tuple[str, str]]:
        async def apply(tx: Tx) -> set[tuple[str, str]]:
            got: set[tuple[str, str]] = set()
            for workshop_id, participant_id in pairs:
                inserted = await tx.execute(
                    "INSERT INTO reminders (workshop_id, participant_id, trigger, status,"
                    " attempts, created_at, sent_by, run) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?)"
                    " ON CONFLICT (workshop_id, participant_id, trigger) DO NOTHING",
                    workshop_id,
                    participant_id,
                    trigger,
                    to_micros(now),
                    sent_by,
                    run,
                )
                retaken = inserted == 1 or (
                    await tx.execute(
                        "UPDATE reminders SET status = 'queued', run = ?"
                        " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?"
                        " AND status = 'failed' AND attempts < ?",
                        run,
                        workshop_id,
                        participant_id,
                        trigger,
                        max_attempts,
                    )
                    == 1
                )
                if retaken:
                    got.add((workshop_id, participant_id))
            return got

        if not pairs:
            return set()
        return await self.db.write(apply)

    async def release(
        self, pairs: Sequence[tuple[str, str]], trigger: str, error: str, now: datetime
    ) -> int:
        async def apply(tx: Tx) -> int:
            released = 0
            for workshop_id, participant_id in pairs:
                released += await tx.execute(
                    "UPDATE reminders SET status = 'failed', last_error = ?"
                    " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?"
                    " AND status = 'queued'",
                    error,
                    workshop_id,
                    participant_id,
                    trigger,
                )
            return released

        return await self.db.write(apply)

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
        await self.db.write(
            lambda tx: tx.execute(
                "UPDATE reminders SET status = ?, last_error = ?, sent_at = ?"
                " WHERE workshop_id = ? AND participant_id = ? AND trigger = ?",
                status,
                error,
                to_micros(now) if status == "sent" else None,
                workshop_id,
                participant_id,
                trigger,
            )
        )

    async def abandon_pending(self, before: datetime) -> int:
        async def apply(tx: Tx) -> int:
            abandoned = await tx.execute(
                "UPDATE reminders SET status = 'unknown',"
                " last_error = 'interrupted before the result was recorded; not resent'"
                " WHERE status = 'pending' AND created_at < ?",
                to_micros(before),
            )
            # Never tried (the instance running them stopped): they may go later.
            await tx.execute(
                "UPDATE reminders SET status = 'failed', last_error = ?"
                " WHERE status = 'queued' AND created_at < ?",
                STOPPED,
                to_micros(before),
            )
            return abandoned

        return await self.db.write(apply)

    async def entries(self, workshop_id: str) -> list[LogEntry]:
        rows = await self.db.read(
            "SELECT workshop_id, participant_id, trigger, status, attempts, last_error,"
            " created_at, sent_at, sent_by, run FROM reminders WHERE workshop_id = ?"
            " ORDER BY created_at, id",
            workshop_id,
        )
        return [log_entry_of(row) for row in rows]

    async def run_entries(self, workshop_id: str, run: str) -> list[LogEntry]:
        rows = await self.db.read(
            "SELECT workshop_id, participant_id, trigger, status, attempts, last_error,"
            " created_at, sent_at, sent_by, run FROM reminders WHERE workshop_id = ? AND run = ?"
            " ORDER BY id",
            workshop_id,
            run,
        )
        return [log_entry_of(row) for row in rows]
