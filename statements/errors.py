"""Errors of the statements layer. ``lrs_bridge`` maps each to its HTTP status."""

from __future__ import annotations

from typing import Any


class XapiError(Exception):
    """Base class: ``status`` is the HTTP status the spec asks for."""

    status = 400

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(XapiError):
    status = 400


class Forbidden(XapiError):
    status = 403


class NotFound(XapiError):
    status = 404


class Conflict(XapiError):
    status = 409


class PreconditionFailed(XapiError):
    status = 412


class PayloadTooLarge(XapiError):
    status = 413


class Unavailable(XapiError):
    """The store cannot take the write now (overload, disk full, database locked)."""

    status = 503


def overloaded() -> Unavailable:
    """The refusal of a write the store has no room for (HTTP 503 with Retry-After)."""
    reason = "the service is at capacity; try again shortly"
    return Unavailable(reason, [{"path": "$", "rule": "overload", "message": reason}])
