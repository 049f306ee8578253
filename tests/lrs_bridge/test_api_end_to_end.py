"""The issue's "done when", over HTTP: a county admin creates a workshop and imports the
list as Excel saves it; courses send statements to /xapi/statements as real packages do;
the JSON, CSV and XLSX reports say what a person would conclude, to each person only what
they may see. (``tests/reports/test_end_to_end.py`` is the same story at the service level.)

- Anna takes the introduction in a Storyline-like package that sends her address in mixed
  case, ``attempted`` then ``completed`` with result flags.
- Bo takes it through a cmi5 player, which sends an account, not an address.
- Cilla does SKR's three steps (her other workshop's course).
- Dan opens the course before the deadline and completes it after.
- Eva's completion is voided (sent by mistake).
- Frida does nothing; someone not on the list completes with Frida's address mistyped.
"""

from __future__ import annotations

import base64
import csv
import io
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from reports.courses import SKR_STEPS, VALMYNDIGHETEN_INTRO
from tests.conftest import XapiClient

INTRO = VALMYNDIGHETEN_INTRO
LMS = "https://lms.lansstyrelsen.se"
ADL = "http://adlnet.gov/expapi/verbs/"
VERSION = {"X-Experience-API-Version": "1.0.3"}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXCEL_LIST = (
    "\ufeffNamn;E-post;Kommun;Roll;Kontohemsida;Kontonamn\r\n"
    "Anna Andersson;anna.andersson@gavle.se;Gävle;valsamordnare;;\r\n"
    f"Bo Berg;bo.berg@sandviken.se;2181;valnämnd;{LMS};bo.berg.42\r\n"
    "Cilla Ceder;cilla.ceder@hudiksvall.se;Hudiksvall;kommunikatör;;\r\n"
    "Dan Dahl;dan.dahl@gavle.se;Gävle;säkerhetssamordnare;;\r\n"
    "Eva Ek;eva.ek@bollnas.se;Bollnäs;valnämnd;;\r\n"
    "Frida Falk;frida.falk@ljusdal.se;Ljusdal;other;;\r\n"
).encode()


def storyline(email: str, verb: str, result: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Anna Andersson", "mbox": f"mailto:{email}"},
        "verb": {"id": ADL + verb, "display": {"und": verb}},
        "object": {
            "objectType": "Activity",
            "id": INTRO,
            "definition": {
                "name": {"sv-SE": "Introduktionsutbildning i valsäkerhet"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        },
        "timestamp": "2020-01-01T00:00:00Z",  # a browser's clock: never the deadline clock
    }
    if result is not None:
        body["result"] = result
    return body


def cmi5(verb: str, activity: str, registration: str, **result: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "account": {"homePage": LMS, "name": "bo.berg.42"}},
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": activity},
        "context": {
            "registration": registration,
            "contextActivities": {
                "grouping": [{"id": INTRO}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            },
        },
    }
    if result:
        body["result"] = result
    return body


def simple(email: str, verb: str, activity: str = INTRO) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": ADL + verb},
        "object": {"id": activity},
    }


async def test_a_county_admin_learns_who_is_ready(xapi: XapiClient) -> None:
    services = xapi.services
    http = xapi.http

    async def person(email: str, role: str, **place: str) -> dict[str, str]:
        user = await services.people.create_user(email, role, **place)
        token = await services.people.issue_token(str(user.id))
        return {"Authorization": f"Bearer {token.token}"}

    admin = await person("karl@lansstyrelsen.se", "county-admin", county="21")
    gavle = await person("olle@gavle.se", "coordinator", municipality="2180")
    elsewhere = await person("lisa@lansstyrelsen.se", "county-admin", county="14")
    course = await xapi.credential("statements/write")  # what a course package is given
    # The national admin names that key as the courses' reporter (trusted reporters).
    national = await person("nat@val.se", "national-admin")
    course_key = base64.b64decode(course["Authorization"].split()[1]).decode().split(":")[0]
    for course_id in ("valmyndigheten-introduktion", "skr-ett-tryggt-valar"):
        current = (await http.get(f"/api/v1/courses/{course_id}", headers=national)).json()
        trusted = await http.put(
            f"/api/v1/courses/{course_id}",
            json={**current, "reporters": {"credentials": [course_key]}},
            headers=national,
        )
        assert trusted.status_code == 200, trusted.text

    async def post(*statements: dict[str, Any]) -> list[str]:
        answer = await http.post(
            "/xapi/statements", json=list(statements), headers={**course, **VERSION}
        )
        assert answer.status_code == 200, answer.text
        ids: list[str] = answer.json()
        return ids

    # The county admin creates the workshop and imports the list (dry run first).
    created = await http.post(
        "/api/v1/workshops",
        json={
            "county": "21",
            "title": "Workshop i valsäkerhet, Gävleborg",
            "date": "2099-01-18",
            "courses": ["valmyndigheten-introduktion"],
        },
        headers=admin,
    )
    assert created.status_code == 201
    workshop = created.json()
    participants = f"/api/v1/workshops/{workshop['id']}/participants"
    excel = {**admin, "Content-Type": "text/csv"}
    dry = await http.put(participants + "?dry_run=true", content=EXCEL_LIST, headers=excel)
    assert (len(dry.json()["added"]), dry.json()["dry_run"]) == (6, True)
    assert (await http.get(participants, headers=admin)).json() == {"participants": []}
    imported = await http.put(participants, content=EXCEL_LIST, headers=excel)
    assert imported.status_code == 200 and len(imported.json()["added"]) == 6

    skr = await http.post(
        "/api/v1/workshops",
        json={"county": "21", "title": "Ett tryggt valår", "date": "2099-02-01",
              "courses": ["skr-ett-tryggt-valar"]},
        headers=admin,
    )  # fmt: skip
    await http.post(
        f"/api/v1/workshops/{skr.json()['id']}/participants",
        json={"name": "Cilla Ceder", "email": "cilla.ceder@hudiksvall.se",
              "municipality": "Hudiksvall", "role": "kommunikatör"},
        headers=admin,
    )  # fmt: skip

    # The courses report, as real packages do.
    await post(storyline("Anna.Andersson@Gavle.SE", "attempted"))
    await post(
        storyline(
            "Anna.Andersson@Gavle.SE",
            "completed",
            {"completion": True, "success": True, "score": {"scaled": 0.9}},
        )
    )
    registration = str(uuid.uuid4())
    au = INTRO + "/au"
    await post(
        cmi5(ADL + "launched", au, registration), cmi5(ADL + "initialized", au, registration)
    )
    await post(cmi5(ADL + "completed", au, registration, completion=True, duration="PT45M"))
    await post(cmi5("https://w3id.org/xapi/adl/verbs/satisfied", INTRO, registration))
    for step in SKR_STEPS:
        await post(simple("cilla.ceder@hudiksvall.se", "completed", step))
    evas = simple("eva.ek@bollnas.se", "completed")
    await post(evas)
    await post(
        {
            "actor": {"mbox": "mailto:lms-admin@lansstyrelsen.se"},
            "verb": {"id": ADL + "voided"},
            "object": {"objectType": "StatementRef", "id": evas["id"]},
        }
    )
    await post(simple("frida.fallk@ljusdal.se", "completed"))  # not on the list
    await post(simple("dan.dahl@gavle.se", "attempted"))

    # The deadline passes at the last statement stored so far (the LRS's clock)...
    newest = await http.get("/xapi/statements?limit=1", headers=VERSION)
    deadline = newest.json()["statements"][0]["stored"]
    moved = await http.patch(
        f"/api/v1/workshops/{workshop['id']}", json={"deadline": deadline}, headers=admin
    )
    assert moved.status_code == 200, moved.text
    # ...and Dan completes afterwards.
    (dans,) = await post(simple("dan.dahl@gavle.se", "completed"))
    dans_stored = (await http.get(f"/xapi/statements?statementId={dans}", headers=VERSION)).json()[
        "stored"
    ]

    # JSON: who is ready, per person and in total, and how fresh that is.
    report_url = f"/api/v1/workshops/{workshop['id']}/readiness"
    report = (await http.get(report_url, headers=admin)).json()
    status = {p["participant"]["name"]: p["status"] for p in report["participants"]}
    assert status == {
        "Anna Andersson": "completed_on_time",
        "Bo Berg": "completed_on_time",
        "Cilla Ceder": "not_started",  # the SKR course is her other workshop's
        "Dan Dahl": "completed_late",
        "Eva Ek": "not_started",  # her only completion was voided
        "Frida Falk": "not_started",  # the address used was not hers
    }
    assert report["totals"] == {
        "completed_on_time": 2,
        "completed_late": 1,
        "in_progress": 0,
        "not_started": 3,
        "exempt": 0,
        "total": 6,
    }
    gavle_totals = next(m for m in report["municipalities"] if m["municipality"] == "2180")
    assert (gavle_totals["municipality_name"], gavle_totals["totals"]["completed_late"]) == (
        "Gävle",
        1,
    )
    assert report["freshness"]["last_stored"] is not None
    skr_report = (
        await http.get(f"/api/v1/workshops/{skr.json()['id']}/readiness", headers=admin)
    ).json()
    assert [
        (p["participant"]["name"], p["status"], p["progress"]) for p in skr_report["participants"]
    ] == [("Cilla Ceder", "completed_on_time", 1.0)]

    # CSV, as Swedish Excel opens it: the same conclusions in Swedish.
    as_csv = await http.get(report_url + "?format=csv", headers=admin)
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert {name: row["Status"] for name, row in table.items()} == {
        "Anna Andersson": "Klar i tid",
        "Bo Berg": "Klar i tid",
        "Cilla Ceder": "Inte påbörjad",
        "Dan Dahl": "Klar efter sista dag",
        "Eva Ek": "Inte påbörjad",
        "Frida Falk": "Inte påbörjad",
    }
    assert table["Bo Berg"]["Kommun"] == "Sandviken"
    dans_time = datetime.fromisoformat(dans_stored).astimezone(STOCKHOLM)
    assert table["Dan Dahl"]["Klar"] == dans_time.strftime("%Y-%m-%d %H:%M")  # Swedish time

    # XLSX: the participants sheet and the summary a county officer would forward.
    as_xlsx = await http.get(report_url + "?format=xlsx", headers=admin)
    book = load_workbook(io.BytesIO(as_xlsx.content))
    sheet = list(book["Deltagare"].iter_rows(values_only=True))
    column = sheet[0].index("Status")
    assert {row[0]: row[column] for row in sheet[1:]} == {
        name: row["Status"] for name, row in table.items()
    }
    summary = {
        row[0]: row[1:] for row in book["Sammanfattning"].iter_rows(values_only=True) if row[0]
    }
    assert summary["Totalt"][:5] == (6, 2, 1, 0, 3)

    # The Gävle coordinator sees Gävle's people only; another county sees nothing at all.
    theirs = await http.get(report_url + "?format=csv", headers=gavle)
    names = [
        row[0] for row in csv.reader(io.StringIO(theirs.content.decode("utf-8-sig")), delimiter=";")
    ]
    assert names == ["Namn", "Anna Andersson", "Dan Dahl"]
    assert (await http.get(report_url, headers=elsewhere)).status_code == 404
    county = (await http.get("/api/v1/readiness", headers=elsewhere)).json()
    assert (county["county"], county["totals"]["total"]) == ("14", 0)

    # The learner not on the list is shown for review beside Frida's address.
    unmatched = (await http.get("/api/v1/learners/unmatched", headers=admin)).json()["learners"]
    assert [(u["display"], u["nearest_email"]) for u in unmatched] == [
        ("frida.fallk@ljusdal.se", "frida.falk@ljusdal.se")
    ]
    assert (await http.get("/api/v1/learners/unmatched", headers=elsewhere)).json() == {
        "learners": []
    }

    # And the audit log says who did it.
    entries = (await http.get("/api/v1/audit", headers=admin)).json()["entries"]
    did = [
        (e["action"], e["details"].get("format"))
        for e in reversed(entries)
        if e["actor"] and not e["action"].endswith(".read")  # reads are audited too
    ]
    assert {e["action"] for e in entries} >= {"report.read", "participants.read"}
    assert did == [
        ("workshop.create", None),
        ("participants.import", None),
        ("workshop.create", None),
        ("participant.add", None),
        ("workshop.change", None),
        ("report.export", "csv"),
        ("report.export", "xlsx"),
        ("report.export", "csv"),
    ]
