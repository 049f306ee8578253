"""Personal launches (issue 14): resolve a link's token, issue the per-learner credential
of a launch, build the ``xapi`` launch URL, and give reminders and invitations the
participants' links. The pages (``lrs_bridge.web.launch``) dispatch by the course's launch
kind; the storage of links is ``reports.links``, of credentials ``lrs_bridge.auth.learners``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson

from lrs_bridge.auth.credentials import CredentialService
from lrs_bridge.auth.learners import IssuedCredential
from lrs_bridge.config import Settings
from reports.contacts import Contact
from reports.links import LinkStorage, LinkTarget, PersonalLink, launch_actor, valid_until
from reports.reminders import Recipient
from reports.service import ReportsService

LINK_REGISTRATION = object()
"""``issue_credential``'s default: bind the credential to the link's own registration."""


_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_FORM = {b: chr(b) if b in _SAFE else "+" if b == 0x20 else f"%{b:02X}" for b in range(256)}


def form_quote(value: str) -> str:
    """``urllib.parse.quote_plus(value)`` (UTF-8, nothing but letters, digits and ``_.-~``
    left as they are, a space as ``+``), by one table look-up per byte in C rather than a
    Python call per character: the launch URL's credential and actor are long."""
    return value.encode().decode("latin-1").translate(_FORM)


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return form_quote(value)


class LinkGone(Exception):
    """A link that no longer works: ``reason`` is ``revoked`` or ``expired``."""

    def __init__(self, reason: str, target: LinkTarget | None, contact: Contact | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.target = target
        self.contact = contact


@dataclass(frozen=True, slots=True)
class Launch:
    """A working link, resolved: who, which course, of which workshop, until when."""

    target: LinkTarget
    expires_at: datetime


class LaunchService:
    def __init__(
        self, reports: ReportsService, credentials: CredentialService, settings: Settings
    ) -> None:
        self.reports = reports
        self.credentials = credentials
        self.settings = settings
        self.links = LinkStorage(reports.store)

    def clock(self) -> datetime:
        return self.reports.clock()

    # --- links ---------------------------------------------------------------------------

    def url(self, token: str) -> str:
        """The address of a personal link."""
        return f"{self.settings.base_url}/l/{token}"

    def expires(self, target: LinkTarget) -> datetime:
        return valid_until(target.workshop, self.settings.launch_days_after_workshop)

    async def resolve(self, token: str) -> Launch | None:
        """The launch of a token; None for no such link; ``LinkGone`` for a revoked or
        expired one (with whom to contact)."""
        if not token or len(token) > 100:
            return None
        found = await self.links.target(token)
        if found is None:
            return None
        link, participant, course, workshop_row = found
        workshop = self.reports.workshop_of(workshop_row)
        target = LinkTarget(link, participant, workshop, course)
        expires = self.expires(target)
        if not link.active or self.clock() >= expires:
            contact = await self.reports.county_contact(workshop.county)
            raise LinkGone("revoked" if not link.active else "expired", target, contact)
        return Launch(target, expires)

    async def issue_credential(
        self,
        launch: Launch,
        registration: str | object | None = LINK_REGISTRATION,
        actor: dict[str, Any] | None = None,
    ) -> IssuedCredential:
        """A fresh per-learner credential for this launch: bound to the participant's actor
        (``actor`` when given: a cmi5 launch's account) and (by default) the link's
        registration; ``registration`` None binds to none, a UUID to that one (a cmi5
        launch's). It expires after LRS_BRIDGE_LAUNCH_CREDENTIAL_HOURS, or with the link,
        whichever is first."""
        now = self.clock()
        bound = (
            launch.target.link.registration if registration is LINK_REGISTRATION else registration
        )
        assert bound is None or isinstance(bound, str)
        expires = min(
            now + timedelta(hours=self.settings.launch_credential_hours), launch.expires_at
        )
        return await self.credentials.learners.issue(
            link_id=launch.target.link.id,
            course_id=launch.target.course.id,
            actor=actor if actor is not None else launch_actor(launch.target.participant),
            registration=bound,
            now=now,
            expires_at=expires,
        )

    def endpoint(self) -> str:
        return f"{self.settings.base_url}/xapi/"

    def xapi_url(self, launch: Launch, issued: IssuedCredential) -> str:
        """The course URL with the launch parameters Storyline, Rise, Captivate and
        TinCanJS read (the Rustici "Launching a Tin Can course" convention)."""
        course = launch.target.course
        query = (
            f"endpoint={_quoted(self.endpoint())}&auth={form_quote(issued.basic)}"
            f"&actor={form_quote(orjson.dumps(issued.actor).decode())}"
            f"&registration={_quoted(launch.target.link.registration)}"
            f"&activity_id={_quoted(course.activities[0])}"
        )  # as urlencode would write it; the values a course shares are quoted once
        parts = urlsplit(course.url)
        query = f"{parts.query}&{query}" if parts.query else query
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    async def participant_links(
        self, workshop_id: str, participant_ids: Sequence[str] | None = None
    ) -> dict[str, list[tuple[str, str, str]]]:
        """Each participant's personal links as (course id, course name, URL), in the workshop's
        course order; links are made where there are none yet."""
        workshop = await self.reports.get_workshop(workshop_id)
        participants = await self.reports.list_participants(workshop_id)
        if participant_ids is not None:
            chosen = set(participant_ids)
            participants = [p for p in participants if p.id in chosen]
        courses = {course.id: course for course in await self.reports.list_courses()}
        pairs = [(p.id, c) for p in participants for c in workshop.courses if c in courses]
        links = await self.links.ensure(pairs, self.clock())
        found: dict[str, list[tuple[str, str, str]]] = {}
        for participant_id, course_id in pairs:
            link = links.get((participant_id, course_id))
            if link is not None:
                found.setdefault(participant_id, []).append(
                    (course_id, courses[course_id].name, self.url(link.token))
                )
        return found

    async def with_links(self, recipients: list[Recipient]) -> list[Recipient]:
        """Reminder and invitation recipients with their personal links (of the courses
        they have not finished)."""
        if not recipients:
            return recipients
        by_workshop: dict[str, set[str]] = {}
        for recipient in recipients:
            by_workshop.setdefault(recipient.workshop_id, set()).add(recipient.participant_id)
        links: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for workshop_id, ids in by_workshop.items():
            for participant_id, found in (
                await self.participant_links(workshop_id, sorted(ids))
            ).items():
                links[(workshop_id, participant_id)] = found
        unfinished: dict[tuple[str, str], set[str]] = {}
        for recipient in recipients:
            key = (recipient.workshop_id, recipient.participant_id)
            unfinished.setdefault(key, set()).add(recipient.course_id)
        return [
            dataclasses.replace(
                recipient,
                links=tuple(
                    (name, url)
                    for course_id, name, url in links.get(
                        (recipient.workshop_id, recipient.participant_id), []
                    )
                    if course_id in unfinished[(recipient.workshop_id, recipient.participant_id)]
                ),
            )
            for recipient in recipients
        ]

    async def links_of(self, participant_id: str) -> list[PersonalLink]:
        return await self.links.of_participant(participant_id)

    async def revoke(self, link_ids: Sequence[str]) -> list[str]:
        """Revoke links; their per-learner credentials stop at once (they are checked
        against the link on every request)."""
        return await self.links.revoke(link_ids, self.clock())

    async def revoke_participant(self, participant_id: str) -> list[str]:
        """Revoke every active link of a participant (a new one is made when they are
        invited or reminded again)."""
        links = await self.links.of_participant(participant_id)
        active = [link.id for link in links if link.active]
        return await self.revoke(active)
