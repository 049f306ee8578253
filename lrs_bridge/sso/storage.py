"""Log-ins under way and identities already used: their SQL, once for both engines, over the
store's database port. Times are microseconds since the epoch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from statements.query import to_micros
from statements.storage.port import Database, Tx

FLOW_LIFETIME = timedelta(minutes=10)
"""How long a person has at the identity provider before the log-in must start over."""
TICKET_LIFETIME = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    kind: str
    """'request' (sent to the identity provider) or 'ticket' (a SAML answer to redeem)."""
    provider: str
    browser: str
    nonce: str
    verifier: str
    next_url: str
    user_id: int | None = None
    logout: str = ""
    """What single log-out needs later (SAML: the NameID and session index, as JSON)."""


_COLUMNS = "id, kind, provider, browser, nonce, verifier, next_url, user_id, logout"


class SsoStorage:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_flow(self, flow: Flow, now: datetime) -> None:
        async def apply(tx: Tx) -> None:
            # Old, abandoned log-ins go as new ones start (no background job needed).
            await tx.execute(
                "DELETE FROM sso_flows WHERE created_at < ?", to_micros(now - FLOW_LIFETIME)
            )
            await tx.execute(
                f"INSERT INTO sso_flows ({_COLUMNS}, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                flow.id,
                flow.kind,
                flow.provider,
                flow.browser,
                flow.nonce,
                flow.verifier,
                flow.next_url,
                flow.user_id,
                flow.logout,
                to_micros(now),
            )

        await self.db.write(apply)

    async def take_flow(self, flow_id: str, kind: str, provider: str, now: datetime) -> Flow | None:
        """The flow, removed so that it is used once at most; None when there is none (or
        it is too old, or of another provider)."""
        lifetime = FLOW_LIFETIME if kind == "request" else TICKET_LIFETIME

        async def apply(tx: Tx) -> Flow | None:
            row = await tx.fetchrow(
                f"DELETE FROM sso_flows WHERE id = ? AND kind = ? AND provider = ?"
                f" AND created_at >= ? RETURNING {_COLUMNS}",
                flow_id,
                kind,
                provider,
                to_micros(now - lifetime),
            )
            return Flow(*row) if row is not None else None

        found: Flow | None = await self.db.write(apply)
        return found

    async def first_use(
        self, provider: str, identity_id: str, expires: datetime, now: datetime
    ) -> bool:
        """Record that an assertion or ID token was used; False when it was used before."""

        async def apply(tx: Tx) -> bool:
            await tx.execute("DELETE FROM sso_seen WHERE expires_at < ?", to_micros(now))
            added = await tx.execute(
                "INSERT INTO sso_seen (provider, id, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (provider, id) DO NOTHING",
                provider,
                identity_id,
                to_micros(expires),
            )
            return added == 1

        fresh: bool = await self.db.write(apply)
        return fresh
