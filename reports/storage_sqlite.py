"""SQLite SQL of the readiness reports: courses, workshops, participants, the progress
ledger. Writes go through the statement store's one writer (``store.write``), reads
through its reader pool, so reports share the database and its transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from reports.model import Course, Participant, Reporters
from reports.storage import (
    Checkpoint,
    LedgerRow,
    Merge,
    Pair,
    ParticipantDiff,
    ProgressRow,
    ReadinessStorage,
    WorkshopRow,
)
from reports.storage_rows import (
    COURSE_COLUMNS,
    LEDGER_COLUMNS,
    PARTICIPANT_COLUMNS,
    activities_text,
    course_of,
    ledger_row_of,
    ledger_values,
    participant_of,
    participant_values,
    reporters_text,
    step_times_of,
    update_values,
)
from statements.storage.migrate import register
from statements.storage.sqlite import SQLiteStore

register("reports.migrations")

_CHUNK = 400
"""Bound parameters per IN (...) list (SQLite allows 32766; smaller keeps plans simple)."""


def _clash(error: sqlite3.IntegrityError) -> str:
    return "account" if "account_key" in str(error) else "email"


_INSERT_PARTICIPANT = (
    "INSERT INTO participants (id, workshop_id, name, email, municipality, role,"
    " account_home_page, account_name, mbox_key, sha1_key, account_key)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_PARTICIPANT = (
    "UPDATE participants SET name = ?, email = ?, municipality = ?, role = ?,"
    " account_home_page = ?, account_name = ?, mbox_key = ?, sha1_key = ?, account_key = ?"
    " WHERE id = ? AND workshop_id = ?"
)


_UPSERT_LEDGER = (
    "INSERT OR REPLACE INTO progress (learner, course_id, trusted, completed_at,"
    " last_activity, steps_done, step_times) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class SQLiteReadinessStorage(ReadinessStorage):
    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def _read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return await self.store._read(sql, params)

    # --- courses -------------------------------------------------------------------------

    async def courses(self) -> list[Course]:
        rows = await self._read(f"SELECT {COURSE_COLUMNS} FROM courses ORDER BY position, id")
        return [course_of(row) for row in rows]

    async def add_course(self, course: Course) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            try:
                conn.execute(
                    "INSERT INTO courses (id, name, rule, activities, url, description,"
                    " reporters, position) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    " (SELECT COALESCE(MAX(position), 0) + 1 FROM courses))",
                    (
                        course.id,
                        course.name,
                        course.rule,
                        activities_text(course),
                        course.url,
                        course.description,
                        reporters_text(course.reporters),
                    ),
                )
            except sqlite3.IntegrityError:
                return False
            return True

        added: bool = await self.store.write(apply)
        return added

    async def replace_course(self, course: Course) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE courses SET name = ?, rule = ?, activities = ?, url = ?,"
                " description = ?, reporters = ? WHERE id = ?",
                (
                    course.name,
                    course.rule,
                    activities_text(course),
                    course.url,
                    course.description,
                    reporters_text(course.reporters),
                    course.id,
                ),
            )
            if cursor.rowcount == 0:
                return False
            conn.execute("DELETE FROM progress WHERE course_id = ?", (course.id,))
            conn.execute("UPDATE progress_checkpoint SET generation = generation + 1")
            return True

        replaced: bool = await self.store.write(apply)
        return replaced

    async def review_reporters(self, course_id: str, reporters: Reporters) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE courses SET reporters = ? WHERE id = ? AND reporters IS NULL",
                (reporters_text(reporters), course_id),
            )
            return cursor.rowcount > 0

        reviewed: bool = await self.store.write(apply)
        return reviewed

    # --- workshops -----------------------------------------------------------------------

    async def workshops(
        self,
        *,
        county: str | None = None,
        workshop_id: str | None = None,
        municipality: str | None = None,
    ) -> list[WorkshopRow]:
        where: list[str] = []
        params: list[str] = []
        counted = ""
        if municipality is not None:
            counted = " AND p.municipality = ?"
            params.append(municipality)
        if county is not None:
            where.append("w.county = ?")
            params.append(county)
        if workshop_id is not None:
            where.append("w.id = ?")
            params.append(workshop_id)
        rows = await self._read(
            "SELECT w.id, w.county, w.title, w.date, w.deadline, w.deadline_is_default,"
            " (SELECT group_concat(course_id, ' ') FROM"
            "   (SELECT course_id FROM workshop_courses c WHERE c.workshop_id = w.id"
            "    ORDER BY position)),"
            " (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id" + counted + ")"
            " FROM workshops w"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY w.date, w.title, w.id",
            params,
        )
        return [
            WorkshopRow(
                id=row[0],
                county=row[1],
                title=row[2],
                date=date.fromisoformat(row[3]),
                deadline=row[4],
                deadline_is_default=bool(row[5]),
                courses=tuple(row[6].split(" ")) if row[6] else (),
                participants=row[7],
            )
            for row in rows
        ]

    @staticmethod
    def _set_courses(conn: sqlite3.Connection, row: WorkshopRow) -> None:
        conn.execute("DELETE FROM workshop_courses WHERE workshop_id = ?", (row.id,))
        conn.executemany(
            "INSERT INTO workshop_courses (workshop_id, course_id, position) VALUES (?, ?, ?)",
            [(row.id, course, position) for position, course in enumerate(row.courses)],
        )

    async def add_workshop(self, row: WorkshopRow, now: int) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO workshops (id, county, title, date, deadline, deadline_is_default,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.id,
                    row.county,
                    row.title,
                    row.date.isoformat(),
                    row.deadline,
                    int(row.deadline_is_default),
                    now,
                    now,
                ),
            )
            self._set_courses(conn, row)

        await self.store.write(apply)

    async def update_workshop(self, row: WorkshopRow, now: int) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE workshops SET title = ?, date = ?, deadline = ?, deadline_is_default = ?,"
                " updated_at = ? WHERE id = ?",
                (
                    row.title,
                    row.date.isoformat(),
                    row.deadline,
                    int(row.deadline_is_default),
                    now,
                    row.id,
                ),
            )
            if cursor.rowcount == 0:
                return False
            self._set_courses(conn, row)
            return True

        updated: bool = await self.store.write(apply)
        return updated

    async def delete_workshop(self, workshop_id: str) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            return conn.execute("DELETE FROM workshops WHERE id = ?", (workshop_id,)).rowcount > 0

        deleted: bool = await self.store.write(apply)
        return deleted

    # --- participants ------------------------------------------------------------------------

    async def participants(
        self,
        *,
        workshop_id: str | None = None,
        county: str | None = None,
        municipality: str | None = None,
        participant_id: str | None = None,
    ) -> list[Participant]:
        where, params = [], []
        if workshop_id is not None:
            where.append("p.workshop_id = ?")
            params.append(workshop_id)
        if county is not None:
            where.append("p.workshop_id IN (SELECT id FROM workshops WHERE county = ?)")
            params.append(county)
        if municipality is not None:
            where.append("p.municipality = ?")
            params.append(municipality)
        if participant_id is not None:
            where.append("p.id = ?")
            params.append(participant_id)
        rows = await self._read(
            f"SELECT {PARTICIPANT_COLUMNS} FROM participants p"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY p.workshop_id, p.municipality, p.name, p.email",
            params,
        )
        return [participant_of(row) for row in rows]

    async def add_participant(self, participant: Participant) -> str | None:
        def apply(conn: sqlite3.Connection) -> str | None:
            try:
                conn.execute(_INSERT_PARTICIPANT, participant_values(participant))
            except sqlite3.IntegrityError as error:
                return _clash(error)
            return None

        clash: str | None = await self.store.write(apply)
        return clash

    async def update_participant(self, participant: Participant) -> str | None:
        def apply(conn: sqlite3.Connection) -> str | None:
            try:
                conn.execute(_UPDATE_PARTICIPANT, update_values(participant))
            except sqlite3.IntegrityError as error:
                return _clash(error)
            return None

        clash: str | None = await self.store.write(apply)
        return clash

    async def remove_participant(self, workshop_id: str, participant_id: str) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "DELETE FROM participants WHERE id = ? AND workshop_id = ?",
                (participant_id, workshop_id),
            )
            return cursor.rowcount > 0

        removed: bool = await self.store.write(apply)
        return removed

    async def replace_participants(
        self,
        workshop_id: str,
        decide: Callable[[list[Participant]], ParticipantDiff],
        *,
        apply: bool,
    ) -> ParticipantDiff:
        select = (
            f"SELECT {PARTICIPANT_COLUMNS} FROM participants p WHERE p.workshop_id = ?"
            " ORDER BY p.municipality, p.name, p.email"
        )
        if not apply:
            rows = await self._read(select, (workshop_id,))
            return decide([participant_of(row) for row in rows])

        def write(conn: sqlite3.Connection) -> ParticipantDiff:
            current = [participant_of(row) for row in conn.execute(select, (workshop_id,))]
            diff = decide(current)
            conn.executemany(
                "DELETE FROM participants WHERE id = ?", [(p.id,) for p in diff.removed]
            )
            # Changed rows first take placeholder keys, so that two participants may swap
            # e-mail addresses or accounts within one import without a uniqueness clash.
            conn.executemany(
                "UPDATE participants SET mbox_key = 'swap:' || id, account_key = NULL WHERE id = ?",
                [(after.id,) for _, after in diff.changed],
            )
            conn.executemany(_UPDATE_PARTICIPANT, [update_values(a) for _, a in diff.changed])
            conn.executemany(_INSERT_PARTICIPANT, [participant_values(p) for p in diff.added])
            return diff

        diff: ParticipantDiff = await self.store.write(write)
        return diff

    async def registered_emails(self) -> list[tuple[str, str, str, str]]:
        rows = await self._read(
            "SELECT lower(p.email), p.id, p.workshop_id, w.county FROM participants p"
            " JOIN workshops w ON w.id = p.workshop_id"
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    # --- the progress ledger -------------------------------------------------------------------

    async def checkpoint(self) -> Checkpoint:
        rows = await self._read(
            "SELECT seq, last_stored, generation FROM progress_checkpoint WHERE id = 1"
        )
        return Checkpoint(rows[0][0], rows[0][1], rows[0][2])

    @staticmethod
    def _merge(conn: sqlite3.Connection, merges: dict[Pair, Merge]) -> None:
        pairs = list(merges)
        current: dict[Pair, LedgerRow] = {}
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start : start + _CHUNK]
            learners = sorted({pair[0] for pair in chunk})
            marks = ",".join("?" * len(learners))
            for row in conn.execute(
                f"SELECT {LEDGER_COLUMNS} FROM progress WHERE learner IN ({marks})",
                learners,
            ):
                found = ledger_row_of(row)
                current[(found.learner, found.course_id, found.trusted)] = found
        conn.executemany(
            _UPSERT_LEDGER,
            [ledger_values(merge(current.get(pair), pair)) for pair, merge in merges.items()],
        )

    async def advance(
        self,
        expected: Checkpoint,
        merges: dict[Pair, Merge],
        replacements: dict[Pair, LedgerRow | None],
        seq: int,
        last_stored: int | None,
    ) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT seq, generation FROM progress_checkpoint WHERE id = 1"
            ).fetchone()
            if (row[0], row[1]) != (expected.seq, expected.generation):
                return False
            self._merge(conn, {p: m for p, m in merges.items() if p not in replacements})
            for (learner, course_id, trusted), replacement in replacements.items():
                if replacement is None:
                    conn.execute(
                        "DELETE FROM progress WHERE learner = ? AND course_id = ? AND trusted = ?",
                        (learner, course_id, int(trusted)),
                    )
                else:
                    conn.execute(_UPSERT_LEDGER, ledger_values(replacement))
            conn.execute(
                "UPDATE progress_checkpoint SET seq = ?,"
                " last_stored = COALESCE(?, last_stored) WHERE id = 1",
                (seq, last_stored),
            )
            return True

        advanced: bool = await self.store.write(apply)
        return advanced

    async def merge_rows(self, merges: dict[Pair, Merge]) -> None:
        await self.store.write(lambda conn: self._merge(conn, merges))

    async def reset_ledger(self) -> Checkpoint:
        def apply(conn: sqlite3.Connection) -> Checkpoint:
            conn.execute("DELETE FROM progress")
            conn.execute(
                "UPDATE progress_checkpoint SET seq = 0, last_stored = NULL,"
                " generation = generation + 1 WHERE id = 1"
            )
            row = conn.execute(
                "SELECT seq, last_stored, generation FROM progress_checkpoint"
            ).fetchone()
            return Checkpoint(row[0], row[1], row[2])

        checkpoint: Checkpoint = await self.store.write(apply)
        return checkpoint

    async def ledger(self, learners: Iterable[str] | None = None) -> list[LedgerRow]:
        select = f"SELECT {LEDGER_COLUMNS} FROM progress"
        if learners is None:
            rows = await self._read(select + " ORDER BY learner, course_id, trusted DESC")
            return [ledger_row_of(row) for row in rows]
        wanted = sorted(set(learners))
        found: list[LedgerRow] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self._read(
                select + f" WHERE learner IN ({marks}) ORDER BY learner, course_id, trusted DESC",
                chunk,
            )
            found.extend(ledger_row_of(row) for row in rows)
        return found

    async def progress_rows(
        self,
        *,
        workshop_ids: Sequence[str] | None = None,
        county: str | None = None,
        municipality: str | None = None,
    ) -> list[ProgressRow]:
        where: list[str] = []
        params: list[Any] = []
        if workshop_ids is not None:
            if not workshop_ids:
                return []
            where.append(f"p.workshop_id IN ({','.join('?' * len(workshop_ids))})")
            params.extend(workshop_ids)
        if county is not None:
            where.append("p.workshop_id IN (SELECT id FROM workshops WHERE county = ?)")
            params.append(county)
        if municipality is not None:
            where.append("p.municipality = ?")
            params.append(municipality)
        rows = await self._read(
            "SELECT p.id, p.workshop_id, p.municipality, c.course_id, g.completed_at,"
            " g.last_activity, g.step_times, g.trusted"
            " FROM participants p"
            " JOIN workshop_courses c ON c.workshop_id = p.workshop_id"
            " LEFT JOIN progress g ON g.course_id = c.course_id"
            "  AND g.learner IN (p.mbox_key, p.sha1_key, p.account_key)"
            + (" WHERE " + " AND ".join(where) if where else ""),
            params,
        )
        return [
            ProgressRow(
                participant_id=row[0],
                workshop_id=row[1],
                municipality=row[2],
                course_id=row[3],
                completed_at=row[4],
                last_activity=row[5],
                step_times=step_times_of(row[6]) if row[6] is not None else None,
                trusted=row[7] is None or bool(row[7]),
            )
            for row in rows
        ]

    async def unmatched(self, limit: int) -> list[LedgerRow]:
        rows = await self._read(
            f"SELECT {LEDGER_COLUMNS} FROM progress g"
            " WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.mbox_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.sha1_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.account_key = g.learner)"
            " ORDER BY g.last_activity DESC LIMIT ?",
            (limit,),
        )
        return [ledger_row_of(row) for row in rows]
