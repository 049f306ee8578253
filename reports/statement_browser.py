"""The statement browser: a selection of the statement log (learner, course or activity,
verb, time), validated once, here, for the web pages and the API alike; its pages, newest
first; and its export as JSON Lines or CSV, streamed page by page for any size.

Every read goes through the statement store's one query path (``Store.query`` with a
``StatementQuery``: the shared SQL of ``statements.storage.reads``). Paging is by position
(keyset on the log's sequence number, never OFFSET), so a page deep in the log costs what
the first one does. A course with several activities is one query per activity, merged by
sequence number: the store's index answers each, and the merge keeps the order.

CSV is for Swedish Excel like every other export (``reports.exports``: BOM, ';', CRLF,
Stockholm time, text Excel would take for a formula prefixed with an apostrophe, control
characters as U+FFFD). JSON Lines carries each statement exactly as stored, one a line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from reports.exports import csv_cell
from reports.model import STOCKHOLM, Course
from reports.texts import DEFAULT_LANGUAGE, text
from statements.errors import BadRequest
from statements.identity import agent_key
from statements.query import StatementQuery, from_micros, to_micros
from statements.storage.base import Store, StoredStatement

FIELDS = ("learner", "course", "activity", "verb", "since", "until")
"""The parameters of a selection, as the page's form and the API name them."""
EXPORT_FORMATS = ("jsonl", "csv")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
EXPORT_BATCH = 1000
"""Statements read per query while exporting: memory stays bounded whatever the size."""
MAX_FIELD_CHARS = 2048

JSONL_TYPE = "application/x-ndjson"
CSV_TYPE = "text/csv; charset=utf-8"

VERBS = (
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/initialized",
    "http://adlnet.gov/expapi/verbs/terminated",
    "http://adlnet.gov/expapi/verbs/voided",
    "https://w3id.org/xapi/adl/verbs/satisfied",
    "https://w3id.org/xapi/adl/verbs/waived",
)
"""Verbs the page offers to choose among (any other IRI may be typed in the API)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """A validated selection. ``activities`` empty: any; several: a course's, any of them."""

    agent: str | None = None
    activities: tuple[str, ...] = ()
    verb: str | None = None
    since: int | None = None
    """Exclusive lower bound on stored (µs)."""
    until: int | None = None
    """Inclusive upper bound on stored (µs)."""
    credential: str | None = None
    """Only statements stored with this credential (a credential's owner reading their own)."""

    def query(self, activity: str | None, limit: int, ascending: bool) -> StatementQuery:
        return StatementQuery(
            agent=self.agent,
            verb=self.verb,
            activity=activity,
            since=self.since,
            until=self.until,
            limit=limit,
            ascending=ascending,
            credential=self.credential,
        )


def _problem(field: str, rule: str, key: str, message: str) -> dict[str, Any]:
    return {"path": field, "rule": rule, "message": message, "key": key}


def _learner(value: str) -> str | None:
    """An e-mail address (``anna@kommun.se``, with or without ``mailto:``), an account
    (``https://home.example anna``: its homePage, a space, its name), or a stored agent key
    (``account:…``, ``openid:…``, ``mbox_sha1sum:…``)."""
    if value.startswith(("account:", "openid:", "mbox_sha1sum:", "mbox:")):
        return agent_key({"mbox": value[5:]}) if value.startswith("mbox:") else value
    if value.lower().startswith(("https://", "http://")):
        home, _, name = value.partition(" ")
        return f"account:{home} {name.strip()}" if name.strip() else None
    address = value.removeprefix("mailto:")
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or " " in address:
        return None
    return agent_key({"mbox": "mailto:" + address})


def _iri(value: str) -> bool:
    scheme, colon, rest = value.partition(":")
    return bool(colon and rest and scheme.isascii() and scheme[:1].isalpha()) and " " not in value


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _start_of(day: date) -> int:
    return to_micros(datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM))


def _activities(
    values: Mapping[str, str], courses: Sequence[Course], problems: list[dict[str, Any]]
) -> tuple[str, ...]:
    """The activities a selection names: a course's (any of them), or one activity."""
    activities: tuple[str, ...] = ()
    if values["course"]:
        found = next((c for c in courses if c.id == values["course"]), None)
        if found is None:
            problems.append(
                _problem("course", "exists", "statements.problem.course", "no such course")
            )
        else:
            activities = tuple(found.activities)
    if values["activity"]:
        if not _iri(values["activity"]):
            problems.append(
                _problem("activity", "iri", "statements.problem.activity", "must be an IRI")
            )
        elif activities and values["activity"] not in activities:
            problems.append(
                _problem(
                    "activity",
                    "course_activity",
                    "statements.problem.activity_not_in_course",
                    "the activity is not one of the course's",
                )
            )
        else:
            activities = (values["activity"],)
    return activities


def select(
    params: Mapping[str, str], courses: Sequence[Course], credential: str | None = None
) -> Selection:
    """The selection of a request's parameters (empty ones ignored): every problem at once,
    each naming its field and rule (``BadRequest``), so a form can show them all."""
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    problems: list[dict[str, Any]] = []
    for name, value in values.items():
        if len(value) > MAX_FIELD_CHARS:
            problems.append(
                _problem(name, "length", "statements.problem.too_long", f"{name} is too long")
            )
            values[name] = ""
    agent = None
    if values["learner"]:
        agent = _learner(values["learner"])
        if agent is None:
            problems.append(
                _problem(
                    "learner",
                    "learner",
                    "statements.problem.learner",
                    "learner must be an e-mail address or an account (homePage, space, name)",
                )
            )
    activities = _activities(values, courses, problems)
    if values["verb"] and not _iri(values["verb"]):
        problems.append(_problem("verb", "iri", "statements.problem.verb", "must be an IRI"))
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        days[name] = _day(values[name]) if values[name] else None
        if values[name] and days[name] is None:
            problems.append(
                _problem(name, "date", "statements.problem.date", f"{name} must be YYYY-MM-DD")
            )
    since, until = days["since"], days["until"]
    if since and until and until < since:
        problems.append(
            _problem(
                "until", "order", "statements.problem.until_before_since", "until is before since"
            )
        )
    if problems:
        raise BadRequest(f"invalid selection: {problems[0]['message']}", problems)
    return Selection(
        agent=agent,
        activities=activities,
        verb=values["verb"] or None,
        since=_start_of(since) - 1 if since else None,
        until=_start_of(until + timedelta(days=1)) - 1 if until else None,
        credential=credential,
    )


# --- reading ------------------------------------------------------------------------------


async def statements(
    store: Store,
    selection: Selection,
    *,
    ascending: bool = True,
    after: int | None = None,
    batch: int = EXPORT_BATCH,
) -> AsyncIterator[StoredStatement]:
    """Every selected statement, in log order (or newest first), after position ``after``
    (a seq), read ``batch`` at a time, up to the log as it was at the first read."""
    streams: list[_Stream] = []
    through: int | None = None
    for activity in selection.activities or (None,):
        query = replace(selection.query(activity, batch, ascending), after_seq=after)
        stream = _Stream(replace(query, through_seq=through))
        await stream.fill(store)
        if through is None and stream.through:
            through = stream.through
        streams.append(stream)
    while True:
        live = [s for s in streams if s.buffer]
        if not live:
            return
        pick = (min if ascending else max)(live, key=lambda s: s.buffer[s.at].seq)
        found = pick.buffer[pick.at]
        pick.at += 1
        if pick.at == len(pick.buffer):
            await pick.fill(store)
        yield found


class _Stream:
    """One query's pages, read as the merge needs them."""

    __slots__ = ("at", "buffer", "next", "through")

    def __init__(self, query: StatementQuery) -> None:
        self.next: StatementQuery | None = query
        self.buffer: list[StoredStatement] = []
        self.at = 0
        self.through = 0

    async def fill(self, store: Store) -> None:
        self.buffer, self.at = [], 0
        if self.next is None:
            return
        page = await store.query(self.next)
        self.buffer, self.next, self.through = page.statements, page.more, page.through_seq


@dataclass(frozen=True, slots=True)
class Page:
    statements: list[StoredStatement]
    before: int | None
    """Position of the next (older) page; None when this is the last."""


async def page(
    store: Store, selection: Selection, before: int | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page, newest first, older than position ``before``."""
    found: list[StoredStatement] = []
    async for statement in statements(
        store, selection, ascending=False, after=before, batch=size + 1
    ):
        found.append(statement)
        if len(found) > size:
            break
    if len(found) > size:
        return Page(found[:size], found[size - 1].seq)
    return Page(found, None)


# --- rows ---------------------------------------------------------------------------------


def _name(value: Any, language: str) -> str:
    """A language map's text in ``language``, else Swedish, else English, else any."""
    if not isinstance(value, dict) or not value:
        return ""
    for tag in (language, "sv", "sv-SE", "en", "en-US", "en-GB"):
        if isinstance(value.get(tag), str):
            return str(value[tag])
    first = next(iter(value.values()))
    return first if isinstance(first, str) else ""


def learner_of(actor: Any) -> str:
    """An actor as a person reads it: the e-mail address, or homePage and name."""
    if not isinstance(actor, dict):
        return ""
    key = agent_key(actor) or ""
    for prefix in ("mbox:", "account:"):
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key


@dataclass(frozen=True, slots=True)
class Row:
    """One statement as the page's table and the CSV show it."""

    seq: int
    id: str
    stored: datetime
    learner: str
    learner_name: str
    verb: str
    verb_name: str
    object: str
    object_name: str
    completion: bool | None
    success: bool | None
    score: float | None
    registration: str
    credential: str


def row_of(statement: StoredStatement, language: str = DEFAULT_LANGUAGE) -> Row:
    body = orjson.loads(statement.body)
    actor = body.get("actor") or {}
    verb = body.get("verb") or {}
    target = body.get("object") or {}
    result = body.get("result") or {}
    score = (result.get("score") or {}).get("scaled") if isinstance(result, dict) else None
    definition = target.get("definition") if isinstance(target, dict) else None
    return Row(
        seq=statement.seq,
        id=statement.id,
        stored=from_micros(statement.stored).astimezone(STOCKHOLM),
        learner=learner_of(actor),
        learner_name=str(actor.get("name") or "") if isinstance(actor, dict) else "",
        verb=str(verb.get("id") or ""),
        verb_name=_name(verb.get("display"), language),
        object=str(target.get("id") or "") if isinstance(target, dict) else "",
        object_name=_name((definition or {}).get("name"), language),
        completion=result.get("completion") if isinstance(result, dict) else None,
        success=result.get("success") if isinstance(result, dict) else None,
        score=score if isinstance(score, int | float) else None,
        registration=str((body.get("context") or {}).get("registration") or ""),
        credential=statement.credential or statement.source or "",
    )


CSV_COLUMNS = (
    "stored",
    "id",
    "learner",
    "learner_name",
    "verb",
    "verb_name",
    "object",
    "object_name",
    "completion",
    "success",
    "score",
    "registration",
    "reporter",
)


def _flag(value: bool | None, language: str) -> str:
    if value is None:
        return ""
    return text("statements.yes" if value else "statements.no", language)


def _csv_line(cells: Sequence[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow([csv_cell(c) for c in cells])
    return out.getvalue().encode("utf-8")


def csv_header(language: str = DEFAULT_LANGUAGE) -> bytes:
    return "\ufeff".encode() + _csv_line(
        [text(f"statements.column.{name}", language) for name in CSV_COLUMNS]
    )


def csv_row(statement: StoredStatement, language: str = DEFAULT_LANGUAGE) -> bytes:
    row = row_of(statement, language)
    return _csv_line(
        [
            row.stored.strftime("%Y-%m-%d %H:%M:%S"),
            row.id,
            row.learner,
            row.learner_name,
            row.verb,
            row.verb_name,
            row.object,
            row.object_name,
            _flag(row.completion, language),
            _flag(row.success, language),
            "" if row.score is None else str(row.score).replace(".", ","),
            row.registration,
            row.credential,
        ]
    )


async def export(
    store: Store, selection: Selection, fmt: str, language: str = DEFAULT_LANGUAGE
) -> AsyncIterator[bytes]:
    """The selection in log order as JSON Lines (each statement as stored) or CSV, in
    chunks of about ``EXPORT_BATCH`` statements."""
    chunk: list[bytes] = [csv_header(language)] if fmt == "csv" else []
    async for statement in statements(store, selection):
        chunk.append(csv_row(statement, language) if fmt == "csv" else statement.body + b"\n")
        if len(chunk) >= EXPORT_BATCH:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)


def export_filename(fmt: str, now: datetime) -> str:
    return f"statements-{now.astimezone(STOCKHOLM):%Y%m%d-%H%M}.{fmt}"


def audit_details(params: Mapping[str, str]) -> dict[str, Any]:
    """What an audit entry says of a selection: the fields used (never the learner's
    address: the audit log holds no personal data) and the course chosen."""
    used = [name for name in FIELDS if (params.get(name) or "").strip()]
    course = (params.get("course") or "").strip()
    return {"filters": ", ".join(used) or None, "course": course or None}
