"""Statements and SubStatements (Data 2.4)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from statements.models.activities import VOIDED, Activity, Verb
from statements.models.agents import Agent, Group
from statements.models.attachments import Attachment
from statements.models.base import VERSION_2, Timestamp, UUIDStr, XapiModel, spec_version
from statements.models.context import Context
from statements.models.discriminators import ActorField, object_tag
from statements.models.refs import StatementRef
from statements.models.results import Result

_VERSION_1 = re.compile(r"^1\.0(\.\d+)?$")
_VERSION_2 = re.compile(r"^2\.0(\.\d+)?$")


def _object_rules(statement: Any) -> None:
    """Context rules that depend on the object (Data 2.4.6): revision and platform only
    when the object is an Activity."""
    context = statement.context
    if context is not None and not isinstance(statement.object, Activity):
        for key in ("revision", "platform"):
            if getattr(context, key) is not None:
                raise PydanticCustomError(
                    "xapi_context",
                    "context '{key}' is allowed only when the object is an Activity",
                    {"key": key, "at": f"context.{key}"},
                )


class SubStatement(XapiModel):
    objectType: Literal["SubStatement"]
    actor: ActorField
    verb: Verb
    object: Annotated[
        Annotated[Activity, Tag("Activity")]
        | Annotated[Agent, Tag("Agent")]
        | Annotated[Group, Tag("Group")]
        | Annotated[StatementRef, Tag("StatementRef")],
        Discriminator(object_tag),
    ]
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    attachments: list[Attachment] | None = None

    @model_validator(mode="after")
    def _rules(self) -> SubStatement:
        _object_rules(self)
        return self


StatementObject = Annotated[
    Annotated[Activity, Tag("Activity")]
    | Annotated[Agent, Tag("Agent")]
    | Annotated[Group, Tag("Group")]
    | Annotated[StatementRef, Tag("StatementRef")]
    | Annotated[SubStatement, Tag("SubStatement")],
    Discriminator(object_tag),
]


class Statement(XapiModel):
    id: UUIDStr | None = None
    actor: ActorField
    verb: Verb
    object: StatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    stored: Timestamp | None = None
    authority: ActorField | None = None
    version: str | None = None
    attachments: list[Attachment] | None = None

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        pattern = _VERSION_2 if spec_version(info) == VERSION_2 else _VERSION_1
        if not (pattern.match(value) or _VERSION_1.match(value)):
            raise PydanticCustomError(
                "xapi_version", "'version' '{value}' is not supported", {"value": value}
            )
        return value

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: Agent | Group | None) -> Agent | Group | None:
        if isinstance(value, Group) and (
            value.ifi_count() != 0 or value.member is None or len(value.member) != 2
        ):
            raise PydanticCustomError(
                "xapi_authority",
                "a Group authority must be an anonymous Group of exactly two Agents (OAuth)",
            )
        return value

    @model_validator(mode="after")
    def _rules(self) -> Statement:
        _object_rules(self)
        if self.verb.id == VOIDED and not isinstance(self.object, StatementRef):
            raise PydanticCustomError(
                "xapi_voiding",
                "a voiding statement's object must be a StatementRef",
                {"at": "object"},
            )
        return self
