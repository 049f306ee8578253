"""People accounts and their personal API tokens.

A token reads ``lrsb_<id>_<secret>``: the public id finds the row, the 256-bit secret is
checked against its SHA-256 (``lrs_bridge.auth.hashing``; a token made before keeps its
Argon2 hash until its first right use, then gets the new form). The token's row and its
owner's are read on every request, so a token revoked or a person disabled (from the CLI,
in another process) stops working at once. Passwords are Argon2id; every check of one,
and every wrong secret, goes through the limits of ``lrs_bridge.auth.limits``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from lrs_bridge.auth.access import Principal, Role
from lrs_bridge.auth.hashing import hash_machine_secret, hash_password, is_legacy
from lrs_bridge.auth.limits import AuthLimits
from lrs_bridge.people.audit import AuditLog
from lrs_bridge.people.model import TOKEN_PREFIX, NewUser, PeopleStorage, TokenInfo, User
from reports import places

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;.]+$")
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{20,200}})$")


class PeopleError(ValueError):
    """A request about people that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class NewToken:
    info: TokenInfo
    token: str


@dataclass(frozen=True, slots=True)
class PasswordChange:
    """A password set: every session of the person ended; their API tokens revoked
    (``revoked``) or kept (``kept``), as asked."""

    user: User
    revoked: list[str]
    kept: list[str]


def check_place(
    role: Role, county: str | None, municipality: str | None
) -> tuple[str | None, str | None]:
    """The (county, municipality) a person of ``role`` belongs to, checked against the
    reference data; a coordinator's county follows from their municipality."""
    county = _county_code(county)
    municipality = _municipality_code(municipality)
    if role is Role.NATIONAL_ADMIN:
        if county or municipality:
            raise PeopleError("a national admin has no county or municipality")
        return None, None
    if role is Role.COUNTY_ADMIN:
        if municipality:
            raise PeopleError("a county admin has a county, not a municipality")
        if not county:
            raise PeopleError("a county admin needs --county")
        return county, None
    if municipality:
        if county and municipality[:2] != county:
            raise PeopleError(f"municipality {municipality} does not lie in county {county}")
        return municipality[:2], municipality
    if not county:
        raise PeopleError("a coordinator needs --county or --municipality")
    return county, None


def _county_code(county: str | None) -> str | None:
    county = county.strip() if county else None
    if county is None:
        return None
    found = places.county(county)
    if found is None:
        raise PeopleError(f"unknown county code {county!r} (two digits, e.g. 21)")
    return found.code


def _municipality_code(municipality: str | None) -> str | None:
    municipality = municipality.strip() if municipality else None
    if municipality is None:
        return None
    found = places.municipality(municipality)
    if found is None:
        raise PeopleError(f"unknown municipality code {municipality!r} (four digits, e.g. 2180)")
    return found.code


def check_email(email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 254:
        raise PeopleError(f"not an e-mail address: {email!r}")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return password


def parse_token(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token, else None."""
    match = _TOKEN.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


class PeopleService:
    def __init__(
        self, storage: PeopleStorage, audit: AuditLog, limits: AuthLimits | None = None
    ) -> None:
        self.storage = storage
        self.audit = audit
        self.limits = limits or AuthLimits()

    # --- accounts -----------------------------------------------------------------------

    async def create_user(
        self,
        email: str,
        role: Role | str,
        county: str | None = None,
        municipality: str | None = None,
        password: str | None = None,
        actor: Principal | None = None,
    ) -> User:
        try:
            role = Role(role)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise PeopleError(f"unknown role {role!r}; known: {known}") from None
        email = check_email(email)
        county, municipality = check_place(role, county, municipality)
        password_hash = None
        if password is not None:
            password_hash = await asyncio.to_thread(hash_password, check_password(password))
        try:
            user = await self.storage.create_user(
                NewUser(email, role, county, municipality, password_hash), datetime.now(UTC)
            )
        except ValueError as error:
            raise PeopleError(str(error)) from None
        await self.audit.record(
            actor, "user.create", "user", str(user.id), user.county, role=role.value
        )
        return user

    async def find_user(self, ref: str) -> User | None:
        """A person by user id or e-mail address."""
        ref = ref.strip()
        if ref.isdigit():
            return await self.storage.user_by_id(int(ref))
        return await self.storage.user_by_email(ref)

    async def list_users(self) -> list[User]:
        return await self.storage.list_users()

    async def disable_user(self, ref: str, actor: Principal | None = None) -> User:
        user = await self.find_user(ref)
        if user is None:
            raise PeopleError(f"no person {ref!r}")
        if not await self.storage.disable_user(user.id, datetime.now(UTC)):
            raise PeopleError(f"person {user.id} is disabled already")
        await self.audit.record(actor, "user.disable", "user", str(user.id), user.county)
        disabled = await self.storage.user_by_id(user.id)
        assert disabled is not None
        return disabled

    async def set_password(
        self,
        ref: str,
        password: str,
        actor: Principal | None = None,
        *,
        revoke_tokens: bool = False,
    ) -> PasswordChange:
        """Set a person's password, which ends every session of theirs; with
        ``revoke_tokens`` their API tokens are revoked too (say so to whoever asked)."""
        user = await self.find_user(ref)
        if user is None or not user.active:
            raise PeopleError(f"no active person {ref!r}")
        password_hash = await asyncio.to_thread(hash_password, check_password(password))
        await self.storage.set_password_hash(user.id, password_hash)
        revoked: list[str] = []
        if revoke_tokens:
            revoked = await self.storage.revoke_tokens_of(user.id, datetime.now(UTC))
        kept = [token.id for token in await self.storage.tokens_of(user.id) if token.active]
        await self.audit.record(
            actor,
            "user.password",
            "user",
            str(user.id),
            user.county,
            tokens_revoked=len(revoked),
            tokens_kept=len(kept),
        )
        return PasswordChange(user, revoked, kept)

    async def end_sessions(self, user_id: int) -> None:
        """End every session of the person, on every instance (the web log-out)."""
        await self.storage.end_sessions(user_id)

    async def verify_password(
        self, email: str, password: str, client: str = "local"
    ) -> User | None:
        """The person whose e-mail and password these are (for the web pages' log-in);
        ``client`` is the address the attempt comes from. Unknown, disabled and known
        addresses take the same time (a dummy hash is checked for the first two). Raises
        ``Throttled`` when the client may not try now."""
        key = email.strip().lower()
        user = await self.storage.user_by_email(key)
        password_hash = None
        if user is not None and user.active:
            password_hash = await self.storage.password_hash(user.id)
        if not await self.limits.check_password(client, key, password_hash, password):
            return None
        return user

    # --- tokens -------------------------------------------------------------------------

    async def issue_token(self, ref: str, actor: Principal | None = None) -> NewToken:
        """A new personal API token; the token itself is shown only now."""
        user = await self.find_user(ref)
        if user is None or not user.active:
            raise PeopleError(f"no active person {ref!r}")
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        secret_hash = hash_machine_secret(secret)
        now = datetime.now(UTC)
        await self.storage.add_token(token_id, user.id, secret_hash, now)
        await self.audit.record(actor, "token.create", "token", token_id, user.county, user=user.id)
        return NewToken(
            TokenInfo(token_id, user.id, now, None), f"{TOKEN_PREFIX}_{token_id}_{secret}"
        )

    async def tokens_of(self, user_id: int) -> list[TokenInfo]:
        return await self.storage.tokens_of(user_id)

    async def revoke_token(self, token_id: str, actor: Principal | None = None) -> TokenInfo:
        token_id = token_id.strip()
        parsed = parse_token(token_id)
        if parsed is not None:  # the whole token pasted: revoke it by its id
            token_id = parsed[0]
        revoked = await self.storage.revoke_token(token_id, datetime.now(UTC))
        if revoked is None:
            raise PeopleError(f"no active token {token_id!r}")
        owner = await self.storage.user_by_id(revoked.user_id)
        await self.audit.record(
            actor,
            "token.revoke",
            "token",
            token_id,
            owner.county if owner else None,
            user=revoked.user_id,
        )
        return revoked

    async def authenticate(self, token: str, client: str = "local") -> Principal | None:
        """The person a bearer token belongs to, or None (unknown, wrong, revoked,
        disabled); ``client`` is the address the request came from. Raises ``Throttled``
        beyond the limits of wrong tokens."""
        parsed = parse_token(token)
        if parsed is None:
            self.limits.failed_machine(client)
            return None
        token_id, secret = parsed
        check = await self.storage.token_check(token_id)
        if check is None or not check.active:
            self.limits.failed_machine(client)
            return None
        stored = check.secret_hash
        if not await self.limits.check_machine_secret(client, "token:" + token_id, stored, secret):
            log.info("a wrong secret for API token %s", token_id)
            return None
        if is_legacy(stored):
            await self.storage.replace_token_hash(token_id, stored, hash_machine_secret(secret))
        return check.user.principal()
