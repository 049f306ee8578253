"""The identity providers and account rules, read from the TOML file that
``LRS_BRIDGE_SSO_CONFIG`` names (README, "Single sign-on"). Checked whole at start-up: a
mistake names the provider and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lrs_bridge.auth.access import Role

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
RULE_ROLES = (Role.COUNTY_ADMIN, Role.COORDINATOR)
"""What a rule may give a new account: national admins are made by an operator only."""


class SsoConfigError(ValueError):
    """The SSO file is missing or wrong; the message says where."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A new account for a person whose ``attribute`` has ``value`` (case-insensitively):
    exactly this role and place, nothing more."""

    attribute: str
    value: str
    role: Role
    county: str | None = None
    municipality: str | None = None

    def matches(self, attributes: dict[str, list[str]]) -> bool:
        wanted = self.value.casefold()
        return any(
            given.strip().casefold() == wanted for given in attributes.get(self.attribute, [])
        )


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    """In the service's URLs: /sso/NAME/…"""
    label: str
    """Shown on the log-in page: 'Logga in med LABEL'."""
    kind: Literal["oidc", "saml"]
    email: str
    """The claim (OIDC) or attribute (SAML) holding the person's e-mail address."""
    rules: tuple[Rule, ...] = ()
    create_accounts: bool = False
    # OIDC
    issuer: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: str = "openid email profile"
    # SAML
    idp_metadata: str = ""
    """A file path or an https:// (or http:// on loopback) URL."""
    sp_key: str = ""
    sp_cert: str = ""
    entity_id: str = ""
    """The service's SAML entity ID; default BASE_URL/sso/NAME/metadata."""


@dataclass(frozen=True, slots=True)
class SsoConfig:
    providers: tuple[Provider, ...] = ()
    contact: str = ""
    """Whom a person without an account should ask (shown on the refusal page)."""

    def provider(self, name: str) -> Provider | None:
        return next((p for p in self.providers if p.name == name), None)


def load_config(path: str) -> SsoConfig:
    if not path:
        return SsoConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SsoConfigError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise SsoConfigError(f"{path} is not TOML: {error}") from None
    return parse_config(data)


def parse_config(data: dict[str, Any]) -> SsoConfig:
    contact = data.get("contact", "")
    if not isinstance(contact, str):
        raise SsoConfigError("contact: must be text")
    raw = data.get("provider", [])
    if not isinstance(raw, list):
        raise SsoConfigError("provider: must be a list of [[provider]] tables")
    providers = tuple(_provider(item, index) for index, item in enumerate(raw))
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise SsoConfigError("provider: two providers have the same name")
    return SsoConfig(providers, contact)


def _text(item: dict[str, Any], where: str, key: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if value is None:
        raise SsoConfigError(f"{where}: {key} is missing")
    if not isinstance(value, str):
        raise SsoConfigError(f"{where}: {key} must be text")
    return value.strip()


def _provider(item: Any, index: int) -> Provider:
    where = f"provider {index + 1}"
    if not isinstance(item, dict):
        raise SsoConfigError(f"{where}: must be a table")
    name = _text(item, where, "name")
    if not _NAME.match(name):
        raise SsoConfigError(f"{where}: name must be lower-case letters, digits and -")
    where = f"provider {name!r}"
    kind = _text(item, where, "kind")
    if kind not in ("oidc", "saml"):
        raise SsoConfigError(f"{where}: kind must be oidc or saml")
    create = item.get("create_accounts", False)
    if not isinstance(create, bool):
        raise SsoConfigError(f"{where}: create_accounts must be true or false")
    rules = tuple(
        _rule(rule, f"{where} rule {n + 1}") for n, rule in enumerate(item.get("rule", []))
    )
    common: dict[str, Any] = {
        "name": name,
        "label": _text(item, where, "label"),
        "kind": kind,
        "rules": rules,
        "create_accounts": create,
    }
    if kind == "oidc":
        issuer = _text(item, where, "issuer").rstrip("/")
        _check_url(issuer, where, "issuer")
        return Provider(
            **common,
            email=_text(item, where, "email_claim", "email"),
            issuer=issuer,
            client_id=_text(item, where, "client_id"),
            client_secret=_text(item, where, "client_secret", ""),
            scopes=_text(item, where, "scopes", "openid email profile"),
        )
    metadata = _text(item, where, "idp_metadata")
    if metadata.startswith(("http://", "https://")):
        _check_url(metadata, where, "idp_metadata")
    return Provider(
        **common,
        email=_text(item, where, "email_attribute", "mail"),
        idp_metadata=metadata,
        sp_key=_text(item, where, "sp_key"),
        sp_cert=_text(item, where, "sp_cert"),
        entity_id=_text(item, where, "entity_id", ""),
    )


def _check_url(url: str, where: str, key: str) -> None:
    loopback = url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not (url.startswith("https://") or loopback):
        raise SsoConfigError(f"{where}: {key} must be an https:// URL")


def _rule(item: Any, where: str) -> Rule:
    from lrs_bridge.people.service import PeopleError, check_place

    if not isinstance(item, dict):
        raise SsoConfigError(f"{where}: must be a table")
    try:
        role = Role(_text(item, where, "role"))
    except ValueError:
        raise SsoConfigError(f"{where}: role must be county-admin or coordinator") from None
    if role not in RULE_ROLES:
        raise SsoConfigError(f"{where}: role must be county-admin or coordinator")
    county = _text(item, where, "county", "") or None
    municipality = _text(item, where, "municipality", "") or None
    try:
        county, municipality = check_place(role, county, municipality)
    except PeopleError as error:
        raise SsoConfigError(f"{where}: {error}") from None
    return Rule(
        _text(item, where, "attribute"), _text(item, where, "value"), role, county, municipality
    )
