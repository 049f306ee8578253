"""The progress projector: the ledger follows the log in order, voiding recomputes a
learner, the ledger rebuilt from the log is the same, and several projectors agree."""

from __future__ import annotations

import asyncio

from lrs_bridge.services import Services
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
    account,
    mbox,
    send,
    statement,
    voiding,
)

INTRO_ID = "valmyndigheten-introduktion"
SKR_ID = "skr-ett-tryggt-valar"
T0 = 1_700_000_000_000_000


async def ledger(services: Services) -> dict[tuple[str, str], LedgerRow]:
    await services.reports.catch_up()
    return {(row.learner, row.course_id): row for row in await services.reports.storage.ledger()}


async def test_first_completion_last_activity_and_steps(services: Services) -> None:
    anna = mbox("Anna.Andersson@Gavle.se")
    await send(
        services,
        statement(anna, ATTEMPTED, INTRO),
        statement(anna, COMPLETED, INTRO),
        statement(anna, PASSED, INTRO),
        statement(anna, EXPERIENCED, "https://x.se/slide", parent=INTRO),
        statement(anna, COMPLETED, SKR[0]),
        statement(anna, COMPLETED, SKR[2]),
        origin_stored=[T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6],
    )
    rows = await ledger(services)
    intro = rows[("mbox:anna.andersson@gavle.se", INTRO_ID)]
    # The first qualifying statement counts; activity inside the course counts as activity.
    assert (intro.completed_at, intro.last_activity, intro.step_times) == (
        T0 + 2,
        T0 + 4,
        (T0 + 2,),
    )
    skr = rows[("mbox:anna.andersson@gavle.se", SKR_ID)]
    assert (skr.completed_at, skr.steps_done, skr.step_times) == (None, 2, (T0 + 5, None, T0 + 6))
    await send(services, statement(anna, COMPLETED, SKR[1]), origin_stored=[T0 + 7])
    skr = (await ledger(services))[("mbox:anna.andersson@gavle.se", SKR_ID)]
    # All of: complete when the last missing step is.
    assert (skr.completed_at, skr.steps_done) == (T0 + 7, 3)


async def test_identities_sha1_account_and_groups(services: Services) -> None:
    sha1 = {"objectType": "Agent", "mbox_sha1sum": mbox_sha1sum("Bo@Sandviken.se").upper()}
    group = {
        "objectType": "Group",
        "member": [mbox("cilla@gavle.se"), mbox("dan@gavle.se")],
    }
    await send(
        services,
        statement(sha1, COMPLETED, INTRO),
        statement(account("anna-42"), SATISFIED, INTRO + "/au"),
        statement(group, COMPLETED, INTRO),
    )
    rows = await ledger(services)
    assert set(rows) == {
        ("mbox_sha1sum:" + mbox_sha1sum("bo@sandviken.se"), INTRO_ID),
        ("account:https://lms.example.se anna-42", INTRO_ID),
        ("mbox:cilla@gavle.se", INTRO_ID),
        ("mbox:dan@gavle.se", INTRO_ID),
    }
    assert all(row.completed_at is not None for row in rows.values())


async def test_voiding_a_completion_recomputes_the_learner(services: Services) -> None:
    anna = mbox("anna@gavle.se")
    first, second, step = (
        statement(anna, COMPLETED, INTRO),
        statement(anna, PASSED, INTRO),
        statement(anna, COMPLETED, SKR[0]),
    )
    await send(services, first, second, step, origin_stored=[T0 + 10, T0 + 20, T0 + 30])
    assert (await ledger(services))[("mbox:anna@gavle.se", INTRO_ID)].completed_at == T0 + 10
    # Voiding the first completion: the second is now the first.
    await send(services, voiding(first["id"]))
    row = (await ledger(services))[("mbox:anna@gavle.se", INTRO_ID)]
    assert (row.completed_at, row.last_activity) == (T0 + 20, T0 + 20)
    # Voiding the second too: no statement of Anna's about the course is left.
    await send(services, voiding(second["id"]))
    rows = await ledger(services)
    assert ("mbox:anna@gavle.se", INTRO_ID) not in rows
    assert rows[("mbox:anna@gavle.se", SKR_ID)].step_times == (T0 + 30, None, None)
    # Voiding what does not count for any course changes nothing.
    other = statement(anna, COMPLETED, "https://other.example/course")
    await send(services, other)
    await send(services, voiding(other["id"]))
    assert await ledger(services) == rows


async def test_a_completion_and_its_voiding_in_one_batch(services: Services) -> None:
    anna = mbox("anna@gavle.se")
    done = statement(anna, COMPLETED, INTRO)
    await send(services, statement(anna, ATTEMPTED, INTRO), origin_stored=[T0])
    await send(services, done)
    await send(services, voiding(done["id"]))
    row = (await ledger(services))[("mbox:anna@gavle.se", INTRO_ID)]
    assert row.completed_at is None and row.last_activity == T0


async def test_rebuild_gives_the_same_ledger(services: Services) -> None:
    reports = services.reports
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
        await send(services, *batch)
    await send(services, voiding(sent[1]["id"]), voiding(sent[6]["id"]), voiding(sent[10]["id"]))
    built_along = await ledger(services)
    result = await reports.rebuild_progress()
    assert result.rows == len(built_along)
    assert result.statements == len(sent) + 3
    rebuilt = {(r.learner, r.course_id): r for r in await reports.storage.ledger()}
    assert rebuilt == built_along
    # A small batch size (many checkpoints) gives the same ledger too.
    small = ReportsService(services.store, batch_size=3)
    await small.rebuild_progress()
    assert {(r.learner, r.course_id): r for r in await small.storage.ledger()} == built_along


async def test_two_projectors_on_one_log_agree(services: Services) -> None:
    """The server's projector and a CLI command's may run at once: each batch commits only
    from the checkpoint it started at, so both end with the one correct ledger."""
    other = ReportsService(services.store, batch_size=2)
    for n in range(10):
        await send(services, statement(mbox(f"p{n}@gavle.se"), COMPLETED, SKR[n % 3]))
    await asyncio.gather(services.reports.catch_up(), other.catch_up(), other.rebuild_progress())
    await services.reports.catch_up()
    ours = await services.reports.storage.ledger()
    await services.reports.rebuild_progress()
    assert await services.reports.storage.ledger() == ours
    assert len(ours) == 10


async def test_the_background_projector_wakes_for_new_statements(services: Services) -> None:
    await send(services, statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    # No catch_up call: the listener on the statement log wakes the projector.
    for _ in range(500):
        if (await services.reports.storage.checkpoint()).seq == 1:
            break
        await asyncio.sleep(0.01)
    rows = await services.reports.storage.ledger()
    assert [(r.learner, r.course_id) for r in rows] == [("mbox:anna@gavle.se", INTRO_ID)]
