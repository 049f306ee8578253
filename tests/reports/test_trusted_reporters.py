"""Trusted reporters (security review, finding 2): a course counts only what its trusted
reporters (named credentials and bridge sources, and the service itself) sent; what any
other credential sent is kept and shown as unverified, never counted. On both engines."""

from __future__ import annotations

from typing import Any

import pytest

from reports.model import Reporters, Workshop
from statements.errors import BadRequest
from statements.log import Writer
from tests.reports.helpers import (
    COMPLETED,
    INTRO,
    ReportsLRS,
    mbox,
    statement,
    voiding,
)

COURSE = "valmyndigheten-introduktion"


def writer(credential: str | None = None, source: str | None = None) -> Writer:
    return Writer(
        authority={"objectType": "Agent", "mbox": "mailto:lrs@example.se"},
        credential=credential,
        source=source,
    )


async def send_as(lrs: ReportsLRS, author: Writer, *bodies: dict[str, Any]) -> list[str]:
    return await lrs.statements.store_statements(list(bodies), version="1.0.3", writer=author)


async def trust(lrs: ReportsLRS, *, credentials: tuple[str, ...] = ()) -> None:
    course = await lrs.reports.get_course(COURSE)
    await lrs.reports.change_course(
        COURSE,
        {
            "name": course.name,
            "rule": course.rule,
            "activities": list(course.activities),
            "reporters": {"credentials": list(credentials), "sources": []},
        },
    )


@pytest.fixture
async def workshop(lrs: ReportsLRS) -> Workshop:
    for key in ("course-key", "leaked-key"):
        await lrs.store.create_credential(_credential(key))
    await trust(lrs, credentials=("course-key",))
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "Gävleborg", "date": "2099-01-18", "courses": [COURSE]}
    )
    for name, email in [("Anna", "anna@gavle.se"), ("Bo", "bo@gavle.se")]:
        await lrs.reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2180"}
        )
    return workshop


def _credential(key: str) -> Any:
    from datetime import UTC, datetime

    from statements.storage.base import Credential

    return Credential(key, "x", key, ("statements/write",), datetime.now(UTC))


async def _statuses(lrs: ReportsLRS, workshop: Workshop) -> dict[str, tuple[str, bool]]:
    await lrs.reports.projector.catch_up()
    report = await lrs.reports.workshop_readiness(workshop.id)
    return {
        e.participant.name: (e.status, e.unverified_completed_at is not None)
        for e in report.participants
    }


async def test_finding_2_a_leaked_course_key_cannot_mark_anyone_complete(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    await send_as(lrs, writer("leaked-key"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    await send_as(lrs, writer("course-key"), statement(mbox("bo@gavle.se"), COMPLETED, INTRO))
    statuses = await _statuses(lrs, workshop)
    # The forged completion is kept and shown, but does not count.
    assert statuses["Anna"] == ("not_started", True)
    assert statuses["Bo"] == ("completed_on_time", False)
    county = await lrs.reports.county_readiness("21")
    assert county.totals.completed_on_time == 1
    assert county.totals.not_started == 1


async def test_what_the_service_writes_itself_counts(lrs: ReportsLRS, workshop: Workshop) -> None:
    await send_as(lrs, writer(), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    assert (await _statuses(lrs, workshop))["Anna"] == ("completed_on_time", False)


async def test_trusting_a_credential_later_counts_what_it_sent_before(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    await send_as(lrs, writer("leaked-key"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    assert (await _statuses(lrs, workshop))["Anna"] == ("not_started", True)
    await trust(lrs, credentials=("course-key", "leaked-key"))
    assert (await _statuses(lrs, workshop))["Anna"] == ("completed_on_time", False)
    await trust(lrs, credentials=("course-key",))
    assert (await _statuses(lrs, workshop))["Anna"] == ("not_started", True)


async def test_a_trusted_completion_hides_the_untrusted_note(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    await send_as(lrs, writer("leaked-key"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    await send_as(lrs, writer("course-key"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    assert (await _statuses(lrs, workshop))["Anna"] == ("completed_on_time", False)


async def test_voiding_an_untrusted_completion_removes_the_note(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    forged = statement(mbox("anna@gavle.se"), COMPLETED, INTRO)
    await send_as(lrs, writer("leaked-key"), forged)
    assert (await _statuses(lrs, workshop))["Anna"] == ("not_started", True)
    await send_as(lrs, writer("leaked-key"), voiding(forged["id"]))
    assert (await _statuses(lrs, workshop))["Anna"] == ("not_started", False)


async def test_a_trusted_bridge_source_counts_and_another_does_not(lrs: ReportsLRS) -> None:
    lrs.reports.source_names = _names("skr", "elsewhere")
    course = await lrs.reports.get_course(COURSE)
    await lrs.reports.change_course(
        COURSE,
        {
            "name": course.name,
            "activities": list(course.activities),
            "reporters": {"sources": ["skr"]},
        },
    )
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "Källor", "date": "2099-01-18", "courses": [COURSE]}
    )
    for name, email in [("Anna", "anna@gavle.se"), ("Bo", "bo@gavle.se")]:
        await lrs.reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2180"}
        )
    await send_as(lrs, writer(source="skr"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    await send_as(lrs, writer(source="elsewhere"), statement(mbox("bo@gavle.se"), COMPLETED, INTRO))
    statuses = await _statuses(lrs, workshop)
    assert statuses == {"Anna": ("completed_on_time", False), "Bo": ("not_started", True)}


def _names(*names: str) -> Any:
    async def source_names() -> list[str]:
        return list(names)

    return source_names


@pytest.mark.parametrize(
    ("reporters", "path", "rule"),
    [
        ({"credentials": ["no-such-key"]}, "reporters.credentials[0]", "unknown_credential"),
        ({"sources": ["no-such-source"]}, "reporters.sources[0]", "unknown_source"),
        ({"credentials": "course-key"}, "reporters.credentials", "type"),
        ({"keys": []}, "reporters.keys", "unknown_field"),
        (["course-key"], "reporters", "type"),
        ({"credentials": [""]}, "reporters.credentials[0]", "length"),
    ],
)
async def test_bad_reporters_are_refused_and_change_nothing(
    lrs: ReportsLRS, workshop: Workshop, reporters: Any, path: str, rule: str
) -> None:
    before = await lrs.reports.get_course(COURSE)
    with pytest.raises(BadRequest) as raised:
        await lrs.reports.change_course(
            COURSE,
            {"name": "Ändrad", "activities": list(before.activities), "reporters": reporters},
        )
    assert raised.value.details[0]["path"] == path
    assert raised.value.details[0]["rule"] == rule
    assert await lrs.reports.get_course(COURSE) == before


async def test_a_change_that_names_no_reporters_keeps_them(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    course = await lrs.reports.change_course(COURSE, {"name": "Nytt namn", "activities": [INTRO]})
    assert course.reporters == Reporters(credentials=("course-key",))


async def test_an_unreviewed_course_trusts_everyone_who_reported_it_before(
    lrs: ReportsLRS,
) -> None:
    """A course from before trusted reporters (reporters NULL) is reviewed at start-up:
    it trusts the credentials and sources that reported it, so no status changes."""
    await lrs.store.create_credential(_credential("old-key"))
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "Uppgradering", "date": "2099-01-18", "courses": [COURSE]}
    )
    for name, email in [("Anna", "anna@gavle.se"), ("Bo", "bo@gavle.se"), ("Cilla", "c@x.se")]:
        await lrs.reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2180"}
        )
    await _forget_reporters(lrs)
    await lrs.reports.projector.invalidate()
    await send_as(lrs, writer("old-key"), statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    await send_as(lrs, writer(source="skr"), statement(mbox("bo@gavle.se"), COMPLETED, INTRO))
    before = await _statuses(lrs, workshop)
    assert (await lrs.reports.get_course(COURSE)).reporters is None
    assert await lrs.reports.review_reporters() == 1
    course = await lrs.reports.get_course(COURSE)
    assert course.reporters == Reporters(credentials=("old-key",), sources=("skr",))
    assert await _statuses(lrs, workshop) == before
    assert before["Anna"][0] == before["Bo"][0] == "completed_on_time"
    assert await lrs.reports.review_reporters() == 0  # once


async def _forget_reporters(lrs: ReportsLRS) -> None:
    """Put the course back as the previous release left it (no reporters column value)."""
    await lrs.store.write(
        lambda tx: tx.execute("UPDATE courses SET reporters = NULL WHERE id = ?", COURSE)
    )


async def test_a_new_database_has_nothing_to_review(lrs: ReportsLRS) -> None:
    """Fresh courses trust no one but the service from the start; only an upgraded database
    (statements already stored) is reviewed."""
    for course in await lrs.reports.list_courses():
        assert course.reporters == Reporters()
    assert await lrs.reports.review_reporters() == 0
