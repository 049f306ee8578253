"""Sessions in signed cookies (itsdangerous): who is logged in, their CSRF token and
language. Several instances serve the same person as long as they share
``LRS_BRIDGE_SESSION_SECRET``.

A session ends (security review 2026-12, finding 7):
- after ``LRS_BRIDGE_SESSION_HOURS`` without a request: the signature carries the time of
  the last answer, and every answer renews it;
- ``LRS_BRIDGE_SESSION_MAX_HOURS`` after the log-in, however active: the cookie carries
  when the person logged in (``issued``);
- at once, everywhere, on log-out, a password change or when the person is disabled: the
  cookie names the person's session generation (``users.session_generation``) and the
  page gate, which reads the person on every request anyway, refuses another one.

The cookie is HttpOnly, SameSite=Lax and Secure when the public URL is https (or as
``LRS_BRIDGE_SECURE_COOKIES`` says). Every form carries the session's CSRF token, and
every POST is checked against it (``check_csrf``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import dataclass, replace

import orjson
from itsdangerous import BadSignature, TimestampSigner
from starlette.requests import Request
from starlette.responses import Response

from reports.texts import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

COOKIE = "lrsb_session"


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    language: str = DEFAULT_LANGUAGE
    user_id: int | None = None
    generation: int = 0
    """The person's session generation when they logged in."""
    issued: int = 0
    """When they logged in (seconds since the epoch)."""
    sso: str = ""
    """Logged in through an identity provider: what single log-out needs there (its name,
    and for SAML the NameID and session index); empty after a password log-in."""

    def logged_in(self, user_id: int, generation: int, sso: str = "") -> Session:
        """After a log-in: a new CSRF token (the old one was seen before the log-in)."""
        return replace(
            self,
            user_id=user_id,
            csrf=secrets.token_urlsafe(32),
            generation=generation,
            issued=int(time.time()),
            sso=sso,
        )

    def logged_out(self) -> Session:
        return Session(csrf=secrets.token_urlsafe(32), language=self.language)


def new_session() -> Session:
    return Session(csrf=secrets.token_urlsafe(32))


class Sessions:
    def __init__(self, secret: str, hours: int, max_hours: int, secure: bool) -> None:
        if not secret:
            log.warning(
                "LRS_BRIDGE_SESSION_SECRET is not set: web log-ins last until the next "
                "restart and work on this instance only"
            )
            secret = secrets.token_urlsafe(48)
        self.signer = TimestampSigner(secret, salt="lrs-bridge.session")
        self.max_age = hours * 3600
        self.lifetime = max_hours * 3600
        self.secure = secure

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return new_session()
        try:
            data = orjson.loads(self.signer.unsign(raw, max_age=self.max_age))
            language = data.get("language")
            user_id = data.get("user_id")
            generation = data.get("gen", 0)
            issued = data.get("issued", 0)
            sso = data.get("sso", "")
            csrf = data["csrf"]
            if not isinstance(csrf, str) or language not in LANGUAGES:
                return new_session()
            if user_id is not None and not isinstance(user_id, int):
                return new_session()
            if not isinstance(generation, int) or not isinstance(issued, int):
                return new_session()
            if not isinstance(sso, str):
                return new_session()
            session = Session(csrf, language, user_id, generation, issued, sso)
            if user_id is not None and time.time() - issued > self.lifetime:
                return session.logged_out()  # the absolute lifetime is over
            return session
        except (BadSignature, ValueError, KeyError, TypeError, AttributeError):
            return new_session()

    def save(self, response: Response, session: Session) -> None:
        """Send the session back (every answer renews it, so the time limit counts from
        the person's last request)."""
        data: dict[str, object] = {
            "csrf": session.csrf,
            "language": session.language,
            "user_id": session.user_id,
        }
        max_age = self.max_age
        if session.user_id is not None:
            data["gen"] = session.generation
            data["issued"] = session.issued
            if session.sso:
                data["sso"] = session.sso
            left = session.issued + self.lifetime - int(time.time())
            max_age = max(0, min(max_age, left))
        value = self.signer.sign(orjson.dumps(data)).decode()
        response.set_cookie(
            COOKIE,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )


def check_csrf(session: Session, submitted: object) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(
        submitted.encode(), session.csrf.encode()
    )
