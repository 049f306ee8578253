"""Where readiness data is kept: the storage's interface (its SQL, for both engines, is in
``reports.storage_sql``), and the plain rows it hands back."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reports.model import Course, Participant, Reporters

Pair = tuple[str, str, bool]
"""(learner identity key, course id, trusted): one row of the progress ledger. What sources
the course does not trust reported is kept in rows of its own (trusted False)."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    learner: str
    course_id: str
    trusted: bool
    """Built from statements of the course's trusted reporters (only these count)."""
    completed_at: int | None
    """µs; set once every step has a completion: the latest of the steps' first ones."""
    last_activity: int
    step_times: tuple[int | None, ...]
    """First completion (µs) of each step, None while a step is not done."""
    reported_progress: int | None = None
    """The progress (0–100) the course last reported (cmi5's result extension), None if none."""
    reported_at: int | None = None
    """When (µs) that progress was reported; the latest report wins (the higher on a tie)."""

    @property
    def steps_done(self) -> int:
        return sum(1 for moment in self.step_times if moment is not None)


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    id: str
    county: str
    title: str
    date: date
    deadline: int
    deadline_is_default: bool
    courses: tuple[str, ...]
    participants: int
    purged_at: int | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    last_stored: int | None
    generation: int


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One participant and one required course, with the ledger row of one identity that
    matches the participant (or none): the raw material of every report."""

    participant_id: str
    workshop_id: str
    municipality: str
    course_id: str
    completed_at: int | None
    last_activity: int | None
    step_times: tuple[int | None, ...] | None
    trusted: bool = True
    """False for a ledger row of what an untrusted source reported (never counted)."""
    reported_progress: int | None = None
    reported_at: int | None = None
    role: str = ""
    """The participant's role (requirements may depend on it, issue 15)."""


@dataclass(frozen=True, slots=True)
class ParticipantDiff:
    added: list[Participant]
    changed: list[tuple[Participant, Participant]]
    removed: list[Participant]
    unchanged: int


Merge = Callable[[LedgerRow | None, Pair], LedgerRow]
"""Given the ledger's current row for a pair (or None), the row to store."""


class ReadinessStorage(abc.ABC):
    """Courses, workshops, participants and the progress ledger, durable when a call
    returns. Every query that lists participants or progress can be restricted to one
    county, workshop or municipality by an index."""

    # --- courses ---------------------------------------------------------------------------

    @abc.abstractmethod
    async def courses(self) -> list[Course]: ...

    @abc.abstractmethod
    async def add_course(self, course: Course) -> bool:
        """False when the id is taken."""

    @abc.abstractmethod
    async def replace_course(self, course: Course) -> bool:
        """Replace a course, clear its ledger rows and move the generation on, in one
        transaction; False when there is no such course."""

    @abc.abstractmethod
    async def review_reporters(self, course_id: str, reporters: Reporters) -> bool:
        """Set the reporters of a course not yet reviewed (``reporters`` NULL), leaving its
        ledger as it is; False when it has been reviewed already."""

    # --- workshops ---------------------------------------------------------------------------

    @abc.abstractmethod
    async def workshops(
        self,
        *,
        county: str | None = None,
        workshop_id: str | None = None,
        municipality: str | None = None,
    ) -> list[WorkshopRow]:
        """Workshops by date, then title; with ``municipality``, ``participants`` counts
        only that municipality's participants (what its coordinator may see)."""

    @abc.abstractmethod
    async def add_workshop(self, row: WorkshopRow, now: int) -> None: ...

    @abc.abstractmethod
    async def update_workshop(self, row: WorkshopRow, now: int) -> bool: ...

    @abc.abstractmethod
    async def delete_workshop(self, workshop_id: str) -> bool: ...

    # --- participants ------------------------------------------------------------------------

    @abc.abstractmethod
    async def participants(
        self,
        *,
        workshop_id: str | None = None,
        county: str | None = None,
        municipality: str | None = None,
        participant_id: str | None = None,
    ) -> list[Participant]:
        """Participants by municipality, then name."""

    @abc.abstractmethod
    async def add_participant(self, participant: Participant) -> str | None:
        """None, or the field that clashes with someone on the list ('email', 'account')."""

    @abc.abstractmethod
    async def update_participant(self, participant: Participant) -> str | None:
        """As ``add_participant``; NotFound is the caller's to check first."""

    @abc.abstractmethod
    async def remove_participant(self, workshop_id: str, participant_id: str) -> bool: ...

    @abc.abstractmethod
    async def replace_participants(
        self,
        workshop_id: str,
        decide: Callable[[list[Participant]], ParticipantDiff],
        *,
        apply: bool,
    ) -> ParticipantDiff:
        """Read the list, let ``decide`` say what changes and, with ``apply``, make the
        changes, all in one transaction."""

    @abc.abstractmethod
    async def registered_emails(self) -> list[tuple[str, str, str, str]]:
        """(e-mail lower-cased, participant id, workshop id, county) of every participant."""

    # --- the progress ledger -------------------------------------------------------------------

    @abc.abstractmethod
    async def checkpoint(self) -> Checkpoint: ...

    @abc.abstractmethod
    async def advance(
        self,
        expected: Checkpoint,
        merges: dict[Pair, Merge],
        replacements: dict[Pair, LedgerRow | None],
        seq: int,
        last_stored: int | None,
    ) -> bool:
        """In one transaction, unless the checkpoint moved from ``expected`` (another
        projector was quicker, or a rebuild began): merge rows, replace rows (None
        deletes), and set the checkpoint to ``seq``. False when nothing was written."""

    @abc.abstractmethod
    async def merge_rows(self, merges: dict[Pair, Merge]) -> None:
        """Merge rows without touching the checkpoint (a changed course's history)."""

    @abc.abstractmethod
    async def reset_ledger(self) -> Checkpoint:
        """Empty the ledger and set the checkpoint to the log's start (a new generation)."""

    @abc.abstractmethod
    async def ledger(self, learners: Iterable[str] | None = None) -> list[LedgerRow]:
        """The ledger's rows (of some learners), by learner and course."""

    @abc.abstractmethod
    async def progress_rows(
        self,
        *,
        workshop_ids: Sequence[str] | None = None,
        county: str | None = None,
        municipality: str | None = None,
    ) -> list[ProgressRow]:
        """Every (participant, required course) of the workshops chosen, joined with the
        ledger rows of the participant's identities (mbox, mbox_sha1sum, account)."""

    @abc.abstractmethod
    async def unmatched(self, limit: int) -> list[LedgerRow]:
        """Ledger rows of learners whom no participant's identity matches, most recently
        active first."""
