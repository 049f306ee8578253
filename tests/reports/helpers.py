"""Statements as real courses send them, and a way to store them, for the reports tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from lrs_bridge.schema import MIGRATIONS
from lrs_bridge.services import Services
from reports.courses import SKR_STEPS, VALMYNDIGHETEN_INTRO
from reports.service import ReportsService
from statements.log import StatementLog, Writer
from statements.signature import check_signature
from statements.storage import Store, open_store

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


@dataclass
class ReportsLRS:
    """The parts of ``lrs_bridge.services.Services`` the reports tests use, on a store of
    either engine, wired as the service wires them: new statements wake the projector."""

    store: Store
    statements: StatementLog
    reports: ReportsService

    async def close(self) -> None:
        await self.reports.stop()
        await self.store.close()


async def open_reports(url: str, *, batch_size: int = 2000) -> ReportsLRS:
    """An opened store on ``url`` with its statement log and reports service: another
    instance, when a store on ``url`` is open already."""
    store = open_store(url, migrations=MIGRATIONS)
    reports = ReportsService(store, batch_size=batch_size)
    statements = StatementLog(store, check_signature=check_signature)
    statements.on_stored.append(reports.nudge)
    await store.open()
    try:
        await reports.start()
    except BaseException:
        await store.close()
        raise
    return ReportsLRS(store, statements, reports)


async def send(
    services: Services | ReportsLRS,
    *statements: dict[str, Any],
    origin_stored: list[int] | None = None,
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
