"""Per-learner credentials: the xAPI credential a personal launch link issues for one launch
(issue 14, decision 0006), and the rule that binds it to its learner.

A per-learner credential is bound to one actor (the participant's) and, where given, one
registration. It may write statements, State documents and Agent Profile documents only
for that actor (and registration); everything else is refused with 403 naming the rule
(``learner_actor``, ``learner_registration``, ``learner_resource``). It expires, and it ends
at once with its link: revoking the link or the credential, or taking the participant off
the list (the link goes with the participant), stops it on the next request, here or on
another instance, because the row is read afresh on every request (one indexed look-up).

Its key is ``learner.<course id>.<random>`` (``reports.model.learner_course``): the ledger
trusts a per-learner launch for its own course from the key alone. Its secret is 192
random bits, kept only as a SHA-256 hash, and handed to nobody but the launch that issued it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from lrs_bridge.auth.hashing import hash_machine_secret
from lrs_bridge.auth.limits import AuthLimits
from reports.model import LEARNER_KEY_PREFIX
from statements.errors import Forbidden
from statements.identity import agent_key
from statements.query import to_micros
from statements.storage.port import Database, Tx

LEARNER_SCOPES = ("statements/write", "statements/read/mine", "state", "profile")
"""What a per-learner credential holds; ``learner_refusal`` narrows it to its actor."""

LEARNER_LABEL = "per-learner launch"


@dataclass(frozen=True, slots=True)
class Learner:
    """What a per-learner credential is bound to."""

    link_id: str
    course_id: str
    actor: dict[str, Any]
    agent_key: str
    registration: str | None


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    key: str
    secret: str
    learner: Learner
    expires_at: datetime

    @property
    def basic(self) -> str:
        """The ``Authorization`` value (``Basic …``) the launch hands to the course."""
        import base64

        return "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()


@dataclass(frozen=True, slots=True)
class LearnerRow:
    secret_hash: str
    learner: Learner


def _refused(rule: str, path: str, message: str) -> Forbidden:
    return Forbidden(
        f"a per-learner credential {message}",
        [{"path": path, "rule": rule, "message": message}],
    )


def check_statement(learner: Learner, statement: Mapping[str, Any], path: str = "$") -> None:
    """``Forbidden`` (403) unless the statement's actor is the learner's own Agent and its
    registration, when the credential is bound to one, is that registration."""
    actor = statement.get("actor")
    if (
        not isinstance(actor, Mapping)
        or actor.get("objectType", "Agent") != "Agent"
        or agent_key(dict(actor)) != learner.agent_key
    ):
        raise _refused(
            "learner_actor", f"{path}.actor", "may write only for its own learner's actor"
        )
    if learner.registration is not None:
        context = statement.get("context")
        given = context.get("registration") if isinstance(context, Mapping) else None
        if not isinstance(given, str) or given.lower() != learner.registration:
            raise _refused(
                "learner_registration",
                f"{path}.context.registration",
                "may write only in its own registration",
            )


def check_statements(learner: Learner, statements: Any) -> None:
    """``check_statement`` for a PUT/POST body (one statement or a list)."""
    if isinstance(statements, list):
        for index, statement in enumerate(statements):
            if isinstance(statement, Mapping):
                check_statement(learner, statement, f"$[{index}]")
    elif isinstance(statements, Mapping):
        check_statement(learner, statements)


def document_refusal(learner: Learner, path: str, params: Mapping[str, str]) -> Forbidden | None:
    """The refusal for a per-learner credential's request to a document resource
    (``path``: ``/xapi/activities/state``, ``/xapi/agents/profile``, …), None when it may.
    Only State and Agent Profile documents of its own actor (and registration) are its;
    it may read activity profiles, activities and agents, but change none of them."""
    if path.endswith("/activities/state") or path.endswith("/agents/profile"):
        raw = params.get("agent")
        try:
            agent = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            agent = None
        if not isinstance(agent, dict) or agent_key(agent) != learner.agent_key:
            return _refused("learner_actor", "agent", "may use documents of its own actor only")
        if path.endswith("/activities/state") and learner.registration is not None:
            given = params.get("registration")
            if given is not None and given.lower() != learner.registration:
                return _refused(
                    "learner_registration", "registration", "may use its own registration only"
                )
        return None
    return _refused("learner_resource", path, f"may not change {path}")


class LearnerCredentials:
    """Issue, authenticate and revoke per-learner credentials (one SQL for both engines)."""

    def __init__(self, db: Database, limits: AuthLimits) -> None:
        self.db = db
        self.limits = limits

    async def issue(
        self,
        *,
        link_id: str,
        course_id: str,
        actor: dict[str, Any],
        registration: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedCredential:
        key = f"{LEARNER_KEY_PREFIX}{course_id}.{secrets.token_hex(10)}"
        secret = secrets.token_urlsafe(24)
        found_key = agent_key(actor)
        if found_key is None:
            raise ValueError("a launch actor must be identified")
        learner = Learner(
            link_id, course_id, actor, found_key, registration.lower() if registration else None
        )

        async def insert(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO learner_credentials (key, secret_hash, link_id, actor, agent_key,"
                " registration, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                key,
                hash_machine_secret(secret),
                link_id,
                orjson.dumps(actor).decode(),
                found_key,
                learner.registration,
                to_micros(now),
                to_micros(expires_at),
            )

        await self.db.write(insert)
        return IssuedCredential(key, secret, learner, expires_at)

    async def find(self, key: str, now: datetime) -> LearnerRow | None:
        """The live credential of ``key``: not expired, neither it nor its link revoked."""
        rows = await self.db.read(
            "SELECT c.secret_hash, c.link_id, l.course_id, c.actor, c.agent_key,"
            " c.registration FROM learner_credentials c"
            " JOIN launch_links l ON l.id = c.link_id"
            " WHERE c.key = ? AND c.revoked_at IS NULL AND l.revoked_at IS NULL"
            " AND c.expires_at > ?",
            key,
            to_micros(now),
        )
        if not rows:
            return None
        row = rows[0]
        learner = Learner(row[1], row[2], orjson.loads(row[3]), row[4], row[5])
        return LearnerRow(row[0], learner)

    async def authenticate(
        self, key: str, secret: str, client: str, now: datetime
    ) -> Learner | None:
        """The learner of a right key and secret, None otherwise (counted as a failure);
        raises ``Throttled`` beyond the limits of wrong secrets."""
        found = await self.find(key, now)
        if found is None:
            self.limits.failed_machine(client)
            return None
        if not await self.limits.check_machine_secret(
            client, "xapi:" + key, found.secret_hash, secret
        ):
            return None
        return found.learner

    async def revoke_links(self, link_ids: Sequence[str], now: datetime) -> int:
        """End every credential issued by these links (their links are revoked apart)."""
        if not link_ids:
            return 0
        marks = ", ".join("?" for _ in link_ids)

        async def apply(tx: Tx) -> int:
            return await tx.execute(
                f"UPDATE learner_credentials SET revoked_at = ? WHERE revoked_at IS NULL"
                f" AND link_id IN ({marks})",
                to_micros(now),
                *link_ids,
            )

        return await self.db.write(apply)

    async def revoke(self, key: str, now: datetime) -> bool:
        async def apply(tx: Tx) -> int:
            return await tx.execute(
                "UPDATE learner_credentials SET revoked_at = ? WHERE key = ?"
                " AND revoked_at IS NULL",
                to_micros(now),
                key,
            )

        return await self.db.write(apply) > 0
