"""Courses: completion rules, what a statement says about a course, and editing courses
(the ledger follows a changed course)."""

from __future__ import annotations

from typing import Any

import pytest

from reports.courses import DEFAULT_COURSES, CourseIndex, is_completion, parse_course
from reports.model import Course
from statements.errors import BadRequest, Conflict, NotFound
from tests.reports.helpers import (
    ATTEMPTED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    INTRO,
    INTRO_AU,
    PASSED,
    SATISFIED,
    SKR,
    ReportsLRS,
    mbox,
    send,
    statement,
)

ANNA = mbox("anna@gavle.se")


@pytest.mark.parametrize(
    ("verb", "result", "qualifies"),
    [
        (COMPLETED, None, True),
        (PASSED, None, True),
        (SATISFIED, None, True),
        (ATTEMPTED, {"completion": True}, True),  # Captivate
        (EXPERIENCED, {"success": True}, True),
        (FAILED, {"completion": True, "success": False}, True),
        (ATTEMPTED, None, False),
        (EXPERIENCED, {"completion": False}, False),
        (FAILED, {"success": False}, False),
        ("http://adlnet.gov/expapi/verbs/progressed", {"score": {"scaled": 1.0}}, False),
        ("https://w3id.org/xapi/adl/verbs/completed", None, False),  # not an xAPI verb id
    ],
)
def test_completion_rule(verb: str, result: dict[str, Any] | None, qualifies: bool) -> None:
    assert is_completion(statement(ANNA, verb, INTRO, result=result)) is qualifies


def test_touches_any_of_and_all_of() -> None:
    index = CourseIndex(list(DEFAULT_COURSES))
    intro, skr = DEFAULT_COURSES
    # The cmi5 AU of the introduction completes it too (any of its activities).
    touches = index.touches(statement(ANNA, SATISFIED, INTRO_AU))
    assert [(t.course_id, t.completes) for t in touches] == [(intro.id, (0,))]
    # Each SKR step is its own step.
    touches = index.touches(statement(ANNA, COMPLETED, SKR[2]))
    assert [(t.course_id, t.completes) for t in touches] == [(skr.id, (2,))]
    # Activity inside a course (a slide whose parent is the course): activity, no completion.
    touches = index.touches(statement(ANNA, COMPLETED, "https://x.se/slide-3", parent=INTRO))
    assert [(t.course_id, t.completes) for t in touches] == [(intro.id, ())]
    # Not a completion: activity only.
    touches = index.touches(statement(ANNA, ATTEMPTED, INTRO))
    assert [(t.course_id, t.completes) for t in touches] == [(intro.id, ())]
    assert index.touches(statement(ANNA, COMPLETED, "https://other.example/course")) == []


def test_parse_course_errors() -> None:
    ok = parse_course({"name": "Ett tryggt valår 2", "activities": ["https://x.se/1"]})
    assert ok == Course("ett-tryggt-valar-2", "Ett tryggt valår 2", "any_of", ("https://x.se/1",))
    cases: list[tuple[Any, str, str]] = [
        ([], "$", "type"),
        ({"activities": ["https://x.se/1"]}, "name", "required"),
        ({"name": "x"}, "activities", "required"),
        ({"name": "x", "activities": []}, "activities", "required"),
        ({"name": "x", "activities": ["not an iri"]}, "activities[0]", "iri"),
        (
            {"name": "x", "activities": ["https://a.se", "https://a.se"]},
            "activities[1]",
            "duplicate",
        ),
        ({"name": "x", "activities": ["https://a.se"], "rule": "most_of"}, "rule", "enum"),
        ({"name": "x", "activities": ["https://a.se"], "id": "Bad Id"}, "id", "slug"),
        ({"name": "x", "activities": ["https://a.se"], "colour": "red"}, "colour", "unknown_field"),
        ({"name": 5, "activities": ["https://a.se"]}, "name", "type"),
    ]
    for data, path, rule in cases:
        with pytest.raises(BadRequest) as caught:
            parse_course(data)
        assert caught.value.details[0]["path"] == path, data
        assert caught.value.details[0]["rule"] == rule, data


async def test_default_courses_are_configured(lrs: ReportsLRS) -> None:
    courses = await lrs.reports.list_courses()
    assert [c.id for c in courses] == ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"]
    assert courses[0].name == "Introduktionsutbildning i valsäkerhet"
    assert courses[1].name == "Ett tryggt valår"
    assert courses[1].rule == "all_of" and courses[1].activities == tuple(SKR)


async def test_add_and_change_courses(lrs: ReportsLRS) -> None:
    reports = lrs.reports
    added = await reports.add_course(
        {"name": "Krisberedskap", "activities": ["https://x.se/kris"], "url": "https://x.se"}
    )
    assert added.id == "krisberedskap"
    assert await reports.get_course("krisberedskap") == added
    with pytest.raises(Conflict):
        await reports.add_course({"name": "Krisberedskap", "activities": ["https://x.se/k"]})
    changed = await reports.change_course(
        "krisberedskap",
        {
            "name": "Krisberedskap 2",
            "rule": "all_of",
            "activities": ["https://x.se/1", "https://x.se/2"],
        },
    )
    assert changed.steps == 2 and changed.url == ""  # PUT: what is left out takes its default
    assert await reports.get_course("krisberedskap") == changed
    with pytest.raises(BadRequest) as caught:
        await reports.change_course(
            "krisberedskap", {"id": "other", "name": "x", "activities": ["https://a.se"]}
        )
    assert caught.value.details[0]["rule"] == "immutable"
    with pytest.raises(NotFound):
        await reports.change_course("nope", {"name": "x", "activities": ["https://a.se"]})
    with pytest.raises(NotFound):
        await reports.get_course("nope")


async def test_a_course_added_later_counts_its_history(lrs: ReportsLRS) -> None:
    """Statements stored before a course exists count once it is added, and a changed
    course is recomputed: the ledger always follows the course definitions."""
    reports = lrs.reports
    await send(lrs, statement(ANNA, COMPLETED, "https://x.se/kris"))
    await reports.catch_up()
    await reports.add_course({"name": "Kris", "activities": ["https://x.se/kris"]})
    rows = {(r.learner, r.course_id): r for r in await reports.storage.ledger()}
    assert rows[("mbox:anna@gavle.se", "kris")].completed_at is not None
    # Now the course is the other activity: Anna has not done that one.
    await reports.change_course("kris", {"name": "Kris", "activities": ["https://x.se/kris-2"]})
    rows = {(r.learner, r.course_id): r for r in await reports.storage.ledger()}
    assert ("mbox:anna@gavle.se", "kris") not in rows
    # Two steps, the first of which Anna completed before the change.
    await reports.change_course(
        "kris",
        {
            "name": "Kris",
            "rule": "all_of",
            "activities": ["https://x.se/kris", "https://x.se/kris-2"],
        },
    )
    row = {(r.learner, r.course_id): r for r in await reports.storage.ledger()}[
        ("mbox:anna@gavle.se", "kris")
    ]
    assert row.steps_done == 1 and row.completed_at is None
    # The ledger built along the way equals one rebuilt from the log.
    before = await reports.storage.ledger()
    await reports.rebuild_progress()
    assert await reports.storage.ledger() == before
