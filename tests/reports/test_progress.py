"""The progress projector: the ledger follows the log in order, voiding recomputes a
learner, the ledger rebuilt from the log is the same, and several projectors agree."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

from reports.service import ReportsService
from reports.storage import LedgerRow
from statements.identity import mbox_sha1sum
from tests.reports.helpers import (
    ATTEMPTED,
    COMPLETED,
    EXPERIENCED,
    INTRO,
    PASSED,
    SATISFIED,
    SKR,
    ReportsLRS,
    account,
    mbox,
    open_reports,
    send,
    statement,
    voiding,
)

INTRO_ID = "valmyndigheten-introduktion"
SKR_ID = "skr-ett-tryggt-valar"
T0 = 1_700_000_000_000_000


async def ledger(lrs: ReportsLRS) -> dict[tuple[str, str], LedgerRow]:
    await lrs.reports.catch_up()
    return {(row.learner, row.course_id): row for row in await lrs.reports.storage.ledger()}


async def test_first_completion_last_activity_and_steps(lrs: ReportsLRS) -> None:
    anna = mbox("Anna.Andersson@Gavle.se")
    await send(
        lrs,
        statement(anna, ATTEMPTED, INTRO),
        statement(anna, COMPLETED, INTRO),
        statement(anna, PASSED, INTRO),
        statement(anna, EXPERIENCED, "https://x.se/slide", parent=INTRO),
        statement(anna, COMPLETED, SKR[0]),
        statement(anna, COMPLETED, SKR[2]),
        origin_stored=[T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6],
    )
    rows = await ledger(lrs)
    intro = rows[("mbox:anna.andersson@gavle.se", INTRO_ID)]
    # The first qualifying statement counts; activity inside the course counts as activity.
    assert (intro.completed_at, intro.last_activity, intro.step_times) == (
        T0 + 2,
        T0 + 4,
        (T0 + 2,),
    )
    skr = rows[("mbox:anna.andersson@gavle.se", SKR_ID)]
    assert (skr.completed_at, skr.steps_done, skr.step_times) == (None, 2, (T0 + 5, None, T0 + 6))
    await send(lrs, statement(anna, COMPLETED, SKR[1]), origin_stored=[T0 + 7])
    skr = (await ledger(lrs))[("mbox:anna.andersson@gavle.se", SKR_ID)]
    # All of: complete when the last missing step is.
    assert (skr.completed_at, skr.steps_done) == (T0 + 7, 3)


async def test_identities_sha1_account_and_groups(lrs: ReportsLRS) -> None:
    sha1 = {"objectType": "Agent", "mbox_sha1sum": mbox_sha1sum("Bo@Sandviken.se").upper()}
    group = {
        "objectType": "Group",
        "member": [mbox("cilla@gavle.se"), mbox("dan@gavle.se")],
    }
    await send(
        lrs,
        statement(sha1, COMPLETED, INTRO),
        statement(account("anna-42"), SATISFIED, INTRO + "/au"),
        statement(group, COMPLETED, INTRO),
    )
    rows = await ledger(lrs)
    assert set(rows) == {
        ("mbox_sha1sum:" + mbox_sha1sum("bo@sandviken.se"), INTRO_ID),
        ("account:https://lms.example.se anna-42", INTRO_ID),
        ("mbox:cilla@gavle.se", INTRO_ID),
        ("mbox:dan@gavle.se", INTRO_ID),
    }
    assert all(row.completed_at is not None for row in rows.values())


async def test_voiding_a_completion_recomputes_the_learner(lrs: ReportsLRS) -> None:
    anna = mbox("anna@gavle.se")
    first, second, step = (
        statement(anna, COMPLETED, INTRO),
        statement(anna, PASSED, INTRO),
        statement(anna, COMPLETED, SKR[0]),
    )
    await send(lrs, first, second, step, origin_stored=[T0 + 10, T0 + 20, T0 + 30])
    assert (await ledger(lrs))[("mbox:anna@gavle.se", INTRO_ID)].completed_at == T0 + 10
    # Voiding the first completion: the second is now the first.
    await send(lrs, voiding(first["id"]))
    row = (await ledger(lrs))[("mbox:anna@gavle.se", INTRO_ID)]
    assert (row.completed_at, row.last_activity) == (T0 + 20, T0 + 20)
    # Voiding the second too: no statement of Anna's about the course is left.
    await send(lrs, voiding(second["id"]))
    rows = await ledger(lrs)
    assert ("mbox:anna@gavle.se", INTRO_ID) not in rows
    assert rows[("mbox:anna@gavle.se", SKR_ID)].step_times == (T0 + 30, None, None)
    # Voiding what does not count for any course changes nothing.
    other = statement(anna, COMPLETED, "https://other.example/course")
    await send(lrs, other)
    await send(lrs, voiding(other["id"]))
    assert await ledger(lrs) == rows


async def test_a_completion_and_its_voiding_in_one_batch(lrs: ReportsLRS) -> None:
    anna = mbox("anna@gavle.se")
    done = statement(anna, COMPLETED, INTRO)
    await send(lrs, statement(anna, ATTEMPTED, INTRO), origin_stored=[T0])
    await send(lrs, done)
    await send(lrs, voiding(done["id"]))
    row = (await ledger(lrs))[("mbox:anna@gavle.se", INTRO_ID)]
    assert row.completed_at is None and row.last_activity == T0


async def test_rebuild_gives_the_same_ledger(lrs: ReportsLRS) -> None:
    reports = lrs.reports
    learners = [mbox(f"person{n}@gavle.se") for n in range(12)] + [account("acc-1")]
    sent = []
    for n, learner in enumerate(learners):
        batch = [
            statement(learner, ATTEMPTED, INTRO),
            statement(learner, COMPLETED if n % 3 else ATTEMPTED, INTRO),
            statement(learner, COMPLETED, SKR[n % 3]),
            statement(learner, EXPERIENCED, "https://x.se/p", parent=SKR[1]),
        ]
        sent.extend(batch)
        await send(lrs, *batch)
    await send(lrs, voiding(sent[1]["id"]), voiding(sent[6]["id"]), voiding(sent[10]["id"]))
    built_along = await ledger(lrs)
    result = await reports.rebuild_progress()
    assert result.rows == len(built_along)
    assert result.statements == len(sent) + 3
    rebuilt = {(r.learner, r.course_id): r for r in await reports.storage.ledger()}
    assert rebuilt == built_along
    # A small batch size (many checkpoints) gives the same ledger too.
    small = ReportsService(lrs.store, batch_size=3)
    await small.rebuild_progress()
    assert {(r.learner, r.course_id): r for r in await small.storage.ledger()} == built_along


async def test_two_projectors_on_one_log_agree(lrs: ReportsLRS) -> None:
    """The server's projector and a CLI command's may run at once: each batch commits only
    from the checkpoint it started at, so both end with the one correct ledger."""
    other = ReportsService(lrs.store, batch_size=2)
    for n in range(10):
        await send(lrs, statement(mbox(f"p{n}@gavle.se"), COMPLETED, SKR[n % 3]))
    await asyncio.gather(lrs.reports.catch_up(), other.catch_up(), other.rebuild_progress())
    await lrs.reports.catch_up()
    ours = await lrs.reports.storage.ledger()
    await lrs.reports.rebuild_progress()
    assert await lrs.reports.storage.ledger() == ours
    assert len(ours) == 10


async def test_the_background_projector_wakes_for_new_statements(lrs: ReportsLRS) -> None:
    await send(lrs, statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    # No catch_up call: the listener on the statement log wakes the projector.
    for _ in range(500):
        if (await lrs.reports.storage.checkpoint()).seq == 1:
            break
        await asyncio.sleep(0.01)
    rows = await lrs.reports.storage.ledger()
    assert [(r.learner, r.course_id) for r in rows] == [("mbox:anna@gavle.se", INTRO_ID)]


def _history() -> list[tuple[dict[str, Any], int]]:
    """Statements of many learners over every course, with voidings, each with the origin
    LRS's stored time (so that the ledger does not depend on when a test ran)."""
    learners = [mbox(f"person{n}@gavle.se") for n in range(9)]
    learners += [account("acc-1"), {"objectType": "Agent", "mbox_sha1sum": "ab" * 20}]
    sent: list[dict[str, Any]] = []
    for round_ in range(3):
        for n, learner in enumerate(learners):
            sent.append(statement(learner, COMPLETED, SKR[(n + round_) % 3]))
            sent.append(statement(learner, ATTEMPTED if (n + round_) % 2 else PASSED, INTRO))
            sent.append(statement(learner, EXPERIENCED, "https://x.se/p", parent=SKR[1]))
    sent += [voiding(sent[n]["id"]) for n in (0, 4, 31, 50)]
    return [(body, T0 + 10 * n) for n, body in enumerate(sent)]


async def _send_history(lrs: ReportsLRS, history: list[tuple[dict[str, Any], int]]) -> None:
    for start in range(0, len(history), 7):  # several requests, as clients send them
        part = history[start : start + 7]
        await send(
            lrs, *(copy.deepcopy(body) for body, _ in part), origin_stored=[t for _, t in part]
        )


async def test_postgresql_projects_the_same_ledger_as_sqlite(
    tmp_path: Path, postgres_url: str
) -> None:
    history = _history()
    ledgers = []
    for url in (f"sqlite:///{tmp_path / 'same.sqlite3'}", postgres_url):
        lrs = await open_reports(url, batch_size=5)
        try:
            await _send_history(lrs, history)
            await lrs.reports.catch_up()
            ledgers.append(await lrs.reports.storage.ledger())
        finally:
            await lrs.close()
    on_sqlite, on_postgresql = ledgers
    assert len(on_sqlite) == 22  # 11 learners, 2 courses
    assert on_postgresql == on_sqlite


async def test_two_instances_catching_up_at_once_agree_with_one(
    lrs: ReportsLRS, store_url: str
) -> None:
    """Two instances (stores of their own on one database, each with its projector in the
    background) and a rebuild, all at once: every batch commits from the checkpoint it
    started at, so they end with the ledger one projector builds, nothing lost or doubled."""
    await _send_history(lrs, _history())
    first = await open_reports(store_url, batch_size=2)
    second = await open_reports(store_url, batch_size=3)
    try:
        await asyncio.gather(
            first.reports.catch_up(),
            second.reports.catch_up(),
            second.reports.rebuild_progress(),
            first.reports.catch_up(),
        )
        await first.reports.catch_up()
        together = await second.reports.storage.ledger()
    finally:
        await first.close()
        await second.close()
    alone = await open_reports(store_url)
    try:
        await alone.reports.rebuild_progress()
        assert await alone.reports.storage.ledger() == together
    finally:
        await alone.close()
    assert len(together) == 22
    last = await lrs.store.statements_after(0, 1000)
    assert (await lrs.reports.storage.checkpoint()).seq == last[-1].seq
