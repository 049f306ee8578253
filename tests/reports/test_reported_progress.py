"""F9 (usability review 2026-12): the progress a course reports (cmi5's result extension
``progress``, 0–100) is kept in the ledger per learner and course, the latest report
winning, and shown instead of a made-up "0 %". On both engines."""

from __future__ import annotations

from typing import Any

import pytest

from reports.exports import workshop_tables
from reports.model import Workshop
from tests.reports.helpers import (
    ATTEMPTED,
    COMPLETED,
    INTRO,
    SKR,
    ReportsLRS,
    mbox,
    send,
    statement,
    voiding,
)

PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
INTRO_ID = "valmyndigheten-introduktion"
SKR_ID = "skr-ett-tryggt-valar"
T0 = 1_700_000_000_000_000
ASA = "mbox:asa.oberg@gavle.se"


def progressed(email: str, value: Any, activity: str = INTRO) -> dict[str, Any]:
    return statement(mbox(email), PROGRESSED, activity, result={"extensions": {EXTENSION: value}})


async def ledger(lrs: ReportsLRS) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    await lrs.reports.catch_up()
    return {
        (row.learner, row.course_id): (row.reported_progress, row.reported_at)
        for row in await lrs.reports.storage.ledger()
    }


async def test_the_latest_report_wins_in_any_order(lrs: ReportsLRS) -> None:
    # Stored in one order, reported (origin stored) in another: the latest moment counts.
    await send(
        lrs,
        progressed("Asa.Oberg@gavle.se", 50),
        progressed("asa.oberg@gavle.se", 20),
        statement(mbox("asa.oberg@gavle.se"), ATTEMPTED, INTRO),
        origin_stored=[T0 + 3, T0 + 1, T0 + 9],
    )
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (50, T0 + 3)
    # A later batch with an earlier report changes nothing; a later report replaces it,
    # even a lower one (a learner who started over).
    await send(lrs, progressed("asa.oberg@gavle.se", 90), origin_stored=[T0 + 2])
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (50, T0 + 3)
    await send(lrs, progressed("asa.oberg@gavle.se", 10), origin_stored=[T0 + 4])
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (10, T0 + 4)
    # The ledger rebuilt from the log is the same.
    before = await ledger(lrs)
    await lrs.reports.rebuild_progress()
    assert await ledger(lrs) == before


@pytest.mark.parametrize("value", [-1, 101, 12.5, "50", True, None, [50]])
async def test_a_value_that_is_no_progress_is_ignored(lrs: ReportsLRS, value: Any) -> None:
    await send(lrs, progressed("asa.oberg@gavle.se", value), origin_stored=[T0])
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (None, None)


async def test_voiding_a_report_recomputes_it(lrs: ReportsLRS) -> None:
    first = progressed("asa.oberg@gavle.se", 30)
    second = progressed("asa.oberg@gavle.se", 60)
    await send(lrs, first, second, origin_stored=[T0 + 1, T0 + 2])
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (60, T0 + 2)
    await send(lrs, voiding(second["id"]))
    assert (await ledger(lrs))[(ASA, INTRO_ID)] == (30, T0 + 1)


@pytest.fixture
async def workshop(lrs: ReportsLRS) -> Workshop:
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "Gävleborg", "date": "2099-01-18", "courses": [INTRO_ID]}
    )
    for name, email in [("Åsa", "asa.oberg@gavle.se"), ("Bo", "bo@gavle.se"), ("Cia", "c@x.se")]:
        await lrs.reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2180"}
        )
    return workshop


async def test_the_report_shows_reported_progress_never_a_made_up_zero(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    await send(
        lrs,
        statement(mbox("asa.oberg@gavle.se"), ATTEMPTED, INTRO),
        progressed("asa.oberg@gavle.se", 50),
        statement(mbox("bo@gavle.se"), ATTEMPTED, INTRO),
    )
    await lrs.reports.catch_up()
    report = await lrs.reports.workshop_readiness(workshop.id)
    by_name = {entry.participant.name: entry for entry in report.participants}
    asa, bo, cia = by_name["Åsa"], by_name["Bo"], by_name["Cia"]
    assert (asa.status, asa.courses[0].reported_progress, asa.percent) == ("in_progress", 50, 50)
    # Started, but the course said nothing of how far: no percentage at all.
    assert (bo.status, bo.courses[0].reported_progress, bo.percent) == ("in_progress", None, None)
    assert (cia.status, cia.percent) == ("not_started", None)
    progress_column = workshop_tables(report, "sv")[0].header.index("Framsteg (%)")
    cells = {row[0]: row[progress_column] for row in workshop_tables(report, "sv")[0].rows}
    assert cells == {"Åsa": 50, "Bo": None, "Cia": None}
    # Completed: 100 whatever was reported before.
    await send(lrs, statement(mbox("asa.oberg@gavle.se"), COMPLETED, INTRO))
    await lrs.reports.catch_up()
    report = await lrs.reports.workshop_readiness(workshop.id)
    asa = next(e for e in report.participants if e.participant.name == "Åsa")
    assert asa.percent == 100


async def test_a_course_of_several_steps_still_counts_steps(lrs: ReportsLRS) -> None:
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "SKR", "date": "2099-01-18", "courses": [SKR_ID]}
    )
    await lrs.reports.add_participant(
        workshop.id, {"name": "Åsa", "email": "asa.oberg@gavle.se", "municipality": "2180"}
    )
    await send(lrs, statement(mbox("asa.oberg@gavle.se"), COMPLETED, SKR[0]))
    await lrs.reports.catch_up()
    entry = (await lrs.reports.workshop_readiness(workshop.id)).participants[0]
    assert (entry.courses[0].steps_done, entry.courses[0].steps, entry.percent) == (1, 3, 33)
