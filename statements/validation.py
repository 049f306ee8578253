"""The one validation layer for incoming statements: JSON shape → pydantic models.

Errors come back as ``BadRequest`` whose details name the JSON path and the rule, e.g.
``{"path": "actor.mbox", "rule": "xapi_mailto", "message": "must be a mailto IRI …"}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from statements.errors import BadRequest
from statements.models import Statement
from statements.models.discriminators import ACTOR_TAGS, OBJECT_TAGS

_TAGS = ACTOR_TAGS | OBJECT_TAGS


def format_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _TAGS or part == "[key]":
            continue  # the union member pydantic tried, or a bad map key: not JSON path
        else:
            path += f".{part}" if path else part
    return path or "$"


def _details(error: ValidationError, prefix: str) -> list[dict[str, Any]]:
    details = []
    for item in error.errors(include_url=False):
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if item["type"] == "extra_forbidden":
            message = "is not a property the xAPI specification allows here"
        elif item["type"] == "union_tag_not_found" or item["type"] == "union_tag_invalid":
            message = "has an unknown or misplaced 'objectType'"
        rule = item["type"]
        if rule in ("union_tag_not_found", "union_tag_invalid"):
            rule = "xapi_object_type"
        loc = item["loc"]
        # A model-level rule about one property says which one in its context ("at"),
        # so the path points at the property (``actor.name``), not at its parent.
        at = (item.get("ctx") or {}).get("at")
        if isinstance(at, str):
            loc = (*loc, *at.split("."))
        details.append({"path": format_path(loc, prefix), "rule": rule, "message": message})
    return details


def validate_statement(data: Any, version: str, path: str = "") -> Statement:
    """Validate one statement (already parsed from JSON) against ``version`` of the spec."""
    if not isinstance(data, dict):
        raise BadRequest(
            "a statement must be a JSON object",
            [{"path": path or "$", "rule": "type", "message": "must be a JSON object"}],
        )
    try:
        return Statement.model_validate(data, context={"version": version})
    except ValidationError as error:
        details = _details(error, path)
        first = details[0]
        raise BadRequest(
            f"invalid statement: {first['path']} {first['message']}", details
        ) from None


def validate_statements(items: list[Any], version: str, *, batch: bool = True) -> list[Statement]:
    """Validate a batch; every bad statement is reported, and none is accepted.

    Paths start with the statement's index (``[2].actor.mbox``) when the client sent a
    JSON array (``batch``), and at the statement itself when it sent one object.
    """
    models: list[Statement] = []
    details: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            models.append(validate_statement(item, version, f"[{index}]" if batch else ""))
        except BadRequest as error:
            details.extend(error.details)
    if details:
        first = details[0]
        raise BadRequest(f"invalid statement: {first['path']} {first['message']}", details)
    return models
