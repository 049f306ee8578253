"""An upgrade from the release before trusted reporters: a database that release made
(``tests/data/previous_release.sqlite3``, see ``tests/data/make_previous_release_db.py``)
opens with today's code, each course trusts the credentials and sources that reported it
before, and every participant's readiness is what that release reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from reports.exports import to_json

DATA = Path(__file__).parent.parent / "data"


async def test_upgrading_changes_no_ones_readiness(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "previous_release.sqlite3", database)
    recorded = json.loads((DATA / "previous_release.json").read_text("utf-8"))
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    try:
        courses = {c.id: c for c in await services.reports.list_courses()}
        intro = courses["valmyndigheten-introduktion"].reporters
        skr = courses["skr-ett-tryggt-valar"].reporters
        assert intro is not None and skr is not None
        labels = {c.key: c.label for c in await services.store.list_credentials()}
        assert {labels[key] for key in intro.credentials} == {"Storyline", "LMS"}
        assert intro.sources == ()
        assert [labels[key] for key in skr.credentials] == ["LMS"]
        assert skr.sources == ("skr-lrs",)

        report = await services.reports.workshop_readiness(recorded["workshop"])
        now = {
            entry.participant.email: [to_json(course) for course in entry.courses]
            for entry in report.participants
        }
        assert set(now) == set(recorded["readiness"])
        for email, courses_then in recorded["readiness"].items():
            for then, today in zip(courses_then, now[email], strict=True):
                assert {key: today[key] for key in then} == then, email
                assert today["unverified_completed_at"] is None
        # The ledger rebuilt from the log under the reviewed trust gives the same.
        await services.reports.rebuild_progress()
        again = await services.reports.workshop_readiness(recorded["workshop"])
        assert [to_json(e) for e in again.participants] == [to_json(e) for e in report.participants]
    finally:
        await services.close()
