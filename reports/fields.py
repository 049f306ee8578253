"""Reading fields of JSON-decoded input: each failure is a ``BadRequest`` naming the field
and the rule, in the form every error of the service has."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from statements.errors import BadRequest


def bad(path: str, rule: str, message: str) -> BadRequest:
    return BadRequest(f"{path}: {message}", [{"path": path, "rule": rule, "message": message}])


def require_object(data: Any, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise bad("$", "type", "must be a JSON object")
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise bad(
            unknown[0], "unknown_field", f"is not a field (fields: {', '.join(sorted(allowed))})"
        )
    return data


CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
"""C0 control characters (tab, CR and LF among them), DEL, and the Unicode line breaks: none
belongs in a one-line text (a name, a title, a course name), where they break e-mail
headers and spreadsheet cells, and hide text from the people who read the list."""

CONTROL_CHARACTER_MESSAGE = "must not contain control characters or line breaks"


def control_character(value: str) -> str | None:
    """The first control character or line break in ``value`` (None: it has none)."""
    found = CONTROL_CHARACTERS.search(value)
    return found.group() if found else None


def text_field(
    data: Mapping[str, Any], name: str, *, required: bool, max_length: int = 500
) -> str | None:
    """A one-line text: a string, stripped, at most ``max_length`` characters, without
    control characters or line breaks (rule ``control_character``)."""
    if name not in data or data[name] is None:
        if required:
            raise bad(name, "required", "is required")
        return None
    value = data[name]
    if not isinstance(value, str):
        raise bad(name, "type", "must be a string")
    value = value.strip()
    if required and not value:
        raise bad(name, "required", "must not be empty")
    if len(value) > max_length:
        raise bad(name, "max_length", f"must be at most {max_length} characters")
    if control_character(value) is not None:
        raise bad(name, "control_character", CONTROL_CHARACTER_MESSAGE)
    return value


def url_field(data: Mapping[str, Any], name: str, *, max_length: int = 2000) -> str | None:
    """A web address people follow (a course's): ``https:`` or ``http:`` with a host, so
    that a ``javascript:`` or ``data:`` link never reaches a page or an e-mail."""
    value = text_field(data, name, required=False, max_length=max_length)
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("https", "http") or not parts.netloc:
        raise bad(name, "url", "must be an https:// (or http://) address with a host")
    return value


def code_field(data: Mapping[str, Any], name: str, example: str) -> str | None:
    """A county or municipality code as given (None when absent or null): it must be a
    JSON string. A number is refused rather than read, so that ``1``, ``1.0`` and ``"01"``
    can never be decided on differently by the permission check and the storage; the
    caller normalises the string (``reports.places``)."""
    if name not in data or data[name] is None:
        return None
    value = data[name]
    if not isinstance(value, str):
        raise bad(name, "type", f"must be a string, e.g. {example!r}")
    return value


def string_list(data: Mapping[str, Any], name: str, *, required: bool) -> list[str] | None:
    if name not in data or data[name] is None:
        if required:
            raise bad(name, "required", "is required")
        return None
    value = data[name]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad(name, "type", "must be a list of strings")
    return [item.strip() for item in value]
