"""Courses and their completion rules: which statements show that a learner completed a
course, or one step of it.

The out-of-the-box courses use activity IRIs invented for this service (the real packages
report whatever IRIs their authors chose; change the courses to match them with
``lrs-bridge courses change`` or ``PUT /api/v1/courses/{id}``):

- ``valmyndigheten-introduktion``: Valmyndigheten's "Introduktionsutbildning i
  valsäkerhet", any of ``https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet``
  (the course as one activity, as Storyline and Captivate report it) and
  ``https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet/au``
  (the same course as a cmi5 assignable unit).
- ``skr-ett-tryggt-valar``: SKR's "Ett tryggt valår", all of the three steps
  ``https://skr.se/xapi/activities/ett-tryggt-valar/steg-1`` … ``/steg-3``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from reports.fields import bad, require_object, string_list, text_field, url_field
from reports.model import LAUNCH_KINDS, Course, LaunchKind, Reporters, Rule
from statements.models.base import check_iri

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
COMPLETION_VERBS = frozenset({COMPLETED, PASSED, SATISFIED})
CMI5_LMS_IDS = "urn:lrs-bridge:cmi5:"
"""The prefix of the activity ids the service's cmi5 LMS generates for imported courses,
blocks and AUs (``lrs_bridge.cmi5.structure``): a statement about one of them completes a
course only as the LMS's own ``satisfied`` (moveOn met), never as what a client posts."""
RULES: tuple[Rule, ...] = ("any_of", "all_of")

VALMYNDIGHETEN_INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
SKR_STEPS = tuple(f"https://skr.se/xapi/activities/ett-tryggt-valar/steg-{n}" for n in (1, 2, 3))

DEFAULT_COURSES: tuple[Course, ...] = (
    Course(
        id="valmyndigheten-introduktion",
        name="Introduktionsutbildning i valsäkerhet",
        rule="any_of",
        activities=(VALMYNDIGHETEN_INTRO, VALMYNDIGHETEN_INTRO + "/au"),
        url="https://www.val.se/valsakerhet/introduktionsutbildning",
        description="Valmyndigheten: obligatorisk introduktion före workshoppen (1–2 timmar).",
    ),
    Course(
        id="skr-ett-tryggt-valar",
        name="Ett tryggt valår",
        rule="all_of",
        activities=SKR_STEPS,
        url="https://skr.se/ett-tryggt-valar",
        description="SKR: tre steg om hot och hat mot förtroendevalda (5–10 minuter per steg).",
    ),
)

DEFAULT_REQUIRED = "valmyndigheten-introduktion"
"""The course a workshop requires when it names none: the mandatory introduction."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
COURSE_FIELDS = frozenset(
    {"id", "name", "rule", "activities", "url", "description", "reporters", "launch_kind"}
)
REPORTER_FIELDS = frozenset({"credentials", "sources"})
MAX_REPORTERS = 50


def slug(name: str) -> str:
    """A course id from its name: "Ett tryggt valår" → "ett-tryggt-valar"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:63] or "course"


def parse_reporters(data: Any) -> Reporters:
    """``{"credentials": [keys], "sources": [bridge source names]}``: whose statements
    count for the course. Whether they exist is the service's to check."""
    if not isinstance(data, Mapping):
        raise bad("reporters", "type", "must be an object with credentials and sources")
    unknown = sorted(set(data) - REPORTER_FIELDS)
    if unknown:
        raise bad(f"reporters.{unknown[0]}", "unknown_field", "is not a field of reporters")
    found: dict[str, tuple[str, ...]] = {}
    for name in sorted(REPORTER_FIELDS):
        path = f"reporters.{name}"
        values = data.get(name) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise bad(path, "type", "must be a list of strings")
        if len(values) > MAX_REPORTERS:
            raise bad(path, "max_items", f"must list at most {MAX_REPORTERS}")
        cleaned = [value.strip() for value in values]
        for index, value in enumerate(cleaned):
            if not value or len(value) > 200:
                raise bad(f"{path}[{index}]", "length", "must be 1–200 characters")
        found[name] = tuple(dict.fromkeys(cleaned))
    return Reporters(credentials=found["credentials"], sources=found["sources"])


def parse_course(
    data: Any, *, course_id: str | None = None, reporters: Reporters | None = None
) -> Course:
    """A course from input; ``course_id`` is the id of the course being replaced, and
    ``reporters`` its trusted reporters, kept when the input names none (dropping them
    unasked would change readiness)."""
    fields = require_object(data, COURSE_FIELDS)
    name = cast(str, text_field(fields, "name", required=True, max_length=200))
    given_id = text_field(fields, "id", required=False, max_length=63)
    if course_id is not None and given_id is not None and given_id != course_id:
        raise bad("id", "immutable", f"must be {course_id!r} (a course's id does not change)")
    new_id = course_id or given_id or slug(name)
    if not _SLUG.match(new_id):
        raise bad("id", "slug", "must be 1–63 of a-z, 0-9 and '-', starting with a letter or digit")
    rule = fields.get("rule", "any_of")
    if rule not in RULES:
        raise bad("rule", "enum", "must be 'any_of' or 'all_of'")
    activities = string_list(fields, "activities", required=True) or []
    if not activities:
        raise bad("activities", "required", "must list at least one activity IRI")
    if len(activities) > 100:
        raise bad("activities", "max_items", "must list at most 100 activities")
    for index, activity in enumerate(activities):
        try:
            check_iri(activity)
        except ValueError:
            raise bad(f"activities[{index}]", "iri", "must be an IRI with a scheme") from None
        if activity in activities[:index]:
            raise bad(f"activities[{index}]", "duplicate", "is listed twice")
    url = url_field(fields, "url") or ""
    description = text_field(fields, "description", required=False, max_length=2000) or ""
    launch_kind = fields.get("launch_kind", "link")
    if launch_kind not in LAUNCH_KINDS:
        raise bad("launch_kind", "enum", "must be 'xapi', 'cmi5' or 'link'")
    if launch_kind != "link" and not url:
        raise bad("url", "required", f"a course launched as {launch_kind!r} needs its URL")
    given = fields.get("reporters")
    return Course(
        id=new_id,
        name=name,
        rule=cast(Rule, rule),
        activities=tuple(activities),
        url=url,
        description=description,
        reporters=parse_reporters(given) if given is not None else reporters or Reporters(),
        launch_kind=cast(LaunchKind, launch_kind),
    )


# --- what a statement says about courses ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Touch:
    """One statement's bearing on one course: activity seen, and steps it completes."""

    course_id: str
    completes: tuple[int, ...]
    """Indexes of the steps completed (``any_of``: step 0 is the course)."""


class CourseIndex:
    """Activity IRI → courses, for reading statements quickly."""

    def __init__(self, courses: list[Course]) -> None:
        self.courses = {course.id: course for course in courses}
        self._by_activity: dict[str, list[tuple[str, int]]] = {}
        for course in courses:
            for position, activity in enumerate(course.activities):
                step = position if course.rule == "all_of" else 0
                self._by_activity.setdefault(activity, []).append((course.id, step))

    def touches(self, statement: Mapping[str, Any], *, own: bool = False) -> list[Touch]:
        """The courses a statement is about (its object, or a context activity) and the
        steps it completes (only a statement whose object is the activity completes; for
        the cmi5 LMS's ids only its own ``satisfied``: ``own`` says the service wrote it)."""
        found: dict[str, set[int]] = {}
        target = statement.get("object")
        if isinstance(target, Mapping) and target.get("objectType", "Activity") == "Activity":
            object_id = target.get("id")
            if isinstance(object_id, str):
                qualifies = is_completion(statement)
                if object_id.startswith(CMI5_LMS_IDS):
                    verb = statement.get("verb")
                    qualifies = own and isinstance(verb, Mapping) and verb.get("id") == SATISFIED
                for course_id, step in self._by_activity.get(object_id, ()):
                    steps = found.setdefault(course_id, set())
                    if qualifies:
                        steps.add(step)
        context = statement.get("context")
        if isinstance(context, Mapping):
            activities = context.get("contextActivities")
            if isinstance(activities, Mapping):
                for group in activities.values():
                    items = group if isinstance(group, list) else [group]
                    for item in items:
                        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                            for course_id, _ in self._by_activity.get(item["id"], ()):
                                found.setdefault(course_id, set())
        return [Touch(course_id, tuple(sorted(steps))) for course_id, steps in found.items()]


def is_completion(statement: Mapping[str, Any]) -> bool:
    """A qualifying statement: verb completed, passed or cmi5 satisfied, or a result with
    completion or success true (Captivate reports completion on 'attempted')."""
    verb = statement.get("verb")
    if isinstance(verb, Mapping) and verb.get("id") in COMPLETION_VERBS:
        return True
    result = statement.get("result")
    if isinstance(result, Mapping):
        return result.get("completion") is True or result.get("success") is True
    return False
