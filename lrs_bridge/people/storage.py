"""The people storage for a store's engine."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from lrs_bridge.auth.access import Role
from lrs_bridge.people.model import PeopleStorage, TokenInfo, User
from statements.query import from_micros
from statements.storage.base import Store


def people_storage(store: Store) -> PeopleStorage:
    """Build before the store opens: importing an engine's module registers the people
    migrations with every store."""
    from statements.storage.postgres import PostgresStore
    from statements.storage.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        from lrs_bridge.people.storage_sqlite import SQLitePeopleStorage

        return SQLitePeopleStorage(store)
    if isinstance(store, PostgresStore):
        from lrs_bridge.people.storage_postgres import PostgresPeopleStorage

        return PostgresPeopleStorage(store)
    raise ValueError(f"no people storage for {type(store).__name__}")


# --- rows, alike on both engines ---------------------------------------------------------

USER_COLUMNS = (
    "users.id, users.email, users.role, users.county, users.municipality, users.created_at,"
    " users.disabled_at, users.password_hash IS NOT NULL, users.session_generation"
)


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
