"""Choose a storage engine by the database URL's scheme."""

from __future__ import annotations

from statements.storage.base import Store


def open_store(url: str) -> Store:
    """A store for ``url`` (not yet opened): ``sqlite:///path`` or ``postgresql://…``."""
    if url.startswith("sqlite:"):
        from statements.storage.sqlite import SQLiteStore

        return SQLiteStore(url)
    raise ValueError(
        f"unsupported database URL scheme in {url.split(':', 1)[0]!r}: use sqlite:///PATH"
    )
