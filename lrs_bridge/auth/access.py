"""Who may do what to which county's data: the one place that decides it for people.

A person is a national admin (every county), a county admin (one county) or a coordinator
(one county, or one municipality of it). Each ``/api/v1`` route declares the ``Action`` it
needs; ``ROLE_ACTIONS`` says which roles may take it at all, and ``may_see`` says whether
an object of a given county (and municipality) lies inside the person's scope. The HTTP
guard and the report filters both ask here, so the rule cannot differ between them.

An object outside a person's scope is answered as if it did not exist (404), so a county
admin cannot learn that another county's workshop exists; an action the role never has is
refused (403) whatever the object, which tells nothing about any object either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    NATIONAL_ADMIN = "national-admin"
    COUNTY_ADMIN = "county-admin"
    COORDINATOR = "coordinator"


class Action(StrEnum):
    WORKSHOPS_READ = "workshops:read"
    WORKSHOPS_WRITE = "workshops:write"
    PARTICIPANTS_READ = "participants:read"
    PARTICIPANTS_WRITE = "participants:write"
    REPORTS_READ = "reports:read"
    COURSES_READ = "courses:read"
    COURSES_WRITE = "courses:write"
    LEARNERS_READ = "learners:read"
    AUDIT_READ = "audit:read"
    REMINDERS_SEND = "reminders:send"
    """See who would be reminded of a workshop and send the e-mails: coordinators too
    (following up who has not finished is their work), within their scope."""
    CONTACTS_WRITE = "contacts:write"
    """Set or remove the county's contact person (named in its reminder e-mails)."""
    PEOPLE_MANAGE = "people:manage"
    """List, create, change, disable and enable people and send them a set-password link:
    national admins for everyone, county admins for their own county's coordinators
    (``may_manage_person``)."""
    ACCOUNT = "account"
    """One's own account: change one's password, create and revoke one's own API tokens
    (every role)."""
    CREDENTIALS_MANAGE = "credentials:manage"
    """Create, list and revoke xAPI credentials: national admins only."""
    BRIDGE_MANAGE = "bridge:manage"
    """Sources, targets, pulls and the outbox of the bridge to other LRSs: national admins
    only (they hold other LRSs' credentials and move every county's statements)."""
    STATEMENTS_READ = "statements:read"
    """Browse, search and export the statement log (every learner's personal data, of
    every county): national admins only."""
    PERSONAL_DATA = "personal-data:manage"
    """Register extracts and erasure of one person (issue 16): national admins only."""


_FOLLOW_UP = frozenset(
    {
        Action.WORKSHOPS_READ,
        Action.PARTICIPANTS_READ,
        Action.REPORTS_READ,
        Action.COURSES_READ,
        Action.REMINDERS_SEND,
        Action.ACCOUNT,
    }
)

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.NATIONAL_ADMIN: frozenset(Action),
    # Workshops, lists, the learners who match none of their participants (likely typos
    # in the list they keep) and the audit log of their own county; courses are
    # configured centrally.
    Role.COUNTY_ADMIN: _FOLLOW_UP
    | {
        Action.WORKSHOPS_WRITE,
        Action.PARTICIPANTS_WRITE,
        Action.LEARNERS_READ,
        Action.AUDIT_READ,
        Action.CONTACTS_WRITE,
        Action.PEOPLE_MANAGE,
    },
    # Coordinators follow up who has not finished: they read and remind, they change
    # nothing.
    Role.COORDINATOR: _FOLLOW_UP,
}


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated person, as the permission check sees them."""

    user_id: int
    role: Role
    county: str | None = None
    municipality: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.NATIONAL_ADMIN and (self.county or self.municipality):
            raise ValueError("a national admin has no county or municipality")
        if self.role is not Role.NATIONAL_ADMIN and not self.county:
            raise ValueError(f"a {self.role.value} belongs to one county")
        if self.municipality and self.role is not Role.COORDINATOR:
            raise ValueError("only a coordinator is limited to one municipality")
        if self.municipality and self.county and not self.municipality.startswith(self.county):
            raise ValueError("the municipality lies outside the county")


def may(principal: Principal, action: Action) -> bool:
    """May this person's role take ``action`` at all (on objects inside their scope)?"""
    return action in ROLE_ACTIONS[principal.role]


def may_see(principal: Principal, county: str, municipality: str | None = None) -> bool:
    """Is an object of ``county`` (and, for a participant, ``municipality``) in scope?

    Workshops are county-wide: pass no municipality for them, and a municipality
    coordinator sees their county's workshops (but only their municipality's participants).
    """
    if principal.role is Role.NATIONAL_ADMIN:
        return True
    if county != principal.county:
        return False
    return municipality is None or principal.municipality in (None, municipality)


def may_manage_person(principal: Principal, role: Role, county: str | None) -> bool:
    """May this person manage (see, change, disable, invite) a person of ``role`` in
    ``county``? National admins anyone; county admins only their own county's
    coordinators (not other county admins, not national admins)."""
    if principal.role is Role.NATIONAL_ADMIN:
        return True
    return (
        principal.role is Role.COUNTY_ADMIN
        and role is Role.COORDINATOR
        and county is not None
        and county == principal.county
    )


class OutOfScope(Exception):
    """Asked for a list of a county outside the person's scope: the answer is empty."""


def county_filter(principal: Principal, asked: str | None = None) -> str | None:
    """The one county a list for this person is limited to (None: every county).

    ``asked`` is the county the request asks for, if any; a county outside the person's
    scope raises ``OutOfScope`` (answered as an empty list, as if it had nothing).
    """
    if asked is not None and not may_see(principal, asked):
        raise OutOfScope(asked)
    return asked if asked is not None else principal.county


def municipality_filter(principal: Principal) -> str | None:
    """The one municipality whose participants a person sees; None for all in scope."""
    return principal.municipality
