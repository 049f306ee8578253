"""Where exemptions and connected learner identities are kept (issue 15), once for both
engines over the database port (``statements.storage.port``). Both tables go with their
participant (``ON DELETE CASCADE``): removing someone from the list, or the workshop,
removes their exemptions and connected identities too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.links import LAUNCH_ACCOUNT_BY
from statements.storage.port import Database, DatabaseError, Row, Tx

_IN_COUNTY = "p.workshop_id IN (SELECT id FROM workshops WHERE county = ?)"


def _scope(
    workshop_ids: Sequence[str] | None,
    county: str | None,
    municipality: str | None,
    participant_id: str | None = None,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if workshop_ids is not None:
        where.append("p.workshop_id IN (" + ", ".join("?" * len(workshop_ids)) + ")")
        params.extend(workshop_ids)
    for condition, value in (
        (_IN_COUNTY, county),
        ("p.municipality = ?", municipality),
        ("p.id = ?", participant_id),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    return (" WHERE " + " AND ".join(where) if where else ""), params


class AdminStorage:
    """Exemptions and connected identities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- exemptions --------------------------------------------------------------------------

    async def exemptions(
        self,
        *,
        workshop_ids: Sequence[str] | None = None,
        county: str | None = None,
        municipality: str | None = None,
        participant_id: str | None = None,
    ) -> list[Row]:
        """(workshop id, participant id, course id, reason, created at µs, created by)."""
        if workshop_ids is not None and not workshop_ids:
            return []
        where, params = _scope(workshop_ids, county, municipality, participant_id)
        return await self.db.read(
            "SELECT p.workshop_id, e.participant_id, e.course_id, e.reason, e.created_at,"
            " e.created_by FROM exemptions e JOIN participants p ON p.id = e.participant_id"
            + where
            + " ORDER BY e.participant_id, e.course_id",
            *params,
        )

    async def exempt_pairs(self) -> set[tuple[str, str]]:
        """(participant id, course id) of every exemption (the national summary's look-up)."""
        rows = await self.db.read("SELECT participant_id, course_id FROM exemptions")
        return {(row[0], row[1]) for row in rows}

    async def put_exemption(
        self, participant_id: str, course_id: str, reason: str, now: int, by: str | None
    ) -> None:
        """Add or replace (a new reason) the exemption."""
        await self.db.write(
            lambda tx: tx.execute(
                "INSERT INTO exemptions (participant_id, course_id, reason, created_at,"
                " created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (participant_id, course_id)"
                " DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at,"
                " created_by = excluded.created_by",
                participant_id,
                course_id,
                reason,
                now,
                by,
            )
        )

    async def remove_exemption(self, participant_id: str, course_id: str) -> bool:
        removed = await self.db.write(
            lambda tx: tx.execute(
                "DELETE FROM exemptions WHERE participant_id = ? AND course_id = ?",
                participant_id,
                course_id,
            )
        )
        return removed > 0

    # --- connected identities ----------------------------------------------------------------

    async def identities(
        self,
        *,
        workshop_ids: Sequence[str] | None = None,
        participant_id: str | None = None,
    ) -> list[Row]:
        """(workshop id, participant id, identity, created at µs, created by) of the
        identities administrators connected; the launch accounts the service recorded
        (``reports.links.LAUNCH_ACCOUNT_BY``) are not theirs to undo and are left out."""
        where, params = _scope(workshop_ids, None, None, participant_id)
        where = (where + " AND" if where else " WHERE") + " COALESCE(i.created_by, '') <> ?"
        return await self.db.read(
            "SELECT p.workshop_id, i.participant_id, i.identity, i.created_at, i.created_by"
            " FROM participant_identities i JOIN participants p ON p.id = i.participant_id"
            + where
            + " ORDER BY i.participant_id, i.created_at, i.identity",
            *params,
            LAUNCH_ACCOUNT_BY,
        )

    async def claimed(self, identity: str, workshop_id: str) -> str | None:
        """The id of the participant of the workshop who already has ``identity``, as one of
        their own keys or a connected one; None when nobody has."""
        rows = await self.db.read(
            "SELECT p.id FROM participants p WHERE p.workshop_id = ?"
            " AND (p.mbox_key = ? OR p.sha1_key = ? OR p.account_key = ?"
            " OR EXISTS (SELECT 1 FROM participant_identities i"
            " WHERE i.participant_id = p.id AND i.identity = ?))",
            workshop_id,
            identity,
            identity,
            identity,
            identity,
        )
        return rows[0][0] if rows else None

    async def connect(self, participant_id: str, identity: str, now: int, by: str | None) -> bool:
        """False when the participant already has it."""
        try:
            await self.db.write(
                lambda tx: tx.execute(
                    "INSERT INTO participant_identities (participant_id, identity, created_at,"
                    " created_by) VALUES (?, ?, ?, ?)",
                    participant_id,
                    identity,
                    now,
                    by,
                )
            )
        except DatabaseError:
            return False
        return True

    async def disconnect(self, participant_id: str, identity: str) -> bool:
        removed = await self.db.write(
            lambda tx: tx.execute(
                "DELETE FROM participant_identities WHERE participant_id = ? AND identity = ?",
                participant_id,
                identity,
            )
        )
        return removed > 0

    # --- requirements per role -------------------------------------------------------------

    async def requirements(
        self, workshop_ids: Sequence[str] | None = None
    ) -> dict[str, dict[str, frozenset[str]]]:
        """workshop id → course id → the roles it is required of (courses required of
        everyone are not listed)."""
        if workshop_ids is not None and not workshop_ids:
            return {}
        where = ""
        params: list[Any] = []
        if workshop_ids is not None:
            where = " WHERE workshop_id IN (" + ", ".join("?" * len(workshop_ids)) + ")"
            params = list(workshop_ids)
        rows = await self.db.read(
            "SELECT workshop_id, course_id, role FROM workshop_course_roles" + where, *params
        )
        found: dict[str, dict[str, set[str]]] = {}
        for workshop_id, course_id, role in rows:
            found.setdefault(workshop_id, {}).setdefault(course_id, set()).add(role)
        return {
            workshop_id: {course: frozenset(roles) for course, roles in courses.items()}
            for workshop_id, courses in found.items()
        }

    async def set_requirements(self, workshop_id: str, roles: Mapping[str, Sequence[str]]) -> None:
        """Replace the workshop's per-role requirements (course id → roles) in one
        transaction."""

        async def apply(tx: Tx) -> None:
            await tx.execute("DELETE FROM workshop_course_roles WHERE workshop_id = ?", workshop_id)
            rows = [
                (workshop_id, course, role) for course, listed in roles.items() for role in listed
            ]
            if rows:
                await tx.executemany(
                    "INSERT INTO workshop_course_roles (workshop_id, course_id, role)"
                    " VALUES (?, ?, ?)",
                    rows,
                )

        await self.db.write(apply)
