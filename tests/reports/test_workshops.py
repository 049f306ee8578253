"""Workshops: input checks, the default deadline, changes and deletion."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from statements.errors import BadRequest, NotFound
from tests.reports.helpers import ReportsLRS

STOCKHOLM = ZoneInfo("Europe/Stockholm")


async def test_create_with_the_default_deadline(lrs: ReportsLRS) -> None:
    workshop = await lrs.reports.create_workshop(
        {"county": "21", "title": "Valsäkerhet", "date": "2022-01-18"}
    )
    assert workshop.county_name == "Gävleborgs län"
    # 23:59 Stockholm time the day before (winter: UTC+1).
    assert workshop.deadline == datetime(2022, 1, 17, 23, 59, tzinfo=STOCKHOLM)
    assert workshop.deadline.utcoffset() is not None
    assert workshop.deadline.isoformat() == "2022-01-17T23:59:00+01:00"
    assert workshop.courses == ("valmyndigheten-introduktion",)
    assert await lrs.reports.get_workshop(workshop.id) == workshop
    # Summer time: UTC+2.
    summer = await lrs.reports.create_workshop(
        {
            "county": " 1",
            "title": "Sommar",
            "date": "2026-06-10",
            "courses": ["skr-ett-tryggt-valar"],
        }
    )
    assert summer.county == "01"
    assert summer.deadline.isoformat() == "2026-06-09T23:59:00+02:00"


async def test_explicit_deadlines(lrs: ReportsLRS) -> None:
    reports = lrs.reports
    local = await reports.create_workshop(
        {"county": "21", "title": "A", "date": "2022-01-18", "deadline": "2022-01-10T12:00"}
    )
    assert local.deadline.isoformat() == "2022-01-10T12:00:00+01:00"
    utc = await reports.create_workshop(
        {"county": "21", "title": "B", "date": "2022-01-18", "deadline": "2022-01-10T12:00:00Z"}
    )
    assert utc.deadline.isoformat() == "2022-01-10T13:00:00+01:00"


@pytest.mark.parametrize(
    ("data", "path", "rule"),
    [
        ({"title": "x", "date": "2022-01-18"}, "county", "required"),
        ({"county": "02", "title": "x", "date": "2022-01-18"}, "county", "county"),
        ({"county": "21", "date": "2022-01-18"}, "title", "required"),
        ({"county": "21", "title": "  ", "date": "2022-01-18"}, "title", "required"),
        ({"county": "21", "title": "x"}, "date", "required"),
        ({"county": "21", "title": "x", "date": "18/1 2022"}, "date", "date"),
        (
            {"county": "21", "title": "x", "date": "2022-01-18", "deadline": "snart"},
            "deadline",
            "datetime",
        ),
        (
            {"county": "21", "title": "x", "date": "2022-01-18", "courses": []},
            "courses",
            "min_items",
        ),
        (
            {"county": "21", "title": "x", "date": "2022-01-18", "courses": ["nej"]},
            "courses[0]",
            "unknown_course",
        ),
        ({"county": "21", "title": "x", "date": "2022-01-18", "courses": "skr"}, "courses", "type"),
        (
            {"county": "21", "title": "x", "date": "2022-01-18", "room": "A1"},
            "room",
            "unknown_field",
        ),
    ],
)
async def test_bad_workshops(
    lrs: ReportsLRS, data: dict[str, object], path: str, rule: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await lrs.reports.create_workshop(data)
    assert (caught.value.details[0]["path"], caught.value.details[0]["rule"]) == (path, rule)
    assert await lrs.reports.list_workshops() == []


async def test_change_list_and_delete(lrs: ReportsLRS) -> None:
    reports = lrs.reports
    first = await reports.create_workshop({"county": "21", "title": "B", "date": "2022-01-18"})
    second = await reports.create_workshop({"county": "21", "title": "A", "date": "2022-03-01"})
    other = await reports.create_workshop({"county": "03", "title": "C", "date": "2022-02-01"})
    assert [w.id for w in await reports.list_workshops(county="21")] == [first.id, second.id]
    assert [w.id for w in await reports.list_workshops()] == [first.id, other.id, second.id]
    # A new date moves a default deadline along.
    moved = await reports.change_workshop(first.id, {"date": "2022-01-25"})
    assert moved.deadline.isoformat() == "2022-01-24T23:59:00+01:00"
    fixed = await reports.change_workshop(first.id, {"deadline": "2022-01-20T17:00"})
    assert fixed.deadline.isoformat() == "2022-01-20T17:00:00+01:00"
    kept = await reports.change_workshop(first.id, {"date": "2022-02-01", "title": "B2"})
    assert kept.deadline == fixed.deadline and kept.title == "B2"
    back = await reports.change_workshop(first.id, {"deadline": None})
    assert back.deadline.isoformat() == "2022-01-31T23:59:00+01:00"
    both = await reports.change_workshop(
        first.id, {"courses": ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"]}
    )
    assert both.courses == ("valmyndigheten-introduktion", "skr-ett-tryggt-valar")
    assert await reports.get_workshop(first.id) == both
    with pytest.raises(BadRequest) as caught:
        await reports.change_workshop(first.id, {"county": "03"})
    assert caught.value.details[0]["rule"] == "immutable"
    await reports.change_workshop(first.id, {"county": "21"})  # the same county is fine
    await reports.add_participant(
        first.id, {"name": "A", "email": "a@gavle.se", "municipality": "2180"}
    )
    deleted = await reports.delete_workshop(first.id)
    assert deleted.id == first.id and deleted.participants == 1
    with pytest.raises(NotFound):
        await reports.get_workshop(first.id)
    with pytest.raises(NotFound):
        await reports.list_participants(first.id)
    with pytest.raises(NotFound):
        await reports.delete_workshop(first.id)
    assert await reports.storage.participants(workshop_id=first.id) == []
