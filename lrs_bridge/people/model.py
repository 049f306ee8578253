"""People, their API tokens and the audit log: the records, and what storage must do."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lrs_bridge.auth.access import Principal, Role

TOKEN_PREFIX = "lrsb"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    role: Role
    county: str | None
    municipality: str | None
    created_at: datetime
    disabled_at: datetime | None = None
    has_password: bool = False
    session_generation: int = 0
    """Sessions issued in another generation are over (log-out, password change, disable)."""

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def principal(self) -> Principal:
        return Principal(self.id, self.role, self.county, self.municipality)


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    role: Role
    county: str | None
    municipality: str | None
    password_hash: str | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    user_id: int
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class PasswordLink:
    """A set-password link as stored: its owner, its secret's hash, when it ends."""

    id: str
    user_id: int
    secret_hash: str
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What one request needs to accept a token: its hash, and whether it and its owner
    are still active (read afresh on every request)."""

    secret_hash: str
    active: bool
    user: User


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    county: str | None
    details: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "county": self.county,
            "details": self.details,
        }


class PeopleStorage(abc.ABC):
    @abc.abstractmethod
    async def create_user(self, user: NewUser, now: datetime) -> User:
        """Insert a person; ``ValueError`` when the e-mail is taken (case-insensitively)."""

    @abc.abstractmethod
    async def user_by_id(self, user_id: int) -> User | None: ...

    @abc.abstractmethod
    async def user_by_email(self, email: str) -> User | None: ...

    @abc.abstractmethod
    async def password_hash(self, user_id: int) -> str | None: ...

    @abc.abstractmethod
    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Store a new password hash and end the person's sessions (a new generation)."""

    @abc.abstractmethod
    async def end_sessions(self, user_id: int) -> None:
        """End every session of the person (a new session generation)."""

    @abc.abstractmethod
    async def list_users(self) -> list[User]: ...

    @abc.abstractmethod
    async def disable_user(self, user_id: int, now: datetime) -> bool:
        """Disable a person, revoke their tokens and end their sessions; False if already
        disabled."""

    @abc.abstractmethod
    async def change_user(
        self, user_id: int, role: Role, county: str | None, municipality: str | None
    ) -> bool:
        """Give a person another role or place; False when there is no such person."""

    @abc.abstractmethod
    async def enable_user(self, user_id: int) -> bool:
        """Enable a disabled person again (their revoked tokens stay revoked); False if
        they were not disabled."""

    @abc.abstractmethod
    async def add_password_link(
        self, link_id: str, user_id: int, secret_hash: str, now: datetime, expires: datetime
    ) -> None:
        """Store a new set-password link; every earlier unused link of the person ends."""

    @abc.abstractmethod
    async def password_link(self, link_id: str) -> PasswordLink | None: ...

    @abc.abstractmethod
    async def use_password_link(
        self, link_id: str, password_hash: str, now: datetime
    ) -> int | None:
        """In one transaction: mark the link used if it is unused and unexpired and its
        person active, and set their password (ending their sessions); the person's id, or
        None when the link could not be used."""

    @abc.abstractmethod
    async def add_token(self, token_id: str, user_id: int, secret_hash: str, now: datetime) -> None:
        """Store a token's hash."""

    @abc.abstractmethod
    async def token_check(self, token_id: str) -> TokenCheck | None: ...

    @abc.abstractmethod
    async def replace_token_hash(self, token_id: str, old: str, new: str) -> bool:
        """Store ``new`` as the token's secret hash if it is still ``old`` (an upgrade of
        the hash's form on first use)."""

    @abc.abstractmethod
    async def revoke_tokens_of(self, user_id: int, now: datetime) -> list[str]:
        """Revoke every active token of the person; the ids revoked."""

    @abc.abstractmethod
    async def tokens_of(self, user_id: int) -> list[TokenInfo]: ...

    @abc.abstractmethod
    async def revoke_token(self, token_id: str, now: datetime) -> TokenInfo | None:
        """Revoke an active token; None when there is no such active token."""

    @abc.abstractmethod
    async def add_audit(
        self,
        at: datetime,
        actor_id: int | None,
        action: str,
        object_type: str,
        object_id: str | None,
        county: str | None,
        details: dict[str, Any],
        actor_county: str | None = None,
    ) -> int:
        """Append one audit entry; its id. ``county`` is the object's county,
        ``actor_county`` the county of the person who acted (None: national or operator)."""

    @abc.abstractmethod
    async def audit_entries(
        self, county: str | None, before: int | None, limit: int
    ) -> list[AuditEntry]:
        """Newest first; when ``county`` is given, only entries about its objects or by
        its people (an admin of another county acting there is seen by both)."""
