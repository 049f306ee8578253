"""The people storage for a store's engine."""

from __future__ import annotations

from lrs_bridge.people.model import PeopleStorage
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
