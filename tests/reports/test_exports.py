"""Exports read back: CSV as Swedish Excel reads it, XLSX through openpyxl, JSON."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import orjson
import pytest
from openpyxl import load_workbook

from reports.exports import to_json
from reports.model import WorkshopReadiness
from statements.errors import BadRequest
from statements.query import to_micros
from tests.reports.helpers import COMPLETED, INTRO, SKR, ReportsLRS, mbox, send, statement


@pytest.fixture
async def report(lrs: ReportsLRS) -> WorkshopReadiness:
    reports = lrs.reports
    workshop = await reports.create_workshop(
        {
            "county": "21",
            "title": "Valsäkerhet Gävleborg",
            "date": "2099-01-18",
            "courses": ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"],
        }
    )
    for name, email, place, role in [
        ("Åsa Öberg", "asa@gavle.se", "2180", "valsamordnare"),
        ('=HYPERLINK("http://evil")', "bo@gavle.se", "2180", "other"),
        ("Cilla", "cilla@sandviken.se", "2181", "kommunikatör"),
    ]:
        await reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": place, "role": role}
        )
    deadline = to_micros(workshop.deadline)
    await send(
        lrs,
        *[statement(mbox("asa@gavle.se"), COMPLETED, a) for a in [INTRO, *SKR]],
        statement(mbox("cilla@sandviken.se"), COMPLETED, SKR[0]),
        origin_stored=[
            deadline - 4_000_000_000,
            deadline - 60_000_000,
            deadline - 120_000_000,
            deadline - 60_000_000,
            deadline + 3_600_000_000,
        ],
    )
    return await reports.workshop_readiness(workshop.id)


def test_csv_opens_in_swedish_excel(lrs: ReportsLRS, report: WorkshopReadiness) -> None:
    exported = lrs.reports.export(report, "csv")
    assert exported.media_type == "text/csv; charset=utf-8"
    assert exported.filename == "uppfoljning-21-2099-01-18-valsakerhet-gavleborg.csv"
    content = exported.content
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = content[3:].decode("utf-8")
    assert "\r\n" in text and text.count("\n") == text.count("\r\n")  # CRLF only
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    assert header[:9] == [
        "Namn",
        "E-post",
        "Kommunkod",
        "Kommun",
        "Roll",
        "Status",
        "Klar",
        "Framsteg (%)",
        "Senaste aktivitet",
    ]
    assert header[-1] == "Uppgifter till och med"
    assert "Ett tryggt valår: steg klara" in header
    body = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(body) == 3
    asa = body["asa@gavle.se"]
    assert (asa["Namn"], asa["Kommun"], asa["Status"], asa["Framsteg (%)"]) == (
        "Åsa Öberg",
        "Gävle",
        "Klar i tid",
        "100",
    )
    assert asa["Klar"] == "2099-01-17 23:58"  # Stockholm time, to the minute
    assert asa["Ett tryggt valår: steg klara"] == "3/3"
    cilla = body["cilla@sandviken.se"]
    assert (cilla["Status"], cilla["Framsteg (%)"], cilla["Roll"]) == (
        "Påbörjad",
        "17",
        "kommunikatör",
    )
    assert cilla["Senaste aktivitet"] == "2099-01-18 00:59"
    evil = body["bo@gavle.se"]
    assert evil["Namn"] == '\'=HYPERLINK("http://evil")'  # never a formula
    assert (evil["Status"], evil["Roll"]) == ("Inte påbörjad", "övrig")
    # How fresh: the LRS's stored time of the last statement included (not the origin's).
    assert report.freshness.last_stored is not None
    assert asa["Uppgifter till och med"] == report.freshness.last_stored.strftime("%Y-%m-%d %H:%M")


def test_xlsx_reads_back(lrs: ReportsLRS, report: WorkshopReadiness) -> None:
    exported = lrs.reports.export(report, "xlsx")
    assert exported.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames == ["Deltagare", "Sammanfattning", "Kommuner"]
    sheet = book["Deltagare"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    body = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    asa = body["asa@gavle.se"]
    assert asa["Status"] == "Klar i tid"
    assert asa["Klar"] == datetime(2099, 1, 17, 23, 58)  # a real date-time cell
    assert asa["Framsteg (%)"] == 100
    evil = body["bo@gavle.se"]
    assert evil["Namn"] == '=HYPERLINK("http://evil")'
    evil_cell = next(c for c in sheet["A"] if c.value == evil["Namn"])
    assert evil_cell.data_type == "s"  # text, not a formula
    summary = {
        row[0]: row[1:]
        for row in book["Sammanfattning"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert summary["Workshop"][0] == "Valsäkerhet Gävleborg"
    assert summary["Län"][0] == "Gävleborgs län (21)"
    assert summary["Totalt"][:5] == (3, 1, 0, 1, 1)
    municipalities = list(book["Kommuner"].iter_rows(values_only=True))
    assert municipalities[0][:3] == ("Kommunkod", "Kommun", "Deltagare")
    assert [row[:3] for row in municipalities[1:]] == [
        ("2180", "Gävle", 2),
        ("2181", "Sandviken", 1),
    ]


def test_json(lrs: ReportsLRS, report: WorkshopReadiness) -> None:
    exported = lrs.reports.export(report, "json")
    data = orjson.loads(exported.content)
    assert data == to_json(report)
    assert data["workshop"]["deadline"] == "2099-01-17T23:59:00+01:00"
    assert data["totals"] == {
        "completed_on_time": 1,
        "completed_late": 0,
        "in_progress": 1,
        "not_started": 1,
        "exempt": 0,
        "total": 3,
    }
    first = next(p for p in data["participants"] if p["participant"]["email"] == "asa@gavle.se")
    assert first["status"] == "completed_on_time"
    assert first["courses"][1]["steps_done"] == 3
    assert data["freshness"]["through_seq"] == 5
    with pytest.raises(BadRequest) as caught:
        lrs.reports.export(report, "pdf")
    assert caught.value.details[0]["path"] == "format"


async def test_county_and_national_exports(lrs: ReportsLRS, report: WorkshopReadiness) -> None:
    county = await lrs.reports.county_readiness("21")
    rows = list(
        csv.reader(
            io.StringIO(lrs.reports.export(county, "csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0][:8] == [
        "Workshop",
        "Datum",
        "Sista dag",
        "Deltagare",
        "Klar i tid",
        "Klar efter sista dag",
        "Påbörjad",
        "Inte påbörjad",
    ]
    assert rows[1][:8] == [
        "Valsäkerhet Gävleborg",
        "2099-01-18",
        "2099-01-17 23:59",
        "3",
        "1",
        "0",
        "1",
        "1",
    ]
    book = load_workbook(io.BytesIO(lrs.reports.export(county, "xlsx").content))
    assert book.sheetnames == ["Workshoppar", "Kommuner", "Sammanfattning"]
    nation = await lrs.reports.national_readiness()
    rows = list(
        csv.reader(
            io.StringIO(lrs.reports.export(nation, "csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0][:4] == ["Länskod", "Län", "Workshoppar", "Deltagare"]
    assert len(rows) == 1 + 21 + 1
    gavleborg = next(row for row in rows if row[0] == "21")
    assert gavleborg[1:8] == ["Gävleborgs län", "1", "3", "1", "0", "1", "1"]
    assert rows[-1][1:4] == ["Hela landet", "1", "3"]
    book = load_workbook(io.BytesIO(lrs.reports.export(nation, "xlsx").content))
    assert book.sheetnames == ["Län"]
    assert lrs.reports.export(nation, "xlsx").filename == "uppfoljning-hela-landet.xlsx"
