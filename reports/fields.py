"""Reading fields of JSON-decoded input: each failure is a ``BadRequest`` naming the field
and the rule, in the form every error of the service has."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def text_field(
    data: Mapping[str, Any], name: str, *, required: bool, max_length: int = 500
) -> str | None:
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
