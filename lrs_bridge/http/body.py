"""The JSON nesting limit of request bodies (``lrs_bridge.gate.read_body`` reads them within
their size limit).

multipart/mixed (xAPI attachments) is parsed by ``statements.multipart``: pure functions on
bytes, which the bridge's client uses on answers too."""

from __future__ import annotations

from typing import Any

from statements.errors import BadRequest

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects a JSON body may have. orjson parses up to 1024
levels but serialises only up to 254, so a deeper statement would be accepted and then
fail when stored; xAPI content never comes near this."""


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                push((child, depth + 1))
    return False


def _deep_path(value: Any, limit: int) -> str:
    """Where the JSON first goes deeper than ``limit`` (for the error only: slower)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "$")]
    while stack:
        item, depth, path = stack.pop()
        if depth > limit:
            return path
        if isinstance(item, dict):
            stack.extend((v, depth + 1, f"{path}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(item))
    return "$"


def check_depth(value: Any, source: bytes | None = None, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse (400, naming the path) JSON nested deeper than ``limit`` levels.

    ``source``, the bytes ``value`` was parsed from, lets the common case skip the walk:
    JSON with no more than ``limit`` opening brackets (in strings or not) cannot nest
    deeper than that, and counting bytes is far cheaper than walking every container."""
    if source is not None and source.count(b"[") + source.count(b"{") <= limit:
        return
    if (type(value) is dict or type(value) is list) and _too_deep(value, limit):
        message = f"the JSON is nested more than {limit} levels deep"
        where = _deep_path(value, limit)
        raise BadRequest(message, [{"path": where, "rule": "max_depth", "message": message}])
