"""Turn a validated statement into what the store writes: its body and its index keys.

The index keys make every query parameter of the Statement resource an index look-up
(Communication 2.1.3): ``agent`` matches the actor, an Agent/Group object and the members
of a Group; ``related_agents`` adds authority, instructor, team, 2.0.0 context agents and
groups, and the same inside a SubStatement; ``activity`` matches an Activity object;
``related_activities`` adds context activities and a SubStatement's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from statements.identity import keys_of_actor
from statements.models import VOIDED


class IndexKind(IntEnum):
    AGENT = 1
    AGENT_RELATED = 2
    ACTIVITY = 3
    ACTIVITY_RELATED = 4
    VERB = 5
    REGISTRATION = 6


@dataclass(slots=True)
class PreparedStatement:
    id: str
    """Lower-cased statement id, the key for idempotency and look-ups."""
    body: dict[str, Any]
    """The statement as stored, without ``stored`` (the store sets it when it commits)."""
    verb: str
    registration: str | None
    voids: str | None
    ref: str | None
    index: set[tuple[int, str]]
    credential: str | None = None
    source: str | None = None
    origin_stored: int | None = None
    define: bool = False
    """May this statement's activity definitions update the canonical ones (scope define)?"""
    void_any: bool = False
    """May this (voiding) statement void statements another credential or source stored?"""
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    """(sha2, content type, bytes) of attachment parts sent with the statement."""


def _context_agents(context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("instructor", "team"):
        if isinstance(context.get(key), dict):
            yield context[key]
    for item in context.get("contextAgents") or ():
        yield item["agent"]
    for item in context.get("contextGroups") or ():
        yield item["group"]


def _context_activities(context: dict[str, Any]) -> Iterator[str]:
    activities = context.get("contextActivities") or {}
    for key in ("parent", "grouping", "category", "other"):
        value = activities.get(key)
        if isinstance(value, dict):
            value = [value]
        for activity in value or ():
            yield activity["id"]


def _object_kind(obj: dict[str, Any]) -> str:
    return str(obj.get("objectType", "Activity"))


def index_keys(body: dict[str, Any]) -> set[tuple[int, str]]:
    keys: set[tuple[int, str]] = set()

    def agents(kind: IndexKind, actor: dict[str, Any]) -> None:
        for key in keys_of_actor(actor):
            keys.add((kind, key))

    obj = body["object"]
    context = body.get("context") or {}
    agents(IndexKind.AGENT, body["actor"])
    if _object_kind(obj) in ("Agent", "Group"):
        agents(IndexKind.AGENT, obj)
    elif _object_kind(obj) == "Activity":
        keys.add((IndexKind.ACTIVITY, obj["id"]))
    keys.update((IndexKind.AGENT_RELATED, v) for k, v in list(keys) if k == IndexKind.AGENT)
    keys.update((IndexKind.ACTIVITY_RELATED, v) for k, v in list(keys) if k == IndexKind.ACTIVITY)
    for actor in _context_agents(context):
        agents(IndexKind.AGENT_RELATED, actor)
    if isinstance(body.get("authority"), dict):
        agents(IndexKind.AGENT_RELATED, body["authority"])
    for activity_id in _context_activities(context):
        keys.add((IndexKind.ACTIVITY_RELATED, activity_id))
    if _object_kind(obj) == "SubStatement":
        keys.update(_substatement_keys(obj))
    keys.add((IndexKind.VERB, body["verb"]["id"]))
    registration = context.get("registration")
    if registration:
        keys.add((IndexKind.REGISTRATION, str(registration).lower()))
    return keys


def _substatement_keys(sub: dict[str, Any]) -> set[tuple[int, str]]:
    """What a SubStatement adds to its statement's keys: its agents and activities, all as
    related ones."""
    keys: set[tuple[int, str]] = {
        (IndexKind.AGENT_RELATED, key) for key in keys_of_actor(sub["actor"])
    }
    sub_object = sub["object"]
    if _object_kind(sub_object) in ("Agent", "Group"):
        keys.update((IndexKind.AGENT_RELATED, key) for key in keys_of_actor(sub_object))
    elif _object_kind(sub_object) == "Activity":
        keys.add((IndexKind.ACTIVITY_RELATED, sub_object["id"]))
    sub_context = sub.get("context") or {}
    for actor in _context_agents(sub_context):
        keys.update((IndexKind.AGENT_RELATED, key) for key in keys_of_actor(actor))
    for activity_id in _context_activities(sub_context):
        keys.add((IndexKind.ACTIVITY_RELATED, activity_id))
    return keys


def _arrays_of_context_activities(context: dict[str, Any]) -> dict[str, Any]:
    """Data 2.4.6.2: every contextActivities value is returned as an array."""
    activities = context.get("contextActivities")
    if not isinstance(activities, dict) or not any(
        isinstance(value, dict) for value in activities.values()
    ):
        return context
    fixed = {k: [v] if isinstance(v, dict) else v for k, v in activities.items()}
    return {**context, "contextActivities": fixed}


def prepare(
    body: dict[str, Any],
    *,
    authority: dict[str, Any] | None,
    version: str,
    credential: str | None,
    source: str | None = None,
    origin_stored: int | None = None,
    index: set[tuple[int, str]] | None = None,
) -> PreparedStatement:
    """Complete a validated statement as the LRS must (id, authority, version) and index it.

    ``body`` is the client's JSON object; it is copied, never changed in place. With
    ``authority`` None the statement's own authority is kept (statements pulled from
    another LRS keep the origin's authority). ``index``: its index keys, when they were
    computed already (by a validation helper, ``statements.validation_pool``).
    """
    stored_body = dict(body)
    stored_body.pop("stored", None)
    if "id" not in stored_body:
        stored_body["id"] = str(uuid.uuid4())
    if authority is not None:
        stored_body["authority"] = authority
    if "version" not in stored_body:
        stored_body["version"] = version
    if isinstance(stored_body.get("context"), dict):
        stored_body["context"] = _arrays_of_context_activities(stored_body["context"])
    sub = stored_body["object"]
    if _object_kind(sub) == "SubStatement" and isinstance(sub.get("context"), dict):
        stored_body["object"] = {**sub, "context": _arrays_of_context_activities(sub["context"])}
    obj = stored_body["object"]
    ref = str(obj["id"]).lower() if _object_kind(obj) == "StatementRef" else None
    registration = (stored_body.get("context") or {}).get("registration")
    return PreparedStatement(
        id=str(stored_body["id"]).lower(),
        body=stored_body,
        verb=stored_body["verb"]["id"],
        registration=str(registration).lower() if registration else None,
        voids=ref if stored_body["verb"]["id"] == VOIDED else None,
        ref=ref,
        index=index_keys(stored_body) if index is None else index,
        credential=credential,
        source=source,
        origin_stored=origin_stored,
    )
