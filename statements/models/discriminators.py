"""Tagged unions for the places where the spec lets objectType choose the model.

A callable discriminator keeps pydantic's error paths short ("object.id", not
"object.function-after[...]") and picks the default the spec gives when objectType is
missing: Agent for actors, Activity for statement objects.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Tag

from statements.models.agents import Agent, Group

ACTOR_TAGS = frozenset({"Agent", "Group"})
OBJECT_TAGS = frozenset({"Activity", "Agent", "Group", "StatementRef", "SubStatement"})


def actor_tag(value: Any) -> str:
    if isinstance(value, dict):
        return "Group" if value.get("objectType") == "Group" else "Agent"
    return "Agent"


def object_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("objectType", "Activity")
        return kind if isinstance(kind, str) and kind in OBJECT_TAGS else None
    return "Activity"


ActorField = Annotated[
    Annotated[Agent, Tag("Agent")] | Annotated[Group, Tag("Group")],
    Discriminator(actor_tag),
]
