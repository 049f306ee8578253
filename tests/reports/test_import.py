"""Participant lists: CSV as Excel saves it (comma or semicolon, with or without BOM,
Windows-1252), XLSX, every bad-row reason with its line number, all-or-nothing, dry runs,
and participants added, changed and removed one by one."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from reports.model import Workshop
from reports.roster import ImportRejected
from statements.errors import BadRequest, Conflict, NotFound
from tests.reports.helpers import ReportsLRS

ROWS = [
    ["Namn", "E-post", "Kommun", "Roll"],
    ["Anna Andersson", "Anna.Andersson@gavle.se", "Gävle", "Valsamordnare"],
    ["Bo Berg", "bo.berg@sandviken.se", "2181", "valnämnd"],
    ["Cecilia Ceder", "cecilia@hudiksvall.se", "Hudiksvall kommun", "säkerhetssamordnare"],
]


def csv_bytes(
    rows: list[list[str]], sep: str = ";", bom: bool = True, encoding: str = "utf-8"
) -> bytes:
    text = "\r\n".join(sep.join(row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
async def workshop(lrs: ReportsLRS) -> Workshop:
    return await lrs.reports.create_workshop(
        {"county": "21", "title": "Valsäkerhet Gävleborg", "date": "2026-01-18"}
    )


def _people(participants: list[Any]) -> list[tuple[str, str, str, str]]:
    return sorted((p.name, p.email, p.municipality, p.role) for p in participants)


EXPECTED = [
    ("Anna Andersson", "Anna.Andersson@gavle.se", "2180", "valsamordnare"),
    ("Bo Berg", "bo.berg@sandviken.se", "2181", "valnämnd"),
    ("Cecilia Ceder", "cecilia@hudiksvall.se", "2184", "säkerhetssamordnare"),
]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(csv_bytes(ROWS, ";", bom=True), id="semicolon-bom"),
        pytest.param(csv_bytes(ROWS, ";", bom=False), id="semicolon"),
        pytest.param(csv_bytes(ROWS, ",", bom=True), id="comma-bom"),
        pytest.param(csv_bytes(ROWS, ",", bom=False), id="comma"),
        pytest.param(csv_bytes(ROWS, ";", bom=False, encoding="cp1252"), id="windows-1252"),
        pytest.param(csv_bytes(ROWS, "\t", bom=True), id="tab"),
    ],
)
async def test_csv_as_excel_saves_it(lrs: ReportsLRS, workshop: Workshop, content: bytes) -> None:
    result = await lrs.reports.import_participants(workshop.id, content, media_type="text/csv")
    assert result.rows == 3 and not result.dry_run
    assert _people(result.added) == EXPECTED
    assert _people(await lrs.reports.list_participants(workshop.id)) == EXPECTED
    assert (await lrs.reports.get_workshop(workshop.id)).participants == 3


async def test_xlsx(lrs: ReportsLRS, workshop: Workshop) -> None:
    rows: list[list[Any]] = [list(row) for row in ROWS]
    rows[2][2] = 2181  # a code typed into Excel becomes a number
    rows.insert(2, [None, None, None, None])  # blank rows are skipped
    content = xlsx_bytes(rows)
    result = await lrs.reports.import_participants(workshop.id, content, filename="lista.xlsx")
    assert _people(result.added) == EXPECTED
    # Found by its content too (a ZIP) when nothing says what it is.
    again = await lrs.reports.import_participants(workshop.id, content, dry_run=True)
    assert again.unchanged == 3 and not again.added and not again.changed and not again.removed


async def test_accounts_and_english_headers(lrs: ReportsLRS, workshop: Workshop) -> None:
    content = csv_bytes(
        [
            ["name", "email", "municipality", "role", "account_home_page", "account_name"],
            ["Anna", "anna@gavle.se", "2180", "other", "https://lms.example.se", "anna-42"],
            ["Bo", "bo@gavle.se", "2180", "", "", ""],
        ],
        ",",
    )
    result = await lrs.reports.import_participants(workshop.id, content, filename="a.csv")
    by_name = {p.name: p for p in result.added}
    assert by_name["Anna"].account_home_page == "https://lms.example.se"
    assert by_name["Anna"].account_name == "anna-42"
    assert by_name["Bo"].account_name is None and by_name["Bo"].role == "other"


async def test_every_bad_row_is_listed_and_nothing_is_imported(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    await lrs.reports.import_participants(workshop.id, csv_bytes(ROWS), filename="a.csv")
    bad = [
        ["Namn", "E-post", "Kommun", "Roll", "Kontohemsida", "Kontonamn"],
        ["Dan Dahl", "dan@gavle.se", "Gävle", "valsamordnare", "", ""],  # line 2: fine
        ["Eva Ek", "eva.gavle.se", "Gävle", "valsamordnare", "", ""],  # 3: bad e-mail
        ["Frej Falk", "frej@gavle.se", "Gotham", "valsamordnare", "", ""],  # 4: unknown
        ["Gun Gran", "gun@uppsala.se", "Uppsala", "valsamordnare", "", ""],  # 5: outside
        ["Dan Dahl", "DAN@gavle.se", "Gävle", "valnämnd", "", ""],  # 6: duplicate of 2
        ["", "hugo@gavle.se", "Gävle", "valsamordnare", "", ""],  # 7: no name
        ["Ida Is", "ida@gavle.se", "Gävle", "borgmästare", "", ""],  # 8: fine, as "other"
        ["Jan Ja", "jan@gavle.se", "Gävle", "other", "https://lms.se", ""],  # 9: half account
        ["Kim Ko", "kim@gavle.se", "", "other", "", ""],  # 10: no municipality
        ["", "", "", "", "", ""],  # blank: skipped
        ["Lo Lo", "", "0180", "other", "", ""],  # 12: no e-mail, outside county
    ]
    with pytest.raises(ImportRejected) as caught:
        await lrs.reports.import_participants(workshop.id, csv_bytes(bad), filename="a.csv")
    problems = [(p.line, p.field, p.rule) for p in caught.value.problems]
    assert problems == [
        (3, "email", "bad_email"),
        (4, "municipality", "unknown_municipality"),
        (5, "municipality", "municipality_outside_county"),
        (6, "email", "duplicate"),
        (7, "name", "missing"),
        (9, "account_name", "bad_account"),
        (10, "municipality", "unknown_municipality"),
        (12, "email", "bad_email"),
        (12, "municipality", "municipality_outside_county"),
    ]
    messages = {p.line: p.message for p in caught.value.problems}
    assert "line 2" in messages[6]
    assert "Uppsala (0380)" in messages[5] and "Gävleborgs län" in messages[5]
    # The HTTP answer's details carry the same, with line numbers.
    assert caught.value.details[0] == {
        "path": "line 3: email",
        "rule": "bad_email",
        "message": "'eva.gavle.se' is not an e-mail address",
        "line": 3,
        "field": "email",
        # The problem in the reader's words, for the API's "text" (usability test F1).
        "key": "upload.problem.email_bad",
        "values": {"email": "eva.gavle.se"},
    }
    assert caught.value.status == 400
    # Nothing changed: the earlier list is still there.
    assert _people(await lrs.reports.list_participants(workshop.id)) == EXPECTED


async def test_a_role_not_on_the_list_is_saved_as_other_with_a_warning(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    """Usability test F14: free-text roles no longer stop the whole file."""
    rows = [
        ["Namn", "E-post", "Kommun", "Roll"],
        ["Anna", "anna@gavle.se", "Gävle", "Ordförande i valnämnden"],
        ["Bo", "bo@gavle.se", "Gävle", "Valsamordnare"],
        ["Cia", "cia@gavle.se", "Gävle", ""],
        ["Dan", "dan@gavle.se", "Gävle", "IT-säkerhetsansvarig"],
    ]
    result = await lrs.reports.import_participants(
        workshop.id, csv_bytes(rows), filename="a.csv", dry_run=True
    )
    assert {p.name: p.role for p in result.added} == {
        "Anna": "other",
        "Bo": "valsamordnare",
        "Cia": "other",
        "Dan": "other",
    }
    assert [(w.line, w.field, w.rule, dict(w.values)) for w in result.warnings] == [
        (2, "role", "role_other", {"value": "Ordförande i valnämnden"}),
        (5, "role", "role_other", {"value": "IT-säkerhetsansvarig"}),
    ]
    from reports.texts import text

    assert text(result.warnings[0].key, "sv", **dict(result.warnings[0].values)) == (
        "Rollen 'Ordförande i valnämnden' finns inte i listan och sparas som Övrig."
    )
    # The API's participant routes map the same way (no warning field there: the answer's
    # "role" says "other").
    added = await lrs.reports.add_participant(
        workshop.id,
        {"name": "Eva", "email": "eva@gavle.se", "municipality": "Gävle", "role": "Ordförande"},
    )
    assert added.role == "other"


async def test_line_numbers_in_xlsx(lrs: ReportsLRS, workshop: Workshop) -> None:
    rows = [list(ROWS[0]), list(ROWS[1]), ["Bo", "bo@x.se", "Solna", "valnämnd"]]
    with pytest.raises(ImportRejected) as caught:
        await lrs.reports.import_participants(workshop.id, xlsx_bytes(rows))
    assert [(p.line, p.rule) for p in caught.value.problems] == [(3, "municipality_outside_county")]


async def test_the_heading_row_below_a_title_is_found(lrs: ReportsLRS, workshop: Workshop) -> None:
    """Usability test F14: a title row (and a blank one) above the headings."""
    rows: list[list[Any]] = [["Deltagare workshop Gävleborg 2026"], [], *ROWS]
    result = await lrs.reports.import_participants(workshop.id, xlsx_bytes(rows), dry_run=True)
    assert result.header_line == 3 and _people(result.added) == EXPECTED
    title = [["Deltagare workshop Gävleborg 2026", "", "", ""], ["Ansvarig: Karl", "", "", ""]]
    csv_rows = [*title, ROWS[0], ROWS[1], ["Bo", "bo@x.se", "Solna", ""]]
    with pytest.raises(ImportRejected) as caught:
        await lrs.reports.import_participants(workshop.id, csv_bytes(csv_rows), filename="a.csv")
    # Line numbers stay those of the file.
    assert [(p.line, p.rule) for p in caught.value.problems] == [(5, "municipality_outside_county")]
    # A title without separators above a comma-separated list.
    plain = b"Deltagare workshop G\xc3\xa4vleborg 2026\r\n" + csv_bytes(ROWS, sep=",", bom=False)
    result = await lrs.reports.import_participants(
        workshop.id, plain, filename="a.csv", dry_run=True
    )
    assert result.header_line == 2 and _people(result.added) == EXPECTED
    # Beyond the first ten rows the headings are not looked for: the first row is named.
    far = [["Deltagare"]] + [[f"rad {n}"] for n in range(2, 11)] + [*ROWS]
    with pytest.raises(ImportRejected) as refused:
        await lrs.reports.import_participants(workshop.id, csv_bytes(far), filename="a.csv")
    assert {(p.line, p.rule) for p in refused.value.problems} == {(1, "missing_column")}


async def test_missing_columns(lrs: ReportsLRS, workshop: Workshop) -> None:
    with pytest.raises(ImportRejected) as caught:
        await lrs.reports.import_participants(
            workshop.id, csv_bytes([["Namn", "Telefon"], ["Anna", "070"]]), filename="a.csv"
        )
    assert [(p.line, p.field, p.rule) for p in caught.value.problems] == [
        (1, "email", "missing_column"),
        (1, "municipality", "missing_column"),
    ]
    with pytest.raises(ImportRejected):
        await lrs.reports.import_participants(workshop.id, b"", filename="a.csv")
    with pytest.raises(BadRequest) as bad_file:
        await lrs.reports.import_participants(
            workshop.id, b"PK\x03\x04 not really a zip", filename="a.xlsx"
        )
    assert bad_file.value.details[0]["path"] == "file"


async def test_first_and_last_name_columns(lrs: ReportsLRS, workshop: Workshop) -> None:
    content = csv_bytes(
        [["Förnamn", "Efternamn", "Mejladress", "Kommunkod"], ["Anna", "Ek", "a@gavle.se", "2180"]]
    )
    result = await lrs.reports.import_participants(workshop.id, content, filename="a.csv")
    assert [p.name for p in result.added] == ["Anna Ek"]


async def test_dry_run_shows_what_would_change(lrs: ReportsLRS, workshop: Workshop) -> None:
    reports = lrs.reports
    first = await reports.import_participants(workshop.id, csv_bytes(ROWS), filename="a.csv")
    ids = {p.email.lower(): p.id for p in first.added}
    new_rows = [
        ROWS[0],
        ["Anna Andersson", "anna.andersson@GAVLE.se", "Gävle", "kommunikatör"],  # role changes
        ["Cecilia Ceder", "cecilia@hudiksvall.se", "Hudiksvall", "säkerhetssamordnare"],  # same
        ["David Dal", "david@ockelbo.se", "Ockelbo", "valnämnd"],  # new
    ]  # Bo is no longer on the list
    dry = await reports.import_participants(
        workshop.id, csv_bytes(new_rows), filename="a.csv", dry_run=True
    )
    assert dry.dry_run
    assert [p.name for p in dry.added] == ["David Dal"]
    assert [(c.before.name, c.fields) for c in dry.changed] == [
        ("Anna Andersson", ("email", "role"))
    ]
    assert dry.changed[0].after.role == "kommunikatör"
    assert [p.name for p in dry.removed] == ["Bo Berg"]
    assert dry.unchanged == 1
    # Nothing changed yet.
    assert _people(await reports.list_participants(workshop.id)) == EXPECTED
    real = await reports.import_participants(workshop.id, csv_bytes(new_rows), filename="a.csv")
    assert ([p.name for p in real.added], len(real.changed), len(real.removed)) == (
        ["David Dal"],
        1,
        1,
    )
    after = {p.email.lower(): p for p in await reports.list_participants(workshop.id)}
    assert set(after) == {"anna.andersson@gavle.se", "cecilia@hudiksvall.se", "david@ockelbo.se"}
    # The same people keep their ids (reminder logs and audit entries refer to them).
    assert after["anna.andersson@gavle.se"].id == ids["anna.andersson@gavle.se"]
    assert after["anna.andersson@gavle.se"].role == "kommunikatör"


async def test_accounts_may_move_between_people_in_one_import(
    lrs: ReportsLRS, workshop: Workshop
) -> None:
    header = ["Namn", "E-post", "Kommun", "Roll", "account_home_page", "account_name"]
    one = [
        header,
        ["A", "a@gavle.se", "2180", "", "https://l.se", "x"],
        ["B", "b@gavle.se", "2180", "", "https://l.se", "y"],
    ]
    two = [
        header,
        ["A", "a@gavle.se", "2180", "", "https://l.se", "y"],
        ["B", "b@gavle.se", "2180", "", "https://l.se", "x"],
    ]
    await lrs.reports.import_participants(workshop.id, csv_bytes(one), filename="a.csv")
    result = await lrs.reports.import_participants(workshop.id, csv_bytes(two), filename="a.csv")
    assert len(result.changed) == 2
    names = {p.name: p.account_name for p in await lrs.reports.list_participants(workshop.id)}
    assert names == {"A": "y", "B": "x"}


async def test_participants_one_by_one(lrs: ReportsLRS, workshop: Workshop) -> None:
    reports = lrs.reports
    anna = await reports.add_participant(
        workshop.id,
        {"name": "Anna", "email": "anna@gavle.se", "municipality": "Gävle", "role": "valnämnd"},
    )
    assert (anna.municipality, anna.municipality_name, anna.role) == ("2180", "Gävle", "valnämnd")
    with pytest.raises(Conflict) as clash:
        await reports.add_participant(
            workshop.id, {"name": "Anna 2", "email": "ANNA@gavle.se", "municipality": "2180"}
        )
    assert clash.value.details[0]["path"] == "email"
    with pytest.raises(BadRequest) as outside:
        await reports.add_participant(
            workshop.id, {"name": "Olle", "email": "olle@solna.se", "municipality": "Solna"}
        )
    assert outside.value.details[0] == {
        "path": "municipality",
        "rule": "municipality_outside_county",
        "message": "Solna (0184) is not in Gävleborgs län (21)",
    }
    with pytest.raises(BadRequest) as unknown:
        await reports.add_participant(
            workshop.id, {"name": "x", "email": "x@y.se", "municipality": "2180", "shoe": 42}
        )
    assert unknown.value.details[0]["rule"] == "unknown_field"
    changed = await reports.change_participant(
        workshop.id,
        anna.id,
        {"municipality": "2181", "account_home_page": "https://l.se", "account_name": "a1"},
    )
    assert (changed.name, changed.municipality, changed.account_name) == ("Anna", "2181", "a1")
    assert await reports.get_participant(workshop.id, anna.id) == changed
    bo = await reports.add_participant(
        workshop.id, {"name": "Bo", "email": "bo@gavle.se", "municipality": "2180"}
    )
    with pytest.raises(Conflict) as account_clash:
        await reports.change_participant(
            workshop.id, bo.id, {"account_home_page": "https://l.se", "account_name": "a1"}
        )
    assert account_clash.value.details[0]["path"] == "account_name"
    assert [p.name for p in await reports.list_participants(workshop.id, municipality="2181")] == [
        "Anna"
    ]
    removed = await reports.remove_participant(workshop.id, anna.id)
    assert removed == changed
    with pytest.raises(NotFound):
        await reports.get_participant(workshop.id, anna.id)
    with pytest.raises(NotFound):
        await reports.remove_participant(workshop.id, anna.id)
    other = await reports.create_workshop({"county": "21", "title": "B", "date": "2026-02-01"})
    with pytest.raises(NotFound):  # a participant is found only through their own workshop
        await reports.get_participant(other.id, bo.id)
