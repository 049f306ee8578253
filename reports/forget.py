"""What the readiness domain holds about one person, and forgetting it (GDPR art. 15/17).

A person is found by their e-mail address: the participant rows with that address (in
every workshop), and through them every learner identity connected to them (the mbox and
mbox_sha1sum keys of the address, and any learner account a list gave for them). Their
records: participant rows, the progress ledger's rows of those identities, the reminder
log of those participants, and a county contact entry with the address.

Written once for both engines over the port; ``fetch`` is ``store.read`` (a dry run, an
extract) or a ``Tx``'s ``fetch`` (the erasure, in the same transaction as the count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reports.storage_rows import LEDGER_COLUMNS
from statements.identity import mbox_sha1sum
from statements.storage.forget import Fetch
from statements.storage.port import Dialect, Tx, in_list

_PARTICIPANT = (
    "SELECT p.id, p.workshop_id, w.county, w.title, w.date, p.name, p.email, p.municipality,"
    " p.role, p.account_home_page, p.account_name, p.mbox_key, p.sha1_key, p.account_key"
    " FROM participants p JOIN workshops w ON w.id = p.workshop_id"
)
_PARTICIPANT_FIELDS = (
    "id", "workshop_id", "county", "workshop_title", "workshop_date", "name", "email",
    "municipality", "role", "account_home_page", "account_name",
)  # fmt: skip


@dataclass(slots=True)
class Person:
    """The readiness domain's records of one person (ids and keys; ``records`` for the
    extract)."""

    email: str
    keys: set[str] = field(default_factory=set)
    participant_ids: list[str] = field(default_factory=list)
    participants: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    reminders: list[dict[str, Any]] = field(default_factory=list)
    county_contacts: list[dict[str, Any]] = field(default_factory=list)
    connected_identities: list[dict[str, Any]] = field(default_factory=list)
    """Learner identities an admin connected to the person's participant rows, and the
    person's identities connected to someone else's row (issue 15)."""
    exemptions: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "participants": len(self.participants),
            "connected_identities": len(self.connected_identities),
            "exemptions": len(self.exemptions),
            "progress": len(self.progress),
            "reminders": len(self.reminders),
            "county_contacts": len(self.county_contacts),
        }


def email_keys(email: str) -> set[str]:
    """The learner identities an address stands for, as ``identity_keys`` spells them."""
    address = email.strip().lower()
    return {"mbox:" + address, "mbox_sha1sum:" + mbox_sha1sum(address)}


async def find_person(fetch: Fetch, dialect: Dialect, email: str) -> Person:
    person = Person(email.strip().lower(), email_keys(email))
    seen: set[str] = set()
    while person.keys - seen:  # an account key found may lead to more rows, once
        new = sorted(person.keys - seen)
        seen.update(new)
        where: list[str] = []
        params: list[Any] = []
        for column in ("p.mbox_key", "p.sha1_key", "p.account_key"):
            condition, values = in_list(dialect, column, new)
            where.append(condition)
            params.extend(values)
        for row in await fetch(f"{_PARTICIPANT} WHERE {' OR '.join(where)} ORDER BY p.id", *params):
            if row[0] in person.participant_ids:
                continue
            person.participant_ids.append(row[0])
            person.participants.append(dict(zip(_PARTICIPANT_FIELDS, row[:11], strict=True)))
            person.keys.update(key for key in row[11:14] if key)
        if person.participant_ids:  # identities connected to them are theirs too
            condition, ids = in_list(dialect, "participant_id", person.participant_ids)
            for (identity,) in await fetch(
                f"SELECT identity FROM participant_identities WHERE {condition}", *ids
            ):
                person.keys.add(identity)
    keys = sorted(person.keys)
    condition, learners = in_list(dialect, "learner", keys)
    for row in await fetch(
        f"SELECT {LEDGER_COLUMNS} FROM progress WHERE {condition} ORDER BY learner, course_id",
        *learners,
    ):
        person.progress.append(
            dict(
                zip(
                    ("learner", "course_id", "trusted", "completed_at", "last_activity",
                     "step_times", "reported_progress", "reported_at"),
                    row,
                    strict=True,
                )
            )
        )  # fmt: skip
    if person.participant_ids:
        condition, ids = in_list(dialect, "participant_id", person.participant_ids)
        for row in await fetch(
            "SELECT workshop_id, participant_id, trigger, status, attempts, created_at,"
            f" sent_at FROM reminders WHERE {condition} ORDER BY id",
            *ids,
        ):
            person.reminders.append(
                dict(
                    zip(
                        ("workshop_id", "participant_id", "trigger", "status", "attempts",
                         "created_at", "sent_at"),
                        row,
                        strict=True,
                    )
                )
            )  # fmt: skip
    await _administration(fetch, dialect, person)
    for row in await fetch(
        "SELECT county, name, email, phone, organisation, updated_at FROM county_contacts"
        " WHERE LOWER(email) = ? ORDER BY county",
        person.email,
    ):
        person.county_contacts.append(
            dict(
                zip(
                    ("county", "name", "email", "phone", "organisation", "updated_at"),
                    row,
                    strict=True,
                )
            )
        )
    return person


async def _administration(fetch: Fetch, dialect: Dialect, person: Person) -> None:
    """The person's connected identities and exemptions (issue 15)."""
    identities, keys = in_list(dialect, "identity", sorted(person.keys))
    owners, ids = in_list(dialect, "participant_id", person.participant_ids or [""])
    for row in await fetch(
        "SELECT participant_id, identity, created_at, created_by FROM participant_identities"
        f" WHERE {identities} OR {owners} ORDER BY participant_id, identity",
        *keys,
        *ids,
    ):
        person.connected_identities.append(
            dict(zip(("participant_id", "identity", "created_at", "created_by"), row, strict=True))
        )
    for row in await fetch(
        "SELECT participant_id, course_id, reason, created_at, created_by FROM exemptions"
        f" WHERE {owners} ORDER BY participant_id, course_id",
        *ids,
    ):
        person.exemptions.append(
            dict(
                zip(
                    ("participant_id", "course_id", "reason", "created_at", "created_by"),
                    row,
                    strict=True,
                )
            )
        )


async def forget_person(tx: Tx, person: Person) -> dict[str, int]:
    """Delete the person's participant rows, ledger rows, reminder log and county contact
    entry in ``tx``; the counts. Moves the projector's generation on, so that a projection
    read before this transaction does not commit the rows back."""
    counts = {"participants": 0, "progress": 0, "reminders": 0, "county_contacts": 0}
    await tx.execute("UPDATE progress_checkpoint SET generation = generation + 1 WHERE id = 1")
    # Their identities connected to anyone's row; what hangs on their own participant rows
    # (exemptions, connected identities, launch links and their credentials) goes with the
    # rows (ON DELETE CASCADE), counted here first.
    counts["exemptions"] = len(person.exemptions)
    condition, params = in_list(tx.dialect, "identity", sorted(person.keys))
    counts["connected_identities"] = await tx.execute(
        f"DELETE FROM participant_identities WHERE {condition}", *params
    )
    if person.participant_ids:
        condition, params = in_list(tx.dialect, "participant_id", person.participant_ids)
        counts["connected_identities"] += await tx.execute(
            f"DELETE FROM participant_identities WHERE {condition}", *params
        )
        condition, params = in_list(tx.dialect, "participant_id", person.participant_ids)
        counts["reminders"] = await tx.execute(f"DELETE FROM reminders WHERE {condition}", *params)
        condition, params = in_list(tx.dialect, "id", person.participant_ids)
        counts["participants"] = await tx.execute(
            f"DELETE FROM participants WHERE {condition}", *params
        )
    if person.keys:
        condition, params = in_list(tx.dialect, "learner", sorted(person.keys))
        counts["progress"] = await tx.execute(f"DELETE FROM progress WHERE {condition}", *params)
    counts["county_contacts"] = await tx.execute(
        "DELETE FROM county_contacts WHERE LOWER(email) = ?", person.email
    )
    return counts


def workshops_of(person: Person) -> Sequence[str]:
    return sorted({str(row["workshop_id"]) for row in person.participants})
