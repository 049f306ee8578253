"""Choose a storage engine by the database URL's scheme."""

from __future__ import annotations

from collections.abc import Sequence

from statements.storage.base import Store
from statements.storage.migrate import STATEMENT_MIGRATIONS


def open_store(
    url: str,
    *,
    max_pending_writes: int = 2000,
    max_write_wait: float = 2.0,
    migrations: Sequence[str] = STATEMENT_MIGRATIONS,
) -> Store:
    """A store for ``url`` (not yet opened): ``sqlite:///path`` or ``postgresql://…``.

    ``max_pending_writes`` bounds the writes waiting for the database; beyond it a write
    fails at once with ``Unavailable`` (HTTP 503 + Retry-After) instead of queueing
    until clients time out; so does an append that would wait longer than
    ``max_write_wait`` seconds of the writer's work (``common.Backlog``).
    ``migrations``: the packages whose migrations ``open`` applies (the statement store's
    own unless told).
    """
    if url.startswith("sqlite:"):
        from statements.storage.sqlite import SQLiteStore

        return SQLiteStore(
            url,
            max_pending_writes=max_pending_writes,
            max_write_wait=max_write_wait,
            migrations=migrations,
        )
    if url.startswith(("postgresql:", "postgres:")):
        from statements.storage.postgres import PostgresStore

        return PostgresStore(
            url,
            max_pending_writes=max_pending_writes,
            max_write_wait=max_write_wait,
            migrations=migrations,
        )
    raise ValueError(
        f"unsupported database URL scheme in {url.split(':', 1)[0]!r}:"
        " use sqlite:///PATH or postgresql://…"
    )
