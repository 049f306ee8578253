"""Sessions in signed cookies (itsdangerous): who is logged in, their CSRF token and
language. Nothing is kept on the server, so several instances serve the same person as
long as they share ``LRS_BRIDGE_SESSION_SECRET``.

The cookie is HttpOnly, SameSite=Lax and (with ``LRS_BRIDGE_SECURE_COOKIES``) Secure; its
signature carries a timestamp, so a cookie older than ``LRS_BRIDGE_SESSION_HOURS`` since
the person's last request is refused. Every form carries the session's CSRF token, and
every POST is checked against it (``check_csrf``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
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

    def logged_in(self, user_id: int) -> Session:
        """After a log-in: a new CSRF token (the old one was seen before the log-in)."""
        return replace(self, user_id=user_id, csrf=secrets.token_urlsafe(32))

    def logged_out(self) -> Session:
        return Session(csrf=secrets.token_urlsafe(32), language=self.language)


def new_session() -> Session:
    return Session(csrf=secrets.token_urlsafe(32))


class Sessions:
    def __init__(self, secret: str, hours: int, secure: bool) -> None:
        if not secret:
            log.warning(
                "LRS_BRIDGE_SESSION_SECRET is not set: web log-ins last until the next "
                "restart and work on this instance only"
            )
            secret = secrets.token_urlsafe(48)
        self.signer = TimestampSigner(secret, salt="lrs-bridge.session")
        self.max_age = hours * 3600
        self.secure = secure

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return new_session()
        try:
            data = orjson.loads(self.signer.unsign(raw, max_age=self.max_age))
            language = data.get("language")
            user_id = data.get("user_id")
            csrf = data["csrf"]
            if not isinstance(csrf, str) or language not in LANGUAGES:
                return new_session()
            if user_id is not None and not isinstance(user_id, int):
                return new_session()
            return Session(csrf=csrf, language=language, user_id=user_id)
        except (BadSignature, ValueError, KeyError, TypeError, AttributeError):
            return new_session()

    def save(self, response: Response, session: Session) -> None:
        """Send the session back (every answer renews it, so the time limit counts from
        the person's last request)."""
        data = {"csrf": session.csrf, "language": session.language, "user_id": session.user_id}
        value = self.signer.sign(orjson.dumps(data)).decode()
        response.set_cookie(
            COOKIE,
            value,
            max_age=self.max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )


def check_csrf(session: Session, submitted: object) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(
        submitted.encode(), session.csrf.encode()
    )
