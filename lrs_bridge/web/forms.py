"""The web forms' checks and messages: every field checked at once, each problem in plain
Swedish (or English) from the web catalogue, keyed by the field's id so that the error
summary can link to it (the GOV.UK Design System's error summary and error message).

The service checks its input again (``reports``); an error it finds that the form did not
(a rule the form does not know) is shown by its field and rule, never in the service's
English words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from reports.model import STOCKHOLM
from statements.errors import XapiError

Translate = Callable[..., str]

WORKSHOP_FIELDS = ("title", "date", "deadline", "courses")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DEADLINE = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})(?:[ T]+(?:kl\.?\s*)?(?P<hour>\d{1,2})[.:](?P<minute>\d{2}))?$",
    re.IGNORECASE,
)


@dataclass
class WorkshopForm:
    """What a person typed in the "Ny workshop" form, kept as typed, and what is wrong."""

    title: str = ""
    date: str = ""
    deadline: str = ""
    courses: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    """field → message, in the order of the form."""
    warnings: list[str] = field(default_factory=list)
    """Things to confirm before the workshop is created (a date in the past …)."""
    accepted: str = ""
    """The date and last day the person has confirmed despite the warnings."""

    def confirmation(self) -> str:
        return f"{self.date}|{self.deadline}"

    def values(self) -> dict[str, str]:
        return {"title": self.title, "date": self.date, "deadline": self.deadline}

    def data(self, county: str) -> dict[str, object]:
        """The service's input (deadline in ISO 8601)."""
        data: dict[str, object] = {"county": county, "title": self.title, "date": self.date}
        if self.deadline:
            data["deadline"] = normal_deadline(self.deadline) or self.deadline
        data["courses"] = self.courses
        return data


def normal_deadline(value: str) -> str | None:
    """'2027-02-01 16.00', '2027-02-01 kl. 16:00' or '2027-02-01' as ISO 8601 (a day
    alone is 23:59 that day); None when it is not one of these."""
    found = _DEADLINE.match(value.strip())
    if found is None:
        return None
    hour, minute = found.group("hour"), found.group("minute")
    moment = f"{found.group('day')}T{int(hour):02d}:{minute}" if hour else found["day"] + "T23:59"
    try:
        datetime.fromisoformat(moment)
    except ValueError:
        return None
    return moment


def _day(value: str) -> date | None:
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_workshop(form: WorkshopForm, known_courses: Sequence[str], t: Translate) -> None:
    """Fill in ``form.errors`` (every field at once) and ``form.warnings``."""
    if not form.title:
        form.errors["title"] = t("web.form.title.required")
    elif len(form.title) > 200:
        form.errors["title"] = t("web.form.title.max_length", limit=200)
    day = _day(form.date)
    if not form.date:
        form.errors["date"] = t("web.form.date.required")
    elif day is None:
        form.errors["date"] = t("web.form.date.format")
    deadline = normal_deadline(form.deadline) if form.deadline else None
    if form.deadline and deadline is None:
        form.errors["deadline"] = t("web.form.deadline.format")
    if not form.courses:
        form.errors["courses"] = t("web.form.courses.required")
    elif any(course not in known_courses for course in form.courses):
        form.errors["courses"] = t("web.form.courses.unknown")
    if day is not None and not form.errors and form.accepted != form.confirmation():
        form.warnings.extend(deadline_warnings(day, deadline, t))


def deadline_warnings(day: date, deadline: str | None, t: Translate) -> list[str]:
    """A workshop in the past, or a last day after the workshop, is most likely a typing
    error: the person is asked to confirm it."""
    warnings = []
    today = datetime.now(STOCKHOLM).date()
    if day < today:
        warnings.append(t("web.form.warning.date_past"))
    if deadline is not None:
        moment = datetime.fromisoformat(deadline).replace(tzinfo=STOCKHOLM)
        if moment > datetime.combine(day, time(23, 59), STOCKHOLM):
            warnings.append(t("web.form.warning.deadline_after"))
        elif moment < datetime.now(STOCKHOLM):
            warnings.append(t("web.form.warning.deadline_past"))
    return warnings


def service_errors(error: XapiError, fields: Sequence[str], t: Translate) -> dict[str, str]:
    """The service's 400, by field, in the reader's language: ``web.form.<field>.<rule>``
    when the catalogue has it, else the field's general ``web.form.<field>.invalid``."""
    found: dict[str, str] = {}
    for detail in error.details:
        path = str(detail.get("path", "")).split(".")[0].split("[")[0]
        name = path if path in fields else fields[0]
        rule = str(detail.get("rule", ""))
        found.setdefault(name, _message(name, rule, t))
    if not found:
        found[fields[0]] = t("web.form.invalid")
    return found


def _message(name: str, rule: str, t: Translate) -> str:
    from lrs_bridge.web.texts import CATALOGUE

    for key in (f"web.form.{name}.{rule}", f"web.form.{name}.invalid"):
        if key in CATALOGUE:
            return t(key, limit=200)
    return t("web.form.invalid")


def summary(
    errors: Mapping[str, str], anchors: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The error summary's rows: (the id of the field to link to, message)."""
    anchors = anchors or {}
    return [(anchors.get(name, name), message) for name, message in errors.items()]


def days_left(deadline: datetime, now: datetime | None = None) -> int:
    """Whole days from today to the last day (0 on the last day, negative after it)."""
    today = (now or datetime.now(STOCKHOLM)).astimezone(STOCKHOLM).date()
    return (deadline.astimezone(STOCKHOLM).date() - today).days


__all__ = [
    "WORKSHOP_FIELDS",
    "WorkshopForm",
    "check_workshop",
    "days_left",
    "deadline_warnings",
    "normal_deadline",
    "service_errors",
    "summary",
]
