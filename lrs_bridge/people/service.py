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
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lrs_bridge.auth.access import Principal, Role, may_manage_person
from lrs_bridge.auth.hashing import (
    hash_machine_secret,
    hash_password,
    is_legacy,
    verify_machine_secret,
)
from lrs_bridge.auth.limits import AuthLimits
from lrs_bridge.people.audit import AuditLog
from lrs_bridge.people.model import TOKEN_PREFIX, NewUser, PeopleStorage, TokenInfo, User
from reports import places
from reports.reminders import Email, Mailer, MailError, failure_kind
from reports.texts import long_datetime
from reports.texts import text as mail_text

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;.]+$")
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{20,200}})$")
_LINK = re.compile(r"^([0-9a-f]{16})\.([A-Za-z0-9_-]{20,200})$")
PASSWORD_LINK_HOURS = 72
"""How long a set-password link works (once)."""
STOCKHOLM = ZoneInfo("Europe/Stockholm")
APP_NAME = "lrs-bridge"


class PeopleError(ValueError):
    """A request about people that cannot be done; the message says why, ``field`` and
    ``rule`` name what was wrong (for the pages' and the API's per-field errors), and
    ``status`` is the HTTP status the API answers with."""

    def __init__(
        self, message: str, field: str = "$", rule: str = "invalid", status: int = 400
    ) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.status = status


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
            raise PeopleError(
                "a national admin has no county or municipality", "county", "national"
            )
        return None, None
    if role is Role.COUNTY_ADMIN:
        if municipality:
            raise PeopleError(
                "a county admin has a county, not a municipality", "municipality", "county_admin"
            )
        if not county:
            raise PeopleError("a county admin needs --county", "county", "required")
        return county, None
    if municipality:
        if county and municipality[:2] != county:
            raise PeopleError(
                f"municipality {municipality} does not lie in county {county}",
                "municipality",
                "outside_county",
            )
        return municipality[:2], municipality
    if not county:
        raise PeopleError("a coordinator needs --county or --municipality", "county", "required")
    return county, None


def _county_code(county: str | None) -> str | None:
    county = county.strip() if county else None
    if county is None:
        return None
    found = places.county(county)
    if found is None:
        raise PeopleError(
            f"unknown county code {county!r} (two digits, e.g. 21)", "county", "unknown"
        )
    return found.code


def _municipality_code(municipality: str | None) -> str | None:
    municipality = municipality.strip() if municipality else None
    if municipality is None:
        return None
    found = places.municipality(municipality)
    if found is None:
        raise PeopleError(
            f"unknown municipality code {municipality!r} (four digits, e.g. 2180)",
            "municipality",
            "unknown",
        )
    return found.code


def check_email(email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 254:
        raise PeopleError(f"not an e-mail address: {email!r}", "email", "email")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters", "password", "length"
        )
    return password


def parse_token(token: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed token, else None."""
    match = _TOKEN.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


def check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise PeopleError(f"unknown role {role!r}; known: {known}", "role", "unknown") from None


def check_reach(actor: Principal | None, role: Role, county: str | None) -> None:
    """The permission check for a person a request names in its body (the role and place
    to give them): 403 naming the field when the actor may not manage such a person (the
    operator at the command line, ``None``, may)."""
    if actor is not None and not may_manage_person(actor, role, county):
        field = "role" if role is not Role.COORDINATOR else "county"
        raise PeopleError(
            "outside your scope: you manage only your own county's coordinators",
            field,
            "scope",
            403,
        )


def parse_link(link: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed set-password link token, else None."""
    match = _LINK.match(link.strip())
    return (match.group(1), match.group(2)) if match else None


class PeopleService:
    def __init__(
        self,
        storage: PeopleStorage,
        audit: AuditLog,
        limits: AuthLimits | None = None,
        *,
        mailer: Mailer | None = None,
        base_url: str = "",
    ) -> None:
        self.storage = storage
        self.audit = audit
        self.limits = limits or AuthLimits()
        self.mailer = mailer
        self.base_url = base_url.rstrip("/")

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
        role = check_role(role)
        email = check_email(email)
        county, municipality = check_place(role, county, municipality)
        check_reach(actor, role, county)
        password_hash = None
        if password is not None:
            password_hash = await asyncio.to_thread(hash_password, check_password(password))
        try:
            user = await self.storage.create_user(
                NewUser(email, role, county, municipality, password_hash), datetime.now(UTC)
            )
        except ValueError as error:
            raise PeopleError(str(error), "email", "taken", 409) from None
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

    async def visible_users(self, actor: Principal) -> list[User]:
        """The people ``actor`` manages: everyone for a national admin, their county's
        coordinators for a county admin."""
        return [
            user
            for user in await self.storage.list_users()
            if may_manage_person(actor, user.role, user.county)
        ]

    async def managed_user(self, ref: str, actor: Principal | None) -> User:
        """The person ``ref`` if ``actor`` may manage them; one and the same 404 when there
        is no such person or they lie outside the actor's scope."""
        user = await self.find_user(ref)
        if user is None or (
            actor is not None and not may_manage_person(actor, user.role, user.county)
        ):
            raise PeopleError(f"no person {ref!r}", "user", "exists", 404)
        return user

    def _not_oneself(self, user: User, actor: Principal | None) -> None:
        if actor is not None and actor.user_id == user.id:
            raise PeopleError(
                "you cannot change your own role, place or access here", "user", "self", 409
            )

    async def change_user(
        self,
        ref: str,
        role: Role | str,
        county: str | None = None,
        municipality: str | None = None,
        actor: Principal | None = None,
    ) -> User:
        """Give a person another role or place (within the actor's reach, before and
        after)."""
        user = await self.managed_user(ref, actor)
        self._not_oneself(user, actor)
        role = check_role(role)
        county, municipality = check_place(role, county, municipality)
        check_reach(actor, role, county)
        await self.storage.change_user(user.id, role, county, municipality)
        changed = await self.storage.user_by_id(user.id)
        assert changed is not None
        fields = [
            name
            for name in ("role", "county", "municipality")
            if getattr(user, name) != getattr(changed, name)
        ]
        await self.audit.record(
            actor,
            "user.change",
            "user",
            str(user.id),
            changed.county,
            role=role.value,
            fields=fields,
        )
        return changed

    async def enable_user(self, ref: str, actor: Principal | None = None) -> User:
        user = await self.managed_user(ref, actor)
        self._not_oneself(user, actor)
        if not await self.storage.enable_user(user.id):
            raise PeopleError(f"person {user.id} is not disabled", "user", "enabled", 409)
        await self.audit.record(actor, "user.enable", "user", str(user.id), user.county)
        enabled = await self.storage.user_by_id(user.id)
        assert enabled is not None
        return enabled

    async def send_password_link(self, ref: str, actor: Principal | None = None) -> datetime:
        """E-mail the person a link to choose their password, single-use, working for
        ``PASSWORD_LINK_HOURS``; earlier unused links of theirs end. Nobody but the
        person ever sees the link; the audit log records that it was sent. When it
        expires."""
        user = await self.managed_user(ref, actor)
        if not user.active:
            raise PeopleError(f"person {user.id} is disabled", "user", "disabled", 409)
        if self.mailer is None:
            raise PeopleError("no mail server is configured", "user", "mail", 503)
        link_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = now + timedelta(hours=PASSWORD_LINK_HOURS)
        await self.storage.add_password_link(
            link_id, user.id, hash_machine_secret(secret), now, expires
        )
        local = expires.astimezone(STOCKHOLM)
        values = {
            "app": APP_NAME,
            "email": user.email,
            "link": f"{self.base_url}/password/{link_id}.{secret}",
            "expires": long_datetime(local, "sv"),
            "expires_en": long_datetime(local, "en"),
        }
        try:
            await self.mailer.send(
                Email(
                    to=user.email,
                    subject=mail_text("people.password_link.subject", "sv", **values),
                    body=mail_text("people.password_link.body", "sv", **values),
                )
            )
        except MailError as error:
            # The kind only: an SMTP answer may quote the address.
            log.warning(
                "set-password e-mail to user %d not sent (%s)", user.id, failure_kind(str(error))
            )
            raise PeopleError(
                "the mail server did not take the e-mail", "user", "mail", 502
            ) from None
        await self.audit.record(
            actor,
            "user.password_link",
            "user",
            str(user.id),
            user.county,
            link=link_id,
            hours=PASSWORD_LINK_HOURS,
        )
        return expires

    async def password_link_user(self, link: str, client: str = "local") -> User:
        """The person a set-password link is for, if it can still be used; raises
        ``PeopleError`` (404, rule ``link``) otherwise, the same for every reason."""
        parsed = parse_link(link)
        found = None
        if parsed is not None:
            found = await self.storage.password_link(parsed[0])
        user = await self.storage.user_by_id(found.user_id) if found else None
        if (
            parsed is None
            or found is None
            or not verify_machine_secret(found.secret_hash, parsed[1])
            or found.used_at is not None
            or found.expires_at <= datetime.now(UTC)
            or user is None
            or not user.active
        ):
            self.limits.failed_machine(client)
            raise PeopleError("this link is unknown, used or expired", "link", "link", 404)
        return user

    async def use_password_link(self, link: str, password: str, client: str = "local") -> User:
        """Set the password of the person of a set-password link, once; the link is then
        used up and every session of theirs ends."""
        user = await self.password_link_user(link, client)
        password_hash = await asyncio.to_thread(hash_password, check_password(password))
        parsed = parse_link(link)
        assert parsed is not None
        if (
            await self.storage.use_password_link(parsed[0], password_hash, datetime.now(UTC))
            is None
        ):
            raise PeopleError("this link is unknown, used or expired", "link", "link", 404)
        await self.audit.record(
            user.principal(), "user.password", "user", str(user.id), user.county, link=parsed[0]
        )
        changed = await self.storage.user_by_id(user.id)
        assert changed is not None
        return changed

    async def change_own_password(
        self, user_id: int, current: str, new: str, client: str = "local"
    ) -> User:
        """A person changes their own password: the current one must be right (throttled
        as a log-in), the new one follow the rules. Every session of theirs ends (the
        page gives the person a new one); their API tokens stay."""
        user = await self.storage.user_by_id(user_id)
        if user is None or not user.active:
            raise PeopleError("no active person", "user", "exists", 404)
        check_password(new)
        stored = await self.storage.password_hash(user.id)
        if not await self.limits.check_password(client, user.email.lower(), stored, current):
            raise PeopleError("the current password is wrong", "current", "wrong", 400)
        await self.set_password(str(user.id), new, user.principal())
        changed = await self.storage.user_by_id(user.id)
        assert changed is not None
        return changed

    async def revoke_own_token(self, user_id: int, token_id: str, actor: Principal) -> TokenInfo:
        """Revoke one of the person's own tokens (404 for anyone else's)."""
        mine = {t.id for t in await self.storage.tokens_of(user_id) if t.active}
        parsed = parse_token(token_id)
        wanted = parsed[0] if parsed else token_id.strip()
        if wanted not in mine:
            raise PeopleError(f"no active token {wanted!r}", "token", "exists", 404)
        return await self.revoke_token(wanted, actor)

    async def disable_user(self, ref: str, actor: Principal | None = None) -> User:
        user = await self.managed_user(ref, actor)
        self._not_oneself(user, actor)
        if not await self.storage.disable_user(user.id, datetime.now(UTC)):
            raise PeopleError(f"person {user.id} is disabled already", "user", "disabled", 409)
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
            raise PeopleError(f"no active person {ref!r}", "user", "exists", 404)
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
            raise PeopleError(f"no active person {ref!r}", "user", "exists", 404)
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
            raise PeopleError(f"no active token {token_id!r}", "token", "exists", 404)
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
