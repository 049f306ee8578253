"""Workshops and their participant lists: input checks, deadlines, and imports from the
CSV and XLSX files county boards keep their lists in."""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from reports import places
from reports.fields import (
    CONTROL_CHARACTER_MESSAGE,
    CONTROL_CHARACTERS,
    bad,
    code_field,
    control_character,
    require_object,
    string_list,
    text_field,
)
from reports.model import (
    ROLES,
    STOCKHOLM,
    Municipality,
    Participant,
    ParticipantChange,
    RowProblem,
)
from reports.storage import ParticipantDiff
from reports.texts import text
from statements.errors import BadRequest
from statements.models.base import check_iri

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
"""The heading row is looked for among the file's first rows: a title such as "Deltagare
workshop Gävleborg 2026" may stand above it (usability test F14)."""
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\.]+(\.[^@\s<>(),;:\"\[\]\\.]+)+$")


class ImportRejected(BadRequest):
    """A participant list with bad rows: nothing was imported. ``problems`` lists every
    bad row (``details`` says the same, with ``line``, for the HTTP answer)."""

    def __init__(self, problems: list[RowProblem]) -> None:
        lines = sorted({problem.line for problem in problems})
        message = (
            f"the list was not imported: {len(lines)} bad row"
            f"{'s' if len(lines) != 1 else ''} (line{'s' if len(lines) != 1 else ''} "
            f"{', '.join(str(line) for line in lines[:20])}{', …' if len(lines) > 20 else ''})"
        )
        super().__init__(
            message,
            [
                {
                    "path": f"line {problem.line}: {problem.field}",
                    "rule": problem.rule,
                    "message": problem.message,
                    "line": problem.line,
                    "field": problem.field,
                    "key": problem.key,
                    "values": dict(problem.values),
                }
                for problem in problems
            ],
        )
        self.problems = problems


# --- workshops -----------------------------------------------------------------------------


def default_deadline(day: date) -> datetime:
    """23:59 Europe/Stockholm the day before the workshop."""
    return datetime.combine(day - timedelta(days=1), time(23, 59), tzinfo=STOCKHOLM)


def parse_date(data: Mapping[str, Any], name: str) -> date | None:
    value = text_field(data, name, required=False, max_length=10)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad(name, "date", "must be a date YYYY-MM-DD") from None


def parse_deadline(data: Mapping[str, Any]) -> datetime | None:
    """An ISO 8601 date-time; without an offset it is Stockholm time."""
    value = text_field(data, "deadline", required=False, max_length=40)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad("deadline", "datetime", "must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


def parse_county(data: Mapping[str, Any]) -> str:
    """The county code of input, normalised (" 1" and "01" are "01"); a JSON string only,
    so that the permission check and the storage see one and the same value."""
    value = code_field(data, "county", "21")
    if value is None or not value.strip():
        raise bad("county", "required", "is required: a two-digit county code such as '21'")
    found = places.county(value)
    if found is None:
        raise bad("county", "county", f"{value!r} is not a county code (01, 03 … 25)")
    return found.code


def municipality_in(value: str | None, county: str) -> str | None:
    """A municipality filter (``--municipality``, a coordinator's municipality) as its
    four-digit code ("180" and " 0180" are "0180"); BadRequest naming ``municipality``
    unless it is one of ``county``'s municipalities, so that a misspelt filter never
    widens or silently empties a report or a reminder run."""
    if value is None:
        return None
    found = places.find_municipality(value) if value.strip() else None
    if found is None:
        raise bad(
            "municipality",
            "unknown_municipality",
            f"{value!r} is not a Swedish municipality (name or four-digit code)",
        )
    if found.county != county:
        raise bad(
            "municipality",
            "municipality_outside_county",
            f"{found.name} ({found.code}) is not in county {county}",
        )
    return found.code


def parse_courses(data: Mapping[str, Any], known: set[str], *, required: bool) -> list[str] | None:
    courses = string_list(data, "courses", required=required)
    if courses is None:
        return None
    if not courses:
        raise bad("courses", "min_items", "must name at least one course")
    for position, course in enumerate(courses):
        if course not in known:
            raise bad(
                f"courses[{position}]",
                "unknown_course",
                f"no course {course!r} (courses: {', '.join(sorted(known))})",
            )
        if course in courses[:position]:
            raise bad(f"courses[{position}]", "duplicate", "is listed twice")
    return courses


WORKSHOP_FIELDS = frozenset({"county", "title", "date", "deadline", "courses"})


def title_of(data: Mapping[str, Any], *, required: bool) -> str | None:
    return text_field(data, "title", required=required, max_length=200)


# --- participants --------------------------------------------------------------------------

PARTICIPANT_FIELDS = frozenset(
    {"name", "email", "municipality", "role", "account_home_page", "account_name"}
)


def _ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())


_ROLE_NAMES = {_ascii_fold(role): role for role in ROLES} | {
    _ascii_fold(alias): "other" for alias in ("annan", "övrig", "övriga", "annat")
}


Problem = tuple[str, str, str, str, tuple[tuple[str, str], ...]]
"""(field, rule, message in English, catalogue key, values for the key's text)."""


def _problem(field: str, rule: str, message: str, kind: str, **values: str) -> Problem:
    return (field, rule, message, "upload.problem." + kind, tuple(values.items()))


@dataclass(frozen=True, slots=True)
class ParticipantInput:
    """A participant as checked, before it has an id."""

    name: str
    email: str
    municipality: str
    role: str
    account_home_page: str | None
    account_name: str | None
    warnings: tuple[Problem, ...] = ()
    """What was taken as meant rather than refused (a role not on the list is saved as
    "other"), as problems are given; the row is saved all the same."""

    def as_participant(self, workshop_id: str, participant_id: str) -> Participant:
        place = places.municipality(self.municipality)
        return Participant(
            id=participant_id,
            workshop_id=workshop_id,
            name=self.name,
            email=self.email,
            municipality=self.municipality,
            municipality_name=place.name if place else self.municipality,
            role=self.role,
            account_home_page=self.account_home_page,
            account_name=self.account_name,
        )


def _email_problem(email: str) -> Problem | None:
    if not email:
        return _problem("email", "bad_email", "the e-mail address is missing", "email_missing")
    if _EMAIL.match(email) and len(email) <= 254:
        return None
    kind = "email_comma" if "," in email.partition("@")[2] else "email_bad"
    return _problem("email", "bad_email", f"{email!r} is not an e-mail address", kind, email=email)


def _municipality_problem(
    text_: str, municipality: Municipality | None, county: str
) -> Problem | None:
    if not text_:
        return _problem(
            "municipality",
            "unknown_municipality",
            "the municipality is missing",
            "municipality_missing",
        )
    if municipality is None:
        message = f"{text_!r} is not a Swedish municipality (name or four-digit code)"
        names = [m.name for m in places.municipalities_of(county)]
        guess = difflib.get_close_matches(text_.title(), names, n=1, cutoff=0.6)
        if guess:
            return _problem(
                "municipality",
                "unknown_municipality",
                message,
                "municipality_guess",
                value=text_,
                guess=guess[0],
            )
        return _problem(
            "municipality",
            "unknown_municipality",
            message,
            "municipality_unknown",
            value=text_,
        )
    if municipality.county != county:
        wanted = places.county(county)
        actual = places.county(municipality.county)
        return _problem(
            "municipality",
            "municipality_outside_county",
            f"{municipality.name} ({municipality.code}) is not in "
            f"{wanted.name if wanted else county} ({county})",
            "municipality_outside",
            municipality=municipality.name,
            actual=actual.name if actual else municipality.county,
            county=wanted.name if wanted else county,
        )
    return None


def _account_problem(home_page: str | None, account_name: str | None) -> Problem | None:
    if (home_page is None) != (account_name is None):
        field = "account_name" if account_name is None else "account_home_page"
        return _problem(
            field, "bad_account", "an account needs both a home page and a name", "account_half"
        )
    if home_page is not None:
        try:
            check_iri(home_page)
        except ValueError:
            return _problem(
                "account_home_page",
                "bad_account",
                f"{home_page!r} is not an IRI (URL)",
                "account_url",
                value=home_page,
            )
    return None


def check_participant(
    values: Mapping[str, str | None], county: str
) -> tuple[ParticipantInput | None, list[Problem]]:
    """Check one participant's fields (strings, as a file has them): the participant, or
    the problems as (field, rule, message, catalogue key, values)."""
    problems: list[Problem] = [
        _problem(field, "control_character", CONTROL_CHARACTER_MESSAGE, "control_character")
        for field, value in values.items()
        if value and control_character(value.strip()) is not None
    ]
    if problems:  # the other rules are checked on the text without them
        values = {
            field: CONTROL_CHARACTERS.sub("", value) if value else value
            for field, value in values.items()
        }
    name = (values.get("name") or "").strip()
    if not name:
        problems.append(_problem("name", "missing", "the name is missing", "name_missing"))
    elif len(name) > 200:
        problems.append(
            _problem("name", "max_length", "the name is longer than 200 characters", "name_long")
        )
    email = (values.get("email") or "").strip()
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    municipality_text = (values.get("municipality") or "").strip()
    municipality = places.find_municipality(municipality_text) if municipality_text else None
    role_text = (values.get("role") or "").strip()
    role, role_warning = _role_of(role_text)
    home_page = (values.get("account_home_page") or "").strip() or None
    account_name = (values.get("account_name") or "").strip() or None
    found = [
        _email_problem(email),
        _municipality_problem(municipality_text, municipality, county),
        _account_problem(home_page, account_name),
    ]
    problems.extend(problem for problem in found if problem is not None)
    if problems or municipality is None:
        return None, problems
    warnings = (role_warning,) if role_warning is not None else ()
    return (
        ParticipantInput(name, email, municipality.code, role, home_page, account_name, warnings),
        [],
    )


def _role_of(role_text: str) -> tuple[str, Problem | None]:
    """The role a cell names, and a warning when it is not one on the list: free text
    ("Ordförande i valnämnden") is kept as "other" rather than refusing the row (usability
    test F14); a blank cell is "other" without a word."""
    if not role_text:
        return "other", None
    role = _ROLE_NAMES.get(_ascii_fold(role_text))
    if role is not None:
        return role, None
    return "other", (
        "role",
        "role_other",
        f"{role_text!r} is not a role ({', '.join(ROLES)}); saved as 'other'",
        "upload.warning.role_other",
        (("value", role_text),),
    )


def participant_from_json(
    data: Any, county: str, *, base: Participant | None = None
) -> ParticipantInput:
    """A participant from API input: all fields (add), or some over ``base`` (change)."""
    fields = require_object(data, PARTICIPANT_FIELDS)
    values: dict[str, str | None] = {}
    for name in PARTICIPANT_FIELDS:
        if name in fields:
            value = fields[name]
            if name == "municipality":
                value = code_field(fields, name, "2180")
            elif value is not None and not isinstance(value, str):
                raise bad(name, "type", "must be a string")
            values[name] = value
        elif base is not None:
            values[name] = cast(str | None, getattr(base, name))
    checked, problems = check_participant(values, county)
    if checked is None:
        field, _, message, _, _ = problems[0]
        raise BadRequest(
            f"{field}: {message}",
            [{"path": f, "rule": r, "message": m} for f, r, m, _, _ in problems],
        )
    return checked


# --- files -------------------------------------------------------------------------------------

_COLUMN_NAMES = {"name": "Namn", "email": "E-post", "municipality": "Kommun"}
"""The column a list lacks, as a problem names it (the names the template file uses)."""
_HEADERS = {
    "name": ("namn", "name", "fullstandigtnamn", "deltagare", "fullname"),
    "first_name": ("fornamn", "firstname", "givenname"),
    "last_name": ("efternamn", "lastname", "surname", "familyname"),
    "email": (
        "epost",
        "epostadress",
        "email",
        "emailadress",
        "emailaddress",
        "mail",
        "mailadress",
        "mejl",
        "mejladress",
    ),
    "municipality": ("kommun", "kommunkod", "kommunnamn", "municipality", "municipalitycode"),
    "role": ("roll", "role", "funktion"),
    "account_home_page": (
        "accounthomepage",
        "kontohemsida",
        "kontohomepage",
        "homepage",
    ),
    "account_name": ("accountname", "kontonamn", "konto"),
}
_HEADER_NAMES = {alias: field for field, aliases in _HEADERS.items() for alias in aliases}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _file_error(message: str) -> BadRequest:
    return bad("file", "format", message)


_NOT_A_LIST = (b"%PDF", b"\xd0\xcf\x11\xe0", b"{\\rtf", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
"""The starts of files people pick by mistake: PDF, old Office (.doc/.xls), RTF, images."""


def _format_of(content: bytes, media_type: str | None, filename: str | None) -> str:
    if content.startswith(_NOT_A_LIST):
        raise bad(
            "file",
            "not_a_list",
            f"{text('upload.not_a_list', 'sv')} / {text('upload.not_a_list', 'en')}",
        )
    kind = (media_type or "").split(";")[0].strip().lower()
    if kind == XLSX_TYPE or (filename or "").lower().endswith(".xlsx"):
        return "xlsx"
    if kind in ("text/csv", "text/plain", "application/csv") or (filename or "").lower().endswith(
        (".csv", ".txt")
    ):
        return "csv"
    return "xlsx" if content.startswith(b"PK\x03\x04") else "csv"


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV (semikolonavgränsad)" is Windows-1252, not UTF-8.
        text = content.decode("cp1252", errors="replace")
    # The separator the first rows use most: a title row above the headings may have none.
    first = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, [cell.strip() for cell in row]))
            if len(rows) > MAX_ROWS + 1:
                raise _file_error(f"the list has more than {MAX_ROWS} rows")
    except csv.Error as error:
        raise _file_error(f"line {reader.line_num}: not valid CSV ({error})") from None
    return rows


# What an XLSX participant list may unpack to (finding 6 of the December 2026 review: a
# 310 KB workbook whose sheet unpacked to 314 MB grew the server by 580 MB). A list of
# 20,000 rows is a few MB of XML; zipfile never unpacks a member past the size the
# archive's central directory declares (a lie fails its CRC), so checking the declared
# sizes bounds what openpyxl can read.
XLSX_MAX_MEMBER_BYTES = 32 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 64 * 1024 * 1024
XLSX_MAX_RATIO = 100
"""Largest uncompressed/compressed ratio of a member above ``XLSX_RATIO_FROM`` bytes."""
XLSX_RATIO_FROM = 1024 * 1024
XLSX_MAX_MEMBERS = 500
_XLSX_PARTS = re.compile(r"^(\[Content_Types\]\.xml|_rels/[^/]+|docProps/[^/]+|xl/.+)$")
_XLSX_REFUSED = re.compile(
    r"^xl/(vbaProject|vbaData|externalLinks/|activeX/|embeddings/|connections\.xml|"
    r"queryTables/|customData/)",
    re.IGNORECASE,
)


def _xlsx_refused(rule: str, **values: Any) -> BadRequest:
    """A workbook refused before it is opened: 400 naming the rule, in Swedish and
    English (the catalogue's ``upload.<rule>``)."""
    message = f"{text('upload.' + rule, 'sv', **values)} / {text('upload.' + rule, 'en', **values)}"
    return bad("file", rule, message)


def check_xlsx_archive(content: bytes) -> None:
    """Refuse a workbook that would unpack to too much, or has parts a participant list
    never has (macros, external links, embedded objects, anything not an XLSX part),
    before openpyxl opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _file_error(f"not a readable XLSX workbook ({error})") from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise _xlsx_refused("xlsx_members", limit=XLSX_MAX_MEMBERS)
    mb = 1024 * 1024
    total = 0
    for member in members:
        name = member.filename
        if member.is_dir():
            continue
        if not _XLSX_PARTS.match(name) or _XLSX_REFUSED.match(name) or ".." in name:
            raise _xlsx_refused("xlsx_part", part=name[:100])
        if member.file_size > XLSX_MAX_MEMBER_BYTES:
            raise _xlsx_refused(
                "xlsx_member_size", part=name[:100], limit=XLSX_MAX_MEMBER_BYTES // mb
            )
        total += member.file_size
        if total > XLSX_MAX_TOTAL_BYTES:
            raise _xlsx_refused("xlsx_total_size", limit=XLSX_MAX_TOTAL_BYTES // mb)
        if member.file_size > XLSX_RATIO_FROM and member.file_size > XLSX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _xlsx_refused("xlsx_ratio", part=name[:100], limit=XLSX_MAX_RATIO)


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    check_xlsx_archive(content)
    unreadable = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, TypeError)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable as error:
        raise _file_error(f"not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(value) for value in row]))
            if len(rows) > MAX_ROWS + 1:
                raise _file_error(f"the list has more than {MAX_ROWS} rows")
    except unreadable as error:  # a damaged part shows only when it is read
        raise _file_error(f"not a readable XLSX workbook ({type(error).__name__})") from None
    finally:
        workbook.close()
    return rows


def _columns_of(header: list[str]) -> dict[int, str]:
    """Which field each heading names, by position (the first of a repeated one counts)."""
    columns: dict[int, str] = {}
    for position, title in enumerate(header):
        field = _HEADER_NAMES.get(_ascii_fold(title))
        if field is not None and field not in columns.values():
            columns[position] = field
    return columns


def _missing_columns(columns: dict[int, str]) -> list[str]:
    found = set(columns.values())
    missing = [field for field in ("email", "municipality") if field not in found]
    if "name" not in found and not {"first_name", "last_name"} <= found:
        missing.insert(0, "name")
    return missing


def _heading_row(rows: list[tuple[int, list[str]]]) -> int:
    """The index in ``rows`` of the heading row: the first within the file's first
    ``HEADER_SEARCH_ROWS`` lines that names every required column, else the first row
    (whose missing columns are then the problem)."""
    for index, (line, cells) in enumerate(rows):
        if line > HEADER_SEARCH_ROWS:
            break
        if not _missing_columns(_columns_of(cells)):
            return index
    return 0


def read_list(
    content: bytes, *, media_type: str | None = None, filename: str | None = None
) -> tuple[int, list[tuple[int, dict[str, str]]]]:
    """The heading row's line and the rows below it as (line, {field: text}), blank rows
    left out.

    The heading row names the columns; Swedish and English names are understood, in any
    case ("E-post", "Kommun", "Roll" …). It is the first row, among the first
    ``HEADER_SEARCH_ROWS``, that names the required columns; rows above it (a title) are
    not read."""
    kind = _format_of(content, media_type, filename)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise ImportRejected(
            [RowProblem(1, "header", "missing_column", "the file is empty", "upload.problem.empty")]
        )
    heading = _heading_row(rows)
    header_line, header = rows[heading]
    columns = _columns_of(header)
    missing = _missing_columns(columns)
    if missing:
        raise ImportRejected(
            [
                RowProblem(
                    header_line,
                    field,
                    "missing_column",
                    f"no column {field!r} in the header row (e.g. "
                    f"{', '.join(repr(alias) for alias in _HEADERS[field][:2])})",
                    "upload.problem.column_missing",
                    (("column", _COLUMN_NAMES[field]),),
                )
                for field in missing
            ]
        )
    result: list[tuple[int, dict[str, str]]] = []
    for line, cells in rows[heading + 1 :]:
        values = {
            field: cells[position] if position < len(cells) else ""
            for position, field in columns.items()
        }
        if "name" not in values:
            values["name"] = f"{values.pop('first_name', '')} {values.pop('last_name', '')}".strip()
        result.append((line, values))
    return header_line, result


def check_list(
    rows: list[tuple[int, dict[str, str]]], county: str
) -> tuple[list[ParticipantInput], list[RowProblem]]:
    """Every row checked: the participants and the warnings about their rows (a role
    saved as "other"), or ``ImportRejected`` listing every problem of every bad row
    (duplicates name the line they repeat)."""
    problems: list[RowProblem] = []
    warnings: list[RowProblem] = []
    checked: list[ParticipantInput] = []
    emails: dict[str, int] = {}
    accounts: dict[tuple[str, str], int] = {}
    for line, values in rows:
        participant, found = check_participant(values, county)
        problems.extend(RowProblem(line, *problem) for problem in found)
        email = (values.get("email") or "").strip().lower().removeprefix("mailto:")
        if email and email in emails:
            problems.append(
                RowProblem(
                    line,
                    "email",
                    "duplicate",
                    f"{email} is already on line {emails[email]}",
                    "upload.problem.email_duplicate",
                    (("email", email), ("line", str(emails[email]))),
                )
            )
        elif email:
            emails[email] = line
        if participant is not None and participant.account_name is not None:
            account = (participant.account_home_page or "", participant.account_name)
            if account in accounts:
                problems.append(
                    RowProblem(
                        line,
                        "account_name",
                        "duplicate",
                        f"the account is already on line {accounts[account]}",
                        "upload.problem.account_duplicate",
                        (("line", str(accounts[account])),),
                    )
                )
            else:
                accounts[account] = line
        if participant is not None:
            checked.append(participant)
            warnings.extend(RowProblem(line, *warning) for warning in participant.warnings)
    if problems:
        raise ImportRejected(problems)
    return checked, warnings


_COMPARED = ("name", "email", "municipality", "role", "account_home_page", "account_name")


def plan_import(
    workshop_id: str, current: list[Participant], incoming: list[ParticipantInput]
) -> ParticipantDiff:
    """What replacing ``current`` with ``incoming`` changes; people are the same person
    when their e-mail addresses are (case-insensitively), and keep their ids."""
    by_email = {participant.email.lower(): participant for participant in current}
    added: list[Participant] = []
    changed: list[tuple[Participant, Participant]] = []
    unchanged = 0
    seen: set[str] = set()
    for row in incoming:
        key = row.email.lower()
        seen.add(key)
        before = by_email.get(key)
        if before is None:
            added.append(row.as_participant(workshop_id, str(uuid.uuid4())))
            continue
        after = row.as_participant(workshop_id, before.id)
        if after == before:
            unchanged += 1
        else:
            changed.append((before, after))
    removed = [p for p in current if p.email.lower() not in seen]
    return ParticipantDiff(added, changed, removed, unchanged)


def change_of(before: Participant, after: Participant) -> ParticipantChange:
    return ParticipantChange(
        before=before,
        after=after,
        fields=tuple(name for name in _COMPARED if getattr(before, name) != getattr(after, name)),
    )
