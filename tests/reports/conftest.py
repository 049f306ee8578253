"""The reports on each storage engine: tests of the reports' own behaviour (progress,
workshops, participants, readiness, the reminder log) take ``lrs``, the statement log and
readiness service on a SQLite file or on a PostgreSQL schema of its own (``store_url``;
skipped, saying why, when PostgreSQL does not answer). Tests of HTTP routes, people or the
CLI take the whole ``services``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.reports.helpers import ReportsLRS, open_reports


@pytest.fixture
async def lrs(store_url: str) -> AsyncIterator[ReportsLRS]:
    opened = await open_reports(store_url)
    try:
        yield opened
    finally:
        await opened.close()
