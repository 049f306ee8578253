"""Engine-neutral parts of the readiness storage: a participant's identity keys, and rows
of the database turned into ``reports`` objects and back, spelled the same by every engine
(``reports.storage_sql``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from reports.model import Course, Participant, Reporters
from reports.places import municipality as find_by_code
from reports.storage import LedgerRow
from statements.identity import mbox_sha1sum

PARTICIPANT_COLUMNS = (
    "p.id, p.workshop_id, p.name, p.email, p.municipality, p.role,"
    " p.account_home_page, p.account_name"
)


def identity_keys(participant: Participant) -> tuple[str, str, str | None]:
    """The participant's mbox, mbox_sha1sum and account keys, spelled as
    ``statements.identity.agent_key`` spells a statement's actor."""
    email = participant.email.strip().lower()
    account = (
        f"account:{participant.account_home_page} {participant.account_name}"
        if participant.account_home_page and participant.account_name
        else None
    )
    return "mbox:" + email, "mbox_sha1sum:" + mbox_sha1sum(email), account


def participant_of(row: Sequence[Any]) -> Participant:
    """A participant from a row of ``PARTICIPANT_COLUMNS``."""
    place = find_by_code(row[4])
    return Participant(
        id=row[0],
        workshop_id=row[1],
        name=row[2],
        email=row[3],
        municipality=row[4],
        municipality_name=place.name if place else row[4],
        role=row[5],
        account_home_page=row[6],
        account_name=row[7],
    )


def participant_values(participant: Participant) -> tuple[Any, ...]:
    """(id, workshop_id, name, email, municipality, role, account_home_page, account_name,
    mbox_key, sha1_key, account_key)."""
    mbox, sha1, account = identity_keys(participant)
    return (
        participant.id,
        participant.workshop_id,
        participant.name,
        participant.email,
        participant.municipality,
        participant.role,
        participant.account_home_page,
        participant.account_name,
        mbox,
        sha1,
        account,
    )


def update_values(participant: Participant) -> tuple[Any, ...]:
    """The changeable values of ``participant_values``, then id and workshop_id."""
    values = participant_values(participant)
    return (*values[2:], participant.id, participant.workshop_id)


def step_times_of(text: str) -> tuple[int | None, ...]:
    return tuple(orjson.loads(text))


LEDGER_COLUMNS = (
    "learner, course_id, trusted, completed_at, last_activity, step_times,"
    " reported_progress, reported_at"
)
"""The columns ``ledger_row_of`` reads, in its order."""


def ledger_row_of(row: Sequence[Any]) -> LedgerRow:
    """A ledger row from ``LEDGER_COLUMNS``."""
    return LedgerRow(
        row[0], row[1], bool(row[2]), row[3], row[4], step_times_of(row[5]), row[6], row[7]
    )


def ledger_values(row: LedgerRow) -> tuple[Any, ...]:
    """(learner, course_id, trusted, completed_at, last_activity, steps_done, step_times,
    reported_progress, reported_at)."""
    return (
        row.learner,
        row.course_id,
        int(row.trusted),
        row.completed_at,
        row.last_activity,
        row.steps_done,
        orjson.dumps(list(row.step_times)).decode(),
        row.reported_progress,
        row.reported_at,
    )


COURSE_COLUMNS = "id, name, rule, activities, url, description, reporters, launch_kind"
"""The columns ``course_of`` reads, in its order."""


def course_of(row: Sequence[Any]) -> Course:
    """A course from ``COURSE_COLUMNS``."""
    return Course(
        id=row[0],
        name=row[1],
        rule=row[2],
        activities=tuple(orjson.loads(row[3])),
        url=row[4],
        description=row[5],
        reporters=reporters_of(row[6]),
        launch_kind=row[7],
    )


def activities_text(course: Course) -> str:
    return orjson.dumps(list(course.activities)).decode()


def reporters_of(text: str | None) -> Reporters | None:
    if text is None:
        return None
    data = orjson.loads(text)
    return Reporters(tuple(data.get("credentials", ())), tuple(data.get("sources", ())))


def reporters_text(reporters: Reporters | None) -> str | None:
    if reporters is None:
        return None
    return orjson.dumps(
        {"credentials": list(reporters.credentials), "sources": list(reporters.sources)}
    ).decode()
