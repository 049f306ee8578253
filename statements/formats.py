"""Statement output formats (Communication 2.1.3 ``format``): exact, ids and canonical.

``exact`` is the stored JSON untouched. ``ids`` keeps only what identifies Agents, Groups,
Activities and Verbs. ``canonical`` replaces Activity definitions with the LRS's canonical
ones when it has them and keeps one language in every language map, chosen by the
request's Accept-Language, map by map.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from statements.models.agents import IFI_KEYS

_LANGUAGE_MAPS = ("name", "description", "display")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges of an Accept-Language header, best first (RFC 2616 14.4)."""
    if not header:
        return []
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranges.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(ranges)]


def pick_language(language_map: Mapping[str, str], preferred: list[str]) -> dict[str, str]:
    """One entry of a language map: the first preferred range that matches, else the
    first entry (so a map is never emptied)."""
    if not language_map:
        return {}
    lowered = {key.lower(): key for key in language_map}
    for wanted in preferred:
        if wanted == "*":
            break
        for lower, key in lowered.items():
            if lower == wanted or lower.startswith(wanted + "-"):
                return {key: language_map[key]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _ids_actor(actor: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "objectType" in actor:
        out["objectType"] = actor["objectType"]
    for key in IFI_KEYS:
        if key in actor:
            out[key] = actor[key]
    if actor.get("objectType") == "Group" and not any(key in actor for key in IFI_KEYS):
        out["member"] = [_ids_actor(member) for member in actor.get("member") or ()]
    return out


def _ids_object(obj: dict[str, Any]) -> dict[str, Any]:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _ids_actor(obj)
    if kind == "SubStatement":
        return _ids_statement(obj)
    return obj


def _ids_context(context: dict[str, Any]) -> dict[str, Any]:
    out = dict(context)
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _ids_actor(out[key])
    if "contextActivities" in out:
        out["contextActivities"] = {
            name: [_ids_object(a) for a in (acts if isinstance(acts, list) else [acts])]
            for name, acts in out["contextActivities"].items()
        }
    if "contextAgents" in out:
        out["contextAgents"] = [
            {**item, "agent": _ids_actor(item["agent"])} for item in out["contextAgents"]
        ]
    if "contextGroups" in out:
        out["contextGroups"] = [
            {**item, "group": _ids_actor(item["group"])} for item in out["contextGroups"]
        ]
    return out


def _ids_statement(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    out["actor"] = _ids_actor(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _ids_object(statement["object"])
    if "authority" in out:
        out["authority"] = _ids_actor(out["authority"])
    if "context" in out:
        out["context"] = _ids_context(out["context"])
    return out


def _canonical_activity(
    activity: dict[str, Any],
    definitions: Callable[[str], dict[str, Any] | None],
    preferred: list[str],
) -> dict[str, Any]:
    definition = definitions(activity["id"]) or activity.get("definition")
    out = dict(activity)
    if definition is None:
        return out
    definition = dict(definition)
    for key in _LANGUAGE_MAPS:
        if key in definition:
            definition[key] = pick_language(definition[key], preferred)
    for key in _COMPONENT_LISTS:
        if key in definition:
            definition[key] = [
                {**c, "description": pick_language(c["description"], preferred)}
                if "description" in c
                else c
                for c in definition[key]
            ]
    out["definition"] = definition
    return out


def _canonical_statement(
    statement: dict[str, Any],
    definitions: Callable[[str], dict[str, Any] | None],
    preferred: list[str],
) -> dict[str, Any]:
    out = dict(statement)
    verb = dict(statement["verb"])
    if "display" in verb:
        verb["display"] = pick_language(verb["display"], preferred)
    out["verb"] = verb
    obj = statement["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _canonical_activity(obj, definitions, preferred)
    elif kind == "SubStatement":
        out["object"] = _canonical_statement(obj, definitions, preferred)
    context = statement.get("context")
    if context and "contextActivities" in context:
        out["context"] = {
            **context,
            "contextActivities": {
                name: [
                    _canonical_activity(a, definitions, preferred)
                    for a in (acts if isinstance(acts, list) else [acts])
                ]
                for name, acts in context["contextActivities"].items()
            },
        }
    return out


def activity_ids(statement: dict[str, Any]) -> set[str]:
    """Ids of the Activities a statement mentions (object, context, SubStatement)."""
    found: set[str] = set()
    obj = statement.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity" and "id" in obj:
        found.add(obj["id"])
    elif kind == "SubStatement":
        found |= activity_ids(obj)
    context_activities = (statement.get("context") or {}).get("contextActivities") or {}
    for value in context_activities.values():
        for activity in value if isinstance(value, list) else [value]:
            found.add(activity["id"])
    return found


def render(
    body: bytes,
    fmt: str,
    *,
    preferred_languages: list[str] | None = None,
    definitions: Callable[[str], dict[str, Any] | None] | None = None,
) -> bytes:
    """The statement JSON in the requested format."""
    if fmt == "exact":
        return body
    statement = orjson.loads(body)
    if fmt == "ids":
        return orjson.dumps(_ids_statement(statement))
    return orjson.dumps(
        _canonical_statement(statement, definitions or (lambda _: None), preferred_languages or [])
    )
