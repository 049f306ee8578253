"""The benchmark's statements in Python: the same shapes ``wrk/xapi.lua`` sends.

Used by the SQLite ceiling (to insert the very rows our store would) and by the Python
fallback generator when ``wrk`` is missing.
"""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

# The IRI lrs-bridge's default course "valmyndigheten-introduktion" knows.
COURSE = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
WORKSHOP = "https://valmyndigheten.se/xapi/workshop/2026/"
# id, English, Swedish, result kind, whether the object is the course (else a module)
VERBS = [
    ("http://adlnet.gov/expapi/verbs/initialized", "initialized", "påbörjade", None, True),
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced", "tog del av", None, False),
    ("http://adlnet.gov/expapi/verbs/progressed", "progressed", "gick vidare", "progress", False),
    ("http://adlnet.gov/expapi/verbs/answered", "answered", "besvarade", "score", False),
    ("http://adlnet.gov/expapi/verbs/completed", "completed", "slutförde", "completion", True),
    ("http://adlnet.gov/expapi/verbs/passed", "passed", "klarade", "score", True),
    ("http://adlnet.gov/expapi/verbs/failed", "failed", "klarade inte", "score", True),
    ("http://adlnet.gov/expapi/verbs/terminated", "terminated", "avslutade", None, True),
]
MODULES = [
    "Välkommen",
    "Hot och påverkan",
    "Informationssäkerhet",
    "Röstmottagning",
    "Säkerhetsskydd",
    "Krisberedskap",
    "Sammanfattning och test",
]
COUNTIES = [
    "01",
    "03",
    "04",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "12",
    "13",
    "14",
    "17",
    "18",
    "19",
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
]
LEARNERS = 20_000


def learner_mbox(n: int) -> str:
    county = COUNTIES[n % len(COUNTIES)]
    return f"mailto:deltagare{n}@kommun{county}{n % 13 + 80:02d}.se"


def registration(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def iso(moment: float) -> str:
    whole = int(moment)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + (
        f".{int((moment - whole) * 1000):03d}Z"
    )


def statement(
    rng: random.Random, learners: int = LEARNERS, now: str | None = None
) -> dict[str, Any]:
    n = rng.randint(1, learners)
    verb_id, en, sv, kind, about_course = rng.choice(VERBS)
    module = rng.randint(1, len(MODULES))
    county = COUNTIES[n % len(COUNTIES)]
    body: dict[str, Any] = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "name": f"Deltagare {n}", "mbox": learner_mbox(n)},
        "verb": {"id": verb_id, "display": {"en-US": en, "sv-SE": sv}},
        "object": {
            "objectType": "Activity",
            "id": f"{COURSE}/modul/{module}",
            "definition": {
                "name": {"sv-SE": f"Modul {module}: {MODULES[module - 1]}"},
                "type": "http://adlnet.gov/expapi/activities/module",
            },
        },
    }
    if about_course:
        body["object"] = {
            "objectType": "Activity",
            "id": COURSE,
            "definition": {
                "name": {"sv-SE": "Introduktionsutbildning i valsäkerhet"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        }
    if kind == "score":
        raw = rng.randint(0, 20)
        body["result"] = {
            "score": {"scaled": round(raw / 20, 2), "raw": raw, "min": 0, "max": 20},
            "success": raw >= 14,
            "duration": f"PT{rng.randint(0, 30)}M{rng.randint(0, 59)}S",
        }
    elif kind == "completion":
        body["result"] = {
            "completion": True,
            "duration": f"PT{rng.randint(20, 110)}M{rng.randint(0, 59)}S",
        }
    elif kind == "progress":
        body["result"] = {
            "extensions": {
                "https://w3id.org/xapi/cmi5/result/extensions/progress": rng.randint(1, 99)
            }
        }
    body["context"] = {
        "registration": registration(n),
        "platform": "Articulate Storyline",
        "language": "sv-SE",
        "contextActivities": {
            "parent": [{"id": COURSE}],
            "grouping": [{"id": WORKSHOP + county}],
            "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}],
        },
        "extensions": {"https://valmyndigheten.se/xapi/kommun": f"{county}{n % 13 + 80:02d}"},
    }
    body["timestamp"] = now or iso(time.time())
    return body
