"""Security review, finding 2: readiness trusted every statements/write credential, so any
course key (public: it sits inside the package) could mark any participant complete. The
attack of the review, through the xAPI and readiness API of the in-process app."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import XapiClient

INTRO = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
COURSE = "valmyndigheten-introduktion"
VERSION = {"X-Experience-API-Version": "1.0.3"}


def completion(email: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": INTRO},
        "result": {"completion": True},
    }


async def test_finding_2_a_public_course_key_cannot_forge_readiness(xapi: XapiClient) -> None:
    services, http = xapi.services, xapi.http
    nation = await services.people.create_user("nat@t.se", "national-admin")
    national = {
        "Authorization": f"Bearer {(await services.people.issue_token(str(nation.id))).token}"
    }
    admin_user = await services.people.create_user("ca21@t.se", "county-admin", county="21")
    admin = {
        "Authorization": f"Bearer {(await services.people.issue_token(str(admin_user.id))).token}"
    }
    course_key = await services.credentials.create("Introduktionskurs", ["statements/write"])
    leaked = await xapi.credential("statements/write")  # any other key, e.g. a leaked one

    # The national admin names the course's own key as its reporter.
    course = (await http.get(f"/api/v1/courses/{COURSE}", headers=national)).json()
    changed = await http.put(
        f"/api/v1/courses/{COURSE}",
        json={**course, "reporters": {"credentials": [course_key.credential.key]}},
        headers=national,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["reporters"] == {
        "credentials": [course_key.credential.key],
        "sources": [],
    }
    workshop = (
        await http.post(
            "/api/v1/workshops",
            json={"county": "21", "title": "W", "date": "2099-01-18", "courses": [COURSE]},
            headers=admin,
        )
    ).json()
    for name, email in [("Forged", "xss1@t.se"), ("Real", "real@t.se")]:
        added = await http.post(
            f"/api/v1/workshops/{workshop['id']}/participants",
            json={"name": name, "email": email, "municipality": "2180"},
            headers=admin,
        )
        assert added.status_code == 201, added.text

    forged = await http.post(
        "/xapi/statements", json=completion("xss1@t.se"), headers={**leaked, **VERSION}
    )
    assert forged.status_code == 200  # stored: the LRS stays conformant ...
    real = await http.post(
        "/xapi/statements",
        json=completion("real@t.se"),
        headers={**_basic(course_key.credential.key, course_key.secret), **VERSION},
    )
    assert real.status_code == 200

    report = (await http.get(f"/api/v1/workshops/{workshop['id']}/readiness", headers=admin)).json()
    by_email = {p["participant"]["email"]: p for p in report["participants"]}
    # ... but the forged completion does not count, and the page says so.
    assert by_email["xss1@t.se"]["status"] == "not_started"
    assert by_email["xss1@t.se"]["courses"][0]["unverified_completed_at"] is not None
    assert by_email["real@t.se"]["status"] == "completed_on_time"
    assert by_email["real@t.se"]["courses"][0]["unverified_completed_at"] is None

    # Naming a key that does not exist is refused and changes nothing.
    refused = await http.put(
        f"/api/v1/courses/{COURSE}",
        json={**course, "reporters": {"credentials": ["nope"]}},
        headers=national,
    )
    assert refused.status_code == 400
    assert refused.json()["details"][0]["path"] == "reporters.credentials[0]"


def _basic(key: str, secret: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}
