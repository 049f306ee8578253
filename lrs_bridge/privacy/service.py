"""The register extract (GDPR art. 15) and the erasure (art. 17) of one person.

A person is asked for by e-mail address. What is found: their participant rows in every
workshop and every learner identity connected to them (``reports.forget``), the statements,
documents and learned names under those identities (``statements.storage.forget``), their
user account, tokens and the audit entries about them (``lrs_bridge.people.forget``).

The erasure counts and removes in ONE transaction, holding the statement log's append
lock, so that it is all or nothing and no statement of theirs slips in between; a dry run
counts the same way without changing anything. The audit entry, written in the same
transaction, says that an erasure happened, by whom and when, with counts: never whose.
Asking for someone the service knows nothing about says so and changes nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from lrs_bridge.auth.access import Principal
from lrs_bridge.bridge.forget import forget_forwarding, received_by
from lrs_bridge.cmi5.forget import find_registrations, forget_registrations
from lrs_bridge.config import Settings
from lrs_bridge.people.forget import Account, audit_in, find_account, forget_account
from reports.forget import Person, find_person, forget_person
from reports.texts import text
from statements.errors import BadRequest, NotFound
from statements.storage import Store
from statements.storage.forget import (
    Fetch,
    Footprint,
    extract,
    footprint,
    forget,
    statement_rows,
)
from statements.storage.port import Dialect, Tx

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(slots=True)
class Found:
    person: Person
    account: Account
    log: Footprint
    cmi5: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.cmi5
            or self.person.connected_identities
            or self.person.participants
            or self.person.progress
            or self.person.county_contacts
            or self.account.users
            or not self.log.empty
        )

    def counts(self) -> dict[str, int]:
        return {
            **self.person.counts(),
            **self.log.counts(),
            **self.account.counts(),
            "cmi5_registrations": len(self.cmi5),
        }


@dataclass(slots=True)
class Erasure:
    """What an erasure removed (or, for a dry run, would remove): counts per kind, and the
    forwarding targets that already received statements of the person."""

    dry_run: bool
    mode: str
    counts: dict[str, int] = field(default_factory=dict)
    forwarded_to: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "mode": self.mode,
            "counts": self.counts,
            "forwarded_to": self.forwarded_to,
        }


def checked_email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise BadRequest(
            "'email' must be an e-mail address",
            [{"path": "email", "rule": "email", "message": "must be an e-mail address"}],
        )
    return value.strip().lower()


def nothing_found(email: str) -> NotFound:
    del email  # never in a message: messages may reach logs
    message = text("privacy.nothing_found", "en")
    return NotFound(message, [{"path": "email", "rule": "not_found", "message": message}])


class PersonalData:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def _find(self, fetch: Fetch, dialect: Dialect, email: str) -> Found:
        person = await find_person(fetch, dialect, email)
        account = await find_account(fetch, dialect, person.email, person.participant_ids)
        log = await footprint(fetch, dialect, person.keys)
        return Found(person, account, log, await find_registrations(fetch, dialect, person.keys))

    def information(self, language: str = "sv") -> dict[str, str]:
        """The art. 13/15 information the extract and the information page give."""
        settings = self.settings
        return {
            "controller": text(
                "privacy.controller",
                language,
                organisation=settings.organisation or "—",
                contact=settings.privacy_contact or settings.contact_email or "—",
            ),
            "purposes": text("privacy.purposes", language),
            "categories": text("privacy.categories", language),
            "retention": text(
                "privacy.retention",
                language,
                workshop_months=settings.retention_workshop_months,
                unmatched_months=settings.retention_unmatched_months,
                audit_years=settings.retention_audit_years,
            ),
            "recipients": text("privacy.recipients", language),
            "rights": text("privacy.rights", language),
        }

    async def extract(self, actor: Principal | None, email: Any) -> dict[str, Any]:
        """Everything the service holds about the person, as JSON; ``NotFound`` when it
        holds nothing. The request is audited (never naming whom)."""
        address = checked_email(email)
        store = self.store
        found = await self._find(store.read, store.dialect, address)
        if found.empty:  # nothing disclosed, nothing written
            raise nothing_found(address)
        now = datetime.now(UTC)
        await store.write(
            lambda tx: audit_in(
                tx,
                now,
                actor.user_id if actor else None,
                actor.county if actor else None,
                "person.extract",
                **found.counts(),
            )
        )
        rows = await statement_rows(store.read, store.dialect, found.log.seqs)
        log = await extract(store.read, store.dialect, found.log)
        return {
            "email": address,
            "generated_at": now.isoformat(),
            "information": self.information(),
            "participants": found.person.participants,
            "progress": found.person.progress,
            "reminders": found.person.reminders,
            "county_contacts": found.person.county_contacts,
            "connected_identities": found.person.connected_identities,
            "exemptions": found.person.exemptions,
            "cmi5_registrations": found.cmi5,
            **log,
            "users": found.account.users,
            "tokens": found.account.tokens,
            "audit": found.account.audit,
            "forwarded_to": await received_by(store.read, store.dialect, rows),
        }

    async def erase(self, actor: Principal | None, email: Any, *, dry_run: bool) -> Erasure:
        """Erase the person (``dry_run``: count what would go). ``NotFound``, with nothing
        changed, when the service holds nothing about them."""
        address = checked_email(email)
        mode = self.settings.erasure_mode
        store = self.store
        if dry_run:
            found = await self._find(store.read, store.dialect, address)
            if found.empty:
                raise nothing_found(address)
            rows = await statement_rows(store.read, store.dialect, found.log.seqs)
            return Erasure(
                True, mode, found.counts(), await received_by(store.read, store.dialect, rows)
            )
        before = await self._find(store.read, store.dialect, address)
        store.forget_index_values(before.person.keys)
        now = datetime.now(UTC)

        async def apply(tx: Tx) -> Erasure | None:
            await tx.lock_appends()  # no statement of theirs is appended meanwhile
            found = await self._find(tx.fetch, tx.dialect, address)
            if found.empty:
                return None
            rows = await statement_rows(tx.fetch, tx.dialect, found.log.seqs)
            targets = await received_by(tx.fetch, tx.dialect, rows)
            forgotten = await forget(tx, found.log, mode)
            await forget_forwarding(tx, found.log.seqs, forgotten.deleted)
            counts = await forget_person(tx, found.person)
            counts.update(await forget_account(tx, found.account))
            counts["cmi5_registrations"] = await forget_registrations(tx, found.cmi5)
            counts.update(
                statements=forgotten.statements,
                pseudonymised=forgotten.pseudonymised,
                documents=forgotten.documents,
                agent_names=forgotten.agent_names,
                attachments=forgotten.attachments,
                activity_definitions=forgotten.activity_definitions,
            )
            await audit_in(
                tx,
                now,
                actor.user_id if actor else None,
                actor.county if actor else None,
                "person.erase",
                mode=mode,
                forwarded_to=len(targets),
                **counts,
            )
            store.forget_index_values(found.person.keys)
            return Erasure(False, mode, counts, targets)

        done = await store.write(apply)
        store.forget_index_values(before.person.keys)
        if done is None:
            raise nothing_found(address)
        return done


_SHEETS = (
    "participants", "progress", "reminders", "county_contacts", "connected_identities",
    "exemptions", "cmi5_registrations", "statements", "attachments", "documents",
    "agent_names", "users", "tokens", "audit", "forwarded_to",
)  # fmt: skip
_TIMES = {"stored", "updated", "at", "created_at", "sent_at", "last_activity", "completed_at",
          "reported_at", "updated_at", "revoked_at", "disabled_at"}  # fmt: skip


def _cell(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if name in _TIMES and isinstance(value, int) and value > 10**14:
        return datetime.fromtimestamp(value / 1_000_000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def extract_xlsx(data: dict[str, Any], language: str = "sv") -> bytes:
    """The extract as a workbook a person can read: what it is and the information first,
    then one sheet per kind of record."""
    from openpyxl import Workbook

    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = text("privacy.sheet.about", language)[:31]
    about.append([text("privacy.extract.title", language, email=data["email"],
                       generated=data["generated_at"])])  # fmt: skip
    for name, value in data["information"].items():
        about.append([name, value])
    for kind in _SHEETS:
        sheet = workbook.create_sheet(text(f"privacy.sheet.{kind}", language)[:31])
        records = data.get(kind) or []
        if kind == "forwarded_to":
            records = [{"target": name} for name in records]
        columns: list[str] = []
        for record in records:
            columns.extend(name for name in record if name not in columns)
        sheet.append(columns)
        for record in records:
            sheet.append([_cell(name, record.get(name)) for name in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
