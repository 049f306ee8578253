"""The readiness service: the one entry point ``lrs_bridge`` (HTTP routes, CLI) calls.

It owns courses, workshops, participant lists, the progress projector and the reports.
It knows nothing of HTTP and makes no permission decisions: every method that can be
restricted takes the scope as an argument (``county``, ``municipality``), and the caller
decides which scope a principal may use. Objects are looked up by id alone; a caller that
must hide objects outside a principal's county compares ``workshop.county`` itself.

Errors are those of ``statements.errors`` (the HTTP layer maps them to statuses):
``BadRequest`` (400; ``details`` = ``[{"path", "rule", "message"}]`` naming the field),
``NotFound`` (404), ``Conflict`` (409). An import with bad rows raises
``reports.roster.ImportRejected`` (a ``BadRequest``) listing every bad row.

Input objects (``data``) are the JSON-decoded request bodies; they are validated here so
that the API and the CLI give the same errors. Field names are those of the dataclasses in
``reports.model``.

Return values are the frozen dataclasses of ``reports.model``; ``reports.exports.to_json``
turns any of them into JSON-able data (the API's response bodies).

Freshness: every report first catches the progress ledger up with the statement log, so
it includes every statement stored before it was asked for, and says so in ``freshness``.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from reports import exports, places
from reports.admin_storage import AdminStorage
from reports.contacts import Contact, ContactStorage, contact_of
from reports.courses import DEFAULT_REQUIRED, parse_course
from reports.fields import bad, require_object, text_field
from reports.matching import (
    NearestEmail,
    county_domains,
    display_of,
    email_of,
    parse_identity,
    visible_in_county,
)
from reports.model import (
    ROLES,
    STATUSES,
    STOCKHOLM,
    ConnectedIdentity,
    County,
    CountyReadiness,
    CountySummary,
    Course,
    Exemption,
    Export,
    Freshness,
    ImportResult,
    Municipality,
    NationalReadiness,
    Participant,
    ParticipantReadiness,
    RebuildResult,
    Reporters,
    Status,
    UnmatchedLearner,
    Workshop,
    WorkshopReadiness,
    WorkshopSummary,
)
from reports.progress import Projector
from reports.readiness import (
    group_rows,
    moment,
    municipality_totals,
    participant_readiness,
    required_of,
    summary_statuses,
    totals,
    unverified,
)
from reports.reminders import Recipient, Upcoming
from reports.roster import (
    WORKSHOP_FIELDS,
    change_of,
    check_list,
    default_deadline,
    municipality_in,
    parse_county,
    parse_courses,
    parse_date,
    parse_deadline,
    participant_from_json,
    plan_import,
    read_list,
    removes_many,
    title_of,
)
from reports.storage import Checkpoint, LedgerRow, ParticipantDiff, WorkshopRow
from reports.storage_sql import SqlReadinessStorage
from statements.errors import Conflict, NotFound
from statements.prepare import PreparedStatement
from statements.query import StatementQuery, to_micros
from statements.storage.base import Store

__all__ = ["STATUSES", "ReportsService"]

Report = WorkshopReadiness | CountyReadiness | NationalReadiness


log = logging.getLogger(__name__)


def _not_found(kind: str, path: str, value: str) -> NotFound:
    return NotFound(
        f"no {kind} {value}", [{"path": path, "rule": "not_found", "message": f"no such {kind}"}]
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ReportsService:
    """Courses, workshops, participants, progress and readiness on one statement store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] | None = None,
        batch_size: int = 2000,
    ) -> None:
        """``clock`` gives "now" (aware) for statuses of open deadlines and ``computed_at``;
        ``batch_size`` is how many statements the projector reads per step."""
        self.store = store
        self.storage = SqlReadinessStorage(store)
        self.contacts = ContactStorage(store)
        self.admin = AdminStorage(store)
        self.exemption_listeners: list[Callable[[Exemption, bool], Awaitable[None]]] = []
        """Told of every exemption made (True) or undone (False) after it is saved, e.g. to
        record an xAPI ``waived`` statement (cmi5); a listener's failure is logged, never
        undoes the exemption."""
        self.clock = clock or _utc_now
        self.projector = Projector(store, self.storage, batch_size=batch_size)
        self.source_names: Callable[[], Awaitable[Iterable[str]]] | None = None
        """The names of the bridge's sources (set by whoever wires the bridge in), for
        checking a course's trusted sources; None: no source can be named."""
        self.personal_links: Callable[[list[Recipient]], Awaitable[list[Recipient]]] | None = None
        """Gives reminder recipients their personal launch links (set by whoever wires
        the launches in); None: e-mails point at the courses' own pages."""

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Configure the default courses on first start, catch up with the log, and start
        the projector in the background. Call after the store is open."""
        # The default courses come with the tables (migration 0100); catching up runs in
        # the background, so that a CLI command never waits for a long projection.
        await self.review_reporters()
        self.projector.start()

    async def review_reporters(self) -> int:
        """Give every course from before trusted reporters (``reporters`` None) the
        credentials and bridge sources that have reported it so far, so that an upgrade
        changes no one's readiness. Returns how many courses were reviewed."""
        reviewed = 0
        for course in await self.storage.courses():
            if course.reporters is not None:
                continue
            credentials: set[str] = set()
            sources: set[str] = set()
            for activity in course.activities:
                query: StatementQuery | None = StatementQuery(
                    activity=activity, related_activities=True, ascending=True, limit=1000
                )
                while query is not None:
                    page = await self.store.query(query)
                    for statement in page.statements:
                        if statement.source is not None:
                            sources.add(statement.source)
                        elif statement.credential is not None:
                            credentials.add(statement.credential)
                    query = page.more
            reporters = Reporters(tuple(sorted(credentials)), tuple(sorted(sources)))
            if await self.storage.review_reporters(course.id, reporters):
                reviewed += 1
                log.info(
                    "upgrade: course %s trusts the %d credentials and %d bridge sources that"
                    " reported it before trusted reporters",
                    course.id,
                    len(credentials),
                    len(sources),
                )
        if reviewed:
            await self.projector.invalidate()
        return reviewed

    async def stop(self) -> None:
        """Stop the background projector (the ledger's checkpoint is always consistent)."""
        await self.projector.stop()

    def nudge(self, batch: Sequence[PreparedStatement] = ()) -> None:
        """Tell the projector new statements are stored (a ``StatementLog.on_stored``
        listener); it wakes up and projects them soon after. Never blocks or raises."""
        self.projector.nudge()

    # --- reference data ------------------------------------------------------------------

    def counties(self) -> list[County]:
        """The 21 counties in code order."""
        return list(places.COUNTIES)

    def municipalities(self, county: str | None = None) -> list[Municipality]:
        """The 290 municipalities (or one county's) in code order."""
        if county is None:
            return list(places.MUNICIPALITIES)
        return places.municipalities_of(county)

    # --- courses -------------------------------------------------------------------------

    async def list_courses(self) -> list[Course]:
        """Every course, in the order they were added (the two defaults first)."""
        return await self.storage.courses()

    async def get_course(self, course_id: str) -> Course:
        """NotFound when there is no such course."""
        for course in await self.storage.courses():
            if course.id == course_id:
                return course
        raise _not_found("course", "id", course_id)

    async def _check_reporters(self, reporters: Reporters | None) -> None:
        """BadRequest naming the first trusted reporter that does not exist."""
        if reporters is None:
            return
        for index, key in enumerate(reporters.credentials):
            if await self.store.get_credential(key) is None:
                raise bad(
                    f"reporters.credentials[{index}]", "unknown_credential", "no such credential"
                )
        known = set(await self.source_names()) if self.source_names is not None else set()
        for index, name in enumerate(reporters.sources):
            if name not in known:
                raise bad(f"reporters.sources[{index}]", "unknown_source", "no such bridge source")

    async def add_course(self, data: Mapping[str, Any]) -> Course:
        """Add a course: ``{"id": "slug" (optional, else from the name), "name": "…",
        "rule": "any_of"|"all_of", "activities": ["IRI", …], "url": "…" (optional),
        "description": "…" (optional), "reporters": {"credentials": [keys], "sources":
        [bridge source names]} (optional; whose statements count besides the service's
        own)}``. Conflict when the id is taken."""
        course = parse_course(data)
        await self._check_reporters(course.reporters)
        async with self.projector.lock:
            if not await self.storage.add_course(course):
                raise Conflict(
                    f"a course {course.id!r} exists",
                    [{"path": "id", "rule": "conflict", "message": "this course id is taken"}],
                )
            # A new course's history is already in the log: fold it in now.
            await self.projector.invalidate()
            await self.projector.project_course(course)
        return course

    async def change_course(self, course_id: str, data: Mapping[str, Any]) -> Course:
        """Replace a course's name, rule, activities, url, description and reporters (as
        PUT: fields left out take their defaults, except reporters, which are kept unless
        given; ``id``, if given, must equal ``course_id``). Progress for the course is
        recomputed from the log before this returns."""
        current = await self.get_course(course_id)
        course = parse_course(data, course_id=course_id, reporters=current.reporters)
        await self._check_reporters(course.reporters)
        async with self.projector.lock:
            if not await self.storage.replace_course(course):
                raise _not_found("course", "id", course_id)
            await self.projector.invalidate()
            await self.projector.project_course(course)
        return course

    # --- workshops -----------------------------------------------------------------------

    def workshop_of(self, row: WorkshopRow) -> Workshop:
        """A workshop as readers see it (county name, deadline as a moment)."""
        county = places.county(row.county)
        deadline = moment(row.deadline)
        assert deadline is not None
        return Workshop(
            id=row.id,
            county=row.county,
            county_name=county.name if county else row.county,
            title=row.title,
            date=row.date,
            deadline=deadline,
            courses=row.courses,
            participants=row.participants,
            purged_at=moment(row.purged_at),
        )

    async def _workshop_row(self, workshop_id: str, municipality: str | None = None) -> WorkshopRow:
        rows = await self.storage.workshops(workshop_id=workshop_id, municipality=municipality)
        if not rows:
            raise _not_found("workshop", "id", workshop_id)
        return rows[0]

    async def list_workshops(
        self, county: str | None = None, *, municipality: str | None = None
    ) -> list[Workshop]:
        """Workshops (of one county when given), by date then title; with
        ``municipality`` (a coordinator's), ``participants`` counts only its participants."""
        rows = await self.storage.workshops(county=county, municipality=municipality)
        return [self.workshop_of(row) for row in rows]

    async def get_workshop(self, workshop_id: str, *, municipality: str | None = None) -> Workshop:
        """NotFound when there is no such workshop; ``municipality`` as for
        ``list_workshops``."""
        return self.workshop_of(await self._workshop_row(workshop_id, municipality))

    async def _course_ids(self) -> set[str]:
        return {course.id for course in await self.storage.courses()}

    async def create_workshop(self, data: Mapping[str, Any]) -> Workshop:
        """``{"county": "21", "title": "…", "date": "2022-01-18", "deadline": "ISO 8601"
        (optional; default 23:59 Europe/Stockholm the day before; no offset means Stockholm
        time), "courses": ["course id", …] (optional; default Valmyndigheten's introduction,
        ``valmyndigheten-introduktion``)}``."""
        fields = require_object(data, WORKSHOP_FIELDS)
        county = parse_county(fields)
        title = cast(str, title_of(fields, required=True))
        day = parse_date(fields, "date")
        if day is None:
            raise bad("date", "required", "is required (YYYY-MM-DD)")
        deadline = parse_deadline(fields)
        known = await self._course_ids()
        courses = parse_courses(fields, known, required=False)
        if courses is None:
            if DEFAULT_REQUIRED not in known:
                raise bad("courses", "required", "is required: the ids of the required courses")
            courses = [DEFAULT_REQUIRED]
        row = WorkshopRow(
            id=str(uuid.uuid4()),
            county=county,
            title=title,
            date=day,
            deadline=to_micros(deadline or default_deadline(day)),
            deadline_is_default=deadline is None,
            courses=tuple(courses),
            participants=0,
        )
        await self.storage.add_workshop(row, to_micros(self.clock()))
        return self.workshop_of(row)

    async def change_workshop(self, workshop_id: str, data: Mapping[str, Any]) -> Workshop:
        """Change some of title, date, deadline, courses (PATCH). The county cannot change
        (BadRequest). Changing the date without a deadline moves a default deadline along."""
        fields = require_object(data, WORKSHOP_FIELDS)
        row = await self._workshop_row(workshop_id)
        if "county" in fields and parse_county(fields) != row.county:
            raise bad("county", "immutable", "a workshop's county cannot change")
        title = title_of(fields, required=False)
        if "title" in fields and title is None:
            raise bad("title", "required", "must not be empty")
        day = parse_date(fields, "date")
        if "date" in fields and day is None:
            raise bad("date", "required", "must be a date YYYY-MM-DD")
        deadline = parse_deadline(fields)
        courses = parse_courses(fields, await self._course_ids(), required=False)
        new_day = day or row.date
        if deadline is not None:
            new_deadline, is_default = to_micros(deadline), False
        elif "deadline" in fields or row.deadline_is_default:
            # "deadline": null goes back to the default, which follows the date.
            new_deadline, is_default = to_micros(default_deadline(new_day)), True
        else:
            new_deadline, is_default = row.deadline, False
        changed = replace(
            row,
            title=title or row.title,
            date=new_day,
            deadline=new_deadline,
            deadline_is_default=is_default,
            courses=tuple(courses) if courses is not None else row.courses,
        )
        if not await self.storage.update_workshop(changed, to_micros(self.clock())):
            raise _not_found("workshop", "id", workshop_id)
        return self.workshop_of(changed)

    async def delete_workshop(self, workshop_id: str) -> Workshop:
        """Delete a workshop and its participants; returns what was deleted."""
        workshop = await self.get_workshop(workshop_id)
        if not await self.storage.delete_workshop(workshop_id):
            raise _not_found("workshop", "id", workshop_id)
        return workshop

    # --- participants --------------------------------------------------------------------

    async def list_participants(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> list[Participant]:
        """A workshop's participants (of one municipality when given), by municipality,
        then name."""
        row = await self._workshop_row(workshop_id)
        municipality = municipality_in(municipality, row.county)
        return await self.storage.participants(workshop_id=workshop_id, municipality=municipality)

    async def get_participant(self, workshop_id: str, participant_id: str) -> Participant:
        """NotFound unless the participant is on this workshop's list."""
        found = await self.storage.participants(
            workshop_id=workshop_id, participant_id=participant_id
        )
        if not found:
            raise _not_found("participant", "participant", participant_id)
        return found[0]

    @staticmethod
    def _clash(field: str) -> Conflict:
        path = "email" if field == "email" else "account_name"
        what = "e-mail address" if field == "email" else "account"
        return Conflict(
            f"someone on the list has this {what}",
            [
                {
                    "path": path,
                    "rule": "duplicate",
                    "message": f"someone on the list has this {what}",
                }
            ],
        )

    async def add_participant(self, workshop_id: str, data: Mapping[str, Any]) -> Participant:
        """``{"name", "email", "municipality" (name or code), "role", "account_home_page",
        "account_name" (both or neither)}``. Conflict when the e-mail (or account) is
        already on the list; BadRequest for a municipality outside the workshop's county.
        A role not on the list is saved as "other", as an import does (the import says so
        in ``ImportResult.warnings``; here the answer's ``role`` does)."""
        row = await self._workshop_row(workshop_id)
        checked = participant_from_json(data, row.county)
        participant = checked.as_participant(workshop_id, str(uuid.uuid4()))
        clash = await self.storage.add_participant(participant)
        if clash is not None:
            raise self._clash(clash)
        return participant

    async def change_participant(
        self, workshop_id: str, participant_id: str, data: Mapping[str, Any]
    ) -> Participant:
        """Change some fields (PATCH); the same rules as ``add_participant``."""
        row = await self._workshop_row(workshop_id)
        before = await self.get_participant(workshop_id, participant_id)
        checked = participant_from_json(data, row.county, base=before)
        after = checked.as_participant(workshop_id, participant_id)
        clash = await self.storage.update_participant(after)
        if clash is not None:
            raise self._clash(clash)
        return after

    async def remove_participant(self, workshop_id: str, participant_id: str) -> Participant:
        """Remove one participant; returns who was removed."""
        participant = await self.get_participant(workshop_id, participant_id)
        if not await self.storage.remove_participant(workshop_id, participant_id):
            raise _not_found("participant", "participant", participant_id)
        return participant

    async def import_participants(
        self,
        workshop_id: str,
        content: bytes,
        *,
        media_type: str | None = None,
        filename: str | None = None,
        dry_run: bool = False,
        confirm_removal: bool = False,
    ) -> ImportResult:
        """Replace the list with a CSV (comma or semicolon, UTF-8 with or without BOM) or
        XLSX file; the format is taken from ``media_type`` (text/csv, application/vnd.
        openxmlformats-officedocument.spreadsheetml.sheet), else ``filename``, else the
        content (XLSX is a ZIP). Columns are found by header (Swedish or English: namn/name,
        e-post/email, kommun/municipality, roll/role, account_home_page, account_name), on
        the first of the file's first 10 rows that names the required ones (a title may
        stand above it; ``ImportResult.header_line`` says which).

        All or nothing: any bad row raises ``ImportRejected`` listing every bad row with
        its line number and reason, and nothing changes. With ``dry_run`` nothing changes
        either; the result says what would.

        An import that would remove everyone on the list, or more than half of it, is
        saved only with ``confirm_removal`` (else Conflict, rule ``confirm_removal``, and
        nothing changes); ``ImportResult.confirmation_needed`` says so in a dry run."""
        row = await self._workshop_row(workshop_id)
        header_line, rows = read_list(content, media_type=media_type, filename=filename)
        incoming, warnings = check_list(rows, row.county)

        def decide(current: list[Participant]) -> ParticipantDiff:
            planned = plan_import(workshop_id, current, incoming)
            if not dry_run and not confirm_removal and removes_many(planned):
                raise Conflict(
                    f"the list would remove {len(planned.removed)} of {len(current)}"
                    " participants: confirm the removal",
                    [
                        {
                            "path": "confirm_removal",
                            "rule": "confirm_removal",
                            "message": f"removes {len(planned.removed)} of {len(current)};"
                            " send confirm_removal=true to save it",
                        }
                    ],
                )
            return planned

        diff = await self.storage.replace_participants(workshop_id, decide, apply=not dry_run)
        return ImportResult(
            workshop_id=workshop_id,
            dry_run=dry_run,
            added=diff.added,
            changed=[change_of(before, after) for before, after in diff.changed],
            removed=diff.removed,
            unchanged=diff.unchanged,
            rows=len(incoming),
            warnings=warnings,
            header_line=header_line,
            confirmation_needed=removes_many(diff),
        )

    # --- progress ------------------------------------------------------------------------

    async def catch_up(self) -> int:
        """Project every statement stored so far; the log position reached."""
        progress = await self.projector.catch_up()
        return progress.seq

    async def rebuild_progress(self) -> RebuildResult:
        """Throw the ledger away and project the whole log again, in order."""
        progress = await self.projector.rebuild()
        rows = await self.storage.ledger()
        return RebuildResult(
            statements=progress.statements, rows=len(rows), through_seq=progress.seq
        )

    async def _fresh(self) -> Freshness:
        await self.projector.catch_up()
        checkpoint: Checkpoint = await self.storage.checkpoint()
        return Freshness(
            through_seq=checkpoint.seq,
            last_stored=moment(checkpoint.last_stored),
            computed_at=self.clock().astimezone(STOCKHOLM),
        )

    # --- readiness -----------------------------------------------------------------------

    async def _courses_by_id(self) -> dict[str, Course]:
        return {course.id: course for course in await self.storage.courses()}

    async def workshop_readiness(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> WorkshopReadiness:
        """Every participant's status for the workshop's required courses, totals per
        status and per municipality (restricted to one municipality when given)."""
        freshness = await self._fresh()
        row = await self._workshop_row(workshop_id, municipality)
        municipality = municipality_in(municipality, row.county)
        workshop = self.workshop_of(row)
        courses_by_id = await self._courses_by_id()
        courses = [courses_by_id[course] for course in row.courses if course in courses_by_id]
        people = await self.storage.participants(workshop_id=workshop_id, municipality=municipality)
        progress = await self.storage.progress_rows(
            workshop_ids=[workshop_id], municipality=municipality
        )
        grouped = group_rows(progress)
        untrusted = unverified(progress)
        exempted: dict[str, dict[str, str]] = defaultdict(dict)
        for found in await self.admin.exemptions(
            workshop_ids=[workshop_id], municipality=municipality
        ):
            exempted[found[1]][found[2]] = found[3]
        requirements = (await self.admin.requirements([workshop_id])).get(workshop_id, {})
        by_id = {course.id: course for course in courses}
        entries: list[ParticipantReadiness] = [
            participant_readiness(
                person,
                [by_id[c] for c in required_of(person.role, list(by_id), requirements)]
                if requirements
                else courses,
                grouped.get(person.id, {}),
                row.deadline,
                untrusted,
                exempted.get(person.id),
            )
            for person in people
        ]
        return WorkshopReadiness(
            workshop=workshop,
            courses=tuple(courses),
            participants=entries,
            totals=totals(entry.status for entry in entries),
            municipalities=municipality_totals(
                (entry.participant.municipality, entry.status) for entry in entries
            ),
            freshness=freshness,
            municipality_filter=municipality,
            requirements={c: tuple(sorted(r)) for c, r in requirements.items() if c in by_id},
        )

    async def _statuses(
        self, rows: list[WorkshopRow], municipality: str | None, county: str | None
    ) -> list[tuple[str, str, Status]]:
        progress = await self.storage.progress_rows(county=county, municipality=municipality)
        if county is None and municipality is None:
            exempted = await self.admin.exempt_pairs()
        else:
            exempted = {
                (found[1], found[2])
                for found in await self.admin.exemptions(county=county, municipality=municipality)
            }
        return summary_statuses(
            progress,
            {row.id: row.deadline for row in rows},
            await self._courses_by_id(),
            exempted,
            await self.admin.requirements([row.id for row in rows]) if rows else {},
        )

    async def county_readiness(
        self, county: str, *, municipality: str | None = None
    ) -> CountyReadiness:
        """All of a county's workshops with totals, and totals per municipality."""
        found = places.county(county)
        if found is None:
            raise bad("county", "county", f"{county!r} is not a county code (01, 03 … 25)")
        municipality = municipality_in(municipality, found.code)
        freshness = await self._fresh()
        rows = await self.storage.workshops(county=found.code, municipality=municipality)
        statuses = await self._statuses(rows, municipality, found.code)
        by_workshop: dict[str, list[Status]] = defaultdict(list)
        for workshop_id, _, status in statuses:
            by_workshop[workshop_id].append(status)
        return CountyReadiness(
            county=found.code,
            county_name=found.name,
            workshops=[
                WorkshopSummary(self.workshop_of(row), totals(by_workshop.get(row.id, [])))
                for row in rows
            ],
            totals=totals(status for _, _, status in statuses),
            municipalities=municipality_totals((code, status) for _, code, status in statuses),
            freshness=freshness,
            municipality_filter=municipality,
        )

    async def national_readiness(self) -> NationalReadiness:
        """Every county's totals side by side."""
        freshness = await self._fresh()
        rows = await self.storage.workshops()
        statuses = await self._statuses(rows, None, None)
        county_of = {row.id: row.county for row in rows}
        by_county: dict[str, list[Status]] = defaultdict(list)
        for workshop_id, _, status in statuses:
            by_county[county_of[workshop_id]].append(status)
        workshop_counts: dict[str, int] = defaultdict(int)
        for row in rows:
            workshop_counts[row.county] += 1
        return NationalReadiness(
            counties=[
                CountySummary(
                    county.code,
                    county.name,
                    workshop_counts[county.code],
                    totals(by_county.get(county.code, [])),
                )
                for county in places.COUNTIES
            ],
            totals=totals(status for _, _, status in statuses),
            freshness=freshness,
        )

    async def unmatched_learners(
        self, county: str | None = None, *, limit: int = 1000
    ) -> list[UnmatchedLearner]:
        """Learners seen in course statements whom no participant matches (neither by
        their own keys nor by a connected identity), with the nearest registered e-mail
        address. With ``county``, only learners who belong to the county
        (``reports.matching.visible_in_county``: the nearest registered address is one of
        the county's participants', or, with none close, the address's domain is used by
        the county's participants and no other county's); without, every one."""
        await self._fresh()
        rows = await self.storage.unmatched(limit * 4)
        by_learner: dict[str, list[LedgerRow]] = defaultdict(list)
        for row in rows:
            by_learner[row.learner].append(row)
        registered = await self.storage.registered_emails()
        nearest = NearestEmail(registered)
        domains = county_domains(registered) if county is not None else {}
        result: list[UnmatchedLearner] = []
        for learner, found in by_learner.items():
            email = email_of(learner)
            suggestion = nearest.nearest(email) if email else None
            if county is not None and not visible_in_county(email, suggestion, county, domains):
                continue
            last = max(row.last_activity for row in found)
            result.append(
                UnmatchedLearner(
                    identity=learner,
                    display=display_of(learner),
                    courses=tuple(sorted(row.course_id for row in found)),
                    completed=tuple(
                        sorted(row.course_id for row in found if row.completed_at is not None)
                    ),
                    last_activity=moment(last),
                    nearest_email=suggestion.email if suggestion else None,
                    nearest_participant=suggestion.participant_id if suggestion else None,
                    nearest_workshop=suggestion.workshop_id if suggestion else None,
                    similarity=round(suggestion.similarity, 3) if suggestion else 0.0,
                )
            )
        result.sort(key=lambda learner: learner.last_activity or _EPOCH, reverse=True)
        return result[:limit]

    def export(self, report: Report, fmt: str) -> Export:
        """A report as ``json``, ``csv`` (UTF-8 with BOM, ';', CRLF: opens in Swedish
        Excel) or ``xlsx`` bytes, with media type and a file name. BadRequest for another
        format."""
        return exports.export(report, fmt)

    # --- reminders -----------------------------------------------------------------------

    async def reminder_recipients(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> list[Recipient]:
        """Participants of a workshop who have not completed a required course (one entry
        per participant and unfinished course) for ``reports.reminders``."""
        report = await self.workshop_readiness(workshop_id, municipality=municipality)
        found = self._recipients(report, await self.contacts.get(report.workshop.county))
        if self.personal_links is not None:
            found = await self.personal_links(found)
        return found

    @staticmethod
    def _recipients(report: WorkshopReadiness, contact: Contact | None) -> list[Recipient]:
        courses = {course.id: course for course in report.courses}
        recipients: list[Recipient] = []
        for entry in report.participants:
            for done in entry.courses:
                if done.completed_at is not None or done.status == "exempt":
                    continue
                course = courses[done.course_id]
                recipients.append(
                    Recipient(
                        workshop_id=report.workshop.id,
                        participant_id=entry.participant.id,
                        name=entry.participant.name,
                        email=entry.participant.email,
                        course=course.name,
                        course_url=course.url,
                        deadline=report.workshop.deadline,
                        workshop=report.workshop.title,
                        workshop_date=report.workshop.date,
                        contact=contact,
                        course_id=course.id,
                    )
                )
        return recipients

    # --- the county's contact person -----------------------------------------------------

    async def county_contact(self, county: str) -> Contact | None:
        """The contact person the county's reminder e-mails name (None: none is set)."""
        return await self.contacts.get(county)

    async def set_county_contact(self, county: str, data: Any, *, by: str | None = None) -> Contact:
        """Set (or replace) the county's contact person; ``BadRequest`` naming the field
        and the rule, changing nothing, for bad input."""
        return await self.contacts.put(contact_of(county, data), self.clock(), by)

    async def remove_county_contact(self, county: str) -> bool:
        return await self.contacts.remove(county)

    async def upcoming_reminders(self) -> list[Upcoming]:
        """For the reminder scheduler: every workshop whose deadline is ahead, with its
        deadline and how to find its unfinished participants (asked one workshop at a time,
        so that one that fails does not stop the others)."""
        now = self.clock()
        return [
            Upcoming(
                workshop.id,
                workshop.deadline,
                functools.partial(self.reminder_recipients, workshop.id),
            )
            for workshop in await self.list_workshops()
            if workshop.deadline > now
        ]

    # --- exemptions and connected identities (issue 15) --------------------------------

    def _exemption(self, row: Sequence[Any]) -> Exemption:
        created = moment(row[4])
        assert created is not None
        return Exemption(row[0], row[1], row[2], row[3], created, row[5])

    async def exemptions(
        self, workshop_id: str, *, participant_id: str | None = None
    ) -> list[Exemption]:
        """The workshop's exemptions (of one participant when given)."""
        await self._workshop_row(workshop_id)
        rows = await self.admin.exemptions(
            workshop_ids=[workshop_id], participant_id=participant_id
        )
        return [self._exemption(row) for row in rows]

    async def exempt(
        self, workshop_id: str, participant_id: str, data: Mapping[str, Any], *, by: str | None
    ) -> Exemption:
        """Exempt a participant from one of the workshop's courses: ``{"course": "course
        id", "reason": "genomförd inför valet 2026"}`` (the reason is required, one line,
        at most 500 characters). Exempting again replaces the reason. BadRequest naming
        the field for a course the workshop does not require or a bad reason."""
        fields = require_object(data, frozenset({"course", "reason"}))
        row = await self._workshop_row(workshop_id)
        await self.get_participant(workshop_id, participant_id)
        course = text_field(fields, "course", required=True, max_length=200)
        if course not in row.courses:
            raise bad("course", "not_required", "the workshop does not require this course")
        reason = cast(str, text_field(fields, "reason", required=True, max_length=500))
        now = self.clock()
        await self.admin.put_exemption(participant_id, course, reason, to_micros(now), by)
        exemption = Exemption(
            workshop_id, participant_id, course, reason, now.astimezone(STOCKHOLM), by
        )
        await self._tell_exemption(exemption, True)
        return exemption

    async def unexempt(self, workshop_id: str, participant_id: str, course_id: str) -> Exemption:
        """Undo an exemption; returns it. NotFound when there is none."""
        for found in await self.exemptions(workshop_id, participant_id=participant_id):
            if found.course_id == course_id and await self.admin.remove_exemption(
                participant_id, course_id
            ):
                await self._tell_exemption(found, False)
                return found
        raise _not_found("exemption", "course", course_id)

    async def _tell_exemption(self, exemption: Exemption, made: bool) -> None:
        for listener in self.exemption_listeners:
            try:
                await listener(exemption, made)
            except Exception:
                log.exception("an exemption listener failed")

    def _connected(self, row: Sequence[Any]) -> ConnectedIdentity:
        created = moment(row[3])
        assert created is not None
        return ConnectedIdentity(row[0], row[1], row[2], display_of(row[2]), created, row[4])

    async def connected_identities(
        self, workshop_id: str, *, participant_id: str | None = None
    ) -> list[ConnectedIdentity]:
        """The learner identities connected to the workshop's participants (or one's)."""
        await self._workshop_row(workshop_id)
        rows = await self.admin.identities(
            workshop_ids=[workshop_id], participant_id=participant_id
        )
        return [self._connected(row) for row in rows]

    async def connect_identity(
        self, workshop_id: str, participant_id: str, data: Mapping[str, Any], *, by: str | None
    ) -> ConnectedIdentity:
        """Connect a learner identity to a participant: ``{"identity": "mbox:…" |
        "account:HOMEPAGE NAME" | "mbox_sha1sum:…"}`` or ``{"email": "…"}``. The
        participant's progress counts that identity's from now on (reports read the ledger
        when asked, so their status changes at once). Conflict when someone on the list
        already has the identity (this participant included)."""
        fields = require_object(data, frozenset({"identity", "email"}))
        await self._workshop_row(workshop_id)
        await self.get_participant(workshop_id, participant_id)
        identity = parse_identity(fields)
        holder = await self.admin.claimed(identity, workshop_id)
        if holder is not None or not await self.admin.connect(
            participant_id, identity, to_micros(self.clock()), by
        ):
            raise Conflict(
                "someone on the list has this identity",
                [
                    {
                        "path": "identity",
                        "rule": "duplicate",
                        "message": "someone on the list has this identity",
                    }
                ],
            )
        return ConnectedIdentity(
            workshop_id,
            participant_id,
            identity,
            display_of(identity),
            self.clock().astimezone(STOCKHOLM),
            by,
        )

    async def disconnect_identity(
        self, workshop_id: str, participant_id: str, identity: str
    ) -> ConnectedIdentity:
        """Undo a connection; returns it. NotFound when the participant has no such one."""
        for found in await self.connected_identities(workshop_id, participant_id=participant_id):
            if found.identity == identity and await self.admin.disconnect(participant_id, identity):
                return found
        raise _not_found("identity", "identity", identity)

    async def learner_in_county(self, identity: str, county: str) -> bool:
        """Does a county's admin see this learner identity (the rule of
        ``unmatched_learners``)? What they may connect to their participants."""
        registered = await self.storage.registered_emails()
        email = email_of(identity)
        suggestion = NearestEmail(registered).nearest(email) if email else None
        return visible_in_county(email, suggestion, county, county_domains(registered))

    async def workshop_requirements(self, workshop_id: str) -> dict[str, tuple[str, ...]]:
        """Courses of the workshop required only of some roles: course id → the roles
        (sorted); a course not named is required of everyone."""
        row = await self._workshop_row(workshop_id)
        found = (await self.admin.requirements([workshop_id])).get(workshop_id, {})
        return {c: tuple(sorted(found[c])) for c in row.courses if c in found}

    async def set_workshop_requirements(
        self, workshop_id: str, data: Any
    ) -> dict[str, tuple[str, ...]]:
        """Replace the requirements per role: ``{"course id": ["valnämnd", …], …}`` (a
        course left out, or given an empty list, is required of everyone). Each course
        must be one of the workshop's, each role one of ``reports.model.ROLES``, and at
        least one course must stay required of everyone (rule ``one_for_everyone``), so
        that nobody is judged on nothing. Reports judge each participant by their own
        courses at once."""
        row = await self._workshop_row(workshop_id)
        if not isinstance(data, Mapping):
            raise bad("$", "type", "must be a JSON object: course id → list of roles")
        chosen: dict[str, list[str]] = {}
        for course, roles in data.items():
            path = f"{course}"
            if course not in row.courses:
                raise bad(path, "not_required", "the workshop does not require this course")
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise bad(path, "type", "must be a list of roles")
            for index, role in enumerate(roles):
                if role not in ROLES:
                    raise bad(f"{path}[{index}]", "unknown_role", f"roles are {', '.join(ROLES)}")
            if roles:
                chosen[course] = sorted(set(roles))
        if all(course in chosen for course in row.courses):
            raise bad("$", "one_for_everyone", "at least one course must be required of everyone")
        await self.admin.set_requirements(workshop_id, chosen)
        return {course: tuple(roles) for course, roles in chosen.items()}
