"""Statement comparison (Data 2.3.1): do two statements with one id say the same thing?

Differences the spec lists as exceptions to immutability are ignored: the properties the
LRS assigns (id, authority, stored, version), the serialisation of timestamps, Activity
definitions and Verb displays, the order of Group members, and the case of e-mail
addresses and ids.
"""

from __future__ import annotations

import re
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


def _normalise(value: Any, key: str | None = None) -> Any:
    if isinstance(value, list):
        items = [_normalise(item) for item in value]
        if key == "member":
            items.sort(key=repr)
        return items
    if not isinstance(value, dict):
        if key in ("timestamp",) and isinstance(value, str):
            return parse_timestamp(value)
        if key == "duration" and isinstance(value, str):
            return _hundredths(value)
        if key == "mbox" and isinstance(value, str):
            return value.lower()
        if key in ("registration",) and isinstance(value, str):
            return value.lower()
        return value
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k == "verb" and isinstance(v, dict):
            out[k] = {"id": v.get("id")}
        elif k == "object":
            obj = _activity(v)
            if isinstance(obj, dict) and obj.get("objectType") == "StatementRef":
                obj = {**obj, "id": str(obj.get("id")).lower()}
            out[k] = obj
        elif k == "contextActivities" and isinstance(v, dict):
            out[k] = {
                name: [_activity(a) for a in (acts if isinstance(acts, list) else [acts])]
                for name, acts in v.items()
            }
        elif k == "extensions":
            out[k] = v
        elif k == "objectType" and v in ("Agent", "Activity"):
            continue  # the default objectType is the same as no objectType
        else:
            out[k] = _normalise(v, k)
    return out


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
