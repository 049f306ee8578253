"""Personal launch links (issue 14): one unguessable, revocable link per participant and
required course of their workshop, ``/l/{token}``.

A link works until a configurable time after the workshop (``valid_until``), needs no
log-in, and starts the course as the course's launch kind says (``lrs_bridge.web.launch``).
The token is 192 random bits; it is kept as it is (not hashed) because the same link goes
out again in every reminder. Its registration (a UUID) is fixed per link, so every launch
of it continues the same attempt.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from reports.model import STOCKHOLM, Course, Participant, Workshop
from reports.storage import WorkshopRow
from reports.storage_rows import COURSE_COLUMNS, PARTICIPANT_COLUMNS, course_of, participant_of
from reports.storage_sql import WORKSHOP_WIDTH, workshop_columns, workshop_row
from statements.query import from_micros, to_micros
from statements.storage.port import Database, Duplicate, Tx, in_list

TOKEN_BYTES = 24


@dataclass(frozen=True, slots=True)
class PersonalLink:
    id: str
    token: str
    participant_id: str
    course_id: str
    registration: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """What a link's token leads to."""

    link: PersonalLink
    participant: Participant
    workshop: Workshop
    course: Course


def valid_until(workshop: Workshop, days_after: int) -> datetime:
    """When a workshop's links stop working: the end of the workshop's day (Stockholm)
    plus ``days_after`` days."""
    end = datetime.combine(workshop.date, time(23, 59, 59), tzinfo=STOCKHOLM)
    return end + timedelta(days=days_after)


def launch_actor(participant: Participant) -> dict[str, object]:
    """The actor a launch gives the course: the participant as the list has them (so the
    statements match the participant directly, whatever the learner types in the course)."""
    return {
        "objectType": "Agent",
        "name": participant.name,
        "mbox": "mailto:" + participant.email.strip().lower(),
    }


LAUNCH_ACCOUNT_BY = "lrs-bridge:launch-account"
"""``participant_identities.created_by`` of a participant's launch account: the service
recorded it, no administrator connected it (it is not listed for them to undo)."""


def launch_account(participant_id: str, home_page: str) -> dict[str, Any]:
    """The actor a cmi5 launch gives a participant (cmi5 spec 8.1, 9.2: an Agent with an
    ``account``, without personal data): the service's public address and the
    participant's id, a random UUID that says nothing about the person. It is one of the
    participant's identities (``LinkStorage.remember_account``), so reports, the register
    extract, the erasure and retention find it as they find any connected identity."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": participant_id}}


_COLUMNS = (
    "l.id, l.token, l.participant_id, l.course_id, l.registration, l.created_at, l.revoked_at"
)

_COURSE_COLUMNS = ", ".join("c." + name.strip() for name in COURSE_COLUMNS.split(","))


def _link_of(row: Sequence[Any]) -> PersonalLink:
    revoked = row[6]
    return PersonalLink(
        id=str(row[0]),
        token=str(row[1]),
        participant_id=str(row[2]),
        course_id=str(row[3]),
        registration=str(row[4]),
        created_at=from_micros(row[5]),
        revoked_at=from_micros(revoked) if revoked is not None else None,
    )


class LinkStorage:
    """The ``launch_links`` table, on the database port (one SQL for both engines)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure(
        self, pairs: Iterable[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], PersonalLink]:
        """The active link of each (participant, course), made where there is none."""
        wanted = sorted(set(pairs))
        found = await self.active(wanted)
        missing = [pair for pair in wanted if pair not in found]
        if missing:

            async def insert(tx: Tx) -> None:
                for participant_id, course_id in missing:
                    await tx.execute(
                        "INSERT INTO launch_links (id, token, participant_id, course_id,"
                        " registration, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT DO NOTHING",
                        uuid.uuid4().hex[:16],
                        secrets.token_urlsafe(TOKEN_BYTES),
                        participant_id,
                        course_id,
                        str(uuid.uuid4()),
                        to_micros(now),
                    )

            with contextlib.suppress(Duplicate):  # made at once elsewhere: read theirs
                await self.db.write(insert)
            found = await self.active(wanted)
        return found

    async def active(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], PersonalLink]:
        if not pairs:
            return {}
        participants = sorted({participant for participant, _ in pairs})
        found: dict[tuple[str, str], PersonalLink] = {}
        for start in range(0, len(participants), 500):
            condition, params = in_list(
                self.db.dialect, "l.participant_id", participants[start : start + 500]
            )
            rows = await self.db.read(
                f"SELECT {_COLUMNS} FROM launch_links l WHERE {condition} AND l.revoked_at IS NULL",
                *params,
            )
            for row in rows:
                link = _link_of(row)
                found[(link.participant_id, link.course_id)] = link
        wanted = set(pairs)
        return {pair: link for pair, link in found.items() if pair in wanted}

    async def of_participant(self, participant_id: str) -> list[PersonalLink]:
        """Every link of a participant, revoked ones too, newest first."""
        rows = await self.db.read(
            f"SELECT {_COLUMNS} FROM launch_links l WHERE l.participant_id = ?"
            " ORDER BY l.created_at DESC, l.id",
            participant_id,
        )
        return [_link_of(row) for row in rows]

    async def by_token(self, token: str) -> tuple[PersonalLink, str] | None:
        """The link of a token and its participant's workshop id, revoked or not."""
        rows = await self.db.read(
            f"SELECT {_COLUMNS}, p.workshop_id FROM launch_links l"
            " JOIN participants p ON p.id = l.participant_id WHERE l.token = ?",
            token,
        )
        if not rows:
            return None
        return _link_of(rows[0]), str(rows[0][7])

    async def target(
        self, token: str
    ) -> tuple[PersonalLink, Participant, Course, WorkshopRow] | None:
        """The link of a token with its participant, course and workshop, in one read."""
        row = await self.db.read_point(
            f"SELECT {_COLUMNS}, {PARTICIPANT_COLUMNS}, {_COURSE_COLUMNS},"
            f" {workshop_columns(self.db.dialect)} FROM launch_links l"
            " JOIN participants p ON p.id = l.participant_id"
            " JOIN courses c ON c.id = l.course_id"
            " JOIN workshops w ON w.id = p.workshop_id WHERE l.token = ?",
            token,
        )
        if row is None:
            return None
        width = len(_COLUMNS.split(","))
        participant_end = width + len(PARTICIPANT_COLUMNS.split(","))
        course_end = len(row) - WORKSHOP_WIDTH
        return (
            _link_of(row[:width]),
            participant_of(row[width:participant_end]),
            course_of(row[participant_end:course_end]),
            workshop_row(row[course_end:]),
        )

    async def remember_account(self, participant_id: str, identity: str, now: datetime) -> None:
        """Record a launch account as one of the participant's identities (once)."""
        rows = await self.db.read(
            "SELECT 1 FROM participant_identities WHERE participant_id = ? AND identity = ?",
            participant_id,
            identity,
        )
        if rows:
            return
        await self.db.write(
            lambda tx: tx.execute(
                "INSERT INTO participant_identities (participant_id, identity, created_at,"
                " created_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                participant_id,
                identity,
                to_micros(now),
                LAUNCH_ACCOUNT_BY,
            )
        )

    async def by_id(self, link_id: str) -> PersonalLink | None:
        rows = await self.db.read(f"SELECT {_COLUMNS} FROM launch_links l WHERE l.id = ?", link_id)
        return _link_of(rows[0]) if rows else None

    async def revoke(self, link_ids: Sequence[str], now: datetime) -> list[str]:
        """Revoke these links (those still active); returns the ids revoked."""
        if not link_ids:
            return []

        async def apply(tx: Tx) -> list[str]:
            done: list[str] = []
            for link_id in link_ids:
                changed = await tx.execute(
                    "UPDATE launch_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    to_micros(now),
                    link_id,
                )
                if changed:
                    done.append(link_id)
            return done

        return await self.db.write(apply)
