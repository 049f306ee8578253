"""Pydantic models of the xAPI data model, one module per section of the spec."""

from statements.models.activities import VOIDED, Activity, ActivityDefinition, Verb
from statements.models.agents import Account, Agent, Group
from statements.models.attachments import SIGNATURE_USAGE, Attachment
from statements.models.base import VERSION_1, VERSION_2, parse_timestamp
from statements.models.context import Context
from statements.models.refs import StatementRef
from statements.models.results import Result, Score
from statements.models.statements import Statement, SubStatement

__all__ = [
    "SIGNATURE_USAGE",
    "VERSION_1",
    "VERSION_2",
    "VOIDED",
    "Account",
    "Activity",
    "ActivityDefinition",
    "Agent",
    "Attachment",
    "Context",
    "Group",
    "Result",
    "Score",
    "Statement",
    "StatementRef",
    "SubStatement",
    "Verb",
    "parse_timestamp",
]
