"""The contact person of a county (usability review F4): whom a participant replies to and
whom the reminder e-mail names in its signature. Set by a county or national admin; stored
over the database port, one row per county."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reports.fields import bad, require_object, text_field
from statements.errors import BadRequest
from statements.query import from_micros, to_micros
from statements.storage.port import Database, Tx

FIELDS = ("name", "email", "phone", "organisation")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\.]+(\.[^@\s<>(),;:\"\[\]\\.]+)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}[0-9]$")


@dataclass(frozen=True, slots=True)
class Contact:
    county: str
    name: str
    email: str
    phone: str | None = None
    organisation: str | None = None
    updated_at: datetime | None = None

    def signature(self) -> str:
        """The lines under "Vänliga hälsningar": name, organisation, phone, e-mail."""
        return "\n".join(
            part for part in (self.name, self.organisation, self.phone, self.email) if part
        )


def _checked(found: Mapping[str, Any], name: str) -> str | None:
    required = name in ("name", "email")
    value = text_field(found, name, required=required, max_length=_LIMITS[name]) or None
    if value is None:
        return None
    if name == "email" and not _EMAIL.match(value):
        raise bad("email", "bad_email", f"{value!r} is not an e-mail address")
    if name == "phone" and not _PHONE.match(value):
        raise bad("phone", "bad_phone", "must be a phone number (digits, spaces, + - ( ))")
    return value.lower() if name == "email" else value


_LIMITS = {"name": 200, "email": 254, "phone": 30, "organisation": 200}


def contact_of(county: str, data: Any) -> Contact:
    """A contact from a request body: every field checked, ``BadRequest`` naming each
    field that is wrong and its rule (the web form shows them all at once)."""
    found: Mapping[str, Any] = require_object(data, frozenset(FIELDS))
    values: dict[str, str | None] = {}
    problems: list[BadRequest] = []
    for name in FIELDS:
        try:
            values[name] = _checked(found, name)
        except BadRequest as problem:
            problems.append(problem)
    if problems:
        details = [detail for problem in problems for detail in problem.details]
        raise BadRequest(str(problems[0]), details)
    person, email = values["name"], values["email"]
    assert person is not None and email is not None
    return Contact(county, person, email, values["phone"], values["organisation"])


_COLUMNS = "county, name, email, phone, organisation, updated_at"


def _contact(row: Any) -> Contact:
    return Contact(row[0], row[1], row[2], row[3], row[4], from_micros(row[5]))


class ContactStorage:
    """The ``county_contacts`` table, once for both engines."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, county: str) -> Contact | None:
        rows = await self.db.read(
            f"SELECT {_COLUMNS} FROM county_contacts WHERE county = ?", county
        )
        return _contact(rows[0]) if rows else None

    async def put(self, contact: Contact, now: datetime, by: str | None) -> Contact:
        async def write(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO county_contacts"
                " (county, name, email, phone, organisation, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (county) DO UPDATE SET"
                " name = excluded.name, email = excluded.email, phone = excluded.phone,"
                " organisation = excluded.organisation, updated_at = excluded.updated_at,"
                " updated_by = excluded.updated_by",
                contact.county,
                contact.name,
                contact.email,
                contact.phone,
                contact.organisation,
                to_micros(now),
                by,
            )

        await self.db.write(write)
        stored = await self.get(contact.county)
        assert stored is not None
        return stored

    async def remove(self, county: str) -> bool:
        async def write(tx: Tx) -> int:
            return await tx.execute("DELETE FROM county_contacts WHERE county = ?", county)

        return bool(await self.db.write(write))
