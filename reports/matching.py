"""Matching learners to participants, and suggestions for those who match no one.

A participant is matched by the identity keys kept beside them (``identity_keys`` in the
storage module): the e-mail address lower-cased (``mbox``), sha1 of ``mailto:`` + the
lower-cased address (``mbox_sha1sum``) and the learner account given in the list. What
matches no one is listed for review with the nearest registered address: typing errors
are usually in the part before '@', so the domain is matched first (among a few hundred
municipal domains), then the local part among that domain's addresses.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.fields import bad, text_field

CUTOFF = 0.75


@dataclass(frozen=True, slots=True)
class Suggestion:
    email: str
    participant_id: str
    workshop_id: str
    county: str
    similarity: float


class NearestEmail:
    """Registered addresses indexed by domain, for ``nearest``."""

    def __init__(self, registered: Sequence[tuple[str, str, str, str]]) -> None:
        """``registered``: (e-mail lower-cased, participant id, workshop id, county)."""
        self._by_domain: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)
        for email, participant, workshop, county in registered:
            local, _, domain = email.rpartition("@")
            self._by_domain[domain].setdefault(local, (participant, workshop, county))

    def nearest(self, email: str) -> Suggestion | None:
        local, _, domain = email.lower().rpartition("@")
        if not local:
            return None
        domains = [domain] if domain in self._by_domain else []
        domains += difflib.get_close_matches(domain, list(self._by_domain), n=3, cutoff=CUTOFF)
        best: Suggestion | None = None
        for candidate_domain in dict.fromkeys(domains):
            locals_ = self._by_domain[candidate_domain]
            for candidate in difflib.get_close_matches(local, list(locals_), n=1, cutoff=0.6):
                candidate_email = f"{candidate}@{candidate_domain}"
                score = difflib.SequenceMatcher(None, email.lower(), candidate_email).ratio()
                if score >= CUTOFF and (best is None or score > best.similarity):
                    participant, workshop, county = locals_[candidate]
                    best = Suggestion(candidate_email, participant, workshop, county, score)
        return best


def display_of(identity: str) -> str:
    """A learner key as a person reads it."""
    kind, _, value = identity.partition(":")
    if kind == "account":
        home_page, _, name = value.partition(" ")
        return f"{name} ({home_page})"
    return value


def email_of(identity: str) -> str | None:
    """The address an identity shows, if it shows one (an mbox, or an account whose
    name is an e-mail address, as some LMSs send)."""
    kind, _, value = identity.partition(":")
    if kind == "mbox":
        return value
    if kind == "account":
        name = value.partition(" ")[2]
        return name.lower() if "@" in name else None
    return None


# --- which county a learner belongs to, and identities typed in (issue 15) ----------------

PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.se",
        "outlook.com",
        "outlook.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
        "me.com",
        "mac.com",
        "telia.com",
        "bredband.net",
        "comhem.se",
        "tele2.se",
        "spray.se",
        "protonmail.com",
        "proton.me",
    }
)
"""Domains anyone may have an address at: they never place a learner in a county."""


def county_domains(registered: Sequence[tuple[str, str, str, str]]) -> dict[str, set[str]]:
    """E-mail domain → the counties whose participants have addresses there (``registered``
    as for ``NearestEmail``)."""
    found: dict[str, set[str]] = defaultdict(set)
    for email, _, _, county in registered:
        found[email.rpartition("@")[2]].add(county)
    return found


def visible_in_county(
    email: str | None,
    suggestion: Suggestion | None,
    county: str,
    domains: dict[str, set[str]],
) -> bool:
    """Does an unmatched learner belong to ``county``, for its admins to see and connect?
    When a registered address is close, the county of its participant decides (never
    another county's person); else the address's domain must be used by the county's
    participants and by no other county's, and not be a public mail service."""
    if suggestion is not None:
        return suggestion.county == county
    if email is None:
        return False
    domain = email.lower().rpartition("@")[2]
    return domain not in PUBLIC_MAIL_DOMAINS and domains.get(domain) == {county}


_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_identity(data: Mapping[str, Any]) -> str:
    """The normalised learner key of ``{"identity": "mbox:…" | "mbox_sha1sum:…" |
    "account:HOMEPAGE NAME"}`` or ``{"email": "…"}`` (exactly one), as
    ``statements.identity.agent_key`` spells a statement's actor; BadRequest naming the
    field otherwise."""
    if ("identity" in data) == ("email" in data):
        raise bad("identity", "required", "give either identity or email")
    field = "identity" if "identity" in data else "email"
    value = text_field(data, field, required=True, max_length=1000)
    assert value is not None
    if field == "email":
        value = "mbox:" + value
    kind, _, rest = value.partition(":")
    if kind == "mbox":
        address = rest.removeprefix("mailto:").lower()
        if not _EMAIL.match(address):
            raise bad(field, "bad_email", "must be an e-mail address")
        return "mbox:" + address
    if kind == "mbox_sha1sum" and _SHA1.match(rest.lower()):
        return "mbox_sha1sum:" + rest.lower()
    if kind == "account":
        home_page, _, name = rest.partition(" ")
        if home_page.startswith(("https://", "http://")) and name.strip():
            return f"account:{home_page} {name}"
    raise bad(
        field,
        "bad_identity",
        "must be mbox:ADDRESS, mbox_sha1sum:SHA1 or account:HOMEPAGE NAME",
    )
