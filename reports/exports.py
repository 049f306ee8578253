"""Reports as JSON, CSV (for Swedish Excel) and XLSX.

CSV opens correctly in Swedish Excel by double-click: UTF-8 with a byte-order mark (else
Excel guesses Windows-1252 and å/ä/ö break), ';' between fields (Excel's list separator
with a Swedish locale, where ',' is the decimal comma) and CRLF line ends. Times are
Europe/Stockholm local time as ``YYYY-MM-DD HH:MM``, which Excel reads as a date-time.
Text that Excel would take for a formula (starting with = + - @) is written with a
leading apostrophe in CSV and as a text cell in XLSX, so a name in an imported list can
never run as a formula on a coordinator's computer. Control characters and line breaks,
which input refuses but older data may still hold, are written as U+FFFD in CSV and XLSX
(openpyxl refuses them, and a report must never fail for its contents).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import orjson

from reports.fields import CONTROL_CHARACTERS
from reports.model import (
    STATUSES,
    STOCKHOLM,
    CountyReadiness,
    Export,
    Freshness,
    MunicipalityTotals,
    NationalReadiness,
    StatusTotals,
    WorkshopReadiness,
)
from reports.texts import DEFAULT_LANGUAGE, text

Report = WorkshopReadiness | CountyReadiness | NationalReadiness
Cell = str | int | float | datetime | date | None

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"
FORMATS = ("json", "csv", "xlsx")


def to_json(value: Any) -> Any:
    """Any value of ``reports.model`` (or a list of them) as JSON-able data: dataclasses
    become objects (with ``total`` added to status totals), datetimes ISO 8601 with their
    offset, dates ``YYYY-MM-DD``, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        total = getattr(value, "total", None)
        if isinstance(total, int) and "total" not in data:
            data["total"] = total
        return data
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


# --- tables: the same rows for CSV and XLSX ---------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(STOCKHOLM) if moment is not None else None


def _status(status: str, language: str) -> str:
    return text(f"export.status.{status}", language)


def _through(freshness: Freshness, language: str) -> Cell:
    if freshness.last_stored is None:
        return text("export.summary.no_statements", language)
    return _local(freshness.last_stored)


def _totals_cells(totals: StatusTotals) -> list[Cell]:
    return [
        totals.total,
        totals.completed_on_time,
        totals.completed_late,
        totals.in_progress,
        totals.not_started,
    ]


def _totals_header(language: str) -> list[str]:
    return [text("export.column.participants", language)] + [
        _status(status, language) for status in STATUSES
    ]


def _c(key: str, language: str, **values: Any) -> str:
    return text(f"export.column.{key}", language, **values)


def workshop_tables(report: WorkshopReadiness, language: str) -> list[Table]:
    header = [
        _c("name", language),
        _c("email", language),
        _c("municipality_code", language),
        _c("municipality", language),
        _c("role", language),
        _c("status", language),
        _c("completed_at", language),
        _c("progress", language),
        _c("last_activity", language),
    ]
    several = len(report.courses) > 1
    if several:
        for course in report.courses:
            header += [
                _c("course_status", language, course=course.name),
                _c("course_completed_at", language, course=course.name),
                _c("course_steps", language, course=course.name),
            ]
    header.append(_c("through", language))
    through = _through(report.freshness, language)
    rows: list[list[Cell]] = []
    for entry in report.participants:
        person = entry.participant
        role = text("export.role.other", language) if person.role == "other" else person.role
        row: list[Cell] = [
            person.name,
            person.email,
            person.municipality,
            person.municipality_name,
            role,
            _status(entry.status, language),
            _local(entry.completed_at),
            entry.percent,
            _local(entry.last_activity),
        ]
        if several:
            for done in entry.courses:
                row += [
                    _status(done.status, language),
                    _local(done.completed_at),
                    f"{done.steps_done}/{done.steps}",
                ]
        row.append(through)
        rows.append(row)
    return [Table(text("export.sheet.participants", language), header, rows)]


def _summary_table(
    report: WorkshopReadiness | CountyReadiness, language: str, heading: list[list[Cell]]
) -> Table:
    rows: list[list[Cell]] = list(heading)
    rows.append(
        [text("export.summary.computed_at", language), _local(report.freshness.computed_at)]
    )
    rows.append([_c("through", language), _through(report.freshness, language)])
    rows.append([])
    rows.append(["", *_totals_header(language)])
    rows.append([text("export.summary.total", language), *_totals_cells(report.totals)])
    return Table(text("export.sheet.summary", language), [], rows)


def _municipality_table(totals: Sequence[MunicipalityTotals], language: str) -> Table:
    return Table(
        text("export.sheet.municipalities", language),
        [
            _c("municipality_code", language),
            _c("municipality", language),
            *_totals_header(language),
        ],
        [[m.municipality, m.municipality_name, *_totals_cells(m.totals)] for m in totals],
    )


def county_tables(report: CountyReadiness, language: str) -> list[Table]:
    through = _through(report.freshness, language)
    workshops = Table(
        text("export.sheet.workshops", language),
        [
            _c("workshop", language),
            _c("date", language),
            _c("deadline", language),
            *_totals_header(language),
            _c("through", language),
        ],
        [
            [
                summary.workshop.title,
                summary.workshop.date,
                _local(summary.workshop.deadline),
                *_totals_cells(summary.totals),
                through,
            ]
            for summary in report.workshops
        ],
    )
    return [workshops, _municipality_table(report.municipalities, language)]


def national_tables(report: NationalReadiness, language: str) -> list[Table]:
    through = _through(report.freshness, language)
    rows: list[list[Cell]] = [
        [
            county.county,
            county.county_name,
            county.workshops,
            *_totals_cells(county.totals),
            through,
        ]
        for county in report.counties
    ]
    rows.append(
        [
            "",
            text("export.summary.nation", language),
            sum(county.workshops for county in report.counties),
            *_totals_cells(report.totals),
            through,
        ]
    )
    return [
        Table(
            text("export.sheet.counties", language),
            [
                _c("county_code", language),
                _c("county", language),
                _c("workshops", language),
                *_totals_header(language),
                _c("through", language),
            ],
            rows,
        )
    ]


def tables(report: Report, language: str) -> list[Table]:
    if isinstance(report, WorkshopReadiness):
        return workshop_tables(report, language)
    if isinstance(report, CountyReadiness):
        return county_tables(report, language)
    return national_tables(report, language)


# --- CSV -------------------------------------------------------------------------------------


REPLACEMENT = "\ufffd"


def printable(value: str) -> str:
    """``value`` with every control character and line break shown as U+FFFD."""
    return CONTROL_CHARACTERS.sub(REPLACEMENT, value)


def csv_cell(value: Cell) -> str:
    if isinstance(value, str):
        value = printable(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return str(value)


def to_csv(report: Report, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The report's main table (participants; a county's workshops; the counties)."""
    table = tables(report, language)[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------


def to_xlsx(report: Report, language: str = DEFAULT_LANGUAGE) -> bytes:
    """Every table of the report on its own sheet (a workshop: participants, then a
    summary with freshness, totals and municipalities)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.creator = text("export.creator", language)
    workbook.remove(workbook.active)
    for table in _xlsx_tables(report, language):
        _xlsx_sheet(workbook.create_sheet(printable(table.title)[:31]), table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_tables(report: Report, language: str) -> list[Table]:
    """The report's tables, and for a workshop or a county the summary sheets."""
    sheets = tables(report, language)
    if isinstance(report, WorkshopReadiness):
        workshop = report.workshop
        heading: list[list[Cell]] = [
            [_c("workshop", language), workshop.title],
            [_c("county", language), f"{workshop.county_name} ({workshop.county})"],
            [_c("date", language), workshop.date],
            [_c("deadline", language), _local(workshop.deadline)],
        ]
        sheets.append(_summary_table(report, language, heading))
        sheets.append(_municipality_table(report.municipalities, language))
    elif isinstance(report, CountyReadiness):
        heading = [[_c("county", language), f"{report.county_name} ({report.county})"]]
        sheets.append(_summary_table(report, language, heading))
    return sheets


def _xlsx_sheet(sheet: Any, table: Table) -> None:
    """One table on ``sheet``: a bold, frozen header, typed cells, fitted columns."""
    from openpyxl.styles import Font

    if table.header:
        sheet.append([printable(title) for title in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in table.rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for column in sheet.columns:
        width = max((len(csv_cell(cell.value)) for cell in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    if table.header and sheet.max_row > 1:
        # Usability test F19: a filter on the headings, printed landscape on A4 with
        # the headings on every page.
        sheet.auto_filter.ref = sheet.dimensions
        sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _xlsx_value(value: Cell) -> Cell:
    # Excel has no time zones: local Stockholm wall-clock time, as the CSV shows it.
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).replace(tzinfo=None)
    if isinstance(value, str):
        return printable(value)
    return value


# --- one entry point ----------------------------------------------------------------------------


def _slug(value: str) -> str:
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")[:60] or "rapport"


def file_stem(report: Report) -> str:
    if isinstance(report, WorkshopReadiness):
        workshop = report.workshop
        return f"uppfoljning-{workshop.county}-{workshop.date.isoformat()}-{_slug(workshop.title)}"
    if isinstance(report, CountyReadiness):
        return f"uppfoljning-lan-{report.county}"
    return "uppfoljning-hela-landet"


def export(report: Report, fmt: str, language: str = DEFAULT_LANGUAGE) -> Export:
    stem = file_stem(report)
    if fmt == "json":
        return Export(orjson.dumps(to_json(report)), JSON_TYPE, stem + ".json")
    if fmt == "csv":
        return Export(to_csv(report, language), CSV_TYPE, stem + ".csv")
    if fmt == "xlsx":
        return Export(to_xlsx(report, language), XLSX_TYPE, stem + ".xlsx")
    from reports.fields import bad

    raise bad("format", "enum", f"must be one of {', '.join(FORMATS)}")
