"""Numbered schema migrations, applied at start-up.

Each package with tables of its own keeps a ``migrations`` folder of files named
``NNNN_name.<engine>.sql``; numbers are unique across packages, so one ``schema_migrations``
table records what is applied. A migration runs in one transaction with its record.

Which packages' migrations a store applies is said where the store is made
(``open_store(url, migrations=…)``, by the composition root): never by what happens to be
imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.([a-z]+)\.sql$")

STATEMENT_MIGRATIONS: tuple[str, ...] = ("statements.storage.migrations",)
"""The statement store's own tables: what a store applies when told nothing else."""


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations_for(engine: str, packages: Sequence[str] = STATEMENT_MIGRATIONS) -> list[Migration]:
    """The migrations of ``packages`` for ``engine``, by number."""
    found: dict[int, Migration] = {}
    for package in packages:
        for entry in resources.files(package).iterdir():
            match = _NAME.match(entry.name)
            if match is None or match.group(3) != engine:
                continue
            number = int(match.group(1))
            if number in found:
                raise RuntimeError(f"two migrations are numbered {number:04d}")
            found[number] = Migration(number, match.group(2), entry.read_text("utf-8"))
    return [found[n] for n in sorted(found)]
