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

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from reports.model import (
    STATUSES,
    County,
    CountyReadiness,
    Course,
    Export,
    ImportResult,
    Municipality,
    NationalReadiness,
    Participant,
    RebuildResult,
    UnmatchedLearner,
    Workshop,
    WorkshopReadiness,
)
from reports.reminders import Recipient
from statements.prepare import PreparedStatement
from statements.storage.base import Store

__all__ = ["STATUSES", "ReportsService"]

Report = WorkshopReadiness | CountyReadiness | NationalReadiness


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
        raise NotImplementedError

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Configure the default courses on first start, catch up with the log, and start
        the projector in the background. Call after the store is open."""

    async def stop(self) -> None:
        """Stop the background projector (the ledger's checkpoint is always consistent)."""

    def nudge(self, batch: Sequence[PreparedStatement] = ()) -> None:
        """Tell the projector new statements are stored (a ``StatementLog.on_stored``
        listener); it wakes up and projects them soon after. Never blocks or raises."""

    # --- reference data ------------------------------------------------------------------

    def counties(self) -> list[County]:
        """The 21 counties in code order."""
        raise NotImplementedError

    def municipalities(self, county: str | None = None) -> list[Municipality]:
        """The 290 municipalities (or one county's) in code order."""
        raise NotImplementedError

    # --- courses -------------------------------------------------------------------------

    async def list_courses(self) -> list[Course]:
        """Every course, by id."""
        raise NotImplementedError

    async def get_course(self, course_id: str) -> Course:
        """NotFound when there is no such course."""
        raise NotImplementedError

    async def add_course(self, data: Mapping[str, Any]) -> Course:
        """Add a course: ``{"id": "slug" (optional, else from the name), "name": "…",
        "rule": "any_of"|"all_of", "activities": ["IRI", …], "url": "…" (optional),
        "description": "…" (optional)}``. Conflict when the id is taken."""
        raise NotImplementedError

    async def change_course(self, course_id: str, data: Mapping[str, Any]) -> Course:
        """Replace a course's name, rule, activities, url and description (as PUT: fields
        left out take their defaults; ``id``, if given, must equal ``course_id``). Progress
        for the course is recomputed from the log before this returns."""
        raise NotImplementedError

    # --- workshops -----------------------------------------------------------------------

    async def list_workshops(self, county: str | None = None) -> list[Workshop]:
        """Workshops (of one county when given), by date then title."""
        raise NotImplementedError

    async def get_workshop(self, workshop_id: str) -> Workshop:
        """NotFound when there is no such workshop."""
        raise NotImplementedError

    async def create_workshop(self, data: Mapping[str, Any]) -> Workshop:
        """``{"county": "21", "title": "…", "date": "2022-01-18", "deadline": "ISO 8601"
        (optional; default 23:59 Europe/Stockholm the day before; no offset means Stockholm
        time), "courses": ["course id", …] (optional; default every course)}``."""
        raise NotImplementedError

    async def change_workshop(self, workshop_id: str, data: Mapping[str, Any]) -> Workshop:
        """Change some of title, date, deadline, courses (PATCH). The county cannot change
        (BadRequest). Changing the date without a deadline moves a default deadline along."""
        raise NotImplementedError

    async def delete_workshop(self, workshop_id: str) -> Workshop:
        """Delete a workshop and its participants; returns what was deleted."""
        raise NotImplementedError

    # --- participants --------------------------------------------------------------------

    async def list_participants(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> list[Participant]:
        """A workshop's participants (of one municipality when given), by municipality,
        then name."""
        raise NotImplementedError

    async def get_participant(self, workshop_id: str, participant_id: str) -> Participant:
        """NotFound unless the participant is on this workshop's list."""
        raise NotImplementedError

    async def add_participant(self, workshop_id: str, data: Mapping[str, Any]) -> Participant:
        """``{"name", "email", "municipality" (name or code), "role", "account_home_page",
        "account_name" (both or neither)}``. Conflict when the e-mail (or account) is
        already on the list; BadRequest for a municipality outside the workshop's county."""
        raise NotImplementedError

    async def change_participant(
        self, workshop_id: str, participant_id: str, data: Mapping[str, Any]
    ) -> Participant:
        """Change some fields (PATCH); the same rules as ``add_participant``."""
        raise NotImplementedError

    async def remove_participant(self, workshop_id: str, participant_id: str) -> Participant:
        """Remove one participant; returns who was removed."""
        raise NotImplementedError

    async def import_participants(
        self,
        workshop_id: str,
        content: bytes,
        *,
        media_type: str | None = None,
        filename: str | None = None,
        dry_run: bool = False,
    ) -> ImportResult:
        """Replace the list with a CSV (comma or semicolon, UTF-8 with or without BOM) or
        XLSX file; the format is taken from ``media_type`` (text/csv, application/vnd.
        openxmlformats-officedocument.spreadsheetml.sheet), else ``filename``, else the
        content (XLSX is a ZIP). Columns are found by header (Swedish or English: namn/name,
        e-post/email, kommun/municipality, roll/role, account_home_page, account_name).

        All or nothing: any bad row raises ``ImportRejected`` listing every bad row with
        its line number and reason, and nothing changes. With ``dry_run`` nothing changes
        either; the result says what would."""
        raise NotImplementedError

    # --- progress ------------------------------------------------------------------------

    async def catch_up(self) -> int:
        """Project every statement stored so far; the log position reached."""
        raise NotImplementedError

    async def rebuild_progress(self) -> RebuildResult:
        """Throw the ledger away and project the whole log again, in order."""
        raise NotImplementedError

    # --- readiness -----------------------------------------------------------------------

    async def workshop_readiness(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> WorkshopReadiness:
        """Every participant's status for the workshop's required courses, totals per
        status and per municipality (restricted to one municipality when given)."""
        raise NotImplementedError

    async def county_readiness(
        self, county: str, *, municipality: str | None = None
    ) -> CountyReadiness:
        """All of a county's workshops with totals, and totals per municipality."""
        raise NotImplementedError

    async def national_readiness(self) -> NationalReadiness:
        """Every county's totals side by side."""
        raise NotImplementedError

    async def unmatched_learners(
        self, county: str | None = None, *, limit: int = 1000
    ) -> list[UnmatchedLearner]:
        """Learners seen in course statements whom no participant matches, with the
        nearest registered e-mail address. With ``county``, only learners whose nearest
        registered address belongs to one of that county's participants (so a county
        sees nothing unrelated to it); without, every unmatched learner."""
        raise NotImplementedError

    def export(self, report: Report, fmt: str) -> Export:
        """A report as ``json``, ``csv`` (UTF-8 with BOM, ';', CRLF: opens in Swedish
        Excel) or ``xlsx`` bytes, with media type and a file name. BadRequest for another
        format."""
        raise NotImplementedError

    # --- reminders -----------------------------------------------------------------------

    async def reminder_recipients(
        self, workshop_id: str, *, municipality: str | None = None
    ) -> list[Recipient]:
        """Participants of a workshop who have not completed a required course (one entry
        per participant and unfinished course) for ``reports.reminders``."""
        raise NotImplementedError

    async def upcoming_reminders(self) -> list[tuple[datetime, list[Recipient]]]:
        """For the reminder scheduler: every workshop whose deadline is ahead, with its
        deadline and unfinished participants."""
        raise NotImplementedError
