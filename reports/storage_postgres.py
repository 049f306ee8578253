"""PostgreSQL SQL of the readiness reports: courses, workshops, participants, the progress
ledger, on the statement store's asyncpg pool (``PostgresStore``): each write is one
transaction of its own (``store._transaction``), reads go through ``store._read``.

Several instances may share the database, so what SQLite's one writer serialises is made
safe here by locks:

- every write to the ledger (a projector's batch, a changed course's history, a rebuild, a
  course replaced) first locks the one row of ``progress_checkpoint``. A projector's batch
  commits only if the checkpoint it locked is still the one it started from; all others
  then wait their turn, so no read-merge-write of a ledger row is lost;
- replacing a workshop's participant list locks the workshop's row, so two imports of one
  list take turns rather than deciding from the same old list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import asyncpg

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
from statements.storage.postgres import PostgresStore, affected_rows

register("reports.migrations")

_ACCOUNT_CLASH = "participants_account_unique"
"""The unique constraint on (workshop, account key), named in the migration."""


_INSERT_PARTICIPANT = (
    "INSERT INTO participants (id, workshop_id, name, email, municipality, role,"
    " account_home_page, account_name, mbox_key, sha1_key, account_key)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
)
_UPDATE_PARTICIPANT = (
    "UPDATE participants SET name = $1, email = $2, municipality = $3, role = $4,"
    " account_home_page = $5, account_name = $6, mbox_key = $7, sha1_key = $8,"
    " account_key = $9 WHERE id = $10 AND workshop_id = $11"
)
_UPSERT_LEDGER = (
    "INSERT INTO progress (learner, course_id, trusted, completed_at, last_activity,"
    " steps_done, step_times)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bigint[],"
    " $6::int[], $7::text[])"
    " ON CONFLICT (learner, course_id, trusted) DO UPDATE SET"
    " completed_at = EXCLUDED.completed_at,"
    " last_activity = EXCLUDED.last_activity, steps_done = EXCLUDED.steps_done,"
    " step_times = EXCLUDED.step_times"
)
_LOCK_CHECKPOINT = (
    "SELECT seq, last_stored, generation FROM progress_checkpoint WHERE id = 1 FOR UPDATE"
)
_IN_COUNTY = "p.workshop_id IN (SELECT id FROM workshops WHERE county = {})"


def _clash(error: asyncpg.IntegrityConstraintViolationError) -> str:
    return "account" if getattr(error, "constraint_name", None) == _ACCOUNT_CLASH else "email"


class _Params:
    """Positional parameters ($1, $2, …) of a query built piece by piece."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


async def _upsert(conn: Any, rows: Iterable[LedgerRow]) -> None:
    values = [ledger_values(row) for row in rows]
    if values:
        await conn.execute(_UPSERT_LEDGER, *(list(column) for column in zip(*values, strict=True)))


class PostgresReadinessStorage(ReadinessStorage):
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def _read(self, sql: str, *params: Any) -> list[Any]:
        return await self.store._read(sql, *params)

    # --- courses -------------------------------------------------------------------------

    async def courses(self) -> list[Course]:
        rows = await self._read(f"SELECT {COURSE_COLUMNS} FROM courses ORDER BY position, id")
        return [course_of(row) for row in rows]

    async def add_course(self, course: Course) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "INSERT INTO courses (id, name, rule, activities, url, description, reporters,"
                " position) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                " (SELECT COALESCE(MAX(position), 0) + 1 FROM courses))"
                " ON CONFLICT (id) DO NOTHING",
                course.id,
                course.name,
                course.rule,
                activities_text(course),
                course.url,
                course.description,
                reporters_text(course.reporters),
            )
        return affected_rows(status) > 0

    async def replace_course(self, course: Course) -> bool:
        async with self.store._transaction() as conn:
            await conn.execute(_LOCK_CHECKPOINT)  # the ledger's writers take turns
            status = await conn.execute(
                "UPDATE courses SET name = $1, rule = $2, activities = $3, url = $4,"
                " description = $5, reporters = $6 WHERE id = $7",
                course.name,
                course.rule,
                activities_text(course),
                course.url,
                course.description,
                reporters_text(course.reporters),
                course.id,
            )
            if affected_rows(status) == 0:
                return False
            await conn.execute("DELETE FROM progress WHERE course_id = $1", course.id)
            await conn.execute(
                "UPDATE progress_checkpoint SET generation = generation + 1 WHERE id = 1"
            )
        return True

    async def review_reporters(self, course_id: str, reporters: Reporters) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "UPDATE courses SET reporters = $1 WHERE id = $2 AND reporters IS NULL",
                reporters_text(reporters),
                course_id,
            )
        return affected_rows(status) > 0

    # --- workshops -----------------------------------------------------------------------

    async def workshops(
        self,
        *,
        county: str | None = None,
        workshop_id: str | None = None,
        municipality: str | None = None,
    ) -> list[WorkshopRow]:
        where: list[str] = []
        param = _Params()
        counted = f" AND p.municipality = {param(municipality)}" if municipality is not None else ""
        if county is not None:
            where.append(f"w.county = {param(county)}")
        if workshop_id is not None:
            where.append(f"w.id = {param(workshop_id)}")
        rows = await self._read(
            "SELECT w.id, w.county, w.title, w.date, w.deadline, w.deadline_is_default,"
            " (SELECT string_agg(c.course_id, ' ' ORDER BY c.position)"
            "   FROM workshop_courses c WHERE c.workshop_id = w.id),"
            " (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id" + counted + ")"
            " FROM workshops w"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY w.date, w.title, w.id",
            *param.values,
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
    async def _set_courses(conn: Any, row: WorkshopRow) -> None:
        await conn.execute("DELETE FROM workshop_courses WHERE workshop_id = $1", row.id)
        if row.courses:
            await conn.execute(
                "INSERT INTO workshop_courses (workshop_id, course_id, position)"
                " SELECT $1, course, position - 1"
                " FROM unnest($2::text[]) WITH ORDINALITY AS u (course, position)",
                row.id,
                list(row.courses),
            )

    async def add_workshop(self, row: WorkshopRow, now: int) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "INSERT INTO workshops (id, county, title, date, deadline, deadline_is_default,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                row.id,
                row.county,
                row.title,
                row.date.isoformat(),
                row.deadline,
                int(row.deadline_is_default),
                now,
                now,
            )
            await self._set_courses(conn, row)

    async def update_workshop(self, row: WorkshopRow, now: int) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "UPDATE workshops SET title = $1, date = $2, deadline = $3,"
                " deadline_is_default = $4, updated_at = $5 WHERE id = $6",
                row.title,
                row.date.isoformat(),
                row.deadline,
                int(row.deadline_is_default),
                now,
                row.id,
            )
            if affected_rows(status) == 0:
                return False
            await self._set_courses(conn, row)
        return True

    async def delete_workshop(self, workshop_id: str) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute("DELETE FROM workshops WHERE id = $1", workshop_id)
        return affected_rows(status) > 0

    # --- participants ------------------------------------------------------------------------

    async def participants(
        self,
        *,
        workshop_id: str | None = None,
        county: str | None = None,
        municipality: str | None = None,
        participant_id: str | None = None,
    ) -> list[Participant]:
        where: list[str] = []
        param = _Params()
        if workshop_id is not None:
            where.append(f"p.workshop_id = {param(workshop_id)}")
        if county is not None:
            where.append(_IN_COUNTY.format(param(county)))
        if municipality is not None:
            where.append(f"p.municipality = {param(municipality)}")
        if participant_id is not None:
            where.append(f"p.id = {param(participant_id)}")
        rows = await self._read(
            f"SELECT {PARTICIPANT_COLUMNS} FROM participants p"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY p.workshop_id, p.municipality, p.name, p.email",
            *param.values,
        )
        return [participant_of(row) for row in rows]

    async def add_participant(self, participant: Participant) -> str | None:
        try:
            async with self.store._transaction() as conn:
                await conn.execute(_INSERT_PARTICIPANT, *participant_values(participant))
        except asyncpg.IntegrityConstraintViolationError as error:
            return _clash(error)
        return None

    async def update_participant(self, participant: Participant) -> str | None:
        try:
            async with self.store._transaction() as conn:
                await conn.execute(_UPDATE_PARTICIPANT, *update_values(participant))
        except asyncpg.IntegrityConstraintViolationError as error:
            return _clash(error)
        return None

    async def remove_participant(self, workshop_id: str, participant_id: str) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "DELETE FROM participants WHERE id = $1 AND workshop_id = $2",
                participant_id,
                workshop_id,
            )
        return affected_rows(status) > 0

    async def replace_participants(
        self,
        workshop_id: str,
        decide: Callable[[list[Participant]], ParticipantDiff],
        *,
        apply: bool,
    ) -> ParticipantDiff:
        select = (
            f"SELECT {PARTICIPANT_COLUMNS} FROM participants p WHERE p.workshop_id = $1"
            " ORDER BY p.municipality, p.name, p.email"
        )
        if not apply:
            rows = await self._read(select, workshop_id)
            return decide([participant_of(row) for row in rows])

        async with self.store._transaction() as conn:
            # Another instance importing the same list waits here, then decides from the
            # list as that import left it.
            await conn.execute("SELECT 1 FROM workshops WHERE id = $1 FOR UPDATE", workshop_id)
            current = [participant_of(row) for row in await conn.fetch(select, workshop_id)]
            diff = decide(current)
            if diff.removed:
                await conn.execute(
                    "DELETE FROM participants WHERE id = ANY($1::text[])",
                    [p.id for p in diff.removed],
                )
            if diff.changed:
                # Changed rows first take placeholder keys, so that two participants may
                # swap e-mail addresses or accounts within one import without a clash.
                await conn.execute(
                    "UPDATE participants SET mbox_key = 'swap:' || id, account_key = NULL"
                    " WHERE id = ANY($1::text[])",
                    [after.id for _, after in diff.changed],
                )
                await conn.executemany(
                    _UPDATE_PARTICIPANT, [update_values(after) for _, after in diff.changed]
                )
            if diff.added:
                await conn.executemany(
                    _INSERT_PARTICIPANT, [participant_values(p) for p in diff.added]
                )
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
    async def _merge(conn: Any, merges: dict[Pair, Merge]) -> None:
        """Read the rows merged, merge, write back: the caller holds the checkpoint's lock."""
        if not merges:
            return
        learners = sorted({pair[0] for pair in merges})
        current: dict[Pair, LedgerRow] = {}
        for row in await conn.fetch(
            f"SELECT {LEDGER_COLUMNS} FROM progress WHERE learner = ANY($1::text[])", learners
        ):
            found = ledger_row_of(row)
            current[(found.learner, found.course_id, found.trusted)] = found
        await _upsert(conn, (merge(current.get(pair), pair) for pair, merge in merges.items()))

    async def advance(
        self,
        expected: Checkpoint,
        merges: dict[Pair, Merge],
        replacements: dict[Pair, LedgerRow | None],
        seq: int,
        last_stored: int | None,
    ) -> bool:
        async with self.store._transaction() as conn:
            # The lock makes the check hold until commit: a projector of another instance
            # that moved the checkpoint meanwhile is seen here (its commit is waited for).
            row = await conn.fetchrow(_LOCK_CHECKPOINT)
            if (row[0], row[2]) != (expected.seq, expected.generation):
                return False
            await self._merge(conn, {p: m for p, m in merges.items() if p not in replacements})
            deleted = [pair for pair, replacement in replacements.items() if replacement is None]
            if deleted:
                await conn.execute(
                    "DELETE FROM progress WHERE (learner, course_id, trusted) IN"
                    " (SELECT * FROM unnest($1::text[], $2::text[], $3::int[]))",
                    [pair[0] for pair in deleted],
                    [pair[1] for pair in deleted],
                    [int(pair[2]) for pair in deleted],
                )
            await _upsert(conn, (new for new in replacements.values() if new is not None))
            await conn.execute(
                "UPDATE progress_checkpoint SET seq = $1,"
                " last_stored = COALESCE($2::bigint, last_stored) WHERE id = 1",
                seq,
                last_stored,
            )
        return True

    async def merge_rows(self, merges: dict[Pair, Merge]) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(_LOCK_CHECKPOINT)
            await self._merge(conn, merges)

    async def reset_ledger(self) -> Checkpoint:
        async with self.store._transaction() as conn:
            row = await conn.fetchrow(
                "UPDATE progress_checkpoint SET seq = 0, last_stored = NULL,"
                " generation = generation + 1 WHERE id = 1"
                " RETURNING seq, last_stored, generation"
            )
            await conn.execute("DELETE FROM progress")
        return Checkpoint(row[0], row[1], row[2])

    async def ledger(self, learners: Iterable[str] | None = None) -> list[LedgerRow]:
        select = f"SELECT {LEDGER_COLUMNS} FROM progress"
        if learners is None:
            rows = await self._read(select + " ORDER BY learner, course_id, trusted DESC")
        else:
            rows = await self._read(
                select + " WHERE learner = ANY($1::text[])"
                " ORDER BY learner, course_id, trusted DESC",
                sorted(set(learners)),
            )
        return [ledger_row_of(row) for row in rows]

    async def progress_rows(
        self,
        *,
        workshop_ids: Sequence[str] | None = None,
        county: str | None = None,
        municipality: str | None = None,
    ) -> list[ProgressRow]:
        where: list[str] = []
        param = _Params()
        if workshop_ids is not None:
            if not workshop_ids:
                return []
            where.append(f"p.workshop_id = ANY({param(list(workshop_ids))}::text[])")
        if county is not None:
            where.append(_IN_COUNTY.format(param(county)))
        if municipality is not None:
            where.append(f"p.municipality = {param(municipality)}")
        # A participant matches ledger rows under any of their identity keys. Joined as
        # "learner IN (three keys)" PostgreSQL can only merge on the course and test every
        # learner of it (20,000 × 20,000 rows for the nation: a minute); three equality
        # joins, one per kind of key, are hash joins (keys of different kinds never match
        # the same ledger row, so nothing is counted twice).
        matches = " UNION ALL ".join(
            "SELECT q.id AS participant_id, g.course_id, g.completed_at, g.last_activity,"
            f" g.step_times, g.trusted FROM chosen q JOIN progress g ON g.learner = q.{key}"
            for key in ("mbox_key", "sha1_key", "account_key")
        )
        rows = await self._read(
            "WITH chosen AS MATERIALIZED (SELECT * FROM participants p"
            + (" WHERE " + " AND ".join(where) if where else "")
            + ") SELECT p.id, p.workshop_id, p.municipality, c.course_id, m.completed_at,"
            " m.last_activity, m.step_times, m.trusted"
            " FROM chosen p"
            " JOIN workshop_courses c ON c.workshop_id = p.workshop_id"
            f" LEFT JOIN ({matches}) m"
            "  ON m.participant_id = p.id AND m.course_id = c.course_id",
            *param.values,
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
            "SELECT g.learner, g.course_id, g.trusted, g.completed_at, g.last_activity,"
            " g.step_times FROM progress g"
            " WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.mbox_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.sha1_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.account_key = g.learner)"
            " ORDER BY g.last_activity DESC, g.learner, g.course_id, g.trusted DESC LIMIT $1",
            limit,
        )
        return [ledger_row_of(row) for row in rows]
