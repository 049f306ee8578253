"""Readiness statuses around the deadline, matching by mbox, mbox_sha1sum and account,
totals per municipality, county and nation, and learners who match no one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reports.model import StatusTotals, Workshop
from statements.errors import BadRequest, NotFound
from statements.identity import mbox_sha1sum
from statements.query import to_micros
from tests.reports.helpers import (
    ATTEMPTED,
    COMPLETED,
    INTRO,
    SKR,
    ReportsLRS,
    account,
    mbox,
    send,
    statement,
)

BOTH = ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"]


@pytest.fixture
async def workshop(lrs: ReportsLRS) -> Workshop:
    reports = lrs.reports
    workshop = await reports.create_workshop(
        {"county": "21", "title": "Gävleborg", "date": "2099-01-18", "courses": BOTH}
    )
    for name, email, place in [
        ("Anna", "anna@gavle.se", "2180"),
        ("Bo", "bo@gavle.se", "2180"),
        ("Cilla", "cilla@sandviken.se", "2181"),
        ("Dan", "dan@sandviken.se", "2181"),
        ("Eva", "eva@hudiksvall.se", "2184"),
    ]:
        await reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": place}
        )
    return workshop


def _by_name(report: object) -> dict[str, object]:
    return {entry.participant.name: entry for entry in report.participants}  # type: ignore[attr-defined]


async def test_statuses_around_the_deadline(lrs: ReportsLRS, workshop: Workshop) -> None:
    deadline = to_micros(workshop.deadline)
    complete_all = [INTRO, *SKR]
    # Anna: everything, the last at the very deadline: on time.
    await send(
        lrs,
        *[statement(mbox("anna@gavle.se"), COMPLETED, a) for a in complete_all],
        origin_stored=[deadline - 100, deadline - 50, deadline - 10, deadline],
    )
    # Bo: everything, the last one microsecond after the deadline: late.
    await send(
        lrs,
        *[statement(mbox("bo@gavle.se"), COMPLETED, a) for a in complete_all],
        origin_stored=[deadline - 100, deadline - 50, deadline - 10, deadline + 1],
    )
    # Cilla: the introduction and two of three SKR steps: in progress.
    await send(
        lrs,
        *[statement(mbox("cilla@sandviken.se"), COMPLETED, a) for a in complete_all[:3]],
        origin_stored=[deadline - 3, deadline - 2, deadline - 1],
    )
    # Dan: only opened the introduction: in progress, no completion.
    await send(
        lrs,
        statement(mbox("dan@sandviken.se"), ATTEMPTED, INTRO),
        origin_stored=[deadline - 5],
    )
    # Eva: nothing.
    report = await lrs.reports.workshop_readiness(workshop.id)
    people = _by_name(report)
    anna, bo, cilla, dan, eva = (people[n] for n in ("Anna", "Bo", "Cilla", "Dan", "Eva"))
    assert anna.status == "completed_on_time"  # type: ignore[attr-defined]
    assert anna.completed_at == workshop.deadline  # type: ignore[attr-defined]
    assert anna.progress == 1.0  # type: ignore[attr-defined]
    assert bo.status == "completed_late"  # type: ignore[attr-defined]
    assert bo.completed_at == workshop.deadline + timedelta(microseconds=1)  # type: ignore[attr-defined]
    assert [c.status for c in bo.courses] == ["completed_on_time", "completed_late"]  # type: ignore[attr-defined]
    assert cilla.status == "in_progress" and cilla.completed_at is None  # type: ignore[attr-defined]
    intro, skr = cilla.courses  # type: ignore[attr-defined]
    assert (intro.status, intro.progress) == ("completed_on_time", 1.0)
    assert (skr.status, skr.steps_done, skr.steps, round(skr.progress, 3)) == (
        "in_progress",
        2,
        3,
        0.667,
    )
    assert round(cilla.progress, 3) == 0.833  # type: ignore[attr-defined]
    assert cilla.last_activity == workshop.deadline - timedelta(microseconds=1)  # type: ignore[attr-defined]
    assert (dan.status, dan.progress) == ("in_progress", 0.0)  # type: ignore[attr-defined]
    assert (eva.status, eva.last_activity) == ("not_started", None)  # type: ignore[attr-defined]
    assert report.totals == StatusTotals(1, 1, 2, 1)
    assert report.totals.total == 5
    assert [(m.municipality, m.municipality_name, m.totals) for m in report.municipalities] == [
        ("2180", "Gävle", StatusTotals(completed_on_time=1, completed_late=1)),
        ("2181", "Sandviken", StatusTotals(in_progress=2)),
        ("2184", "Hudiksvall", StatusTotals(not_started=1)),
    ]
    # Moving the deadline changes the verdict, not the ledger.
    later = await lrs.reports.change_workshop(
        workshop.id, {"deadline": (workshop.deadline + timedelta(seconds=1)).isoformat()}
    )
    assert later.deadline > workshop.deadline
    again = await lrs.reports.workshop_readiness(workshop.id)
    assert _by_name(again)["Bo"].status == "completed_on_time"  # type: ignore[attr-defined]
    # One municipality only.
    sandviken = await lrs.reports.workshop_readiness(workshop.id, municipality="2181")
    assert sorted(_by_name(sandviken)) == ["Cilla", "Dan"]
    assert sandviken.totals == StatusTotals(in_progress=2)
    assert sandviken.municipality_filter == "2181"


async def test_matching_by_sha1_and_account(lrs: ReportsLRS, workshop: Workshop) -> None:
    reports = lrs.reports
    bo = next(p for p in await reports.list_participants(workshop.id) if p.name == "Bo")
    await reports.change_participant(
        workshop.id, bo.id, {"account_home_page": "https://lms.example.se", "account_name": "bo-7"}
    )
    # Anna's course sends a hashed address (in upper case); Bo's cmi5 player an account.
    await send(
        lrs,
        statement({"mbox_sha1sum": mbox_sha1sum("ANNA@gavle.se").upper()}, COMPLETED, INTRO),
        statement(account("bo-7"), COMPLETED, INTRO + "/au"),
        statement(account("someone-else"), COMPLETED, INTRO + "/au"),
    )
    people = _by_name(await reports.workshop_readiness(workshop.id))
    assert people["Anna"].courses[0].status == "completed_on_time"  # type: ignore[attr-defined]
    assert people["Bo"].courses[0].status == "completed_on_time"  # type: ignore[attr-defined]
    assert people["Cilla"].courses[0].status == "not_started"  # type: ignore[attr-defined]


async def test_several_identities_of_one_person_count_together(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    anna = next(p for p in await reports.list_participants(workshop.id) if p.name == "Anna")
    await reports.change_participant(
        workshop.id, anna.id, {"account_home_page": "https://lms.example.se", "account_name": "a"}
    )
    deadline = to_micros(workshop.deadline)
    await send(
        lrs,
        statement(mbox("anna@gavle.se"), COMPLETED, SKR[0]),
        statement(account("a"), COMPLETED, SKR[1]),
        statement(account("a"), COMPLETED, SKR[2]),
        statement(mbox("Anna@Gavle.se"), COMPLETED, SKR[2]),
        origin_stored=[deadline - 30, deadline - 20, deadline + 10, deadline - 5],
    )
    skr = _by_name(await reports.workshop_readiness(workshop.id))["Anna"].courses[1]  # type: ignore[attr-defined]
    # Step 3's first completion is the mbox one before the deadline: done on time.
    assert (skr.status, skr.steps_done) == ("completed_on_time", 3)
    assert skr.completed_at == workshop.deadline - timedelta(microseconds=5)


async def test_county_and_national_summaries(lrs: ReportsLRS, workshop: Workshop) -> None:
    reports = lrs.reports
    uppsala = await reports.create_workshop(
        {"county": "03", "title": "Uppsala", "date": "2099-02-01"}
    )
    await reports.add_participant(
        uppsala.id, {"name": "Ulf", "email": "ulf@uppsala.se", "municipality": "Uppsala"}
    )
    await reports.add_participant(
        uppsala.id, {"name": "Ulla", "email": "ulla@knivsta.se", "municipality": "Knivsta"}
    )
    second = await reports.create_workshop(
        {"county": "21", "title": "Gävleborg 2", "date": "2099-03-01"}
    )
    await reports.add_participant(
        second.id, {"name": "Anna", "email": "anna@gavle.se", "municipality": "2180"}
    )
    await send(
        lrs,
        statement(mbox("anna@gavle.se"), COMPLETED, INTRO),
        statement(mbox("ulf@uppsala.se"), COMPLETED, INTRO),
    )
    county = await reports.county_readiness("21")
    assert (county.county, county.county_name) == ("21", "Gävleborgs län")
    assert [(s.workshop.title, s.totals) for s in county.workshops] == [
        ("Gävleborg", StatusTotals(in_progress=1, not_started=4)),  # two courses required
        ("Gävleborg 2", StatusTotals(completed_on_time=1)),
    ]
    assert county.totals == StatusTotals(completed_on_time=1, in_progress=1, not_started=4)
    assert [(m.municipality, m.totals.total) for m in county.municipalities] == [
        ("2180", 3),
        ("2181", 2),
        ("2184", 1),
    ]
    assert county.freshness.through_seq == 2
    only = await reports.county_readiness("21", municipality="2181")
    assert only.totals == StatusTotals(not_started=2)
    nation = await reports.national_readiness()
    assert len(nation.counties) == 21
    by_code = {c.county: c for c in nation.counties}
    assert (by_code["21"].workshops, by_code["21"].totals) == (2, county.totals)
    assert (by_code["03"].workshops, by_code["03"].totals) == (
        1,
        StatusTotals(completed_on_time=1, not_started=1),
    )
    assert (by_code["01"].workshops, by_code["01"].totals.total) == (0, 0)
    assert nation.totals.total == 8
    assert nation.freshness.last_stored is not None
    with pytest.raises(BadRequest):
        await reports.county_readiness("99")
    with pytest.raises(NotFound):
        await reports.workshop_readiness("no-such-workshop")


async def test_freshness_names_the_last_statement_included(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    empty = await lrs.reports.workshop_readiness(workshop.id)
    assert (empty.freshness.through_seq, empty.freshness.last_stored) == (0, None)
    await send(lrs, statement(mbox("x@y.se"), COMPLETED, INTRO))
    stored = await lrs.store.last_stored()
    fresh = await lrs.reports.workshop_readiness(workshop.id)
    assert fresh.freshness.through_seq == 1
    assert (
        fresh.freshness.last_stored is not None and to_micros(fresh.freshness.last_stored) == stored
    )
    assert fresh.freshness.computed_at >= fresh.freshness.last_stored


async def test_unmatched_learners_with_the_nearest_address(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    uppsala = await reports.create_workshop({"county": "03", "title": "U", "date": "2099-02-01"})
    await reports.add_participant(
        uppsala.id, {"name": "Ulf", "email": "ulf.berg@uppsala.se", "municipality": "0380"}
    )
    await send(
        lrs,
        statement(mbox("anna@gavle.se"), COMPLETED, INTRO),  # matched
        statement(mbox("cila@sandviken.se"), COMPLETED, INTRO),  # typo of cilla@sandviken.se
        statement(mbox("ulf.berg@upsala.se"), ATTEMPTED, INTRO),  # typo in the domain
        statement(mbox("stranger@example.com"), COMPLETED, SKR[0]),  # nobody like it
        statement(account("x-1"), COMPLETED, INTRO),
        statement(mbox("cila@sandviken.se"), COMPLETED, SKR[1]),
    )
    found = {u.identity: u for u in await reports.unmatched_learners()}
    assert set(found) == {
        "mbox:cila@sandviken.se",
        "mbox:ulf.berg@upsala.se",
        "mbox:stranger@example.com",
        "account:https://lms.example.se x-1",
    }
    cila = found["mbox:cila@sandviken.se"]
    assert cila.nearest_email == "cilla@sandviken.se" and cila.nearest_workshop == workshop.id
    assert cila.courses == ("skr-ett-tryggt-valar", "valmyndigheten-introduktion")
    assert cila.completed == ("valmyndigheten-introduktion",)
    assert found["mbox:ulf.berg@upsala.se"].nearest_email == "ulf.berg@uppsala.se"
    assert found["mbox:stranger@example.com"].nearest_email is None
    assert found["account:https://lms.example.se x-1"].display == "x-1 (https://lms.example.se)"
    # A county sees only the learners whose nearest address is one of its own participants.
    assert [u.identity for u in await reports.unmatched_learners("21")] == [
        "mbox:cila@sandviken.se"
    ]
    assert [u.identity for u in await reports.unmatched_learners("03")] == [
        "mbox:ulf.berg@upsala.se"
    ]
    # Registering the address makes the learner matched.
    await reports.add_participant(
        workshop.id, {"name": "Främling", "email": "stranger@example.com", "municipality": "2180"}
    )
    assert "mbox:stranger@example.com" not in {
        u.identity for u in await reports.unmatched_learners()
    }
