"""The county's contact person (usability review F4): set through the API by county and
national admins (400 naming the field and the rule for bad input, changing nothing; 404
outside the person's county; audited without the person's details), and used by the
reminder e-mail as Reply-To and signature, over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lrs_bridge.services import Services
from reports.contacts import Contact, ContactStorage
from reports.model import Workshop
from tests.mail import MailCatcher
from tests.reports.helpers import ReportsLRS
from tests.reports.test_remind import bearer, http, settings, workshop  # noqa: F401

URL = "/api/v1/counties/21/contact"
KARIN = {
    "name": "Karin Berg",
    "email": "Karin.Berg@lansstyrelsen.se",
    "phone": "010-225 10 00",
    "organisation": "Länsstyrelsen Gävleborg",
}


async def test_the_contact_is_reply_to_and_signature_of_the_reminders(
    services: Services,
    http: httpx.AsyncClient,  # noqa: F811
    workshop: Workshop,  # noqa: F811
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    assert (await http.get(URL, headers=admin)).json() == {"county": "21", "contact": None}
    stored = await http.put(URL, json=KARIN, headers=admin)
    assert stored.status_code == 200, stored.text
    contact = stored.json()["contact"]
    assert (contact["name"], contact["email"], contact["phone"], contact["organisation"]) == (
        "Karin Berg",
        "karin.berg@lansstyrelsen.se",
        "010-225 10 00",
        "Länsstyrelsen Gävleborg",
    )
    assert (await http.get(URL, headers=admin)).json()["contact"] == contact

    sent = await http.post(f"/api/v1/workshops/{workshop.id}/reminders", headers=admin)
    assert [p["email"] for p in sent.json()["sent"]] == ["bo@gavle.se", "cilla@sandviken.se"]
    _, message = catcher.messages[0]
    assert message["Reply-To"] == "karin.berg@lansstyrelsen.se"
    assert message["From"] == "Länsstyrelsen Gävleborg <valsakerhet@lansstyrelsen.se>"
    assert message["Date"]
    body = message.get_content().replace("\r\n", "\n")
    assert "Logga in i utbildningen med e-postadressen bo@gavle.se." in body
    assert "Kontakta då Karin Berg (karin.berg@lansstyrelsen.se)" in body
    # Signed by the contact, then the foot every reminder has: the information page about
    # personal data (issue 16).
    assert body.endswith(
        "Vänliga hälsningar\nKarin Berg\nLänsstyrelsen Gävleborg\n010-225 10 00\n"
        "karin.berg@lansstyrelsen.se\n\n"
        "Så behandlar vi dina personuppgifter: http://lrs.test/personuppgifter\n"
    )

    audit = (await http.get("/api/v1/audit", headers=admin)).json()["entries"]
    assert [e["action"] for e in audit if e["action"].startswith("contact.")] == ["contact.set"]
    assert not any("Karin" in str(e) or "karin" in str(e) for e in audit)

    removed = await http.delete(URL, headers=admin)
    assert removed.json() == {"county": "21", "removed": True}
    assert (await http.get(URL, headers=admin)).json()["contact"] is None


async def test_without_a_contact_replies_go_to_the_sender(
    services: Services,
    workshop: Workshop,  # noqa: F811
    smtp: tuple[MailCatcher, int],
) -> None:
    catcher, _ = smtp
    await services.reminders.send(workshop.id, reply_to="karl@lansstyrelsen.se")
    _, message = catcher.messages[0]
    assert message["Reply-To"] == "karl@lansstyrelsen.se"
    body = message.get_content().replace("\r\n", "\n")
    assert "Kontakta då din samordnare på länsstyrelsen." in body
    assert "Vänliga hälsningar\n" in body and "Karin" not in body


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"name": None}, "name", "required"),
        ({"name": "  "}, "name", "required"),
        ({"name": "Karin\nBerg"}, "name", "control_character"),
        ({"email": "karin.berg@lansstyrelsen,se"}, "email", "bad_email"),
        ({"email": 7}, "email", "type"),
        ({"phone": "ring mig"}, "phone", "bad_phone"),
        ({"organisation": "x" * 201}, "organisation", "max_length"),
        ({"title": "chef"}, "title", "unknown_field"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_rule_and_changes_nothing(
    services: Services,
    http: httpx.AsyncClient,  # noqa: F811
    change: dict[str, Any],
    path: str,
    rule: str,
) -> None:
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    assert (await http.put(URL, json=KARIN, headers=admin)).status_code == 200
    body = {key: value for key, value in {**KARIN, **change}.items() if value is not None}
    refused = await http.put(URL, json=body, headers=admin)
    assert refused.status_code == 400
    assert [(d["path"], d["rule"]) for d in refused.json()["details"]] == [(path, rule)]
    assert (await http.get(URL, headers=admin)).json()["contact"]["name"] == "Karin Berg"


async def test_only_admins_of_the_county_set_it(
    services: Services,
    http: httpx.AsyncClient,  # noqa: F811
) -> None:
    admin = await bearer(services, "karl@lansstyrelsen.se", "county-admin", county="21")
    other = "/api/v1/counties/14/contact"
    assert (await http.put(other, json=KARIN, headers=admin)).status_code == 404
    assert (await http.get(other, headers=admin)).status_code == 404
    assert (await http.delete(other, headers=admin)).status_code == 404
    coordinator = await bearer(services, "kim@lansstyrelsen.se", "coordinator", county="21")
    assert (await http.put(URL, json=KARIN, headers=coordinator)).status_code == 403
    assert (await http.get(URL, headers=coordinator)).status_code == 200
    national = await bearer(services, "nils@valmyndigheten.se", "national-admin")
    assert (await http.put(other, json=KARIN, headers=national)).status_code == 200
    assert (await services.reports.county_contact("21")) is None


async def test_the_storage_on_both_engines(lrs: ReportsLRS) -> None:
    from datetime import UTC, datetime

    storage = ContactStorage(lrs.store)
    assert await storage.get("21") is None
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    first = await storage.put(Contact("21", "Karin Berg", "karin@x.se"), now, "1")
    assert (first.name, first.phone, first.updated_at) == ("Karin Berg", None, now)
    second = await storage.put(
        Contact("21", "Per Ek", "per@x.se", "010-1", "Länsstyrelsen"), now, "2"
    )
    assert (second.name, second.phone, second.organisation) == ("Per Ek", "010-1", "Länsstyrelsen")
    assert await storage.get("14") is None
    assert await storage.remove("21") is True
    assert await storage.remove("21") is False
    assert await storage.get("21") is None
