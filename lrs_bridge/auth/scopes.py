"""xAPI scopes (Communication 4.2) and the permission each route needs: one table, one place.

A route names a permission; ``SCOPES_GRANTING`` says which scopes grant it. ``all`` grants
everything; ``all/read`` every read.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    STATEMENTS_WRITE = "statements:write"
    STATEMENTS_READ = "statements:read"
    STATE_READ = "state:read"
    STATE_WRITE = "state:write"
    PROFILE_READ = "profile:read"
    PROFILE_WRITE = "profile:write"
    DEFINITIONS_READ = "definitions:read"


XAPI_SCOPES = (
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "all/read",
    "all",
    "state",
    "profile",
    "define",
)

SCOPES_GRANTING: dict[Permission, frozenset[str]] = {
    Permission.STATEMENTS_WRITE: frozenset({"statements/write", "all"}),
    Permission.STATEMENTS_READ: frozenset(
        {"statements/read", "statements/read/mine", "all/read", "all"}
    ),
    Permission.STATE_READ: frozenset({"state", "all/read", "all"}),
    Permission.STATE_WRITE: frozenset({"state", "all"}),
    Permission.PROFILE_READ: frozenset({"profile", "all/read", "all"}),
    Permission.PROFILE_WRITE: frozenset({"profile", "all"}),
    Permission.DEFINITIONS_READ: frozenset(
        {"statements/read", "all/read", "all", "profile", "define", "state"}
    ),
}


def only_own_statements(scopes: frozenset[str]) -> bool:
    """True when the credential may read only the statements it stored itself."""
    return "statements/read/mine" in scopes and not scopes & {"statements/read", "all/read", "all"}


def may_read_all_statements(scopes: frozenset[str]) -> bool:
    """True when the credential may read every statement, and so the names in them."""
    return bool(scopes & {"statements/read", "all/read", "all"})


def reads_every_clients_documents(scopes: frozenset[str]) -> bool:
    """May the credential read every client's State and profile documents? The ``state``
    and ``profile`` scopes reach only the documents the credential wrote itself
    (Communication 4.2: "limited to Activities and Actors associated with the current
    token"); ``all`` and ``all/read`` are unrestricted."""
    return bool(scopes & {"all/read", "all"})


def changes_every_clients_documents(scopes: frozenset[str]) -> bool:
    """May the credential change and delete every client's documents (``all`` only)?"""
    return "all" in scopes


def may_void_any_statement(scopes: frozenset[str]) -> bool:
    """May the credential void statements another credential (or source) stored? Only
    ``all``: everyone else voids only what it stored itself."""
    return "all" in scopes


def may_define(scopes: frozenset[str]) -> bool:
    """May statements from this credential update the LRS's canonical definitions?"""
    return bool(scopes & {"define", "all"})


def check_scopes(requested: list[str]) -> list[str]:
    unknown = [scope for scope in requested if scope not in XAPI_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}; known: {', '.join(XAPI_SCOPES)}")
    return requested
