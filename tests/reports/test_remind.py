"""Reminding a workshop's unfinished participants through the API and ``lrs-bridge remind``,
against a real SMTP server (aiosmtpd): who is reminded, the e-mail, the repeat window, the
log of sent and skipped reminders, the audit log, and a coordinator's municipality."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from reports.model import Workshop
from tests.conftest import run_cli
from tests.mail import MailCatcher
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        mail_from="valsakerhet@lansstyrelsen.se",
        mail_from_name="Länsstyrelsen Gävleborg",
    )


@pytest.fixture
async def workshop(services: Services) -> Workshop:
    reports = services.reports
    created = await reports.create_workshop(
        {"county": "21", "title": "Valsäkerhet i Gävleborg", "date": "2099-01-18"}
    )
    for name, email, town in [
        ("Anna Andersson", "anna@gavle.se", "Gävle"),
        ("Bo Berg", "bo@gavle.se", "Gävle"),
        ("Cilla Ceder", "cilla@sandviken.se", "Sandviken"),
    ]:
        await reports.add_participant(
            created.id, {"name": name, "email": email, "municipality": town}
        )
    await send(services, statement(mbox("anna@gavle.se"), COMPLETED, INTRO))  # Anna is done
    await services.reports.catch_up()
    return created


@pytest.fixture
async def http(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as client:
        yield client


async def bearer(services: Services, email: str, role: str, **place: str) -> dict[str, str]:
    user = await services.people.create_user(email, role, **place)
    return {"Authorization": f"Bearer {(await services.people.issue_token(str(user.id))).token}"}


async def test_preview_then_send_then_the_window_holds(
    services: Services,
    http: httpx.AsyncClient,
    workshop: Workshop,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    url = f"/api/v1/workshops/{workshop.id}/reminders"

    preview = (await http.get(url, headers=admin)).json()
    assert [p["name"] for p in preview["send"]] == ["Bo Berg", "Cilla Ceder"]
    assert preview["skipped"] == [] and preview["window_hours"] == 72
    assert preview["example"]["to"] == "bo@gavle.se"
    assert "Valsäkerhet i Gävleborg" in preview["example"]["body"]
    assert catcher.messages == []  # a preview sends nothing

    sent = (await http.post(url, headers=admin)).json()
    assert [p["email"] for p in sent["sent"]] == ["bo@gavle.se", "cilla@sandviken.se"]
    assert [rcpts for rcpts, _ in catcher.messages] == [["bo@gavle.se"], ["cilla@sandviken.se"]]
    subject = catcher.messages[0][1]["Subject"]
    assert subject.startswith("Påminnelse: genomför Introduktionsutbildning i valsäkerhet senast")
    assert (
        catcher.messages[0][1]["From"] == "Länsstyrelsen Gävleborg <valsakerhet@lansstyrelsen.se>"
    )

    again = (await http.post(url, headers=admin)).json()
    assert again["sent"] == [] and [p["name"] for p in again["skipped"]] == [
        "Bo Berg",
        "Cilla Ceder",
    ]
    assert "inom 72 timmar" in again["skipped"][0]["reason"]
    assert len(catcher.messages) == 2

    log = (await http.get(url, headers=admin)).json()["log"]
    assert sorted(entry["status"] for entry in log) == ["sent", "sent", "skipped", "skipped"]
    audit = (await http.get("/api/v1/audit", headers=admin)).json()["entries"]
    sends = [e["details"] for e in audit if e["action"] == "reminders.send"]
    assert sends == [
        {"sent": 0, "failed": 0, "skipped": 2},
        {"sent": 2, "failed": 0, "skipped": 0},
    ]
    assert not any("bo@gavle.se" in str(e) for e in audit)  # ids and counts, no addresses


async def test_a_coordinator_reminds_their_own_municipality_only(
    services: Services,
    http: httpx.AsyncClient,
    workshop: Workshop,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    gavle = await bearer(services, "olle@gavle.se", "coordinator", municipality="2180")
    other = await bearer(services, "lisa@lansstyrelsen.se", "county-admin", county="14")
    url = f"/api/v1/workshops/{workshop.id}/reminders"

    preview = await http.get(url, headers=gavle)
    assert [p["name"] for p in preview.json()["send"]] == ["Bo Berg"]
    assert "Cilla" not in preview.text
    sent = (await http.post(url, headers=gavle)).json()
    assert [p["name"] for p in sent["sent"]] == ["Bo Berg"]
    assert [rcpts for rcpts, _ in catcher.messages] == [["bo@gavle.se"]]

    assert (await http.post(url, headers=other)).status_code == 404
    assert len(catcher.messages) == 1


async def test_a_failed_delivery_is_retried_then_reported(
    services: Services,
    http: httpx.AsyncClient,
    workshop: Workshop,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    services.reminders.service.backoff = 0.01
    catcher.refuse = 2  # the first two tries of Bo's e-mail are refused, the third goes
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    sent = (await http.post(f"/api/v1/workshops/{workshop.id}/reminders", headers=admin)).json()
    assert [p["name"] for p in sent["sent"]] == ["Bo Berg", "Cilla Ceder"]
    assert [rcpts for rcpts, _ in catcher.messages] == [["bo@gavle.se"], ["cilla@sandviken.se"]]

    catcher.refuse = 100  # now the server refuses everything
    later = services.reports.clock() + timedelta(days=4)  # outside the repeat window
    services.reminders.clock = lambda: later
    failed = (await http.post(f"/api/v1/workshops/{workshop.id}/reminders", headers=admin)).json()
    assert [p["name"] for p in failed["failed"]] == ["Bo Berg", "Cilla Ceder"]
    assert "451" in failed["failed"][0]["error"]
    log = (await http.get(f"/api/v1/workshops/{workshop.id}/reminders", headers=admin)).json()
    assert sorted(e["status"] for e in log["log"]) == ["failed", "failed", "sent", "sent"]


@pytest.mark.slow
async def test_the_remind_command(
    services: Services, settings: Settings, workshop: Workshop, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, port = smtp
    database = settings.database_url.removeprefix("sqlite:///")
    env = {"LRS_BRIDGE_SMTP_HOST": "127.0.0.1", "LRS_BRIDGE_SMTP_PORT": str(port)}

    shown = run_cli("remind", workshop.id, "--database", database, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "would remind  Bo Berg <bo@gavle.se>" in shown.stdout
    assert "Subject: Påminnelse: genomför Introduktionsutbildning i valsäkerhet" in shown.stdout
    assert "nothing was sent" in shown.stdout and catcher.messages == []

    sent = run_cli("remind", workshop.id, "--database", database, "--send", env=env)
    assert sent.returncode == 0, sent.stderr
    assert "2 sent, 0 failed, 0 skipped" in sent.stdout
    assert sorted(rcpts[0] for rcpts, _ in catcher.messages) == [
        "bo@gavle.se",
        "cilla@sandviken.se",
    ]

    again = run_cli("remind", workshop.id, "--database", database, "--municipality", "2180")
    assert "would skip    Bo Berg <bo@gavle.se>: påmind" in again.stdout

    unknown = run_cli("remind", "nosuchworkshop", "--database", database)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "no workshop nosuchworkshop" in unknown.stderr

    sent_again = run_cli(
        "remind", workshop.id, "--database", database, "--send", "--municipality", "2181"
    )
    assert sent_again.returncode == 0  # within the window: skipped, not failed
    assert "0 sent, 0 failed, 1 skipped" in sent_again.stdout


async def test_automatic_reminders_run_in_the_service_and_never_twice(
    settings: Settings, smtp: tuple[MailCatcher, int]
) -> None:
    """The service's own scheduler (offsets 7 and 2 days from the settings) reminds the
    unfinished once per offset; a restarted service does not send them again."""
    catcher, _ = smtp
    first = Services.build(settings)
    await first.open()
    try:
        assert first.reminder_scheduler is not None
        assert first.reminder_scheduler.offsets == [timedelta(days=7), timedelta(days=2)]
        workshop = await first.reports.create_workshop(
            {"county": "21", "title": "Snart", "date": "2099-01-18"}
        )
        await first.reports.add_participant(
            workshop.id, {"name": "Bo Berg", "email": "bo@gavle.se", "municipality": "Gävle"}
        )
        two_days_before = workshop.deadline - timedelta(days=1, hours=12)
        outcome = await first.reminder_scheduler.run_once(two_days_before)
        assert [r.name for r in outcome.sent] == ["Bo Berg"]
    finally:
        await first.close()

    second = Services.build(settings)  # a restart
    await second.open()
    try:
        assert second.reminder_scheduler is not None
        again = await second.reminder_scheduler.run_once(two_days_before + timedelta(hours=1))
        assert again.sent == [] and len(catcher.messages) == 1
        entries = await second.reminders.entries(workshop.id)
        assert [(e.trigger, e.status) for e in entries] == [("auto:2d", "sent")]
    finally:
        await second.close()
