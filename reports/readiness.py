"""Readiness: each participant's status for the required courses against the workshop's
deadline, and totals per status, municipality, workshop, county and nation.

A course is ``completed_on_time`` when its first qualifying completion (every step's, for
an all-of course) was stored at or before the deadline, ``completed_late`` when after,
``in_progress`` when the learner has done anything in it, else ``not_started``. Several
identities of one participant (an e-mail address in one course, a cmi5 account in
another) count together: each step's earliest completion, the latest activity.

A course the participant is exempted from (issue 15) is ``exempt`` whatever the ledger
says, and does not count towards the overall status: completed when every other course
is; ``exempt`` when they are exempted from every course.

A workshop may require some courses only of some roles (issue 15): each participant is
judged on the courses required of their role (``required_of``).

Only what a course's trusted reporters sent counts (``reports.model.Reporters``). A
completion that only an untrusted source reported is shown beside the status, as
``unverified_completed_at``, for a coordinator to judge; it never changes the status.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from reports import places
from reports.model import (
    STOCKHOLM,
    Course,
    CourseProgress,
    MunicipalityTotals,
    Participant,
    ParticipantReadiness,
    Status,
    StatusTotals,
)
from reports.storage import ProgressRow
from statements.query import from_micros


def moment(micros: int | None) -> datetime | None:
    return from_micros(micros).astimezone(STOCKHOLM) if micros is not None else None


def _merge_steps(rows: Sequence[ProgressRow], steps: int) -> tuple[list[int | None], int | None]:
    times: list[int | None] = [None] * steps
    last: int | None = None
    for row in rows:
        if row.last_activity is not None:
            last = row.last_activity if last is None else max(last, row.last_activity)
        for step, value in enumerate((row.step_times or ())[:steps]):
            if value is not None:
                current = times[step]
                times[step] = value if current is None else min(current, value)
    return times, last


def _status(completed_at: int | None, last: int | None, deadline: int) -> Status:
    if completed_at is not None:
        return "completed_on_time" if completed_at <= deadline else "completed_late"
    return "in_progress" if last is not None else "not_started"


def course_status(
    course: Course, rows: Sequence[ProgressRow], deadline: int
) -> tuple[Status, int | None, int | None, int]:
    """(status, completion µs, last activity µs, steps done) of one participant."""
    steps = course.steps
    if len(rows) == 1:  # the common case: one identity, the ledger's own numbers
        row = rows[0]
        times = list(row.step_times or ())[:steps]
        times += [None] * (steps - len(times))
        last = row.last_activity
    else:
        times, last = _merge_steps(rows, steps)
    done = [value for value in times if value is not None]
    completed = max(done) if steps and len(done) == steps else None
    return _status(completed, last, deadline), completed, last, len(done)


def overall(statuses: Sequence[Status]) -> Status:
    """Completed (late if any course was late) when every course is; in progress when any
    is started; else not started. Courses the participant is exempted from do not count;
    exempted from all of them (and at least one), ``exempt``."""
    if "exempt" in statuses:
        statuses = [s for s in statuses if s != "exempt"]
        if not statuses:
            return "exempt"
    if statuses and all(s in ("completed_on_time", "completed_late") for s in statuses):
        return "completed_late" if "completed_late" in statuses else "completed_on_time"
    if any(s != "not_started" for s in statuses):
        return "in_progress"
    return "not_started"


def counted(row: ProgressRow) -> ProgressRow:
    """The row as the reports count it: what an untrusted source reported is no progress."""
    if row.trusted:
        return row
    return replace(
        row,
        completed_at=None,
        last_activity=None,
        step_times=None,
        trusted=True,
        reported_progress=None,
        reported_at=None,
    )


def latest_reported(rows: Iterable[ProgressRow]) -> int | None:
    """The progress reported last over a participant's identities (the higher on a tie)."""
    found = [
        (row.reported_at, row.reported_progress)
        for row in rows
        if row.reported_at is not None and row.reported_progress is not None
    ]
    return max(found)[1] if found else None


def unverified(rows: Iterable[ProgressRow]) -> dict[tuple[str, str], int]:
    """(participant id, course id) → the earliest completion that only untrusted sources
    reported."""
    found: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.trusted and row.completed_at is not None:
            key = (row.participant_id, row.course_id)
            found[key] = min(found.get(key, row.completed_at), row.completed_at)
    return found


def group_rows(rows: Iterable[ProgressRow]) -> dict[str, dict[str, list[ProgressRow]]]:
    """participant id → course id → the (counted) ledger rows of the participant's
    identities."""
    grouped: dict[str, dict[str, list[ProgressRow]]] = defaultdict(lambda: defaultdict(list))
    for found in rows:
        row = counted(found)
        bucket = grouped[row.participant_id][row.course_id]
        if row.last_activity is not None or not bucket:
            if bucket and bucket[0].last_activity is None:
                bucket.clear()
            bucket.append(row)
    return grouped


def participant_readiness(
    participant: Participant,
    courses: Sequence[Course],
    rows: dict[str, list[ProgressRow]],
    deadline: int,
    unverified_completions: dict[tuple[str, str], int] | None = None,
    exemptions: Mapping[str, str] | None = None,
) -> ParticipantReadiness:
    """``exemptions``: course id → reason, of the courses the participant is exempted
    from."""
    progress: list[CourseProgress] = []
    for course in courses:
        found = rows.get(course.id, [])
        status, completed, last, done = course_status(course, found, deadline)
        untrusted = (unverified_completions or {}).get((participant.id, course.id))
        reason = (exemptions or {}).get(course.id)
        if reason is not None:
            status = "exempt"
        progress.append(
            CourseProgress(
                course_id=course.id,
                status=status,
                exemption=reason,
                completed_at=moment(completed),
                progress=1.0 if completed is not None else done / course.steps,
                steps_done=done,
                steps=course.steps,
                last_activity=moment(last),
                unverified_completed_at=moment(untrusted) if completed is None else None,
                reported_progress=latest_reported(found),
            )
        )
    status = overall([p.status for p in progress])
    counted_courses = [p for p in progress if p.status != "exempt"]
    completions = [p.completed_at for p in counted_courses]
    activities = [p.last_activity for p in progress if p.last_activity is not None]
    return ParticipantReadiness(
        participant=participant,
        status=status,
        completed_at=max(c for c in completions if c is not None)
        if completions and all(c is not None for c in completions)
        else None,
        progress=round(sum(p.progress for p in counted_courses) / len(counted_courses), 4)
        if counted_courses
        else (1.0 if progress else 0.0),
        last_activity=max(activities) if activities else None,
        courses=tuple(progress),
    )


def required_of(
    role: str, courses: Sequence[str], requirements: Mapping[str, Collection[str]] | None
) -> list[str]:
    """The courses (ids, in the workshop's order) required of a participant of ``role``:
    a course listed in ``requirements`` (course id → roles) only of those roles, the
    others of everyone. Should none be left (the workshop's courses changed since), all
    of them: nobody is judged on nothing."""
    if not requirements:
        return list(courses)
    own = [c for c in courses if c not in requirements or role in requirements[c]]
    return own or list(courses)


def summary_statuses(
    rows: Iterable[ProgressRow],
    deadlines: dict[str, int],
    courses: dict[str, Course],
    exemptions: Collection[tuple[str, str]] = (),
    requirements: Mapping[str, Mapping[str, Collection[str]]] | None = None,
) -> list[tuple[str, str, Status]]:
    """(workshop id, municipality, status) of every participant in ``rows``, without
    building a full report (county and national summaries). ``exemptions``: (participant
    id, course id) of every exemption (a set, for the look-up); ``requirements``: workshop
    id → course id → roles, as for ``required_of``."""
    grouped: dict[str, tuple[str, str, dict[str, list[ProgressRow]], str]] = {}
    for found in rows:
        row = counted(found)
        entry = grouped.get(row.participant_id)
        if entry is None:
            entry = (row.workshop_id, row.municipality, {}, row.role)
            grouped[row.participant_id] = entry
        bucket = entry[2].setdefault(row.course_id, [])
        if row.last_activity is not None:
            if bucket and bucket[0].last_activity is None:
                bucket.clear()
            bucket.append(row)
        elif not bucket:
            bucket.append(row)
    result: list[tuple[str, str, Status]] = []
    for participant_id, (workshop_id, municipality, by_course, role) in grouped.items():
        deadline = deadlines[workshop_id]
        own = requirements.get(workshop_id) if requirements else None
        chosen = required_of(role, list(by_course), own) if own else by_course
        statuses: list[Status] = [
            "exempt"
            if exemptions and (participant_id, course_id) in exemptions
            else course_status(courses[course_id], by_course[course_id], deadline)[0]
            for course_id in chosen
            if course_id in courses
        ]
        result.append((workshop_id, municipality, overall(statuses)))
    return result


def totals(statuses: Iterable[Status]) -> StatusTotals:
    counted = Counter(statuses)
    return StatusTotals(
        completed_on_time=counted["completed_on_time"],
        completed_late=counted["completed_late"],
        in_progress=counted["in_progress"],
        not_started=counted["not_started"],
        exempt=counted["exempt"],
    )


def municipality_totals(pairs: Iterable[tuple[str, Status]]) -> list[MunicipalityTotals]:
    by_place: dict[str, list[Status]] = defaultdict(list)
    for code, status in pairs:
        by_place[code].append(status)
    result = []
    for code in sorted(by_place):
        place = places.municipality(code)
        result.append(
            MunicipalityTotals(code, place.name if place else code, totals(by_place[code]))
        )
    return result
