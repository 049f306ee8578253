"""Issue 16, register extract and erasure, on the engine under test (SQLite, and PostgreSQL
with LRS_BRIDGE_TEST_ENGINE=postgresql): a participant is extracted (every kind of record
appears), then erased: no xAPI resource, report or export returns anything about them,
and no table holds a row with their e-mail, name, identity hash or account, while every
other participant's data and readiness are unchanged. An unknown person: "nothing found",
nothing changed."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import uuid
from typing import Any

import asyncpg
import orjson
import pytest
from openpyxl import load_workbook

from lrs_bridge.privacy.service import extract_xlsx
from lrs_bridge.services import Services
from reports.exports import to_json
from statements.errors import BadRequest, NotFound
from statements.identity import mbox_sha1sum
from tests.conftest import XapiClient
from tests.lrs_bridge.test_attachments import PDF, attachment, multipart

INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
HOME = "https://lms.lansstyrelsen.se"

ANNA = "Anna.Andersson@Gavle.se"  # as the list and the course spell it: mixed case
ANNA_NAME = "Anna Andersson"
ANNA_ACCOUNT = "anna.andersson.77"
ANNA_PRIVATE = "anna.andersson.privat@example.com"  # an address an admin connected to her
CILLA = "cilla.ceder@hudiksvall.se"
LIST = (
    "Namn;E-post;Kommun;Roll;Kontohemsida;Kontonamn\r\n"
    f"{ANNA_NAME};{ANNA};Gävle;valsamordnare;{HOME};{ANNA_ACCOUNT}\r\n"
    "Cilla Ceder;cilla.ceder@hudiksvall.se;Hudiksvall;kommunikatör;;\r\n"
    "Dan Dahl;dan.dahl@gavle.se;Gävle;valnämnd;;\r\n"
)
# A private course object the only learner of which is Anna (its definition goes with her).
ANNA_ONLY_ACTIVITY = "https://www.val.se/xapi/activities/anna-private-notes"


def by_mbox(
    email: str, verb: str = COMPLETED, activity: str = INTRO, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": ANNA_NAME if email in (ANNA, ANNA_PRIVATE) else "X",
            "mbox": f"mailto:{email}",
        },
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        **extra,
    }


def secrets_of(email: str) -> list[str]:
    """Every spelling of Anna's identity that must be gone."""
    lower = email.lower()
    return [
        lower,
        email,
        ANNA_NAME,
        mbox_sha1sum(lower),
        ANNA_ACCOUNT,
        "Andersson",
        ANNA_PRIVATE,
    ]


async def every_table(services: Services) -> dict[str, str]:
    """Every row of every table of the service's database, as text per table (bytes
    decoded), to search for what must not be there."""
    url = services.settings.database_url
    found: dict[str, str] = {}

    def text(row: Any) -> str:
        return " ".join(
            bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v)
            for v in row
        )

    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                found[table] = "\n".join(
                    text(row) for row in conn.execute(f'SELECT * FROM "{table}"')
                )
        return found
    conn = await asyncpg.connect(url)
    try:
        tables = [
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        for table in tables:
            rows = await conn.fetch(f'SELECT * FROM "{table}"')
            found[table] = "\n".join(text(tuple(row)) for row in rows)
    finally:
        await conn.close()
    return found


async def setup_world(xapi: XapiClient) -> dict[str, Any]:
    services = xapi.services
    reports = services.reports
    course = to_json(await reports.get_course("valmyndigheten-introduktion"))
    await reports.change_course(
        course["id"], {**course, "reporters": {"credentials": [xapi.key], "sources": []}}
    )
    workshop = await reports.create_workshop(
        {"county": "21", "title": "Valsäkerhet Gävleborg", "date": "2099-01-18",
         "courses": ["valmyndigheten-introduktion"]}
    )  # fmt: skip
    await reports.import_participants(workshop.id, LIST.encode(), media_type="text/csv")
    other = await reports.create_workshop(
        {"county": "21", "title": "Uppföljning", "date": "2099-03-01",
         "courses": ["valmyndigheten-introduktion"]}
    )  # fmt: skip
    await reports.add_participant(
        other.id,
        {
            "name": ANNA_NAME,
            "email": ANNA.lower(),
            "municipality": "Gävle",
            "role": "valsamordnare",
        },
    )
    # Anna is a coordinator too, with an API token, and her county's contact person.
    user = await services.people.create_user(ANNA, "coordinator", "21", None, None)
    await services.people.issue_token(str(user.id))
    await reports.set_county_contact("21", {"name": ANNA_NAME, "email": ANNA, "phone": "026-123"})

    anna_statements = [
        by_mbox(ANNA, ATTEMPTED),
        by_mbox(ANNA),
        by_mbox(ANNA, ATTEMPTED, ANNA_ONLY_ACTIVITY),
        {  # by her learner account (cmi5)
            "id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": ANNA_ACCOUNT}},
            "verb": {"id": COMPLETED},
            "object": {"id": INTRO + "/au"},
        },
        {  # by her mbox_sha1sum
            "id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "mbox_sha1sum": mbox_sha1sum(ANNA)},
            "verb": {"id": ATTEMPTED},
            "object": {"id": INTRO},
        },
    ]
    mistaken = by_mbox(ANNA, COMPLETED, INTRO + "/au")
    response = await xapi.http.post("/xapi/statements", json=[*anna_statements, mistaken])
    assert response.status_code == 200, response.text
    # Her certificate, as an attachment naming her.
    certificate = PDF + f"Intyg för {ANNA_NAME}".encode()
    with_attachment = by_mbox(ANNA, COMPLETED, INTRO, attachments=[attachment(certificate)])
    body, headers = multipart(with_attachment, [("application/pdf", certificate)])
    response = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert response.status_code == 200, response.text
    # A statement voided, and the voiding statement.
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:admin@val.se"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": mistaken["id"]},
    }
    assert (await xapi.http.post("/xapi/statements", json=voiding)).status_code == 200
    # Cilla's statements: one names Anna as her instructor (Cilla's record stays, without Anna).
    cilla_done = by_mbox(CILLA)
    cilla_done["context"] = {
        "instructor": {"objectType": "Agent", "name": ANNA_NAME, "mbox": f"mailto:{ANNA}"}
    }
    assert (await xapi.http.post("/xapi/statements", json=cilla_done)).status_code == 200
    # Documents: Anna's state and agent profile.
    agent = orjson.dumps({"objectType": "Agent", "mbox": f"mailto:{ANNA}"}).decode()
    response = await xapi.http.put(
        "/xapi/activities/state",
        params={"activityId": INTRO, "agent": agent, "stateId": "bookmark"},
        json={"page": 7, "learner": ANNA_NAME},
    )
    assert response.status_code == 204, response.text
    response = await xapi.http.put(
        "/xapi/agents/profile",
        params={"agent": agent, "profileId": "prefs"},
        json={"language": "sv", "name": ANNA_NAME},
        headers={"If-None-Match": "*"},
    )
    assert response.status_code == 204, response.text
    # A reminder sent to her (claimed in the log).
    from datetime import UTC, datetime

    from reports.reminders_storage import SqlReminderLog  # the log's own storage

    log = SqlReminderLog(services.store)
    participants = await reports.list_participants(workshop.id)
    anna_id = next(p.id for p in participants if p.email.lower() == ANNA.lower())
    await log.claim(workshop.id, anna_id, "manual:" + str(uuid.uuid4()), datetime.now(UTC), None, 3)
    # What issues 14, 15 and 20 keep about her: personal launch links with a per-learner
    # credential (its actor names her), her private address connected to her row (what she
    # sent from it is hers too), an exemption, a set-password link, a cmi5 registration.
    links = await services.launch.participant_links(workshop.id, [anna_id])
    token = links[anna_id][0][2].rsplit("/", 1)[-1]
    launched = await services.launch.resolve(token)
    assert launched is not None
    await services.launch.issue_credential(launched)
    await reports.connect_identity(workshop.id, anna_id, {"email": ANNA_PRIVATE}, by=None)
    private = by_mbox(ANNA_PRIVATE, ATTEMPTED)
    assert (await xapi.http.post("/xapi/statements", json=private)).status_code == 200
    other_id = next(p.id for p in await reports.list_participants(other.id))
    await reports.exempt(
        other.id,
        other_id,
        {"course": "valmyndigheten-introduktion", "reason": "Genomförd inför valet 2026"},
        by=None,
    )
    await services.store.write(
        lambda tx: tx.execute(
            "INSERT INTO password_links (id, user_id, secret_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            "link-anna",
            user.id,
            "0" * 64,
            1,
            2**52,
        )
    )
    actor = orjson.dumps({"objectType": "Agent", "mbox": f"mailto:{ANNA}"}).decode()
    await services.store.write(  # as the cmi5 LMS records a launch (its course is not here)
        lambda tx: tx.execute(
            "INSERT INTO cmi5_registrations (id, course_id, learner, actor, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            str(uuid.uuid4()),
            "valmyndigheten-introduktion",
            f"mbox:{ANNA.lower()}",
            actor,
            1,
        )
    )
    await reports.catch_up()
    return {
        "workshop": workshop.id,
        "other": other.id,
        "anna": [s["id"] for s in anna_statements] + [with_attachment["id"], private["id"]],
        "mistaken": mistaken["id"],
        "voiding": voiding["id"],
        "cilla": cilla_done["id"],
        "agent": agent,
        "certificate_sha2": hashlib.sha256(certificate).hexdigest(),
    }


def others(report: Any) -> list[Any]:
    data = to_json(report)
    return [p for p in data["participants"] if p["participant"]["email"].lower() != ANNA.lower()]


async def test_extract_then_erase(xapi: XapiClient) -> None:
    services = xapi.services
    world = await setup_world(xapi)
    readiness_before = others(await services.reports.workshop_readiness(world["workshop"]))
    assert sorted(p["status"] for p in readiness_before) == ["completed_on_time", "not_started"]

    extract = await services.privacy.extract(None, ANNA.upper())
    assert {p["workshop_id"] for p in extract["participants"]} == {
        world["workshop"],
        world["other"],
    }
    ids = {s["id"] for s in extract["statements"]}
    assert set(world["anna"]) <= ids and world["mistaken"] in ids and world["cilla"] in ids
    assert any(s["voided"] for s in extract["statements"])
    assert [a["sha2"] for a in extract["attachments"]] == [world["certificate_sha2"]]
    assert {d["kind"] for d in extract["documents"]} == {"state", "agent_profile"}
    assert {n["name"] for n in extract["agent_names"]} == {ANNA_NAME}
    assert extract["progress"] and extract["reminders"] and extract["county_contacts"]
    assert [i["identity"] for i in extract["connected_identities"]] == [f"mbox:{ANNA_PRIVATE}"]
    assert [e["reason"] for e in extract["exemptions"]] == ["Genomförd inför valet 2026"]
    assert len(extract["cmi5_registrations"]) == 1
    assert [u["email"] for u in extract["users"]] == [ANNA] and len(extract["tokens"]) == 1
    assert {e["action"] for e in extract["audit"]} >= {"token.create"}
    assert extract["information"]["purposes"]
    workbook = load_workbook(io.BytesIO(extract_xlsx(extract)))
    assert (
        "Lärandeposter" in workbook.sheetnames and workbook["Lärandeposter"].max_row == len(ids) + 1
    )

    dry = await services.privacy.erase(None, ANNA, dry_run=True)
    assert dry.dry_run and dry.counts["statements"] == len(ids) and dry.counts["participants"] == 2
    tables_before = await every_table(services)
    assert any(ANNA.lower() in text for text in tables_before.values())

    done = await services.privacy.erase(None, ANNA, dry_run=False)
    assert done.counts["participants"] == 2 and done.counts["users"] == 1
    assert done.counts["pseudonymised"] >= 1  # Cilla's statement naming her instructor

    # Nothing about her in any table.
    tables = await every_table(services)
    for secret in secrets_of(ANNA):
        holding = [name for name, text in tables.items() if secret.lower() in text.lower()]
        assert holding == [], (secret, holding)
    # Nothing from any xAPI resource.
    http = xapi.http
    for sid in world["anna"]:
        assert (await http.get("/xapi/statements", params={"statementId": sid})).status_code == 404
    voided = await http.get("/xapi/statements", params={"voidedStatementId": world["mistaken"]})
    assert voided.status_code == 404
    for agent in (
        world["agent"],
        orjson.dumps({"account": {"homePage": HOME, "name": ANNA_ACCOUNT}}).decode(),
    ):
        listed = (
            await http.get("/xapi/statements", params={"agent": agent, "related_agents": "true"})
        ).json()
        assert listed["statements"] == []
        person = (await http.get("/xapi/agents", params={"agent": agent})).json()
        assert "name" not in person
        state = await http.get(
            "/xapi/activities/state",
            params={"activityId": INTRO, "agent": agent, "stateId": "bookmark"},
        )
        assert state.status_code == 404 or agent != world["agent"]
    profile = await http.get(
        "/xapi/agents/profile", params={"agent": world["agent"], "profileId": "prefs"}
    )
    assert profile.status_code == 404
    assert (
        await http.get(f"/xapi/statements/attachments/{world['certificate_sha2']}")
    ).status_code in (404, 405)
    everything = (await http.get("/xapi/statements", params={"limit": "100"})).text
    assert ANNA.lower() not in everything.lower() and ANNA_NAME not in everything
    # Cilla's statement is still there, naming nobody as her instructor.
    cilla = (await http.get("/xapi/statements", params={"statementId": world["cilla"]})).json()
    assert cilla["actor"]["mbox"] == f"mailto:{CILLA}"
    assert cilla["context"]["instructor"]["account"]["homePage"] == "urn:lrs-bridge:erased"
    # Reports: the others unchanged, and she is in none.
    await services.reports.catch_up()
    after = await services.reports.workshop_readiness(world["workshop"])
    assert others(after) == readiness_before
    assert len(to_json(after)["participants"]) == 2
    national = orjson.dumps(to_json(await services.reports.national_readiness())).decode()
    assert ANNA.lower() not in national.lower()
    # Audited: an erasure happened, not whose.
    entries = await services.audit.storage.audit_entries(None, None, 10)
    erase = next(e for e in entries if e.action == "person.erase")
    assert (
        erase.object_id is None
        and ANNA.lower() not in orjson.dumps(erase.as_json()).decode().lower()
    )

    # Asking again: nothing found, nothing changed.
    with pytest.raises(NotFound):
        await services.privacy.extract(None, ANNA)
    with pytest.raises(NotFound):
        await services.privacy.erase(None, ANNA, dry_run=False)
    assert await every_table(services) == tables

    # She comes back and sends a statement: a new learner.
    again = by_mbox(ANNA)
    assert (await http.post("/xapi/statements", json=again)).status_code == 200
    listed = (await http.get("/xapi/statements", params={"agent": world["agent"]})).json()
    assert [s["id"] for s in listed["statements"]] == [again["id"]]


async def test_unknown_person_changes_nothing(xapi: XapiClient) -> None:
    await setup_world(xapi)
    services = xapi.services
    before = await every_table(services)
    for call in (
        services.privacy.extract(None, "nobody@nowhere.se"),
        services.privacy.erase(None, "nobody@nowhere.se", dry_run=True),
        services.privacy.erase(None, "nobody@nowhere.se", dry_run=False),
    ):
        with pytest.raises(NotFound) as refused:
            await call
        assert "nothing was found" in refused.value.message.lower()
    with pytest.raises(BadRequest):
        await services.privacy.erase(None, "not an address", dry_run=True)
    assert await every_table(services) == before


async def test_pseudonymise_keeps_ids_and_times(xapi: XapiClient) -> None:
    services = xapi.services
    world = await setup_world(xapi)
    services.privacy.settings = services.settings.model_copy(
        update={"erasure_mode": "pseudonymise"}
    )
    before = {
        sid: (await xapi.http.get("/xapi/statements", params={"statementId": sid})).json()
        for sid in world["anna"]
    }
    done = await services.privacy.erase(None, ANNA, dry_run=False)
    assert done.mode == "pseudonymise" and done.counts["statements"] == 0
    stand_ins = set()
    for sid, old in before.items():
        new = (await xapi.http.get("/xapi/statements", params={"statementId": sid})).json()
        assert (new["id"], new["stored"], new["timestamp"], new["verb"]) == (
            old["id"], old["stored"], old["timestamp"], old["verb"]
        )  # fmt: skip
        assert new["actor"]["account"]["homePage"] == "urn:lrs-bridge:erased"
        stand_ins.add(new["actor"]["account"]["name"])
    assert len(stand_ins) == 1  # her statements still belong together
    tables = await every_table(services)
    for secret in secrets_of(ANNA):
        holding = [
            name for name, text in tables.items()
            if secret.lower() in text.lower() and name != "attachments"
        ]  # fmt: skip
        assert holding == [], (secret, holding)


def test_reminder_emails_link_the_information_page(services: Services) -> None:
    from datetime import UTC, date, datetime

    from reports.reminders import Recipient

    email = services.reminders.service.compose(
        Recipient(
            "w", "p", ANNA_NAME, ANNA, "Kurs", "https://kurs.example", datetime.now(UTC),
            "Workshop", date(2099, 1, 18),
        )
    )  # fmt: skip
    assert "Så behandlar vi dina personuppgifter: http://lrs.test/personuppgifter" in email.body
