"""Demo data for `make run` (``lrs-bridge serve --demo``): people who can log in to the web
pages, workshops in two counties with participant lists, and learning data as courses
send it, so that every page has something to show.

Seeded once per database (a workshop titled with ``DEMO_TAG`` marks it). Completions are
spread over the last two weeks: they are stored as bridged statements carrying the time
the origin LRS stored them, which is the clock the readiness report uses.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lrs_bridge.services import Services
from reports import places
from reports.courses import SKR_STEPS, VALMYNDIGHETEN_INTRO
from reports.exports import to_json
from reports.model import Reporters
from statements.log import Writer
from statements.query import to_micros

DEMO_TAG = "(demo)"
DEMO_PEOPLE = (
    ("nationell@demo.example", "national-admin", None, None),
    ("lansstyrelsen@demo.example", "county-admin", "21", None),
    ("samordnare.gavle@demo.example", "coordinator", None, "2180"),
)
FIRST = ("Anna", "Bo", "Cilla", "David", "Elin", "Fredrik", "Greta", "Hassan", "Ida", "Johan")
LAST = ("Andersson", "Berg", "Ceder", "Dahl", "Ek", "Falk", "Gran", "Holm", "Lind", "Nyström")
ROLES = ("valsamordnare", "valnämnd", "säkerhetssamordnare", "kommunikatör")
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
WRITER = Writer(
    authority={
        "objectType": "Agent",
        "account": {"homePage": "https://demo.example", "name": "demo"},
    },
    credential=None,
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    role: str
    password: str


async def seed_demo(
    services: Services, password: str | None = None, *, reset: bool = False
) -> list[DemoLogin]:
    """Seed the demo once and return the people's log-ins. New people get ``password``
    (a random one when none is given); existing ones keep theirs unless ``reset``."""
    password = password or secrets.token_urlsafe(12)
    logins: list[DemoLogin] = []
    for email, role, county, municipality in DEMO_PEOPLE:
        user = await services.people.find_user(email)
        if user is None or reset:
            if user is None:
                user = await services.people.create_user(email, role, county, municipality)
            await services.people.set_password(str(user.id), password)
        logins.append(DemoLogin(email, role, password))
    if any(DEMO_TAG in w.title for w in await services.reports.list_workshops()):
        return logins
    rng = random.Random(2026)
    now = datetime.now(UTC)
    for county, title, size, days_ahead in (
        ("21", "Workshop i valsäkerhet, Gävleborg", 48, 9),
        ("22", "Workshop i valsäkerhet, Västernorrland", 24, 4),
        ("21", "Ett tryggt valår, Gävleborg", 12, 20),
    ):
        skr = title.startswith("Ett tryggt")
        workshop = await services.reports.create_workshop(
            {
                "county": county,
                "title": f"{title} {DEMO_TAG}",
                "date": (now + timedelta(days=days_ahead)).date().isoformat(),
                "courses": ["skr-ett-tryggt-valar" if skr else "valmyndigheten-introduktion"],
            }
        )
        towns = places.municipalities_of(county)
        rows = ["Namn;E-post;Kommun;Roll"]
        emails: list[str] = []
        for n in range(size):
            first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST) + n + size) % len(LAST)]
            town = towns[(n * 3) % len(towns)]
            email = f"{first}.{last}.{n}@{town.code}.demo.example".lower()
            emails.append(email)
            rows.append(f"{first} {last};{email};{town.name};{ROLES[n % len(ROLES)]}")
        await services.reports.import_participants(
            workshop.id, "\r\n".join(rows).encode(), media_type="text/csv"
        )
        statements: list[dict[str, Any]] = []
        origin: list[int | None] = []
        for email in emails:
            chance = rng.random()
            if chance < 0.2:
                continue  # not started
            activities = list(SKR_STEPS) if skr else [VALMYNDIGHETEN_INTRO]
            done = activities if chance > 0.45 else activities[: max(1, len(activities) - 1)]
            verb = COMPLETED if chance > 0.45 or skr else ATTEMPTED
            moment = now - timedelta(days=rng.uniform(0.1, 14))
            for activity in done:
                statements.append(_statement(email, verb, activity))
                origin.append(to_micros(moment))
        await services.statements.store_statements(
            statements, version="1.0.3", writer=WRITER, origin_stored=origin
        )
    await services.reports.catch_up()
    return logins


def _statement(email: str, verb: str, activity: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": verb, "display": {"sv-SE": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
    }


async def trust_demo_credential(services: Services, key: str) -> None:
    """Let the demo credential report every course, so that a package given it in the
    demo counts towards readiness (a real deployment names each course's reporters)."""
    for course in await services.reports.list_courses():
        reporters = course.reporters or Reporters()
        if key in reporters.credentials:
            continue
        await services.reports.change_course(
            course.id,
            {
                **to_json(course),
                "reporters": {
                    "credentials": [*reporters.credentials, key],
                    "sources": list(reporters.sources),
                },
            },
        )
