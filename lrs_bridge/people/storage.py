"""People, their tokens and the audit log: all their SQL, once for both engines, over the
store's database port (``statements.storage.port``).

Times are microseconds since the epoch. On PostgreSQL every write is one transaction and
reads go through the pool, so several instances on one database see each other's changes at
once: a token revoked or a person disabled by one instance (or by the CLI) stops working on
the very next request to any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from lrs_bridge.auth.access import Role
from lrs_bridge.people.model import (
    AuditEntry,
    NewUser,
    PasswordLink,
    PeopleStorage,
    TokenCheck,
    TokenInfo,
    User,
)
from statements.query import from_micros, to_micros
from statements.storage.port import Database, Duplicate, Tx

_TOKEN_COLUMNS = "id, user_id, created_at, revoked_at"
_TAKEN = "a person with this e-mail address exists already"


def people_storage(store: Database) -> PeopleStorage:
    return SqlPeopleStorage(store)


class SqlPeopleStorage(PeopleStorage):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create_user(self, user: NewUser, now: datetime) -> User:
        async def apply(tx: Tx) -> int | None:
            try:
                # Inserted only when the address is free, so a refused address does not use
                # up an id (ids stay 1, 2, 3 …); the unique key is the backstop when two
                # instances create the same address at once.
                user_id: int | None = await tx.fetchval(
                    "INSERT INTO users (email, email_key, role, county, municipality,"
                    " password_hash, created_at)"
                    " SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),"
                    " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)"
                    " WHERE NOT EXISTS (SELECT 1 FROM users WHERE email_key = ?) RETURNING id",
                    user.email,
                    user.email.lower(),
                    user.role.value,
                    user.county,
                    user.municipality,
                    user.password_hash,
                    to_micros(now),
                    user.email.lower(),
                )
            except Duplicate:
                raise ValueError(_TAKEN) from None
            return user_id

        user_id = await self.db.write(apply)
        if user_id is None:
            raise ValueError(_TAKEN)
        created = await self.user_by_id(user_id)
        assert created is not None
        return created

    async def _users(self, where: str, *params: Any) -> list[User]:
        rows = await self.db.read(f"SELECT {USER_COLUMNS} FROM users {where}", *params)
        return [user_of(row) for row in rows]

    async def user_by_id(self, user_id: int) -> User | None:
        found = await self._users("WHERE id = ?", user_id)
        return found[0] if found else None

    async def user_by_email(self, email: str) -> User | None:
        found = await self._users("WHERE email_key = ?", email.strip().lower())
        return found[0] if found else None

    async def list_users(self) -> list[User]:
        return await self._users("ORDER BY id")

    async def password_hash(self, user_id: int) -> str | None:
        rows = await self.db.read(
            "SELECT password_hash FROM users WHERE id = ? AND disabled_at IS NULL", user_id
        )
        found: str | None = rows[0][0] if rows else None
        return found

    async def _execute(self, sql: str, *params: Any) -> int:
        """One statement in a transaction of its own: the rows it touched."""
        return await self.db.write(lambda tx: tx.execute(sql, *params))

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        await self._execute(
            "UPDATE users SET password_hash = ?, session_generation = session_generation + 1"
            " WHERE id = ?",
            password_hash,
            user_id,
        )

    async def end_sessions(self, user_id: int) -> None:
        await self._execute(
            "UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", user_id
        )

    async def disable_user(self, user_id: int, now: datetime) -> bool:
        async def apply(tx: Tx) -> bool:
            disabled = await tx.execute(
                "UPDATE users SET disabled_at = ?, session_generation = session_generation + 1"
                " WHERE id = ? AND disabled_at IS NULL",
                to_micros(now),
                user_id,
            )
            await tx.execute(
                "UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                to_micros(now),
                user_id,
            )
            return disabled == 1

        return await self.db.write(apply)

    async def change_user(
        self, user_id: int, role: Role, county: str | None, municipality: str | None
    ) -> bool:
        changed = await self._execute(
            "UPDATE users SET role = ?, county = ?, municipality = ? WHERE id = ?",
            role.value,
            county,
            municipality,
            user_id,
        )
        return changed == 1

    async def enable_user(self, user_id: int) -> bool:
        enabled = await self._execute(
            "UPDATE users SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL",
            user_id,
        )
        return enabled == 1

    async def add_password_link(
        self, link_id: str, user_id: int, secret_hash: str, now: datetime, expires: datetime
    ) -> None:
        async def apply(tx: Tx) -> None:
            await tx.execute(
                "UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                to_micros(now),
                user_id,
            )
            await tx.execute(
                "INSERT INTO password_links (id, user_id, secret_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                link_id,
                user_id,
                secret_hash,
                to_micros(now),
                to_micros(expires),
            )

        await self.db.write(apply)

    async def password_link(self, link_id: str) -> PasswordLink | None:
        rows = await self.db.read(
            "SELECT id, user_id, secret_hash, expires_at, used_at FROM password_links WHERE id = ?",
            link_id,
        )
        if not rows:
            return None
        id_, user_id, secret_hash, expires_at, used_at = rows[0]
        return PasswordLink(id_, user_id, secret_hash, from_micros(expires_at), moment_of(used_at))

    async def use_password_link(
        self, link_id: str, password_hash: str, now: datetime
    ) -> int | None:
        async def apply(tx: Tx) -> int | None:
            user_id: int | None = await tx.fetchval(
                "UPDATE password_links SET used_at = ?"
                " WHERE id = ? AND used_at IS NULL AND expires_at > ?"
                " AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)"
                " RETURNING user_id",
                to_micros(now),
                link_id,
                to_micros(now),
            )
            if user_id is None:
                return None
            await tx.execute(
                "UPDATE users SET password_hash = ?,"
                " session_generation = session_generation + 1 WHERE id = ?",
                password_hash,
                user_id,
            )
            return user_id

        return await self.db.write(apply)

    async def add_token(self, token_id: str, user_id: int, secret_hash: str, now: datetime) -> None:
        await self._execute(
            "INSERT INTO user_tokens (id, user_id, secret_hash, created_at) VALUES (?, ?, ?, ?)",
            token_id,
            user_id,
            secret_hash,
            to_micros(now),
        )

    async def token_check(self, token_id: str) -> TokenCheck | None:
        rows = await self.db.read(
            f"SELECT user_tokens.secret_hash, user_tokens.revoked_at, {USER_COLUMNS}"
            " FROM user_tokens JOIN users ON users.id = user_tokens.user_id"
            " WHERE user_tokens.id = ?",
            token_id,
        )
        if not rows:
            return None
        secret_hash, revoked_at, *user_row = rows[0]
        user = user_of(user_row)
        return TokenCheck(secret_hash, revoked_at is None and user.active, user)

    async def replace_token_hash(self, token_id: str, old: str, new: str) -> bool:
        replaced = await self._execute(
            "UPDATE user_tokens SET secret_hash = ? WHERE id = ? AND secret_hash = ?",
            new,
            token_id,
            old,
        )
        return replaced == 1

    async def revoke_tokens_of(self, user_id: int, now: datetime) -> list[str]:
        rows = await self.db.write(
            lambda tx: tx.fetch(
                "UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"
                " RETURNING id",
                to_micros(now),
                user_id,
            )
        )
        return sorted(row[0] for row in rows)

    async def tokens_of(self, user_id: int) -> list[TokenInfo]:
        # PostgreSQL only: ids in byte order where times tie (SQLite compares bytes anyway).
        by_bytes = ', id COLLATE "C"' if self.db.dialect == "postgresql" else ""
        rows = await self.db.read(
            f"SELECT {_TOKEN_COLUMNS} FROM user_tokens WHERE user_id = ?"
            f" ORDER BY created_at{by_bytes}",
            user_id,
        )
        return [token_of(row) for row in rows]

    async def revoke_token(self, token_id: str, now: datetime) -> TokenInfo | None:
        row = await self.db.write(
            lambda tx: tx.fetchrow(
                "UPDATE user_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
                f" RETURNING {_TOKEN_COLUMNS}",
                to_micros(now),
                token_id,
            )
        )
        return token_of(row) if row is not None else None

    async def add_audit(
        self,
        at: datetime,
        actor_id: int | None,
        action: str,
        object_type: str,
        object_id: str | None,
        county: str | None,
        details: dict[str, Any],
        actor_county: str | None = None,
    ) -> int:
        entry_id: int = await self.db.write(
            lambda tx: insert_audit(
                tx,
                at,
                actor_id,
                action,
                object_type,
                object_id,
                county,
                details,
                actor_county=actor_county,
            )
        )
        return entry_id

    async def audit_entries(
        self, county: str | None, before: int | None, limit: int
    ) -> list[AuditEntry]:
        where: list[str] = []
        params: list[Any] = []
        if county is not None:
            where.append("(county = ? OR actor_county = ?)")
            params += [county, county]
        if before is not None:
            where.append("id < ?")
            params.append(before)
        sql = (
            "SELECT id, at, actor_id, action, object_type, object_id, county, details"
            " FROM audit_log"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        rows = await self.db.read(sql, *params, limit)
        return [
            AuditEntry(
                id=row[0],
                at=from_micros(row[1]),
                actor_id=row[2],
                action=row[3],
                object_type=row[4],
                object_id=row[5],
                county=row[6],
                details=orjson.loads(row[7]),
            )
            for row in rows
        ]


# --- rows ---------------------------------------------------------------------------------
USER_COLUMNS = (
    "users.id, users.email, users.role, users.county, users.municipality, users.created_at,"
    " users.disabled_at, users.password_hash IS NOT NULL, users.session_generation"
)


async def insert_audit(
    tx: Tx,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str | None,
    county: str | None,
    details: dict[str, Any],
    actor_county: str | None = None,
) -> int:
    """One audit entry, in ``tx`` (with the change it records, where that matters)."""
    entry_id: int = await tx.fetchval(
        "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, county,"
        " details, actor_county) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        to_micros(at),
        actor_id,
        action,
        object_type,
        object_id,
        county,
        orjson.dumps(details).decode(),
        actor_county,
    )
    return entry_id


def moment_of(micros: int | None) -> datetime | None:
    return from_micros(micros) if micros is not None else None


def user_of(row: Iterable[Any]) -> User:
    """A person from their row (``USER_COLUMNS``), on either engine."""
    id_, email, role, county, municipality, created_at, disabled_at, has_password, generation = row
    return User(
        id=id_,
        email=email,
        role=Role(role),
        county=county,
        municipality=municipality,
        created_at=from_micros(created_at),
        disabled_at=moment_of(disabled_at),
        has_password=bool(has_password),
        session_generation=generation,
    )


def token_of(row: Iterable[Any]) -> TokenInfo:
    """A token from its row (id, user_id, created_at, revoked_at), on either engine."""
    id_, user_id, created_at, revoked_at = row
    return TokenInfo(id_, user_id, from_micros(created_at), moment_of(revoked_at))
