"""Statement comparison (Data 2.3.1): do two statements with one id say the same thing?

Differences the spec lists as exceptions to immutability are ignored: the properties the
LRS assigns (id, authority, stored, version), the serialisation of timestamps, Activity
definitions and Verb displays, the order of Group members, and the case of e-mail
addresses and ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from statements.models import parse_timestamp

_ASSIGNED = ("id", "authority", "stored", "version")
_SECONDS = re.compile(r"(\d+)\.(\d+)S$")


def _hundredths(duration: str) -> str:
    """Durations compare to 0.01 s (xAPI 2.0.0, 4.2.7): finer digits are cut, not rounded."""
    return _SECONDS.sub(lambda m: f"{m.group(1)}.{m.group(2)[:2].ljust(2, '0')}S", duration)


def _activity(value: Any) -> Any:
    if isinstance(value, dict) and value.get("objectType", "Activity") == "Activity":
        return {"objectType": "Activity", "id": value.get("id")}
    return _normalise(value)


_SCALARS: dict[str, Callable[[str], Any]] = {
    "timestamp": parse_timestamp,
    "duration": _hundredths,
    "mbox": str.lower,
    "registration": str.lower,
}
"""How a string under these keys is compared."""


def _normalise(value: Any, key: str | None = None) -> Any:
    if isinstance(value, list):
        items = [_normalise(item) for item in value]
        if key == "member":
            items.sort(key=repr)
        return items
    if isinstance(value, dict):
        return {
            k: _normalise_member(k, v)
            for k, v in value.items()
            # the default objectType is the same as no objectType
            if not (k == "objectType" and v in ("Agent", "Activity"))
        }
    rule = _SCALARS.get(key) if key is not None and isinstance(value, str) else None
    return rule(value) if rule is not None else value


def _normalise_member(key: str, value: Any) -> Any:
    """One member of an object, by its key."""
    if key == "verb" and isinstance(value, dict):
        return {"id": value.get("id")}
    if key == "object":
        obj = _activity(value)
        if isinstance(obj, dict) and obj.get("objectType") == "StatementRef":
            obj = {**obj, "id": str(obj.get("id")).lower()}
        return obj
    if key == "contextActivities" and isinstance(value, dict):
        return {
            name: [_activity(a) for a in (acts if isinstance(acts, list) else [acts])]
            for name, acts in value.items()
        }
    if key == "extensions":
        return value
    return _normalise(value, key)


def comparable(statement: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in statement.items() if k not in _ASSIGNED}
    result: dict[str, Any] = _normalise(body)
    return result


def same_statement(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if ("timestamp" in a) != ("timestamp" in b):
        # The LRS sets a missing timestamp to stored (Data 2.4.7): not a difference.
        a = {k: v for k, v in a.items() if k != "timestamp"}
        b = {k: v for k, v in b.items() if k != "timestamp"}
    return comparable(a) == comparable(b)
