"""PostgreSQL SQL for people, their tokens and the audit log (all of it, in this one module).

The same rows as ``storage_sqlite`` (times as microseconds since the epoch). Every write is
one transaction of the store's (``store._transaction``), reads go through its pool, so
several instances on one database see each other's changes at once: a token revoked or a
person disabled by one instance (or by the CLI) stops working on the very next request to
any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import orjson

from lrs_bridge.people.model import (
    AuditEntry,
    NewUser,
    PeopleStorage,
    TokenCheck,
    TokenInfo,
    User,
)
from lrs_bridge.people.storage import USER_COLUMNS, token_of, user_of
from statements.query import from_micros, to_micros
from statements.storage.migrate import register
from statements.storage.postgres import PostgresStore, affected_rows

register("lrs_bridge.people.migrations")

_TOKEN_COLUMNS = "id, user_id, created_at, revoked_at"
_TAKEN = "a person with this e-mail address exists already"


class PostgresPeopleStorage(PeopleStorage):
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def create_user(self, user: NewUser, now: datetime) -> User:
        async with self.store._transaction() as conn:
            try:
                # Inserted only when the address is free, so a refused address does not use
                # up an id (ids stay 1, 2, 3 … as on SQLite); the unique key is the backstop
                # when two instances create the same address at once.
                user_id: int | None = await conn.fetchval(
                    "INSERT INTO users (email, email_key, role, county, municipality,"
                    " password_hash, created_at)"
                    " SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text,"
                    " $7::bigint WHERE NOT EXISTS (SELECT 1 FROM users WHERE email_key = $2)"
                    " RETURNING id",
                    user.email,
                    user.email.lower(),
                    user.role.value,
                    user.county,
                    user.municipality,
                    user.password_hash,
                    to_micros(now),
                )
            except asyncpg.UniqueViolationError:
                raise ValueError(_TAKEN) from None
            if user_id is None:
                raise ValueError(_TAKEN)
        created = await self.user_by_id(user_id)
        assert created is not None
        return created

    async def _users(self, where: str, *params: Any) -> list[User]:
        rows = await self.store._read(f"SELECT {USER_COLUMNS} FROM users {where}", *params)
        return [user_of(row) for row in rows]

    async def user_by_id(self, user_id: int) -> User | None:
        found = await self._users("WHERE id = $1", user_id)
        return found[0] if found else None

    async def user_by_email(self, email: str) -> User | None:
        found = await self._users("WHERE email_key = $1", email.strip().lower())
        return found[0] if found else None

    async def list_users(self) -> list[User]:
        return await self._users("ORDER BY id")

    async def password_hash(self, user_id: int) -> str | None:
        rows = await self.store._read(
            "SELECT password_hash FROM users WHERE id = $1 AND disabled_at IS NULL", user_id
        )
        found: str | None = rows[0][0] if rows else None
        return found

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "UPDATE users SET password_hash = $1, session_generation = session_generation + 1"
                " WHERE id = $2",
                password_hash,
                user_id,
            )

    async def end_sessions(self, user_id: int) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "UPDATE users SET session_generation = session_generation + 1 WHERE id = $1",
                user_id,
            )

    async def disable_user(self, user_id: int, now: datetime) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "UPDATE users SET disabled_at = $1, session_generation = session_generation + 1"
                " WHERE id = $2 AND disabled_at IS NULL",
                to_micros(now),
                user_id,
            )
            await conn.execute(
                "UPDATE user_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                to_micros(now),
                user_id,
            )
        return affected_rows(status) == 1

    async def add_token(self, token_id: str, user_id: int, secret_hash: str, now: datetime) -> None:
        async with self.store._transaction() as conn:
            await conn.execute(
                "INSERT INTO user_tokens (id, user_id, secret_hash, created_at)"
                " VALUES ($1, $2, $3, $4)",
                token_id,
                user_id,
                secret_hash,
                to_micros(now),
            )

    async def token_check(self, token_id: str) -> TokenCheck | None:
        rows = await self.store._read(
            f"SELECT user_tokens.secret_hash, user_tokens.revoked_at, {USER_COLUMNS}"
            " FROM user_tokens JOIN users ON users.id = user_tokens.user_id"
            " WHERE user_tokens.id = $1",
            token_id,
        )
        if not rows:
            return None
        secret_hash, revoked_at, *user_row = rows[0]
        user = user_of(user_row)
        return TokenCheck(secret_hash, revoked_at is None and user.active, user)

    async def replace_token_hash(self, token_id: str, old: str, new: str) -> bool:
        async with self.store._transaction() as conn:
            status = await conn.execute(
                "UPDATE user_tokens SET secret_hash = $1 WHERE id = $2 AND secret_hash = $3",
                new,
                token_id,
                old,
            )
        return affected_rows(status) == 1

    async def revoke_tokens_of(self, user_id: int, now: datetime) -> list[str]:
        async with self.store._transaction() as conn:
            rows = await conn.fetch(
                "UPDATE user_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL"
                " RETURNING id",
                to_micros(now),
                user_id,
            )
        return sorted(row[0] for row in rows)

    async def tokens_of(self, user_id: int) -> list[TokenInfo]:
        rows = await self.store._read(
            f"SELECT {_TOKEN_COLUMNS} FROM user_tokens WHERE user_id = $1"
            ' ORDER BY created_at, id COLLATE "C"',
            user_id,
        )
        return [token_of(row) for row in rows]

    async def revoke_token(self, token_id: str, now: datetime) -> TokenInfo | None:
        async with self.store._transaction() as conn:
            row = await conn.fetchrow(
                "UPDATE user_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
                f" RETURNING {_TOKEN_COLUMNS}",
                to_micros(now),
                token_id,
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
        async with self.store._transaction() as conn:
            entry_id: int = await conn.fetchval(
                "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, county,"
                " details, actor_county) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
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

    async def audit_entries(
        self, county: str | None, before: int | None, limit: int
    ) -> list[AuditEntry]:
        where: list[str] = []
        params: list[Any] = []
        if county is not None:
            params.append(county)
            where.append(f"(county = ${len(params)} OR actor_county = ${len(params)})")
        if before is not None:
            params.append(before)
            where.append(f"id < ${len(params)}")
        params.append(limit)
        sql = (
            "SELECT id, at, actor_id, action, object_type, object_id, county, details"
            " FROM audit_log"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY id DESC LIMIT ${len(params)}"
        )
        rows = await self.store._read(sql, *params)
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
