"""xAPI client credentials: key/secret pairs whose secrets are stored only as hashes.

The secret is 192 random bits, kept as its SHA-256 (``lrs_bridge.auth.hashing`` says why
no Argon2): checking it costs microseconds, so it is checked on every request against the
credential's row, read afresh each time (one indexed look-up), and a credential revoked
from the CLI, in another process or on another instance, stops working at once. A
credential made before keeps its Argon2 hash until its first right secret, which is then
stored in the new form. Wrong secrets are throttled (``lrs_bridge.auth.limits``).
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lrs_bridge.auth.hashing import hash_machine_secret, is_legacy
from lrs_bridge.auth.learners import LEARNER_LABEL, LEARNER_SCOPES, Learner, LearnerCredentials
from lrs_bridge.auth.limits import AuthLimits
from lrs_bridge.auth.scopes import check_scopes
from reports.model import LEARNER_KEY_PREFIX
from statements.query import from_micros
from statements.storage.base import Credential, Store

if TYPE_CHECKING:
    from lrs_bridge.auth.access import Principal
    from lrs_bridge.people.audit import AuditLog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewCredential:
    credential: Credential
    secret: str


@dataclass(frozen=True, slots=True)
class Client:
    """An authenticated xAPI client."""

    key: str
    label: str
    scopes: frozenset[str]
    authority: dict[str, Any]
    learner: Learner | None = None
    """What a per-learner credential (issued by a personal launch link) is bound to; its
    requests pass ``lrs_bridge.auth.learners``' rule as well as its scopes."""

    @property
    def document_owner(self) -> str:
        """Whose State and profile documents the client reaches: its own, or for a
        per-learner credential its link's (so a course's bookmark survives a new launch)."""
        return f"launch:{self.learner.link_id}" if self.learner is not None else self.key


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII header text
        return None
    key, sep, secret = decoded.partition(":")
    return (key, secret) if sep else None


class CredentialService:
    def __init__(
        self,
        store: Store,
        base_url: str,
        limits: AuthLimits | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.store = store
        self.base_url = base_url
        self.limits = limits or AuthLimits()
        self.audit = audit
        self.learners = LearnerCredentials(store, self.limits)

    async def create(
        self,
        label: str,
        scopes: list[str],
        actor: Principal | None = None,
        *,
        audited: bool = True,
    ) -> NewCredential:
        """A new key and secret (the secret is shown only now); audited (``actor`` None:
        the operator, from the command line) unless ``audited`` is False (a credential
        the service makes for itself, such as one per cmi5 session)."""
        if not label.strip():
            raise ValueError("the label must not be empty")
        if len(label.strip()) > 200:
            raise ValueError("the label has at most 200 characters")
        if not scopes:
            raise ValueError("give at least one scope")
        check_scopes(scopes)
        key = secrets.token_hex(10)
        secret = secrets.token_urlsafe(24)
        credential = Credential(
            key=key,
            secret_hash=hash_machine_secret(secret),
            label=label.strip(),
            scopes=tuple(dict.fromkeys(scopes)),
            created_at=datetime.now(UTC),
        )
        await self.store.create_credential(credential)
        if audited and self.audit is not None:
            await self.audit.record(
                actor, "credential.create", "credential", key, None, scopes=list(credential.scopes)
            )
        return NewCredential(credential, secret)

    async def revoke(self, key: str, actor: Principal | None = None) -> bool:
        revoked = await self.store.revoke_credential(key, datetime.now(UTC))
        if revoked and self.audit is not None:
            await self.audit.record(actor, "credential.revoke", "credential", key, None)
        return revoked

    async def last_uses(self, keys: list[str]) -> dict[str, datetime]:
        """When each credential last had a statement stored (keys never used are left
        out): one indexed look-up per key (``statements_credential``)."""
        found: dict[str, datetime] = {}
        for key in keys:
            rows = await self.store.read(
                "SELECT stored FROM statements WHERE credential = ? ORDER BY seq DESC LIMIT 1",
                key,
            )
            if rows:
                found[key] = from_micros(rows[0][0])
        return found

    def authority(self, credential: Credential) -> dict[str, Any]:
        return {
            "objectType": "Agent",
            "name": credential.label,
            "account": {"homePage": self.base_url, "name": credential.key},
        }

    async def authenticate(self, key: str, secret: str, client: str = "local") -> Client | None:
        """The client these are the key and secret of, or None; ``client`` is the address
        the request came from. Raises ``Throttled`` beyond the limits of wrong secrets."""
        if key.startswith(LEARNER_KEY_PREFIX):
            learner = await self.learners.authenticate(key, secret, client, datetime.now(UTC))
            if learner is None:
                return None
            return Client(
                key=key,
                label=LEARNER_LABEL,
                scopes=frozenset(LEARNER_SCOPES),
                authority={
                    "objectType": "Agent",
                    "name": LEARNER_LABEL,
                    "account": {"homePage": self.base_url, "name": key},
                },
                learner=learner,
            )
        credential = await self.store.get_credential(key)
        if credential is None or not credential.active:
            self.limits.failed_machine(client)
            return None
        subject = "xapi:" + key
        stored = credential.secret_hash
        if not await self.limits.check_machine_secret(client, subject, stored, secret):
            return None
        if is_legacy(stored):
            upgraded = hash_machine_secret(secret)
            if await self.store.replace_credential_hash(key, stored, upgraded):
                log.info("credential %s: secret hash upgraded from Argon2 to SHA-256", key)
        return Client(
            key=credential.key,
            label=credential.label,
            scopes=frozenset(credential.scopes),
            authority=self.authority(credential),
        )
