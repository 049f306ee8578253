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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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
