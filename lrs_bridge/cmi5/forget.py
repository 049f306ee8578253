"""What the cmi5 LMS holds about one person, and forgetting it (GDPR art. 15/17, issue 16):
their registrations (each with the actor as JSON), and the sessions, AU states and
satisfied records under them. The statements the LMS wrote are the statement log's
(``statements.storage.forget``). Written once for both engines over the port."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from statements.storage.forget import Fetch
from statements.storage.port import Dialect, Tx, in_list

_FIELDS = ("id", "course_id", "learner", "actor", "created_at")


async def find_registrations(
    fetch: Fetch, dialect: Dialect, keys: Collection[str]
) -> list[dict[str, Any]]:
    """The cmi5 registrations of any of the person's learner identities (``keys``)."""
    condition, params = in_list(dialect, "learner", sorted(keys))
    rows = await fetch(
        f"SELECT {', '.join(_FIELDS)} FROM cmi5_registrations WHERE {condition}"
        " ORDER BY created_at, id",
        *params,
    )
    return [dict(zip(_FIELDS, row, strict=True)) for row in rows]


async def forget_registrations(tx: Tx, registrations: list[dict[str, Any]]) -> int:
    """Delete the registrations and everything under them in ``tx``; how many."""
    if not registrations:
        return 0
    ids = [str(r["id"]) for r in registrations]
    for table in ("cmi5_satisfied", "cmi5_au_status", "cmi5_sessions"):
        condition, params = in_list(tx.dialect, "registration_id", ids)
        await tx.execute(f"DELETE FROM {table} WHERE {condition}", *params)
    condition, params = in_list(tx.dialect, "id", ids)
    return await tx.execute(f"DELETE FROM cmi5_registrations WHERE {condition}", *params)
