"""SQLite SQL for people, their tokens and the audit log (all of it, in this one module).

Writes go through the store's one writer (``store.write``); reads through its reader pool.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

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
from statements.storage.sqlite import SQLiteStore

register("lrs_bridge.people.migrations")


class SQLitePeopleStorage(PeopleStorage):
    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def create_user(self, user: NewUser, now: datetime) -> User:
        def apply(conn: sqlite3.Connection) -> int:
            try:
                cursor = conn.execute(
                    "INSERT INTO users (email, email_key, role, county, municipality,"
                    " password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        user.email,
                        user.email.lower(),
                        user.role.value,
                        user.county,
                        user.municipality,
                        user.password_hash,
                        to_micros(now),
                    ),
                )
            except sqlite3.IntegrityError:
                raise ValueError("a person with this e-mail address exists already") from None
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        user_id: int = await self.store.write(apply)
        created = await self.user_by_id(user_id)
        assert created is not None
        return created

    async def _users(self, where: str, params: tuple[Any, ...]) -> list[User]:
        rows = await self.store._read(f"SELECT {USER_COLUMNS} FROM users {where}", params)
        return [user_of(row) for row in rows]

    async def user_by_id(self, user_id: int) -> User | None:
        found = await self._users("WHERE id = ?", (user_id,))
        return found[0] if found else None

    async def user_by_email(self, email: str) -> User | None:
        found = await self._users("WHERE email_key = ?", (email.strip().lower(),))
        return found[0] if found else None

    async def list_users(self) -> list[User]:
        return await self._users("ORDER BY id", ())

    async def password_hash(self, user_id: int) -> str | None:
        rows = await self.store._read(
            "SELECT password_hash FROM users WHERE id = ? AND disabled_at IS NULL", (user_id,)
        )
        return rows[0][0] if rows else None

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE users SET password_hash = ?, session_generation = session_generation + 1"
                " WHERE id = ?",
                (password_hash, user_id),
            )

        await self.store.write(apply)

    async def end_sessions(self, user_id: int) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE users SET session_generation = session_generation + 1 WHERE id = ?",
                (user_id,),
            )

        await self.store.write(apply)

    async def disable_user(self, user_id: int, now: datetime) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE users SET disabled_at = ?, session_generation = session_generation + 1"
                " WHERE id = ? AND disabled_at IS NULL",
                (to_micros(now), user_id),
            )
            conn.execute(
                "UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (to_micros(now), user_id),
            )
            return cursor.rowcount == 1

        disabled: bool = await self.store.write(apply)
        return disabled

    async def add_token(self, token_id: str, user_id: int, secret_hash: str, now: datetime) -> None:
        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO user_tokens (id, user_id, secret_hash, created_at)"
                " VALUES (?, ?, ?, ?)",
                (token_id, user_id, secret_hash, to_micros(now)),
            )

        await self.store.write(apply)

    async def token_check(self, token_id: str) -> TokenCheck | None:
        rows = await self.store._read(
            f"SELECT user_tokens.secret_hash, user_tokens.revoked_at, {USER_COLUMNS}"
            " FROM user_tokens JOIN users ON users.id = user_tokens.user_id"
            " WHERE user_tokens.id = ?",
            (token_id,),
        )
        if not rows:
            return None
        secret_hash, revoked_at, *user_row = rows[0]
        user = user_of(user_row)
        return TokenCheck(secret_hash, revoked_at is None and user.active, user)

    async def replace_token_hash(self, token_id: str, old: str, new: str) -> bool:
        def apply(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE user_tokens SET secret_hash = ? WHERE id = ? AND secret_hash = ?",
                (new, token_id, old),
            )
            return cursor.rowcount == 1

        replaced: bool = await self.store.write(apply)
        return replaced

    async def revoke_tokens_of(self, user_id: int, now: datetime) -> list[str]:
        def apply(conn: sqlite3.Connection) -> list[str]:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM user_tokens WHERE user_id = ? AND revoked_at IS NULL"
                    " ORDER BY created_at, id",
                    (user_id,),
                )
            ]
            conn.execute(
                "UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (to_micros(now), user_id),
            )
            return ids

        revoked: list[str] = await self.store.write(apply)
        return revoked

    async def tokens_of(self, user_id: int) -> list[TokenInfo]:
        rows = await self.store._read(
            "SELECT id, user_id, created_at, revoked_at FROM user_tokens"
            " WHERE user_id = ? ORDER BY created_at",
            (user_id,),
        )
        return [token_of(row) for row in rows]

    async def revoke_token(self, token_id: str, now: datetime) -> TokenInfo | None:
        def apply(conn: sqlite3.Connection) -> TokenInfo | None:
            cursor = conn.execute(
                "UPDATE user_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (to_micros(now), token_id),
            )
            if cursor.rowcount != 1:
                return None
            row = conn.execute(
                "SELECT id, user_id, created_at, revoked_at FROM user_tokens WHERE id = ?",
                (token_id,),
            ).fetchone()
            return token_of(row)

        revoked: TokenInfo | None = await self.store.write(apply)
        return revoked

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
        def apply(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, county,"
                " details, actor_county) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    to_micros(at),
                    actor_id,
                    action,
                    object_type,
                    object_id,
                    county,
                    orjson.dumps(details).decode(),
                    actor_county,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        entry_id: int = await self.store.write(apply)
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
        rows = await self.store._read(sql, [*params, limit])
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
