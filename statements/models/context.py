"""Context (Data 2.4.6), with the 2.0.0 contextAgents and contextGroups."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from statements.models.activities import Activity
from statements.models.agents import Agent, Group
from statements.models.base import (
    IRI,
    VERSION_2,
    Extensions,
    LanguageTag,
    UUIDStr,
    XapiModel,
    spec_version,
)
from statements.models.discriminators import ActorField
from statements.models.refs import StatementRef


def _one_or_many(value: Any) -> Any:
    """A context activity list may be given as a single Activity (Data 2.4.6.2)."""
    return [value] if isinstance(value, dict) else value


ActivityList = Annotated[list[Activity], BeforeValidator(_one_or_many)]


class ContextActivities(XapiModel):
    parent: ActivityList | None = None
    grouping: ActivityList | None = None
    category: ActivityList | None = None
    other: ActivityList | None = None


def _not_empty(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("'relevantTypes' must not be empty")
    return value


RelevantTypes = Annotated[list[IRI], AfterValidator(_not_empty)]


class ContextAgent(XapiModel):
    objectType: Literal["contextAgent"]
    agent: Agent
    relevantTypes: RelevantTypes | None = None


class ContextGroup(XapiModel):
    objectType: Literal["contextGroup"]
    group: Group
    relevantTypes: RelevantTypes | None = None


def _only_in_2(value: Any, info: ValidationInfo) -> Any:
    if spec_version(info) != VERSION_2:
        raise PydanticCustomError(
            "xapi_version_2_only", "'{field}' exists only in xAPI 2.0.0", {"field": info.field_name}
        )
    return value


class Context(XapiModel):
    registration: UUIDStr | None = None
    instructor: ActorField | None = None
    team: Group | None = None
    contextActivities: ContextActivities | None = None
    revision: str | None = None
    platform: str | None = None
    language: LanguageTag | None = None
    statement: StatementRef | None = None
    extensions: Extensions | None = None
    contextAgents: list[ContextAgent] | None = None
    contextGroups: list[ContextGroup] | None = None

    @field_validator("contextAgents", "contextGroups", mode="before")
    @classmethod
    def _version_2_only(cls, value: Any, info: ValidationInfo) -> Any:
        return _only_in_2(value, info)
