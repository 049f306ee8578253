"""The readiness reports' SQL (courses, workshops, participants, the progress ledger), once
for both engines, over the store's database port (``statements.storage.port``).

Each write is one transaction. Under SQLite's one writer they cannot interleave; on
PostgreSQL several instances may share the database, so what the one writer serialises is
made safe by row locks (``FOR UPDATE``, PostgreSQL only):

- every write to the ledger (a projector's batch, a changed course's history, a rebuild, a
  course replaced) first locks the one row of ``progress_checkpoint``. A projector's batch
  commits only if the checkpoint it locked is still the one it started from; all others
  then wait their turn, so no read-merge-write of a ledger row is lost;
- replacing a workshop's participant list locks the workshop's row, so two imports of one
  list take turns rather than deciding from the same old list.

Engine-specific SQL is marked ``# engine:`` where it differs.
"""

from __future__ import annotations

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
from statements.storage.port import Database, DatabaseError, Row, Tx, in_list

_CHUNK = {"sqlite": 400, "postgresql": 50_000}


WORKSHOP_WIDTH = 9
"""How many columns ``workshop_columns`` selects."""


def workshop_columns(dialect: str, counted: str = "") -> str:
    """The columns of a workshop row (``w`` is the workshops table), read back by
    ``workshop_row``; ``counted`` narrows the participant count (``AND p.…``)."""
    # engine: the courses in order, space-separated.
    courses = (
        "(SELECT string_agg(c.course_id, ' ' ORDER BY c.position)"
        " FROM workshop_courses c WHERE c.workshop_id = w.id)"
        if dialect == "postgresql"
        else "(SELECT group_concat(course_id, ' ') FROM (SELECT course_id"
        " FROM workshop_courses c WHERE c.workshop_id = w.id ORDER BY position))"
    )
    return (
        f"w.id, w.county, w.title, w.date, w.deadline, w.deadline_is_default, {courses},"
        " (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id" + counted + "),"
        " w.purged_at"
    )


def workshop_row(row: Sequence[Any]) -> WorkshopRow:
    return WorkshopRow(
        id=row[0],
        county=row[1],
        title=row[2],
        date=date.fromisoformat(row[3]),
        deadline=row[4],
        deadline_is_default=bool(row[5]),
        courses=tuple(row[6].split(" ")) if row[6] else (),
        participants=row[7],
        purged_at=row[8],
    )


"""Learners per look-up (SQLite binds each as a variable; PostgreSQL one array)."""

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
_UPSERT_SET = (
    " ON CONFLICT (learner, course_id, trusted) DO UPDATE SET"
    " completed_at = excluded.completed_at, last_activity = excluded.last_activity,"
    " steps_done = excluded.steps_done, step_times = excluded.step_times,"
    " reported_progress = excluded.reported_progress, reported_at = excluded.reported_at"
)
_LEDGER_INSERT = (
    "INSERT INTO progress (learner, course_id, trusted, completed_at, last_activity,"
    " steps_done, step_times, reported_progress, reported_at)"
)
_CHECKPOINT = "SELECT seq, last_stored, generation FROM progress_checkpoint WHERE id = 1"
_IN_COUNTY = "p.workshop_id IN (SELECT id FROM workshops WHERE county = ?)"
_CONNECTED_MATCHES = (
    "SELECT q.id AS participant_id, g.course_id, g.completed_at, g.last_activity,"
    " g.step_times, g.trusted, g.reported_progress, g.reported_at FROM chosen q"
    " JOIN participant_identities i ON i.participant_id = q.id"
    " JOIN progress g ON g.learner = i.identity"
)
"""PostgreSQL: the ledger rows of identities an admin connected to a participant (issue 15)."""


def _clash(error: DatabaseError) -> str:
    """Which key an insert or update of a participant ran into: ``participants_account_unique``
    on PostgreSQL, ``participants.workshop_id, participants.account_key`` on SQLite."""
    return "account" if "account" in str(error) else "email"


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


class SqlReadinessStorage(ReadinessStorage):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.postgres = db.dialect == "postgresql"
        # engine: PostgreSQL locks the rows it decides from; SQLite's one writer needs none.
        self._for_update = " FOR UPDATE" if self.postgres else ""

    async def _write(self, sql: str, *params: Any) -> int:
        """One statement in a transaction of its own: the rows it touched."""
        return await self.db.write(lambda tx: tx.execute(sql, *params))

    async def _lock_checkpoint(self, tx: Tx) -> Row:
        """The checkpoint's row, locked on PostgreSQL: the ledger's writers take turns."""
        row = await tx.fetchrow(_CHECKPOINT + self._for_update)
        assert row is not None
        return row

    # --- courses -------------------------------------------------------------------------

    async def courses(self) -> list[Course]:
        rows = await self.db.read(f"SELECT {COURSE_COLUMNS} FROM courses ORDER BY position, id")
        return [course_of(row) for row in rows]

    async def add_course(self, course: Course) -> bool:
        added = await self._write(
            "INSERT INTO courses (id, name, rule, activities, url, description, reporters,"
            " launch_kind, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " (SELECT COALESCE(MAX(position), 0) + 1 FROM courses))"
            " ON CONFLICT (id) DO NOTHING",
            course.id,
            course.name,
            course.rule,
            activities_text(course),
            course.url,
            course.description,
            reporters_text(course.reporters),
            course.launch_kind,
        )
        return added > 0

    async def replace_course(self, course: Course) -> bool:
        async def apply(tx: Tx) -> bool:
            await self._lock_checkpoint(tx)
            replaced = await tx.execute(
                "UPDATE courses SET name = ?, rule = ?, activities = ?, url = ?,"
                " description = ?, reporters = ?, launch_kind = ? WHERE id = ?",
                course.name,
                course.rule,
                activities_text(course),
                course.url,
                course.description,
                reporters_text(course.reporters),
                course.launch_kind,
                course.id,
            )
            if replaced == 0:
                return False
            await tx.execute("DELETE FROM progress WHERE course_id = ?", course.id)
            await tx.execute(
                "UPDATE progress_checkpoint SET generation = generation + 1 WHERE id = 1"
            )
            return True

        return await self.db.write(apply)

    async def review_reporters(self, course_id: str, reporters: Reporters) -> bool:
        reviewed = await self._write(
            "UPDATE courses SET reporters = ? WHERE id = ? AND reporters IS NULL",
            reporters_text(reporters),
            course_id,
        )
        return reviewed > 0

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
        rows = await self.db.read(
            f"SELECT {workshop_columns(self.db.dialect, counted)} FROM workshops w"
            + _where(where)
            + " ORDER BY w.date, w.title, w.id",
            *params,
        )
        return [workshop_row(row) for row in rows]

    @staticmethod
    async def _set_courses(tx: Tx, row: WorkshopRow) -> None:
        await tx.execute("DELETE FROM workshop_courses WHERE workshop_id = ?", row.id)
        if row.courses:
            await tx.executemany(
                "INSERT INTO workshop_courses (workshop_id, course_id, position) VALUES (?, ?, ?)",
                [(row.id, course, position) for position, course in enumerate(row.courses)],
            )

    async def add_workshop(self, row: WorkshopRow, now: int) -> None:
        async def apply(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO workshops (id, county, title, date, deadline, deadline_is_default,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row.id,
                row.county,
                row.title,
                row.date.isoformat(),
                row.deadline,
                int(row.deadline_is_default),
                now,
                now,
            )
            await self._set_courses(tx, row)

        await self.db.write(apply)

    async def update_workshop(self, row: WorkshopRow, now: int) -> bool:
        async def apply(tx: Tx) -> bool:
            updated = await tx.execute(
                "UPDATE workshops SET title = ?, date = ?, deadline = ?,"
                " deadline_is_default = ?, updated_at = ? WHERE id = ?",
                row.title,
                row.date.isoformat(),
                row.deadline,
                int(row.deadline_is_default),
                now,
                row.id,
            )
            if updated == 0:
                return False
            await self._set_courses(tx, row)
            return True

        return await self.db.write(apply)

    async def delete_workshop(self, workshop_id: str) -> bool:
        return await self._write("DELETE FROM workshops WHERE id = ?", workshop_id) > 0

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
        for condition, value in (
            ("p.workshop_id = ?", workshop_id),
            (_IN_COUNTY, county),
            ("p.municipality = ?", municipality),
            ("p.id = ?", participant_id),
        ):
            if value is not None:
                where.append(condition)
                params.append(value)
        rows = await self.db.read(
            f"SELECT {PARTICIPANT_COLUMNS} FROM participants p"
            + _where(where)
            + " ORDER BY p.workshop_id, p.municipality, p.name, p.email",
            *params,
        )
        return [participant_of(row) for row in rows]

    async def add_participant(self, participant: Participant) -> str | None:
        try:
            await self._write(_INSERT_PARTICIPANT, *participant_values(participant))
        except DatabaseError as error:
            return _clash(error)
        return None

    async def update_participant(self, participant: Participant) -> str | None:
        try:
            await self._write(_UPDATE_PARTICIPANT, *update_values(participant))
        except DatabaseError as error:
            return _clash(error)
        return None

    async def remove_participant(self, workshop_id: str, participant_id: str) -> bool:
        removed = await self._write(
            "DELETE FROM participants WHERE id = ? AND workshop_id = ?",
            participant_id,
            workshop_id,
        )
        return removed > 0

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
            rows = await self.db.read(select, workshop_id)
            return decide([participant_of(row) for row in rows])

        async def write(tx: Tx) -> ParticipantDiff:
            # Another instance importing the same list waits here, then decides from the
            # list as that import left it.
            await tx.execute("SELECT 1 FROM workshops WHERE id = ?" + self._for_update, workshop_id)
            diff = decide([participant_of(row) for row in await tx.fetch(select, workshop_id)])
            dialect = self.db.dialect
            if diff.removed:
                ids, params = in_list(dialect, "id", [p.id for p in diff.removed])
                await tx.execute(f"DELETE FROM participants WHERE {ids}", *params)
            if diff.changed:
                # Changed rows first take placeholder keys, so that two participants may
                # swap e-mail addresses or accounts within one import without a clash.
                ids, params = in_list(dialect, "id", [after.id for _, after in diff.changed])
                await tx.execute(
                    "UPDATE participants SET mbox_key = 'swap:' || id, account_key = NULL"
                    f" WHERE {ids}",
                    *params,
                )
                await tx.executemany(
                    _UPDATE_PARTICIPANT, [update_values(after) for _, after in diff.changed]
                )
            if diff.added:
                await tx.executemany(
                    _INSERT_PARTICIPANT, [participant_values(p) for p in diff.added]
                )
            return diff

        return await self.db.write(write)

    async def registered_emails(self) -> list[tuple[str, str, str, str]]:
        rows = await self.db.read(
            "SELECT lower(p.email), p.id, p.workshop_id, w.county FROM participants p"
            " JOIN workshops w ON w.id = p.workshop_id"
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    # --- the progress ledger -------------------------------------------------------------------

    async def checkpoint(self) -> Checkpoint:
        rows = await self.db.read(_CHECKPOINT)
        return Checkpoint(rows[0][0], rows[0][1], rows[0][2])

    async def _ledger_of(
        self, fetch: Callable[..., Any], learners: Iterable[str], order: str = ""
    ) -> list[LedgerRow]:
        """The ledger rows of ``learners`` (sorted, unique), by ``fetch`` (a read or a Tx's
        fetch), in chunks."""
        wanted = sorted(set(learners))
        size = _CHUNK[self.db.dialect]
        found: list[LedgerRow] = []
        for start in range(0, len(wanted), size):
            condition, params = in_list(self.db.dialect, "learner", wanted[start : start + size])
            rows = await fetch(
                f"SELECT {LEDGER_COLUMNS} FROM progress WHERE {condition}{order}", *params
            )
            found.extend(ledger_row_of(row) for row in rows)
        return found

    async def _upsert(self, tx: Tx, rows: Iterable[LedgerRow]) -> None:
        values = [ledger_values(row) for row in rows]
        if not values:
            return
        if self.postgres:  # engine: one statement for the whole batch
            await tx.execute(
                _LEDGER_INSERT + " SELECT * FROM unnest(?::text[], ?::text[], ?::int[],"
                " ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::int[], ?::bigint[])"
                + _UPSERT_SET,
                *(list(column) for column in zip(*values, strict=True)),
            )
        else:
            await tx.executemany(
                _LEDGER_INSERT + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + _UPSERT_SET, values
            )

    async def _merge(self, tx: Tx, merges: dict[Pair, Merge]) -> None:
        """Read the rows merged, merge, write back: the caller holds the checkpoint's lock."""
        if not merges:
            return
        current = {
            (found.learner, found.course_id, found.trusted): found
            for found in await self._ledger_of(tx.fetch, (pair[0] for pair in merges))
        }
        await self._upsert(tx, (merge(current.get(pair), pair) for pair, merge in merges.items()))

    async def advance(
        self,
        expected: Checkpoint,
        merges: dict[Pair, Merge],
        replacements: dict[Pair, LedgerRow | None],
        seq: int,
        last_stored: int | None,
    ) -> bool:
        async def apply(tx: Tx) -> bool:
            # The lock makes the check hold until commit: a projector of another instance
            # that moved the checkpoint meanwhile is seen here (its commit is waited for).
            row = await self._lock_checkpoint(tx)
            if (row[0], row[2]) != (expected.seq, expected.generation):
                return False
            await self._merge(tx, {p: m for p, m in merges.items() if p not in replacements})
            deleted = [pair for pair, replacement in replacements.items() if replacement is None]
            if deleted:
                await tx.executemany(
                    "DELETE FROM progress WHERE learner = ? AND course_id = ? AND trusted = ?",
                    [(learner, course, int(trusted)) for learner, course, trusted in deleted],
                )
            await self._upsert(tx, (new for new in replacements.values() if new is not None))
            await tx.execute(
                "UPDATE progress_checkpoint SET seq = ?,"
                " last_stored = COALESCE(CAST(? AS BIGINT), last_stored) WHERE id = 1",
                seq,
                last_stored,
            )
            return True

        return await self.db.write(apply)

    async def merge_rows(self, merges: dict[Pair, Merge]) -> None:
        async def apply(tx: Tx) -> None:
            await self._lock_checkpoint(tx)
            await self._merge(tx, merges)

        await self.db.write(apply)

    async def reset_ledger(self) -> Checkpoint:
        async def apply(tx: Tx) -> Row | None:
            await tx.execute("DELETE FROM progress")
            return await tx.fetchrow(
                "UPDATE progress_checkpoint SET seq = 0, last_stored = NULL,"
                " generation = generation + 1 WHERE id = 1"
                " RETURNING seq, last_stored, generation"
            )

        row = await self.db.write(apply)
        assert row is not None
        return Checkpoint(row[0], row[1], row[2])

    async def ledger(self, learners: Iterable[str] | None = None) -> list[LedgerRow]:
        order = " ORDER BY learner, course_id, trusted DESC"
        if learners is None:
            rows = await self.db.read(f"SELECT {LEDGER_COLUMNS} FROM progress{order}")
            return [ledger_row_of(row) for row in rows]
        return await self._ledger_of(self.db.read, learners, order)

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
            condition, listed = in_list(self.db.dialect, "p.workshop_id", workshop_ids)
            where.append(condition)
            params.extend(listed)
        if county is not None:
            where.append(_IN_COUNTY)
            params.append(county)
        if municipality is not None:
            where.append("p.municipality = ?")
            params.append(municipality)
        columns = (
            "SELECT p.id, p.workshop_id, p.municipality, c.course_id, m.completed_at,"
            " m.last_activity, m.step_times, m.trusted, m.reported_progress, m.reported_at,"
            " p.role"
        )
        courses = " JOIN workshop_courses c ON c.workshop_id = p.workshop_id"
        if self.postgres:
            # engine: a participant matches ledger rows under any of their identity keys.
            # Joined as "learner IN (three keys)" PostgreSQL can only merge on the course and
            # test every learner of it (20,000 × 20,000 rows for the nation: a minute);
            # three equality joins, one per kind of key, are hash joins (keys of different
            # kinds never match the same ledger row, so nothing is counted twice).
            matches = " UNION ALL ".join(
                [
                    "SELECT q.id AS participant_id, g.course_id, g.completed_at,"
                    " g.last_activity, g.step_times, g.trusted, g.reported_progress,"
                    f" g.reported_at FROM chosen q JOIN progress g ON g.learner = q.{key}"
                    for key in ("mbox_key", "sha1_key", "account_key")
                ]
                + [_CONNECTED_MATCHES]
            )
            sql = (
                "WITH chosen AS MATERIALIZED (SELECT * FROM participants p"
                + _where(where)
                + f") {columns} FROM chosen p{courses} LEFT JOIN ({matches}) m"
                "  ON m.participant_id = p.id AND m.course_id = c.course_id"
            )
        else:
            # A connected identity's rows come in a second part (the first keeps its
            # index look-ups); a participant may then have several rows per course, which
            # the reports fold together like any several identities.
            sql = (
                f"{columns} FROM participants p{courses}"
                " LEFT JOIN progress m ON m.course_id = c.course_id"
                "  AND m.learner IN (p.mbox_key, p.sha1_key, p.account_key)"
                + _where(where)
                # engine: CROSS JOIN fixes SQLite's join order: from the (few) connected
                # identities outwards, never from a county's participants into the ledger.
                + f" UNION ALL {columns} FROM participant_identities i"
                " CROSS JOIN participants p ON p.id = i.participant_id"
                " CROSS JOIN workshop_courses c ON c.workshop_id = p.workshop_id"
                " CROSS JOIN progress m ON m.learner = i.identity AND m.course_id = c.course_id"
                + _where(where)
            )
            params = params + params
        rows = await self.db.read(sql, *params)
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
                reported_progress=row[8],
                reported_at=row[9],
                role=row[10],
            )
            for row in rows
        ]

    async def unmatched(self, limit: int) -> list[LedgerRow]:
        rows = await self.db.read(
            f"SELECT {LEDGER_COLUMNS} FROM progress g"
            " WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.mbox_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.sha1_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.account_key = g.learner)"
            " AND NOT EXISTS (SELECT 1 FROM participant_identities i"
            " WHERE i.identity = g.learner)"
            " ORDER BY g.last_activity DESC, g.learner, g.course_id, g.trusted DESC LIMIT ?",
            limit,
        )
        return [ledger_row_of(row) for row in rows]
