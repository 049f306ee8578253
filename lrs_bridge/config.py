"""Settings from the environment (prefix ``LRS_BRIDGE_``), validated at start-up.

Every setting is documented here, in its description; ``tests/test_docs.py`` checks the
README lists each one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LRS_BRIDGE_", extra="ignore")

    database_url: str = Field(
        "sqlite:///data/lrs-bridge.sqlite3",
        description="Where data is kept: sqlite:///PATH (default) or postgresql://…",
    )
    host: str = Field("127.0.0.1", description="Interface the HTTP server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port of the HTTP server.")
    public_url: str = Field(
        "",
        description="The service's public base URL (for authority and links); "
        "default http://HOST:PORT.",
    )
    max_statements_per_page: int = Field(
        500, ge=1, le=10_000, description="Most statements one GET returns (limit=0)."
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    max_attachment_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="Largest single attachment accepted (413)."
    )
    max_pending_writes: int = Field(
        2000, ge=1, description="Writes waiting for the store before new ones get 503."
    )
    max_write_wait: float = Field(
        2.0,
        gt=0,
        description="Seconds of the writer's work that may wait: statements beyond it "
        "get 503 + Retry-After at once instead of queueing.",
    )
    validation_processes: int = Field(
        -1,
        ge=-1,
        le=64,
        description="Helper processes that validate incoming statement batches beside the "
        "HTTP service, so that it uses more than one core: -1 = one fewer than the CPUs, "
        "0 = validate in the service's own process.",
    )
    default_xapi_version: Literal["2.0.0", "1.0.3"] = Field(
        "2.0.0",
        description="xAPI version named in answers to requests that name none "
        "(errors, /xapi/about): 2.0.0 or 1.0.3.",
    )
    smtp_host: str = Field("localhost", description="SMTP server for reminder e-mails.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP server port.")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="SMTP transport security: none, starttls or tls (implicit TLS)."
    )
    smtp_user: str = Field("", description="SMTP login name; empty for no login.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password.")
    mail_from: str = Field("noreply@localhost", description="Sender address of reminder e-mails.")
    mail_from_name: str = Field(
        "Valsäkerhetsutbildningen", description="Sender name of reminder e-mails."
    )
    reminder_window_hours: int = Field(
        72, ge=1, description="No one is reminded again within this many hours."
    )
    reminder_offsets_days: str = Field(
        "7,2",
        description="Automatic reminders this many days before a workshop's deadline "
        "(comma-separated; empty for none).",
    )
    launch_days_after_workshop: int = Field(
        30,
        ge=0,
        le=3650,
        description="Personal launch links work until this many days after the workshop's day.",
    )
    launch_credential_hours: int = Field(
        12,
        ge=1,
        le=720,
        description="A per-learner credential issued by a launch expires after this many "
        "hours (or when its link does, if sooner).",
    )
    remote_timeout_seconds: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Bridge: seconds to wait for an upstream or target LRS before a retry.",
    )
    remote_retry_first_seconds: float = Field(
        1.0, gt=0, description="Bridge: the first wait before a retry; it doubles each time."
    )
    remote_retry_max_seconds: float = Field(
        300.0, gt=0, description="Bridge: the longest wait between retries."
    )
    remote_pull_attempts: int = Field(
        6,
        ge=1,
        le=100,
        description="Bridge: tries of one upstream request before a pull stops with an error.",
    )
    session_secret: str = Field(
        "",
        repr=False,
        description="Key that signs the web pages' session cookies; set the same long "
        "random value on every instance (empty: a new key at each start, which logs "
        "everyone out on restart).",
    )
    session_hours: int = Field(
        8, ge=1, le=24 * 30, description="Hours a web log-in lasts without activity."
    )
    session_max_hours: int = Field(
        12,
        ge=1,
        le=24 * 30,
        description="Hours a web log-in lasts at most, however active (then log in again).",
    )
    secure_cookies: bool | None = Field(
        None,
        description="Mark session cookies Secure (sent over HTTPS only); unset: true when "
        "LRS_BRIDGE_PUBLIC_URL starts with https://.",
    )
    auth_concurrency: int = Field(
        2,
        ge=1,
        le=64,
        description="Most password (Argon2) checks run at once; about the number of CPU "
        "cores, each takes 64 MiB while it runs.",
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Proxies (comma-separated addresses or networks, or *) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed: the client address the "
        "authentication throttles count by. Empty: uvicorn's FORWARDED_ALLOW_IPS, else "
        "127.0.0.1.",
    )
    contact_email: str = Field(
        "",
        description="Where people report accessibility problems with the web pages "
        "(shown on the accessibility statement page).",
    )
    organisation: str = Field(
        "",
        description="The public body that runs the service, named on the accessibility "
        "statement (e.g. 'Valmyndigheten').",
    )
    sso_config: str = Field(
        "",
        description="Single sign-on: path of the TOML file naming the identity providers "
        "(OpenID Connect, SAML 2.0) and the rules for new accounts; empty for none.",
    )
    password_login: bool = Field(
        True,
        description="Whether the log-in page offers e-mail and password; false leaves only "
        "the identity providers of LRS_BRIDGE_SSO_CONFIG.",
    )
    # --- personal data (issue 16) ---
    erasure_mode: Literal["delete", "pseudonymise"] = Field(
        "delete",
        description="Erasure of a person: delete their statements, or pseudonymise them "
        "(ids and times kept, every agent that named them replaced by a random account).",
    )
    privacy_contact: str = Field(
        "",
        description="Whom participants contact about their personal data (the controller's "
        "data protection contact, e.g. 'dataskydd@val.se'), on the information page.",
    )
    retention_workshop_months: int = Field(
        12,
        ge=0,
        description="Retention: a workshop's participant list, progress, reminder log and its "
        "participants' statements are purged this many months after the workshop date "
        "(0: never).",
    )
    retention_unmatched_months: int = Field(
        6,
        ge=0,
        description="Retention: statements of learners who match no participant are purged "
        "this many months after they were stored (0: never).",
    )
    retention_audit_years: int = Field(
        3,
        ge=0,
        description="Retention: audit log entries are purged after this many years (0: never).",
    )
    retention_interval_hours: float = Field(
        24.0,
        gt=0,
        description="Retention: how often the service runs the purge (one instance at a time).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level: debug, info, warning, error."
    )
    secrets_key: str = Field(
        "",
        repr=False,
        description="Key(s) encrypting the bridge's source and target secrets at rest: "
        "comma-separated Fernet keys, the first encrypts, all decrypt.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgres:")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("secrets_key")
    @classmethod
    def _secrets_key(cls, value: str) -> str:
        from lrs_bridge.bridge.secrets import parse_keys

        parse_keys(value)  # ValueError naming the bad key
        return value

    @field_validator("sso_config")
    @classmethod
    def _sso_config(cls, value: str) -> str:
        from lrs_bridge.sso.config import load_config

        load_config(value)  # SsoConfigError (a ValueError) naming the provider and key
        return value

    @field_validator("reminder_offsets_days")
    @classmethod
    def _offsets(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() and int(part) > 0 for part in parts):
            raise ValueError("must be whole numbers of days, e.g. 7,2")
        return ",".join(parts)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value  # INFO as info

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def cookies_secure(self) -> bool:
        """Whether session cookies are Secure: as set, else by the public URL's scheme."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_url.lower().startswith("https://")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and ``overrides``; a bad one raises SettingsError."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = "LRS_BRIDGE_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
