"""The audit log: who imported, changed, exported or removed what, and when.

An entry names the person by user id (``None``: the operator, from the command line),
what they did (``workshop.create``, ``participants.import``, ``report.export``, …), the
object, the county the object belongs to, and the county of the person who acted, so that
a county admin reads every entry about their county's objects and every entry of their
county's people, wherever they acted. Details carry counts and ids, never names or e-mail addresses.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from lrs_bridge.auth.access import OutOfScope, Principal, county_filter
from lrs_bridge.people.model import AuditEntry, PeopleStorage

log = logging.getLogger(__name__)

MAX_PAGE = 500


class AuditLog:
    def __init__(self, storage: PeopleStorage) -> None:
        self.storage = storage

    async def record(
        self,
        actor: Principal | None,
        action: str,
        object_type: str,
        object_id: str | None,
        county: str | None,
        **details: Any,
    ) -> int:
        actor_id = actor.user_id if actor else None
        entry_id = await self.storage.add_audit(
            datetime.now(UTC),
            actor_id,
            action,
            object_type,
            object_id,
            county,
            details,
            actor_county=actor.county if actor else None,
        )
        log.info(
            "audit %d: %s %s %s %s",
            entry_id,
            f"user {actor_id}" if actor_id is not None else "operator",
            action,
            object_type,
            object_id or "",
        )
        return entry_id

    async def entries(
        self,
        reader: Principal,
        county: str | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first. A national admin reads every county's entries (or ``county``'s);
                anyone else only their own county's: about its objects or by its people (none of
        another county they ask for)."""
        try:
            county = county_filter(reader, county)
        except OutOfScope:
            return []
        return await self.storage.audit_entries(county, before, max(1, min(limit, MAX_PAGE)))
