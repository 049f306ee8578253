"""Verbs and Activities (Data 2.4.3, 2.4.4.1)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from statements.models.base import IRI, IRL, Extensions, LanguageMap, XapiModel

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

InteractionType = Literal[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
]
# Which component lists each interaction type may carry (Data 2.4.4.1, Interaction Components).
_COMPONENTS_ALLOWED: dict[str, frozenset[str]] = {
    "choice": frozenset({"choices"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
}
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


class Verb(XapiModel):
    id: IRI
    display: LanguageMap | None = None


class InteractionComponent(XapiModel):
    id: str
    description: LanguageMap | None = None

    @model_validator(mode="after")
    def _id_not_empty(self) -> InteractionComponent:
        if not self.id:
            raise PydanticCustomError("xapi_component", "an interaction component id is empty")
        return self


class ActivityDefinition(XapiModel):
    name: LanguageMap | None = None
    description: LanguageMap | None = None
    type: IRI | None = None
    moreInfo: IRL | None = None
    extensions: Extensions | None = None
    interactionType: InteractionType | None = None
    correctResponsesPattern: list[str] | None = None
    choices: list[InteractionComponent] | None = None
    scale: list[InteractionComponent] | None = None
    source: list[InteractionComponent] | None = None
    target: list[InteractionComponent] | None = None
    steps: list[InteractionComponent] | None = None

    @model_validator(mode="after")
    def _interaction_rules(self) -> ActivityDefinition:
        present = {key for key in _COMPONENT_LISTS if getattr(self, key) is not None}
        if (present or self.correctResponsesPattern is not None) and not self.interactionType:
            raise PydanticCustomError(
                "xapi_interaction",
                "interaction properties need 'interactionType'",
            )
        if self.interactionType:
            allowed = _COMPONENTS_ALLOWED.get(self.interactionType, frozenset())
            extra = present - allowed
            if extra:
                raise PydanticCustomError(
                    "xapi_interaction",
                    "interactionType {type!r} does not allow {keys}",
                    {"type": self.interactionType, "keys": ", ".join(sorted(extra))},
                )
        for key in present:
            ids = [component.id for component in getattr(self, key)]
            if len(ids) != len(set(ids)):
                raise PydanticCustomError(
                    "xapi_interaction", "ids in '{key}' must be unique", {"key": key}
                )
        return self


class Activity(XapiModel):
    objectType: Literal["Activity"] | None = None
    id: IRI
    definition: ActivityDefinition | None = None
