"""Per-learner credentials: the xAPI credential a personal launch link issues for one launch
(issue 14, decision 0006), and the rule that binds it to its learner.

A per-learner credential is bound to one actor (the participant's) and, where given, one
registration. It may write statements, State documents and Agent Profile documents only
for that actor (and registration); everything else is refused with 403 naming the rule
(``learner_actor``, ``learner_registration``, ``learner_resource``). It expires, and it ends
at once with its link: revoking the link, or taking the participant off the list (the link
goes with the participant), stops it on the next request, here or on another instance,
because the link is read afresh on every request (one indexed look-up).

A launch writes nothing (issue 14's launch target, decision 0006): the credential is
*signed*, not stored. Its key says what it is bound to,
``learner.<course id>.<link id>.<expiry>.<registration>.<actor digest>.<nonce>``
(``reports.model.learner_course`` reads the course: the ledger trusts a per-learner launch
for its own course from the key alone), and its secret is an HMAC-SHA256 of the key under
the service's signing key (``service_keys``, made once per database, so every instance
shares it and a restart keeps running courses working). The actor is in the key only as a
keyed digest of its identity (``statements.identity.agent_key``): keys end up in
statements' authority, which must not carry an e-mail address. A forged or altered key
fails the HMAC; an expired one, or one whose link is revoked or gone, is refused.

Credentials issued before this design (a row in ``learner_credentials``, a three-part key)
keep working until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

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
    """What a per-learner credential is bound to: the link that issued it, its course, the
    digest of its actor's identity and, where given, a registration (lower case)."""

    link_id: str
    course_id: str
    actor_digest: str
    registration: str | None
    signing_key: bytes

    def owns(self, identity: str | None) -> bool:
        """Whether an agent identity (``agent_key``) is this credential's actor."""
        return identity is not None and hmac.compare_digest(
            _actor_digest(self.signing_key, identity), self.actor_digest
        )


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    key: str
    secret: str
    learner: Learner
    actor: dict[str, Any]
    expires_at: datetime

    @property
    def basic(self) -> str:
        """The ``Authorization`` value (``Basic …``) the launch hands to the course."""
        return "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _actor_digest(signing_key: bytes, identity: str) -> str:
    """A keyed digest of an agent identity: binds the key to the actor without naming it."""
    mac = hmac.new(signing_key, b"actor\n" + identity.encode(), hashlib.sha256)
    return _b64(mac.digest()[:15])


def _secret(signing_key: bytes, key: str) -> str:
    return _b64(hmac.new(signing_key, b"secret\n" + key.encode(), hashlib.sha256).digest()[:24])


@dataclass(frozen=True, slots=True)
class _SignedKey:
    course_id: str
    link_id: str
    expires: int
    """Seconds since the epoch."""
    registration: str | None
    actor_digest: str


def _parse(key: str) -> _SignedKey | None:
    """The parts of a signed key; None for any other form (a legacy key, a stranger's)."""
    parts = key[len(LEARNER_KEY_PREFIX) :].split(".")
    if len(parts) != 6:
        return None
    course_id, link_id, expires, registration, digest, _nonce = parts
    if not expires.isdigit() or len(expires) > 12 or not course_id or not link_id:
        return None
    if registration and (len(registration) != 32 or not _is_hex(registration)):
        return None
    bound = None
    if registration:
        r = registration
        bound = f"{r[:8]}-{r[8:12]}-{r[12:16]}-{r[16:20]}-{r[20:]}"
    return _SignedKey(course_id, link_id, int(expires), bound, digest)


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value)


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
        or not learner.owns(agent_key(dict(actor)))
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
        if not isinstance(agent, dict) or not learner.owns(agent_key(agent)):
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
    """Issue and authenticate per-learner credentials (one SQL for both engines)."""

    def __init__(self, db: Database, limits: AuthLimits) -> None:
        self.db = db
        self.limits = limits
        self._signing_key: bytes | None = None

    async def signing_key(self) -> bytes:
        """The service's signing key for per-learner credentials: made once per database
        (the first instance to ask makes it; the others read the same), kept in memory."""
        if self._signing_key is None:
            made = secrets.token_bytes(32).hex()

            async def ensure(tx: Tx) -> None:
                await tx.execute(
                    "INSERT INTO service_keys (name, value, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    "learner-credentials",
                    made,
                    to_micros(datetime.now(UTC)),
                )

            rows = await self.db.read(
                "SELECT value FROM service_keys WHERE name = ?", "learner-credentials"
            )
            if not rows:
                await self.db.write(ensure)
                rows = await self.db.read(
                    "SELECT value FROM service_keys WHERE name = ?", "learner-credentials"
                )
            self._signing_key = bytes.fromhex(str(rows[0][0]))
        return self._signing_key

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
        """A credential for ``actor`` (and ``registration``) until ``expires_at`` (to the
        second, never later): signed, so nothing is written."""
        identity = agent_key(actor)
        if identity is None:
            raise ValueError("a launch actor must be identified")
        signing_key = await self.signing_key()
        bound = registration.lower() if registration else None
        expires = int(expires_at.timestamp())
        digest = _actor_digest(signing_key, identity)
        key = (
            f"{LEARNER_KEY_PREFIX}{course_id}.{link_id}.{expires}."
            f"{bound.replace('-', '') if bound else ''}.{digest}.{secrets.token_hex(4)}"
        )
        learner = Learner(link_id, course_id, digest, bound, signing_key)
        return IssuedCredential(
            key,
            _secret(signing_key, key),
            learner,
            actor,
            datetime.fromtimestamp(expires, UTC),
        )

    async def authenticate(
        self, key: str, secret: str, client: str, now: datetime
    ) -> Learner | None:
        """The learner of a right key and secret, None otherwise (counted as a failure);
        raises ``Throttled`` beyond the limits of wrong secrets."""
        signed = _parse(key)
        if signed is None:
            return await self._legacy(key, secret, client, now)
        signing_key = await self.signing_key()
        if not hmac.compare_digest(_secret(signing_key, key), secret):
            self.limits.failed_machine(client, "xapi:" + key)
            return None
        if signed.expires <= now.timestamp():
            self.limits.failed_machine(client)
            return None
        link = await self.db.read_point(
            "SELECT course_id FROM launch_links WHERE id = ? AND revoked_at IS NULL",
            signed.link_id,
        )
        if link is None or link[0] != signed.course_id:
            self.limits.failed_machine(client)
            return None
        return Learner(
            signed.link_id,
            signed.course_id,
            signed.actor_digest,
            signed.registration,
            signing_key,
        )

    async def _legacy(self, key: str, secret: str, client: str, now: datetime) -> Learner | None:
        """A credential stored by the release before signed keys: live until it expires."""
        rows = await self.db.read(
            "SELECT c.secret_hash, c.link_id, l.course_id, c.agent_key, c.registration"
            " FROM learner_credentials c JOIN launch_links l ON l.id = c.link_id"
            " WHERE c.key = ? AND c.revoked_at IS NULL AND l.revoked_at IS NULL"
            " AND c.expires_at > ?",
            key,
            to_micros(now),
        )
        if not rows:
            self.limits.failed_machine(client)
            return None
        secret_hash, link_id, course_id, identity, registration = rows[0]
        if not await self.limits.check_machine_secret(client, "xapi:" + key, secret_hash, secret):
            return None
        signing_key = await self.signing_key()
        return Learner(
            str(link_id),
            str(course_id),
            _actor_digest(signing_key, str(identity)),
            registration,
            signing_key,
        )
