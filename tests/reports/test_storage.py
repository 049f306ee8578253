"""The readiness storage on each engine: the migrations are numbered once for both, and of
batches committed from one checkpoint by several instances at once exactly one counts."""

from __future__ import annotations

import asyncio

import pytest

from reports.storage import LedgerRow, Pair
from statements.storage.migrate import migrations_for
from tests.reports.helpers import ReportsLRS, open_reports

INTRO_ID = "valmyndigheten-introduktion"


def test_both_engines_have_the_reports_migrations_under_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqlite = [(m.number, m.name) for m in migrations_for("sqlite", ["reports.migrations"])]
    assert sqlite == [
        (m.number, m.name) for m in migrations_for("postgresql", ["reports.migrations"])
    ]
    assert [n for n, _ in sqlite] == [100, 110, 190, 500, 510, 600, 720, 721, 780, 800]


def _count(row: LedgerRow | None, pair: Pair) -> LedgerRow:
    """A merge that counts how often it was committed (in last_activity)."""
    seen = row.last_activity if row is not None else 0
    return LedgerRow(pair[0], pair[1], pair[2], None, seen + 1, (None,))


async def test_of_batches_from_one_checkpoint_only_one_commits(
    lrs: ReportsLRS, store_url: str
) -> None:
    others = [await open_reports(store_url) for _ in range(2)]
    try:
        storages = [lrs.reports.storage] + [other.reports.storage for other in others]
        pair = ("mbox:anna@gavle.se", INTRO_ID, True)
        for round_ in range(1, 6):
            start = await lrs.reports.storage.checkpoint()
            committed = await asyncio.gather(
                *(
                    storage.advance(start, {pair: _count}, {}, start.seq + 1, None)
                    for storage in storages
                    for _ in range(2)
                )
            )
            assert committed.count(True) == 1, committed
            (row,) = await lrs.reports.storage.ledger([pair[0]])
            assert row.last_activity == round_  # once per round: nothing doubled or lost
            assert (await others[0].reports.storage.checkpoint()).seq == start.seq + 1
        # A stale checkpoint (a rebuild began meanwhile) commits nothing.
        stale = await lrs.reports.storage.checkpoint()
        await others[1].reports.storage.reset_ledger()
        assert not await lrs.reports.storage.advance(stale, {pair: _count}, {}, 99, None)
        assert await lrs.reports.storage.ledger() == []
    finally:
        for other in others:
            await other.close()
