"""Numbered schema migrations, applied at start-up.

Each package with tables of its own keeps a ``migrations`` folder of files named
``NNNN_name.<engine>.sql``; numbers are unique across packages, so one ``schema_migrations``
table records what is applied. A migration runs in one transaction with its record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.([a-z]+)\.sql$")

MIGRATION_PACKAGES = ["statements.storage.migrations"]


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


def register(package: str) -> None:
    """Add a package's migrations (e.g. ``reports.migrations``) to every store."""
    if package not in MIGRATION_PACKAGES:
        MIGRATION_PACKAGES.append(package)


def migrations_for(engine: str) -> list[Migration]:
    found: dict[int, Migration] = {}
    for package in MIGRATION_PACKAGES:
        for entry in resources.files(package).iterdir():
            match = _NAME.match(entry.name)
            if match is None or match.group(3) != engine:
                continue
            number = int(match.group(1))
            if number in found:
                raise RuntimeError(f"two migrations are numbered {number:04d}")
            found[number] = Migration(number, match.group(2), entry.read_text("utf-8"))
    return [found[n] for n in sorted(found)]
