"""Storage engines. ``open_store(url)`` picks the engine from the database URL."""

from statements.storage.base import Credential, Store, StoredStatement
from statements.storage.factory import open_store

__all__ = ["Credential", "Store", "StoredStatement", "open_store"]
