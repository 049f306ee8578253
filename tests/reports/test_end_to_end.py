"""The issue's "done when", at the service level: a workshop, a participant list, and
statements as real courses send them; the reports say what a person would conclude.

- Anna takes the introduction in a Storyline-like package that sends her address as the
  LMS typed it (mixed case), with ``attempted``/``completed`` and result flags.
- Bo takes it through a cmi5 player, which sends an account, not an address.
- Cilla does SKR's three steps (and nothing else).
- Dan completes the introduction after the deadline.
- Eva's completion is voided (sent by mistake by a test run).
- Frida does nothing.
- Okänd completes the course but is not on the list (a typo of Frida's address).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import orjson
from openpyxl import load_workbook

from lrs_bridge.services import Services
from reports.exports import to_json
from statements.query import from_micros
from tests.reports.helpers import INTRO, SKR, send, voiding

REGISTRATION = str(uuid.uuid4())
CMI5_HOME = "https://lms.lansstyrelsen.se"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"

PARTICIPANTS = (
    "Namn;E-post;Kommun;Roll;Kontohemsida;Kontonamn\r\n"
    "Anna Andersson;anna.andersson@gavle.se;Gävle;valsamordnare;;\r\n"
    f"Bo Berg;bo.berg@sandviken.se;2181;valnämnd;{CMI5_HOME};bo.berg.42\r\n"
    "Cilla Ceder;cilla.ceder@hudiksvall.se;Hudiksvall;kommunikatör;;\r\n"
    "Dan Dahl;dan.dahl@gavle.se;Gävle;säkerhetssamordnare;;\r\n"
    "Eva Ek;eva.ek@bollnas.se;Bollnäs;valnämnd;;\r\n"
    "Frida Falk;frida.falk@ljusdal.se;Ljusdal;other;;\r\n"
)


def storyline(email: str, verb: str, result: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Anna Andersson", "mbox": f"mailto:{email}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"und": verb}},
        "object": {
            "objectType": "Activity",
            "id": INTRO,
            "definition": {
                "name": {"sv-SE": "Introduktionsutbildning i valsäkerhet"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        },
        "context": {
            "extensions": {
                "http://id.tincanapi.com/extension/browser-info": {"code_name": "Mozilla"}
            }
        },
    }
    if result is not None:
        body["result"] = result
    return body


def cmi5(verb_id: str, activity: str, result: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": CMI5_HOME, "name": "bo.berg.42"}},
        "verb": {"id": verb_id, "display": {"en-US": verb_id.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        "context": {
            "registration": REGISTRATION,
            "contextActivities": {
                "grouping": [{"id": INTRO}],
                "category": [
                    {"id": MOVEON},
                    {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"},
                ],
            },
        },
    }
    if result is not None:
        body["result"] = result
    return body


def simple(email: str, verb: str, activity: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity},
    }


async def test_what_a_person_would_conclude(services: Services) -> None:
    reports = services.reports
    workshop = await reports.create_workshop(
        {
            "county": "21",
            "title": "Workshop i valsäkerhet, Gävleborg",
            "date": "2099-01-18",
            "courses": ["valmyndigheten-introduktion"],
        }
    )
    imported = await reports.import_participants(
        workshop.id, b"\xef\xbb\xbf" + PARTICIPANTS.encode(), media_type="text/csv"
    )
    assert len(imported.added) == 6
    skr_workshop = await reports.create_workshop(
        {
            "county": "21",
            "title": "Ett tryggt valår",
            "date": "2099-02-01",
            "courses": ["skr-ett-tryggt-valar"],
        }
    )
    await reports.add_participant(
        skr_workshop.id,
        {"name": "Cilla Ceder", "email": "cilla.ceder@hudiksvall.se", "municipality": "2184"},
    )

    # Anna (Storyline, address in mixed case).
    await send(services, storyline("Anna.Andersson@Gavle.SE", "attempted"))
    await send(
        services,
        storyline(
            "Anna.Andersson@Gavle.SE",
            "completed",
            {"completion": True, "success": True, "score": {"scaled": 0.9}},
        ),
    )
    # Bo (cmi5 with an account): launched, initialized, completed, then the LMS's satisfied.
    au = INTRO + "/au"
    await send(
        services,
        cmi5("http://adlnet.gov/expapi/verbs/launched", au),
        cmi5("http://adlnet.gov/expapi/verbs/initialized", au),
    )
    await send(
        services,
        cmi5(
            "http://adlnet.gov/expapi/verbs/completed",
            au,
            {"completion": True, "duration": "PT45M"},
        ),
    )
    await send(services, cmi5("https://w3id.org/xapi/adl/verbs/satisfied", INTRO))
    # Cilla: SKR's three steps, one at a time.
    for step in SKR:
        await send(services, simple("cilla.ceder@hudiksvall.se", "completed", step))
    # Eva: a completion that is voided.
    evas = simple("eva.ek@bollnas.se", "completed", INTRO)
    await send(services, evas)
    await send(services, voiding(evas["id"]))
    # Okänd: not on the list (Frida's address mistyped).
    await send(services, simple("frida.fallk@ljusdal.se", "completed", INTRO))
    # Dan opens the course before the deadline...
    await send(services, simple("dan.dahl@gavle.se", "attempted", INTRO))

    # The deadline passes: it is set to the moment of the last statement so far.
    on_time_until = await services.store.last_stored()
    assert on_time_until is not None
    deadline = from_micros(on_time_until)
    workshop = await reports.change_workshop(workshop.id, {"deadline": deadline.isoformat()})
    assert workshop.deadline == deadline

    # ...and completes it afterwards.
    await send(services, simple("dan.dahl@gavle.se", "completed", INTRO))
    dans_completion = await services.store.last_stored()
    assert dans_completion is not None and dans_completion > on_time_until

    report = await reports.workshop_readiness(workshop.id)
    status = {entry.participant.name: entry.status for entry in report.participants}
    assert status == {
        "Anna Andersson": "completed_on_time",
        "Bo Berg": "completed_on_time",
        "Cilla Ceder": "not_started",  # the SKR course is not this workshop's
        "Dan Dahl": "completed_late",
        "Eva Ek": "not_started",  # her only completion was voided
        "Frida Falk": "not_started",  # the address she used is not the registered one
    }
    by_name = {entry.participant.name: entry for entry in report.participants}
    assert by_name["Dan Dahl"].completed_at == from_micros(dans_completion)
    assert by_name["Dan Dahl"].completed_at > workshop.deadline  # type: ignore[operator]
    assert by_name["Anna Andersson"].completed_at <= workshop.deadline  # type: ignore[operator]
    assert by_name["Eva Ek"].last_activity is None
    assert report.totals.completed_on_time == 2
    assert report.totals.completed_late == 1
    assert report.totals.not_started == 3
    assert report.totals.total == 6
    assert [
        (m.municipality_name, m.totals.total, m.totals.completed_on_time)
        for m in report.municipalities
    ] == [
        ("Ljusdal", 1, 0),  # 2161: in code order
        ("Gävle", 2, 1),
        ("Sandviken", 1, 1),
        ("Bollnäs", 1, 0),
        ("Hudiksvall", 1, 0),
    ]
    assert report.freshness.last_stored == from_micros(dans_completion)

    skr = await reports.workshop_readiness(skr_workshop.id)
    assert [(e.participant.name, e.status, e.progress) for e in skr.participants] == [
        ("Cilla Ceder", "completed_on_time", 1.0)
    ]

    # The learner not on the list is listed for review beside Frida's address.
    unmatched = await reports.unmatched_learners("21")
    assert [(u.display, u.nearest_email) for u in unmatched] == [
        ("frida.fallk@ljusdal.se", "frida.falk@ljusdal.se")
    ]

    # JSON says the same.
    data = orjson.loads(reports.export(report, "json").content)
    assert data == to_json(report)
    assert {p["participant"]["name"]: p["status"] for p in data["participants"]} == status

    # CSV, as Swedish Excel opens it.
    content = reports.export(report, "csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    header = rows[0]
    table = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert {name: row["Status"] for name, row in table.items()} == {
        "Anna Andersson": "Klar i tid",
        "Bo Berg": "Klar i tid",
        "Cilla Ceder": "Inte påbörjad",
        "Dan Dahl": "Klar efter sista dag",
        "Eva Ek": "Inte påbörjad",
        "Frida Falk": "Inte påbörjad",
    }
    assert table["Dan Dahl"]["Klar"] == by_name["Dan Dahl"].completed_at.strftime("%Y-%m-%d %H:%M")  # type: ignore[union-attr]
    assert table["Bo Berg"]["Kommun"] == "Sandviken"

    # XLSX, as openpyxl (and Excel) reads it.
    book = load_workbook(io.BytesIO(reports.export(report, "xlsx").content))
    sheet = list(book["Deltagare"].iter_rows(values_only=True))
    xlsx_status = {row[0]: row[sheet[0].index("Status")] for row in sheet[1:]}
    assert xlsx_status == {name: row["Status"] for name, row in table.items()}
    summary = {
        row[0]: row[1:]
        for row in book["Sammanfattning"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert summary["Totalt"][:5] == (6, 2, 1, 0, 3)
    deadline_cell = summary["Sista dag"][0]
    assert deadline_cell - workshop.deadline.replace(tzinfo=None) < timedelta(seconds=1)  # type: ignore[operator]

    # The ledger rebuilt from the log gives the same report.
    before = to_json(report)
    await reports.rebuild_progress()
    after = to_json(await reports.workshop_readiness(workshop.id))
    before.pop("freshness")
    after.pop("freshness")
    assert after == before
