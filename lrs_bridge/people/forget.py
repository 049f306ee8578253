"""What the people tables hold about one person: their account and API tokens if they are
also a user, and the audit entries about them or by them (GDPR art. 15/17).

Written once for both engines over the port (``fetch``: ``store.read`` or a ``Tx``'s
``fetch``). Audit entries name people by id only, never by e-mail or name: an erasure
keeps them (they say what was done, not to whom once the ids lead nowhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from lrs_bridge.people.storage import insert_audit
from statements.storage.forget import Fetch
from statements.storage.port import Dialect, Tx, in_list


@dataclass(slots=True)
class Account:
    users: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def user_ids(self) -> list[int]:
        return [int(user["id"]) for user in self.users]

    def counts(self) -> dict[str, int]:
        return {"users": len(self.users), "tokens": len(self.tokens)}


async def find_account(
    fetch: Fetch, dialect: Dialect, email: str, participant_ids: list[str]
) -> Account:
    found = Account()
    for row in await fetch(
        "SELECT id, email, role, county, municipality, created_at, disabled_at FROM users"
        " WHERE email_key = ?",
        email.strip().lower(),
    ):
        found.users.append(
            dict(zip(("id", "email", "role", "county", "municipality", "created_at",
                      "disabled_at"), row, strict=True))
        )  # fmt: skip
    if found.users:
        condition, users = in_list(dialect, "user_id", found.user_ids)
        for row in await fetch(
            f"SELECT id, user_id, created_at, revoked_at FROM user_tokens WHERE {condition}"
            " ORDER BY created_at",
            *users,
        ):
            found.tokens.append(
                dict(zip(("id", "user_id", "created_at", "revoked_at"), row, strict=True))
            )
    about: list[str] = []
    params: list[Any] = []
    if found.users:
        condition, values = in_list(dialect, "actor_id", found.user_ids)
        about.append(condition)
        params += values
        condition, values = in_list(dialect, "object_id", [str(i) for i in found.user_ids])
        about.append(f"(object_type = 'user' AND {condition})")
        params += values
    if found.tokens:
        condition, values = in_list(dialect, "object_id", [str(t["id"]) for t in found.tokens])
        about.append(f"(object_type = 'token' AND {condition})")
        params += values
    if participant_ids:
        condition, values = in_list(dialect, "object_id", participant_ids)
        about.append(f"(object_type = 'participant' AND {condition})")
        params += values
    if about:
        for row in await fetch(
            "SELECT id, at, actor_id, action, object_type, object_id, county, details"
            f" FROM audit_log WHERE {' OR '.join(about)} ORDER BY id",
            *params,
        ):
            entry = dict(
                zip(("id", "at", "actor_id", "action", "object_type", "object_id", "county"),
                    row[:7], strict=True)
            )  # fmt: skip
            entry["details"] = orjson.loads(row[7])
            found.audit.append(entry)
    return found


async def forget_account(tx: Tx, found: Account) -> dict[str, int]:
    """Delete the person's API tokens and user account in ``tx``."""
    counts = {"users": 0, "tokens": 0}
    if found.users:
        condition, params = in_list(tx.dialect, "user_id", found.user_ids)
        counts["tokens"] = await tx.execute(f"DELETE FROM user_tokens WHERE {condition}", *params)
        # Set-password links (issue 15) and single sign-on log-ins under way (issue 20)
        # name the account: they go before it.
        await tx.execute(f"DELETE FROM password_links WHERE {condition}", *params)
        await tx.execute(f"DELETE FROM sso_flows WHERE {condition}", *params)
        condition, params = in_list(tx.dialect, "id", found.user_ids)
        counts["users"] = await tx.execute(f"DELETE FROM users WHERE {condition}", *params)
    return counts


async def audit_in(
    tx: Tx,
    at: datetime,
    actor_id: int | None,
    actor_county: str | None,
    action: str,
    **details: Any,
) -> int:
    """An audit entry about a person who is not named (an extract or an erasure), in ``tx``."""
    return await insert_audit(
        tx, at, actor_id, action, "person", None, None, details, actor_county=actor_county
    )
