"""xAPI client credentials: key/secret pairs whose secrets are stored only as Argon2 hashes.

Verifying Argon2 takes tens of milliseconds by design, far too slow to pay on every
statement. A verified (key, secret) is remembered in memory as a keyed BLAKE2 digest of
the secret, compared in constant time; the credential's row is still read on every request
(one indexed look-up), so a credential revoked from the CLI, in another process or on
another instance, stops working at once.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lrs_bridge.auth.scopes import check_scopes
from statements.storage.base import Credential, Store

_hasher = PasswordHasher()


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
    def __init__(self, store: Store, base_url: str) -> None:
        self.store = store
        self.base_url = base_url
        self._pepper = secrets.token_bytes(32)
        self._verified: dict[str, bytes] = {}

    def _digest(self, secret: str) -> bytes:
        return hashlib.blake2b(secret.encode(), key=self._pepper, digest_size=32).digest()

    async def create(self, label: str, scopes: list[str]) -> NewCredential:
        if not label.strip():
            raise ValueError("the label must not be empty")
        if not scopes:
            raise ValueError("give at least one scope")
        check_scopes(scopes)
        key = secrets.token_hex(10)
        secret = secrets.token_urlsafe(24)
        credential = Credential(
            key=key,
            secret_hash=_hasher.hash(secret),
            label=label.strip(),
            scopes=tuple(dict.fromkeys(scopes)),
            created_at=datetime.now(UTC),
        )
        await self.store.create_credential(credential)
        return NewCredential(credential, secret)

    async def revoke(self, key: str) -> bool:
        self._verified.pop(key, None)
        return await self.store.revoke_credential(key, datetime.now(UTC))

    def authority(self, credential: Credential) -> dict[str, Any]:
        return {
            "objectType": "Agent",
            "name": credential.label,
            "account": {"homePage": self.base_url, "name": credential.key},
        }

    async def authenticate(self, key: str, secret: str) -> Client | None:
        credential = await self.store.get_credential(key)
        if credential is None or not credential.active:
            self._verified.pop(key, None)
            return None
        digest = self._digest(secret)
        known = self._verified.get(key)
        if known is None or not hmac.compare_digest(known, digest):
            if not await asyncio.to_thread(_verify, credential.secret_hash, secret):
                return None
            self._verified[key] = digest
        return Client(
            key=credential.key,
            label=credential.label,
            scopes=frozenset(credential.scopes),
            authority=self.authority(credential),
        )


def _verify(secret_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
