"""How secrets are kept: Argon2id for people's passwords, SHA-256 for machine secrets.

A person's password is chosen by a human and may be guessed from a dictionary, so it is
kept as an Argon2id hash (memory-hard: 64 MiB and ~0.1-0.3 CPU-seconds per check).

Machine secrets are made by this service from ``secrets``: an xAPI credential's secret has
192 random bits, a personal API token's 256. Nobody guesses a 192-bit value, online or
offline, however fast the hash, so a memory-hard hash buys nothing and costs 64 MiB and a
CPU-share per request, which an unauthenticated flood of wrong secrets could multiply
(security review 2026-12, finding 4). They are kept as ``sha256$<hex>``: SHA-256 of the
secret, compared in constant time. There is deliberately no pepper (server-side key):
it would add nothing against a 192-bit secret, every instance would have to share it, and
losing it would lock out every client at once with no way back but issuing new secrets.

Hashes made before (Argon2id for machine secrets too) keep working: ``is_legacy`` tells
them apart, the caller verifies them with Argon2 once and stores the new form
(``upgrade on first use``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
"""Argon2id with argon2-cffi's defaults (RFC 9106's second recommendation: m=64 MiB,
t=3, p=4). Tests swap it for cheap parameters."""

MACHINE_PREFIX = "sha256$"


def hash_password(password: str) -> str:
    """An Argon2id hash of a person's password (slow: run it in a thread)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches an Argon2 hash (slow: run it in a thread, under the
    cap of ``lrs_bridge.auth.limits``)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: tuple[PasswordHasher, str] | None = None


def dummy_password_hash() -> str:
    """An Argon2 hash (same parameters as real ones) of a random password nobody knows:
    verified instead of a real one for an unknown or disabled person, or one without a
    password, so their log-in takes as long as a known person's."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def hash_machine_secret(secret: str) -> str:
    """The stored form of a secret this service generated (192 bits or more)."""
    return MACHINE_PREFIX + hashlib.sha256(secret.encode()).hexdigest()


def is_legacy(secret_hash: str) -> bool:
    """An Argon2 hash of a machine secret, from before SHA-256 (verify it with
    ``verify_password`` once, then store ``hash_machine_secret``)."""
    return not secret_hash.startswith(MACHINE_PREFIX)


def verify_machine_secret(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` matches a ``sha256$`` hash, in constant time (cheap)."""
    if is_legacy(secret_hash):
        raise ValueError("an Argon2 hash: verify it with verify_password")
    return hmac.compare_digest(hash_machine_secret(secret).encode(), secret_hash.encode())
