"""Invitations with personal launch links (issue 14, usability test F4), over a real SMTP
server (aiosmtpd): one e-mail per participant with their own links, the deadline and the
county's contact person (Reply-To, Date header); once per participant, later ones one by
one; reminders carry the same links; bad input changes nothing; the page, API and CLI go
through the one permission check and are audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from lrs_bridge.auth.access import Principal, Role
from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from reports.model import Workshop
from tests.conftest import run_cli
from tests.mail import MailCatcher

LINK = re.compile(r"http://lrs\.test/l/[A-Za-z0-9_-]{20,}")


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        mail_from="noreply@valsakerhet.se",
    )


@pytest.fixture
async def workshop(services: Services) -> Workshop:
    reports = services.reports
    created = await reports.create_workshop(
        {
            "county": "21",
            "title": "Valsäkerhet i Gävleborg",
            "date": "2099-01-18",
            "courses": ["valmyndigheten-introduktion", "skr-ett-tryggt-valar"],
        }
    )
    for name, email, town in [
        ("Sara Lindqvist", "sara.lindqvist@ljusdal.se", "Ljusdal"),
        ("Örjan Ärlig", "orjan.arlig@sandviken.se", "Sandviken"),
    ]:
        await reports.add_participant(
            created.id, {"name": name, "email": email, "municipality": town}
        )
    await reports.set_county_contact(
        "21",
        {
            "name": "Karin Berg",
            "email": "karin.berg@lansstyrelsen.se",
            "phone": "010-225 00 00",
            "organisation": "Länsstyrelsen Gävleborg",
        },
    )
    return created


@pytest.fixture
async def http(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as client:
        yield client


async def bearer(services: Services, email: str, role: str, **place: str) -> dict[str, str]:
    user = await services.people.create_user(email, role, **place)
    return {"Authorization": f"Bearer {(await services.people.issue_token(str(user.id))).token}"}


async def test_invite_a_workshop_then_one_added_later(
    services: Services,
    http: httpx.AsyncClient,
    workshop: Workshop,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    url = f"/api/v1/workshops/{workshop.id}/invitations"

    preview = (await http.get(url, headers=admin)).json()
    assert sorted(p["name"] for p in preview["send"]) == ["Sara Lindqvist", "Örjan Ärlig"]
    assert preview["example"]["subject"].startswith("Inbjudan: genomför")
    assert catcher.messages == []

    sent = await http.post(url, headers=admin)
    assert sent.status_code == 200, sent.text
    assert len(sent.json()["sent"]) == 2
    assert len(catcher.messages) == 2
    links: dict[str, list[str]] = {}
    for rcpts, message in catcher.messages:
        body = message.get_content()
        assert message["Reply-To"] == "karin.berg@lansstyrelsen.se"
        assert message["Date"]
        assert message["Subject"].startswith("Inbjudan: genomför")
        assert "kl. 23.59" in message["Subject"] and "kl. 23.59" in body
        assert f"använd e-postadressen {rcpts[0]}" in body
        assert "Karin Berg" in body and "010-225 00 00" in body
        assert "Introduktionsutbildning i valsäkerhet: http://lrs.test/l/" in body
        assert "Ett tryggt valår: http://lrs.test/l/" in body
        links[rcpts[0]] = LINK.findall(body)
    assert all(len(found) == 2 for found in links.values())
    assert not set(links["sara.lindqvist@ljusdal.se"]) & set(links["orjan.arlig@sandviken.se"])

    # Once per participant: a second send invites no one.
    again = (await http.post(url, headers=admin)).json()
    assert again["sent"] == [] and len(catcher.messages) == 2
    assert {s["reason"] for s in again["skipped"]} == {"har redan fått en inbjudan"}

    # Someone added later is invited on their own.
    added = await services.reports.add_participant(
        workshop.id, {"name": "Göran Sjö", "email": "goran.sjo@bollnas.se", "municipality": "2183"}
    )
    later = await http.post(url, json={"participants": [added.id]}, headers=admin)
    assert [p["name"] for p in later.json()["sent"]] == ["Göran Sjö"]
    assert catcher.messages[-1][0] == ["goran.sjo@bollnas.se"]

    # Bad input: 400 naming the field and rule, nothing sent.
    for body, path, rule in [
        ({"participants": ["nobody"]}, "participants[0]", "unknown_participant"),
        ({"again": "yes"}, "again", "type"),
        ({"who": []}, "who", "unknown_field"),
    ]:
        refused = await http.post(url, json=body, headers=admin)
        assert refused.status_code == 400, refused.text
        detail = refused.json()["details"][0]
        assert (detail["path"], detail["rule"]) == (path, rule)
    assert len(catcher.messages) == 3

    # Reminders carry the same personal links.
    recipients = await services.reports.reminder_recipients(workshop.id)
    sara = next(r for r in recipients if r.email == "sara.lindqvist@ljusdal.se")
    reminder = services.reminders.service.compose(sara)
    assert sorted(LINK.findall(reminder.body)) == sorted(links["sara.lindqvist@ljusdal.se"])

    # Links are listed without their tokens; revoking them is audited.
    participant = next(
        p
        for p in await services.reports.list_participants(workshop.id)
        if p.email == "sara.lindqvist@ljusdal.se"
    )
    listed = (
        await http.get(
            f"/api/v1/workshops/{workshop.id}/participants/{participant.id}/links", headers=admin
        )
    ).json()["links"]
    assert len(listed) == 2 and all("token" not in link for link in listed)
    assert not any(link.split("/l/")[1] in str(listed) for link in links[participant.email])
    coordinator = await bearer(services, "kim@ljusdal.se", "coordinator", municipality="2161")
    forbidden = await http.delete(
        f"/api/v1/workshops/{workshop.id}/participants/{participant.id}/links", headers=coordinator
    )
    assert forbidden.status_code == 403
    revoked = await http.delete(
        f"/api/v1/workshops/{workshop.id}/participants/{participant.id}/links", headers=admin
    )
    assert len(revoked.json()["revoked"]) == 2
    token = links[participant.email][0].split("/l/")[1]
    assert (await http.get(f"/l/{token}")).status_code == 410

    entries = await services.audit.entries(Principal(1, Role.NATIONAL_ADMIN))
    actions = [entry.action for entry in entries]
    assert actions.count("invitations.send") >= 3 and "links.revoke" in actions


async def test_a_coordinator_invites_only_their_municipality(
    services: Services,
    http: httpx.AsyncClient,
    workshop: Workshop,
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    coordinator = await bearer(services, "kim@ljusdal.se", "coordinator", municipality="2161")
    sent = await http.post(f"/api/v1/workshops/{workshop.id}/invitations", headers=coordinator)
    assert [p["name"] for p in sent.json()["sent"]] == ["Sara Lindqvist"]
    assert [rcpts for rcpts, _ in catcher.messages] == [["sara.lindqvist@ljusdal.se"]]


@pytest.mark.slow
async def test_the_invite_command(
    services: Services, settings: Settings, workshop: Workshop, smtp: tuple[MailCatcher, int]
) -> None:
    catcher, port = smtp
    if not settings.database_url.startswith("sqlite"):
        database = settings.database_url
    else:
        database = settings.database_url.removeprefix("sqlite:///")
    env = {
        "LRS_BRIDGE_SMTP_HOST": "127.0.0.1",
        "LRS_BRIDGE_SMTP_PORT": str(port),
        "LRS_BRIDGE_PUBLIC_URL": "http://lrs.test",
    }
    shown = run_cli("invite", workshop.id, "--database", database, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "would invite  Sara Lindqvist <sara.lindqvist@ljusdal.se>" in shown.stdout
    assert "Subject: Inbjudan: genomför" in shown.stdout and catcher.messages == []

    sent = run_cli("invite", workshop.id, "--database", database, "--send", env=env)
    assert sent.returncode == 0, sent.stderr
    assert "2 sent, 0 failed, 0 skipped" in sent.stdout
    assert len(LINK.findall(catcher.messages[0][1].get_content())) == 2

    bad = run_cli("invite", workshop.id, "--database", database, "--participant", "x", env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "--participant x: not on the workshop's list" in bad.stderr
