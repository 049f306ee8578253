"""Statements as real courses send them, and a way to store them, for the reports tests."""

from __future__ import annotations

import uuid
from typing import Any

from lrs_bridge.services import Services
from reports.courses import SKR_STEPS, VALMYNDIGHETEN_INTRO
from statements.log import Writer

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTRO = VALMYNDIGHETEN_INTRO
INTRO_AU = VALMYNDIGHETEN_INTRO + "/au"
CMI5_HOME = "https://lms.example.se"

WRITER = Writer(authority={"mbox": "mailto:lrs@example.se", "objectType": "Agent"}, credential=None)


def mbox(email: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{email}"}


def account(name: str, home_page: str = CMI5_HOME) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}


def statement(
    actor: dict[str, Any],
    verb: str,
    activity: str,
    *,
    result: dict[str, Any] | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
    }
    if result is not None:
        body["result"] = result
    if parent is not None:
        body["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    return body


def voiding(target_id: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": mbox("admin@example.se"),
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


async def send(
    services: Services, *statements: dict[str, Any], origin_stored: list[int] | None = None
) -> list[str]:
    """Store statements as the xAPI resource does (one batch); ``origin_stored`` makes them
    bridged statements with the origin LRS's stored times (µs), the deadline clock."""
    return await services.statements.store_statements(
        list(statements),
        version="1.0.3",
        writer=WRITER,
        origin_stored=origin_stored,
    )


SKR = list(SKR_STEPS)
