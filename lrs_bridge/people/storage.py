"""The people storage for a store's engine."""

from __future__ import annotations

from lrs_bridge.people.model import PeopleStorage
from statements.storage.base import Store


def people_storage(store: Store) -> PeopleStorage:
    from statements.storage.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        from lrs_bridge.people.storage_sqlite import SQLitePeopleStorage

        return SQLitePeopleStorage(store)
    raise ValueError(f"no people storage for {type(store).__name__}")
