"""The readiness domain's values: what the service returns and the exports read.

Every value is a frozen dataclass of plain types (str, int, float, date, aware datetime in
Europe/Stockholm, tuples/lists of these); ``reports.exports.to_json`` turns any of them
into JSON-able dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

ROLES = ("valsamordnare", "valnämnd", "säkerhetssamordnare", "kommunikatör", "other")
"""A participant's role; import also accepts these case-insensitively."""

STATUSES = ("completed_on_time", "completed_late", "in_progress", "not_started", "exempt")
Status = Literal["completed_on_time", "completed_late", "in_progress", "not_started", "exempt"]
"""``exempt`` ("Befriad"): an admin exempted the participant from the course, with a
reason (issue 15); a participant exempted from every required course is ``exempt``."""
Rule = Literal["any_of", "all_of"]
LaunchKind = Literal["xapi", "cmi5", "link"]
LAUNCH_KINDS: tuple[str, ...] = ("xapi", "cmi5", "link")
"""How a participant's personal link starts a course: ``xapi`` (the launch convention
Storyline, Rise, Captivate and TinCanJS read from the URL), ``cmi5`` (the cmi5 launch) or
``link`` (a course hosted elsewhere: a page saying which e-mail address to use there, then
the course's own URL; what every course did before launch kinds)."""

LEARNER_KEY_PREFIX = "learner."
"""Keys of per-learner credentials (issued by a personal launch link) are
``learner.<course id>.<random>``: the course they report for is part of the key, so the
ledger can tell, from the statement's credential alone and on any rebuild, that a
per-learner launch of *this* course sent it (decision 0006)."""


def learner_course(credential: str | None) -> str | None:
    """The course a per-learner credential was issued for, None for any other credential."""
    if credential is None or not credential.startswith(LEARNER_KEY_PREFIX):
        return None
    course_id, dot, _ = credential[len(LEARNER_KEY_PREFIX) :].partition(".")
    return course_id if dot and course_id else None


# --- reference data ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class County:
    code: str
    """Two digits, e.g. ``01`` Stockholms län."""
    name: str


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    """Four digits; the first two are the county's code."""
    name: str

    @property
    def county(self) -> str:
        return self.code[:2]


# --- courses ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reporters:
    """The sources whose statements count for a course's readiness (its trusted reporters),
    besides the service itself (and, later, the per-learner launches it issues). Course keys
    sit inside e-learning packages and must be treated as public: only the ones named here
    decide readiness. Statements of other credentials are kept, and shown as unverified."""

    credentials: tuple[str, ...] = ()
    """Keys of xAPI credentials (a course's own key, for packages that cannot be launched)."""
    sources: tuple[str, ...] = ()
    """Names of bridge sources (statements pulled from another LRS)."""

    def trusts(self, credential: str | None, source: str | None) -> bool:
        if source is not None:
            return source in self.sources
        if credential is not None:
            return credential in self.credentials
        return True  # written by the service itself


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    """A short slug (``[a-z0-9-]``), chosen when the course is added; never changes."""
    name: str
    rule: Rule
    """``any_of``: a completion on any listed activity completes the course; ``all_of``:
    every listed activity (a step) must be completed; progress is steps done / steps."""
    activities: tuple[str, ...]
    url: str = ""
    """Where a learner starts the course (used in reminder e-mails)."""
    description: str = ""
    reporters: Reporters | None = Reporters()
    """Whose statements count (by default the service's own only); None only for a course
    from before trusted reporters, until the service has reviewed it at start-up (it then
    trusts every earlier reporter)."""
    launch_kind: LaunchKind = "link"
    """How a personal launch link starts the course (``LAUNCH_KINDS``)."""

    @property
    def steps(self) -> int:
        return len(self.activities) if self.rule == "all_of" else 1

    def trusts(self, credential: str | None, source: str | None) -> bool:
        """Does a statement stored by this credential, or pulled from this bridge source,
        count for the course's readiness? Per-learner launches of this course always do
        (their credential writes only for its own participant)."""
        if source is None and learner_course(credential) == self.id:
            return True
        return self.reporters is None or self.reporters.trusts(credential, source)


# --- workshops and participants ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workshop:
    id: str
    county: str
    """Two-digit SCB county code."""
    county_name: str
    title: str
    date: date
    deadline: datetime
    """Aware, Europe/Stockholm; default 23:59 the day before ``date``."""
    courses: tuple[str, ...]
    """Ids of the required courses."""
    participants: int = 0
    """How many participants are on the list."""
    purged_at: datetime | None = None
    """When retention purged its list, progress and statements (issue 16); None: kept."""


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    workshop_id: str
    name: str
    email: str
    """As imported (trimmed); matching uses it lower-cased."""
    municipality: str
    """Four-digit SCB municipality code."""
    municipality_name: str
    role: str
    account_home_page: str | None = None
    account_name: str | None = None


@dataclass(frozen=True, slots=True)
class ParticipantChange:
    """A participant whose row in an import differs from the one on the list."""

    before: Participant
    after: Participant
    fields: tuple[str, ...]
    """Names of the fields that change (name, municipality, role, account_home_page, …)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row of an import file."""

    line: int
    """Line number in the file as a spreadsheet shows it (the header is line 1)."""
    field: str
    """The column at fault: name, email, municipality, role, account_home_page, …"""
    rule: str
    """bad_email, unknown_municipality, municipality_outside_county, duplicate,
    missing, bad_account; as a warning (``ImportResult.warnings``), role_other."""
    message: str
    """The problem in English, for the API's JSON answer and the log."""
    key: str = ""
    """The catalogue key (``reports.texts``, ``upload.problem.*``) of the problem in the
    reader's language, filled in with ``values``; empty for a problem without one."""
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import changed (or, in a dry run, would change). Participants are matched to
    the existing list by e-mail address (case-insensitive), so ids stay stable."""

    workshop_id: str
    dry_run: bool
    added: list[Participant]
    changed: list[ParticipantChange]
    removed: list[Participant]
    unchanged: int
    rows: int
    """Participant rows read from the file."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Rows saved as meant rather than as written (a role not on the list is saved as
    "other", rule ``role_other``); nothing is refused for them (usability test F14)."""
    header_line: int = 1
    """The line the headings were found on (a title may stand above them, F14)."""
    confirmation_needed: bool = False
    """The import removes everyone on the list, or more than half of it: it is saved only
    when the caller confirms the removal (``confirm_removal``; issue 15)."""


# --- progress ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RebuildResult:
    statements: int
    """Statements read from the log."""
    rows: int
    """Progress rows (learner, course) in the rebuilt ledger."""
    through_seq: int


# --- readiness ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Freshness:
    """How fresh a report is: everything in the log up to ``through_seq`` is included."""

    through_seq: int
    last_stored: datetime | None
    """Stored time of the newest statement included; None when the log is empty."""
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class CourseProgress:
    course_id: str
    status: Status
    completed_at: datetime | None
    """First qualifying completion (LRS stored time; the origin LRS's for bridged ones)."""
    progress: float
    """0.0–1.0: steps done / steps (1.0 once completed)."""
    steps_done: int
    steps: int
    last_activity: datetime | None
    exemption: str | None = None
    """The reason given when the participant was exempted from the course (status
    ``exempt``); None when they were not."""
    unverified_completed_at: datetime | None = None
    """A completion reported only by a source the course does not trust (a credential or
    bridge source not among its reporters): not counted, shown so a coordinator can decide.
    None when there is none, or when the course is completed by a trusted source anyway."""
    reported_progress: int | None = None
    """The progress (0–100) the course itself last reported (cmi5's result extension
    ``progress``) from a trusted source; None when it reported none."""

    @property
    def shown(self) -> float | None:
        """How far, as a person is shown it (0.0–1.0): 1.0 once completed, else what the
        course reported, else steps done of a course of several steps; None when nothing
        says how far (a one-activity course that reports no progress), never a made-up 0."""
        if self.completed_at is not None:
            return 1.0
        if self.reported_progress is not None:
            return self.reported_progress / 100
        if self.steps > 1:
            return self.steps_done / self.steps
        return None

    @property
    def percent(self) -> int | None:
        """``shown`` as a whole percentage."""
        shown = self.shown
        return None if shown is None else round(shown * 100)


@dataclass(frozen=True, slots=True)
class ParticipantReadiness:
    participant: Participant
    status: Status
    """Over every required course: completed (on time only if every course was) when all
    are completed, in progress when any activity is seen, else not started."""
    completed_at: datetime | None
    """When the last required course was completed; None until all are."""
    progress: float
    """Mean progress over the required courses."""
    last_activity: datetime | None
    courses: tuple[CourseProgress, ...]

    @property
    def percent(self) -> int | None:
        """The percentage shown for the participant: the mean of the courses' ``percent``
        (one that says nothing counts as 0; courses the participant is exempted from do not
        count), None when no course says how far."""
        known = [course.shown for course in self.courses if course.status != "exempt"]
        if all(value is None for value in known):
            return None
        return round(sum(value or 0.0 for value in known) * 100 / len(known))

    @property
    def unverified_completed_at(self) -> datetime | None:
        """The earliest completion of a required course that only a source the course does
        not trust reported (see ``CourseProgress.unverified_completed_at``)."""
        found = [c.unverified_completed_at for c in self.courses if c.unverified_completed_at]
        return min(found) if found else None


@dataclass(frozen=True, slots=True)
class StatusTotals:
    completed_on_time: int = 0
    completed_late: int = 0
    in_progress: int = 0
    not_started: int = 0
    exempt: int = 0

    @property
    def total(self) -> int:
        return (
            self.completed_on_time
            + self.completed_late
            + self.in_progress
            + self.not_started
            + self.exempt
        )


@dataclass(frozen=True, slots=True)
class MunicipalityTotals:
    municipality: str
    municipality_name: str
    totals: StatusTotals


@dataclass(frozen=True, slots=True)
class WorkshopReadiness:
    workshop: Workshop
    courses: tuple[Course, ...]
    participants: list[ParticipantReadiness]
    totals: StatusTotals
    municipalities: list[MunicipalityTotals]
    """Sorted by municipality code; only municipalities with participants."""
    freshness: Freshness
    municipality_filter: str | None = None
    """Set when the report was restricted to one municipality."""
    requirements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Courses required only of some roles: course id → those roles (issue 15); the
    others are required of everyone. Each participant's ``courses`` are their own."""


@dataclass(frozen=True, slots=True)
class WorkshopSummary:
    workshop: Workshop
    totals: StatusTotals


@dataclass(frozen=True, slots=True)
class CountyReadiness:
    county: str
    county_name: str
    workshops: list[WorkshopSummary]
    """Sorted by date, then title."""
    totals: StatusTotals
    municipalities: list[MunicipalityTotals]
    freshness: Freshness
    municipality_filter: str | None = None


@dataclass(frozen=True, slots=True)
class CountySummary:
    county: str
    county_name: str
    workshops: int
    totals: StatusTotals


@dataclass(frozen=True, slots=True)
class NationalReadiness:
    counties: list[CountySummary]
    """All 21 counties in code order, those without workshops too."""
    totals: StatusTotals
    freshness: Freshness


@dataclass(frozen=True, slots=True)
class UnmatchedLearner:
    """A learner seen in statements about a course whom no participant matches."""

    identity: str
    """The normalised key: ``mbox:…``, ``mbox_sha1sum:…``, ``account:HOMEPAGE NAME``…"""
    display: str
    """The e-mail address, account name or hash, for a person to read."""
    courses: tuple[str, ...]
    completed: tuple[str, ...]
    """Ids of the courses this learner completed."""
    last_activity: datetime | None
    nearest_email: str | None = None
    """The most similar registered e-mail address (a likely typo), if any is close."""
    nearest_participant: str | None = None
    nearest_workshop: str | None = None
    similarity: float = 0.0


@dataclass(frozen=True, slots=True)
class Export:
    content: bytes
    media_type: str
    filename: str


# --- workshop administration (issue 15) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exemption:
    """A participant need not take one of the workshop's courses, for ``reason``."""

    workshop_id: str
    participant_id: str
    course_id: str
    reason: str
    created_at: datetime
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectedIdentity:
    """A learner identity an admin connected to a participant: the participant's progress
    counts what this identity did, as if it were one of their own."""

    workshop_id: str
    participant_id: str
    identity: str
    """The normalised key (``mbox:…``, ``mbox_sha1sum:…``, ``account:HOMEPAGE NAME``)."""
    display: str
    created_at: datetime
    created_by: str | None = None
