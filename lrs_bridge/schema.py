"""The service's tables: every package's migrations, listed once. The composition root
(``Services.build``) opens the store with them, and ``migrate-data`` gives a new database
the same tables."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    "statements.storage.migrations",
    "reports.migrations",
    "lrs_bridge.people.migrations",
    "lrs_bridge.bridge.migrations",
    "lrs_bridge.cmi5.migrations",
    "lrs_bridge.auth.migrations",
)
