"""Issue 15, workshop administration in the domain: exemptions ("Befriad") in every report,
export and total, and learner identities connected to a participant (with undo), on both
engines."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from openpyxl import load_workbook

from reports.model import Exemption, StatusTotals, Workshop
from statements.errors import BadRequest, Conflict, NotFound
from tests.reports.helpers import COMPLETED, INTRO, SKR, ReportsLRS, mbox, send, statement

BOTH = ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"]
REASON = "genomförd inför valet 2026"


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
    ]:
        await reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": place}
        )
    return workshop


async def _ids(lrs: ReportsLRS, workshop: Workshop) -> dict[str, str]:
    return {p.name: p.id for p in await lrs.reports.list_participants(workshop.id)}


async def test_an_exemption_is_its_own_status_in_every_report_and_export(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    ids = await _ids(lrs, workshop)
    told: list[tuple[Exemption, bool]] = []

    async def listener(exemption: Exemption, made: bool) -> None:
        told.append((exemption, made))

    reports.exemption_listeners.append(listener)
    # Anna did the introduction and is exempted from SKR's course: completed.
    await send(lrs, statement(mbox("anna@gavle.se"), COMPLETED, INTRO))
    made = await reports.exempt(
        workshop.id, ids["Anna"], {"course": "skr-ett-tryggt-valar", "reason": REASON}, by="7"
    )
    assert (made.course_id, made.reason, made.created_by) == ("skr-ett-tryggt-valar", REASON, "7")
    # Bo is exempted from both: Befriad.
    for course in BOTH:
        await reports.exempt(workshop.id, ids["Bo"], {"course": course, "reason": REASON}, by="7")
    assert [(e.participant_id, m) for e, m in told][-1] == (ids["Bo"], True)

    report = await reports.workshop_readiness(workshop.id)
    by_name = {e.participant.name: e for e in report.participants}
    assert by_name["Anna"].status == "completed_on_time"
    assert [(c.course_id, c.status, c.exemption) for c in by_name["Anna"].courses] == [
        ("valmyndigheten-introduktion", "completed_on_time", None),
        ("skr-ett-tryggt-valar", "exempt", REASON),
    ]
    assert by_name["Anna"].percent == 100
    assert by_name["Bo"].status == "exempt" and by_name["Bo"].percent is None
    assert by_name["Cilla"].status == "not_started"
    assert report.totals == StatusTotals(completed_on_time=1, not_started=1, exempt=1)
    assert report.totals.total == 3
    # The county's and the nation's totals count the same.
    county = await reports.county_readiness("21")
    assert county.totals == report.totals
    assert county.workshops[0].totals == report.totals
    nation = await reports.national_readiness()
    assert nation.totals == report.totals
    # No reminders for an exempted course.
    reminded = {(r.name, r.course) for r in await reports.reminder_recipients(workshop.id)}
    assert ("Anna", "Ett tryggt valår") not in reminded and not any(
        name == "Bo" for name, _ in reminded
    )
    # Exports: the status by name, and a column of its own in the totals.
    rows = list(
        csv.reader(
            io.StringIO(reports.export(report, "csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    bo = next(row for row in rows if row[0] == "Bo")
    assert "Befriad" in bo
    data = orjson.loads(reports.export(report, "json").content)
    assert data["totals"]["exempt"] == 1 and data["totals"]["total"] == 3
    county_rows = reports.export(county, "csv").content.decode("utf-8-sig")
    assert "Befriad" in county_rows.splitlines()[0]
    book = load_workbook(io.BytesIO(reports.export(nation, "xlsx").content))
    assert any(
        cell.value == "Befriad"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )

    # Undo.
    undone = await reports.unexempt(workshop.id, ids["Bo"], "skr-ett-tryggt-valar")
    assert undone.reason == REASON and told[-1] == (undone, False)
    again = await reports.workshop_readiness(workshop.id)
    assert {e.participant.name: e.status for e in again.participants}["Bo"] == "not_started"
    with pytest.raises(NotFound):
        await reports.unexempt(workshop.id, ids["Bo"], "skr-ett-tryggt-valar")
    assert [
        e.course_id for e in await reports.exemptions(workshop.id, participant_id=ids["Bo"])
    ] == ["valmyndigheten-introduktion"]


async def test_an_exemption_is_refused_naming_the_field(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    ids = await _ids(lrs, workshop)
    intro_only = await reports.create_workshop(
        {"county": "21", "title": "Bara intro", "date": "2099-01-18"}
    )
    cases = [
        ({"course": "skr-ett-tryggt-valar"}, "reason", "required"),
        ({"course": "skr-ett-tryggt-valar", "reason": "  "}, "reason", "required"),
        ({"course": "skr-ett-tryggt-valar", "reason": "a\nb"}, "reason", "control_character"),
        ({"course": "skr-ett-tryggt-valar", "reason": "x" * 501}, "reason", "max_length"),
        ({"course": "no-such-course", "reason": REASON}, "course", "not_required"),
        ({"reason": REASON}, "course", "required"),
        ({"course": INTRO, "reason": REASON, "extra": 1}, "extra", "unknown_field"),
    ]
    for data, path, rule in cases:
        with pytest.raises(BadRequest) as refused:
            await reports.exempt(workshop.id, ids["Anna"], data, by=None)
        assert (refused.value.details[0]["path"], refused.value.details[0]["rule"]) == (
            path,
            rule,
        ), data
    with pytest.raises(NotFound):  # a participant of another workshop
        await reports.exempt(
            intro_only.id, ids["Anna"], {"course": BOTH[0], "reason": REASON}, by=None
        )
    assert await reports.exemptions(workshop.id) == []


async def test_a_connected_identity_counts_at_once_and_can_be_undone(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    ids = await _ids(lrs, workshop)
    await send(
        lrs,
        statement(mbox("Cila@Sandviken.se"), COMPLETED, INTRO),
        *[statement(mbox("cila@sandviken.se"), COMPLETED, step) for step in SKR],
    )
    assert [u.identity for u in await reports.unmatched_learners("21")] == [
        "mbox:cila@sandviken.se"
    ]
    connected = await reports.connect_identity(
        workshop.id, ids["Cilla"], {"identity": "mbox:cila@sandviken.se"}, by="7"
    )
    assert (connected.identity, connected.display) == (
        "mbox:cila@sandviken.se",
        "cila@sandviken.se",
    )
    report = await reports.workshop_readiness(workshop.id)
    cilla = next(e for e in report.participants if e.participant.name == "Cilla")
    assert cilla.status == "completed_on_time"
    assert report.totals == StatusTotals(completed_on_time=1, not_started=2)
    assert (await reports.county_readiness("21")).totals == report.totals
    assert (await reports.national_readiness()).totals == report.totals
    assert await reports.unmatched_learners() == []
    # Nobody else on the list may take the same identity, nor Cilla twice.
    for who in ("Cilla", "Anna"):
        with pytest.raises(Conflict):
            await reports.connect_identity(
                workshop.id, ids[who], {"email": "cila@sandviken.se"}, by="7"
            )
    with pytest.raises(Conflict):  # Anna's own address
        await reports.connect_identity(workshop.id, ids["Bo"], {"email": "anna@gavle.se"}, by=None)
    # Undo: the learner is unmatched again and Cilla back where she was.
    undone = await reports.disconnect_identity(workshop.id, ids["Cilla"], connected.identity)
    assert undone.identity == connected.identity
    again = await reports.workshop_readiness(workshop.id)
    assert again.totals == StatusTotals(not_started=3)
    assert [u.identity for u in await reports.unmatched_learners()] == ["mbox:cila@sandviken.se"]
    with pytest.raises(NotFound):
        await reports.disconnect_identity(workshop.id, ids["Cilla"], connected.identity)
    # Removing the participant removes what was connected to them.
    await reports.connect_identity(
        workshop.id, ids["Cilla"], {"email": "cila@sandviken.se"}, by=None
    )
    await reports.remove_participant(workshop.id, ids["Cilla"])
    assert await reports.connected_identities(workshop.id) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"email": " Anna.B@Gavle.se "}, "mbox:anna.b@gavle.se"),
        ({"identity": "mbox:mailto:X@Y.se"}, "mbox:x@y.se"),
        (
            {"identity": "account:https://lms.example.se u-17"},
            "account:https://lms.example.se u-17",
        ),
        ({"identity": "mbox_sha1sum:" + "A" * 40}, "mbox_sha1sum:" + "a" * 40),
    ],
)
def test_identities_are_read_as_statements_spell_them(data: dict[str, str], expected: str) -> None:
    from reports.matching import parse_identity

    assert parse_identity(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "a@b.se", "identity": "mbox:a@b.se"},
        {"email": "not-an-address"},
        {"identity": "openid:https://x"},
        {"identity": "account:lms u-1"},
        {"identity": "mbox_sha1sum:123"},
    ],
)
def test_bad_identities_are_refused(data: dict[str, str]) -> None:
    from reports.matching import parse_identity

    with pytest.raises(BadRequest):
        parse_identity(data)


async def test_a_county_sees_learners_of_its_domains_never_another_countys(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    reports = lrs.reports
    uppsala = await reports.create_workshop({"county": "03", "title": "U", "date": "2099-02-01"})
    await reports.add_participant(
        uppsala.id, {"name": "Ulf", "email": "ulf@uppsala.se", "municipality": "0380"}
    )
    # Both counties have someone at a shared domain, and at a public mail service.
    await reports.add_participant(
        uppsala.id, {"name": "Delad", "email": "delad@regionen.se", "municipality": "0380"}
    )
    await reports.add_participant(
        workshop.id, {"name": "Delad G", "email": "g@regionen.se", "municipality": "2180"}
    )
    await reports.add_participant(
        workshop.id, {"name": "Privat", "email": "privat@gmail.com", "municipality": "2180"}
    )
    await send(
        lrs,
        statement(mbox("helt.annan@gavle.se"), COMPLETED, INTRO),  # Gävle's domain, not close
        statement(mbox("annan.person@uppsala.se"), COMPLETED, INTRO),  # Uppsala's domain
        statement(mbox("ny.person@regionen.se"), COMPLETED, INTRO),  # a shared domain
        statement(mbox("okand.person@gmail.com"), COMPLETED, INTRO),  # a public service
    )
    gavleborg = {u.identity for u in await reports.unmatched_learners("21")}
    assert gavleborg == {"mbox:helt.annan@gavle.se"}
    assert {u.identity for u in await reports.unmatched_learners("03")} == {
        "mbox:annan.person@uppsala.se"
    }
    assert len(await reports.unmatched_learners()) == 4
    assert await reports.learner_in_county("mbox:helt.annan@gavle.se", "21")
    assert not await reports.learner_in_county("mbox:annan.person@uppsala.se", "21")
    assert not await reports.learner_in_county("mbox:ny.person@regionen.se", "21")
    assert not await reports.learner_in_county("account:https://lms.example.se x", "21")


async def test_each_participant_is_judged_by_the_courses_of_their_role(lrs: ReportsLRS) -> None:
    reports = lrs.reports
    workshop = await reports.create_workshop(
        {"county": "21", "title": "Roller", "date": "2099-01-18", "courses": BOTH}
    )
    for name, email, role in [
        ("Nämnd", "namnd@gavle.se", "valnämnd"),
        ("Samordnare", "samordnare@gavle.se", "valsamordnare"),
    ]:
        await reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2180", "role": role}
        )
    await send(
        lrs,
        statement(mbox("namnd@gavle.se"), COMPLETED, INTRO),
        statement(mbox("samordnare@gavle.se"), COMPLETED, INTRO),
    )
    before = await reports.workshop_readiness(workshop.id)
    assert before.totals == StatusTotals(in_progress=2)
    # The introduction for everyone, SKR's course only for valnämnd.
    assert await reports.set_workshop_requirements(
        workshop.id, {"skr-ett-tryggt-valar": ["valnämnd"]}
    ) == {"skr-ett-tryggt-valar": ("valnämnd",)}
    assert await reports.workshop_requirements(workshop.id) == {
        "skr-ett-tryggt-valar": ("valnämnd",)
    }
    report = await reports.workshop_readiness(workshop.id)
    by_name = {e.participant.name: e for e in report.participants}
    assert by_name["Samordnare"].status == "completed_on_time"
    assert [c.course_id for c in by_name["Samordnare"].courses] == [BOTH[0]]
    assert by_name["Nämnd"].status == "in_progress"
    assert report.totals == StatusTotals(completed_on_time=1, in_progress=1)
    assert report.requirements == {"skr-ett-tryggt-valar": ("valnämnd",)}
    assert (await reports.county_readiness("21")).totals == report.totals
    assert (await reports.national_readiness()).totals == report.totals
    rows = list(
        csv.reader(
            io.StringIO(reports.export(report, "csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    samordnare = next(row for row in rows if row[0] == "Samordnare")
    assert "Krävs inte för rollen" in samordnare
    assert len(samordnare) == len(rows[0])
    # Refused, naming the field; nothing changes.
    for data, path, rule in [
        ({"no-such": ["valnämnd"]}, "no-such", "not_required"),
        ({"skr-ett-tryggt-valar": ["ordförande"]}, "skr-ett-tryggt-valar[0]", "unknown_role"),
        ({BOTH[0]: ["valnämnd"], BOTH[1]: ["valnämnd"]}, "$", "one_for_everyone"),
        ({"skr-ett-tryggt-valar": "valnämnd"}, "skr-ett-tryggt-valar", "type"),
    ]:
        with pytest.raises(BadRequest) as refused:
            await reports.set_workshop_requirements(workshop.id, data)
        assert (refused.value.details[0]["path"], refused.value.details[0]["rule"]) == (path, rule)
    assert await reports.workshop_requirements(workshop.id) == {
        "skr-ett-tryggt-valar": ("valnämnd",)
    }
    # Everyone again.
    await reports.set_workshop_requirements(workshop.id, {})
    assert (await reports.workshop_readiness(workshop.id)).totals == StatusTotals(in_progress=2)
