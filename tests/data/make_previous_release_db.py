"""Makes ``previous_release.sqlite3``: a database as the release before trusted reporters
(commit 25154c1) left it, with statements of two course credentials, the service itself and
a bridge source, and ``previous_release.json``: every participant's readiness then.

Run with that release's code (``git worktree add /tmp/old 25154c1`` and its venv):
``/tmp/old/.venv/bin/python tests/data/make_previous_release_db.py tests/data``.
Committed once; ``tests/reports/test_upgrade.py`` opens it with today's code."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from reports.exports import to_json
from statements.log import Writer

INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
SKR = [f"https://skr.se/xapi/activities/ett-tryggt-valar/steg-{n}" for n in (1, 2, 3)]
AUTHORITY = {"objectType": "Agent", "mbox": "mailto:lrs@example.se"}


def completed(email: str, activity: str, verb: str = "completed") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity},
    }


async def make(folder: Path) -> None:
    database = folder / "previous_release.sqlite3"
    database.unlink(missing_ok=True)
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    try:
        reports = services.reports
        storyline = await services.credentials.create("Storyline", ["statements/write"])
        other = await services.credentials.create("LMS", ["statements/write"])
        workshop = await reports.create_workshop(
            {
                "county": "21",
                "title": "Före uppgraderingen",
                "date": "2099-01-18",
                "courses": ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"],
            }
        )
        people = ["anna", "bo", "cilla", "dan", "eva"]
        for name in people:
            await reports.add_participant(
                workshop.id,
                {"name": name.title(), "email": f"{name}@gavle.se", "municipality": "2180"},
            )

        async def send(writer: Writer, *bodies: dict[str, Any]) -> None:
            await services.statements.store_statements(list(bodies), version="1.0.3", writer=writer)

        by_key = Writer(AUTHORITY, storyline.credential.key)
        by_other = Writer(AUTHORITY, other.credential.key)
        service = Writer(AUTHORITY, None)
        bridged = Writer(None, None, source="skr-lrs")
        await send(by_key, completed("anna@gavle.se", INTRO))
        await send(by_other, *(completed("bo@gavle.se", step) for step in SKR))
        await send(by_other, completed("bo@gavle.se", INTRO, "attempted"))
        await send(service, completed("cilla@gavle.se", INTRO))
        await send(bridged, *(completed("cilla@gavle.se", step) for step in SKR[:2]))
        await send(bridged, completed("dan@gavle.se", SKR[0], "attempted"))
        await reports.projector.catch_up()
        report = await reports.workshop_readiness(workshop.id)
        expected = {
            entry.participant.email: [to_json(course) for course in entry.courses]
            for entry in report.participants
        }
        (folder / "previous_release.json").write_text(
            json.dumps({"workshop": workshop.id, "readiness": expected}, indent=1), "utf-8"
        )
    finally:
        await services.close()


if __name__ == "__main__":
    asyncio.run(make(Path(sys.argv[1])))
