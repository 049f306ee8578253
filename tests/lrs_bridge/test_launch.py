"""Personal launch links and per-learner credentials (issue 14), through the in-process
app: the ``xapi`` launch's parameters, the rule that binds a per-learner credential to its
learner (403 naming the rule), revocation and expiry (410 naming whom to contact), the
``link`` page, the course's launch kind, and that only a launch of the course itself counts.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from lrs_bridge.services import Services
from tests.conftest import XapiClient

COURSE_URL = "https://kurs.example/intro/index_lms.html"
ACTIVITY = "https://kurs.example/xapi/intro"
VERSION = {"X-Experience-API-Version": "1.0.3"}


async def _setup(
    services: Services, *, kind: str = "xapi", date: str = "2099-01-18"
) -> tuple[str, dict[str, str]]:
    """A course of ``kind``, a workshop requiring it, two participants; the workshop id
    and each participant's id by e-mail."""
    await services.reports.add_course(
        {
            "id": "intro",
            "name": "Intro",
            "activities": [ACTIVITY],
            "url": COURSE_URL,
            "launch_kind": kind,
        }
    )
    workshop = await services.reports.create_workshop(
        {"county": "21", "title": "Valworkshop", "date": date, "courses": ["intro"]}
    )
    ids = {}
    for name, email in [("Sara Lind", "Sara.Lind@Ljusdal.se"), ("Per Ek", "per@gavle.se")]:
        added = await services.reports.add_participant(
            workshop.id, {"name": name, "email": email, "municipality": "2161"}
        )
        ids[email.lower()] = added.id
    return workshop.id, ids


async def _token(services: Services, workshop_id: str, participant_id: str) -> str:
    links = await services.launch.participant_links(workshop_id, [participant_id])
    url = links[participant_id][0][2]
    assert url.startswith("http://lrs.test/l/")
    return url.rsplit("/", 1)[1]


def _statement(actor: dict[str, Any], registration: str | None, verb: str = "completed") -> Any:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": ACTIVITY},
        "result": {"completion": True, "success": True},
    }
    if registration is not None:
        statement["context"] = {"registration": registration}
    return statement


async def _launch(xapi: XapiClient, token: str) -> dict[str, str]:
    response = await xapi.http.get(f"/l/{token}", headers={"Authorization": ""})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(COURSE_URL + "?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return params


async def _status(services: Services, workshop_id: str) -> dict[str, str]:
    await services.reports.catch_up()
    report = await services.reports.workshop_readiness(workshop_id)
    return {entry.participant.email.lower(): entry.status for entry in report.participants}


async def test_an_xapi_launch_gives_the_course_a_credential_for_its_learner_only(
    xapi: XapiClient,
) -> None:
    services = xapi.services
    workshop_id, ids = await _setup(services)
    token = await _token(services, workshop_id, ids["sara.lind@ljusdal.se"])
    params = await _launch(xapi, token)

    assert set(params) == {"endpoint", "auth", "actor", "registration", "activity_id"}
    assert params["endpoint"] == "http://lrs.test/xapi/"
    assert params["activity_id"] == ACTIVITY
    actor = orjson.loads(params["actor"])
    assert actor["mbox"] == "mailto:sara.lind@ljusdal.se"
    key = base64.b64decode(params["auth"].removeprefix("Basic ")).decode().split(":")[0]
    assert key.startswith("learner.intro.")
    own = {"Authorization": params["auth"], **VERSION}
    registration = params["registration"]

    # Another actor, another registration, a Group: 403 naming the rule; nothing stored.
    other = {"objectType": "Agent", "mbox": "mailto:per@gavle.se"}
    for body, rule, path in [
        (_statement(other, registration), "learner_actor", "$.actor"),
        (_statement(actor, str(uuid.uuid4())), "learner_registration", "$.context.registration"),
        (_statement(actor, None), "learner_registration", "$.context.registration"),
        (
            [_statement(actor, registration), _statement(other, registration)],
            "learner_actor",
            "$[1].actor",
        ),
        (
            _statement({"objectType": "Group", "member": [actor]}, registration),
            "learner_actor",
            "$.actor",
        ),
    ]:
        refused = await xapi.http.post("/xapi/statements", json=body, headers=own)
        assert refused.status_code == 403, refused.text
        detail = refused.json()["details"][0]
        assert (detail["rule"], detail["path"]) == (rule, path)
    assert (await _status(services, workshop_id))["per@gavle.se"] == "not_started"

    # Documents: its own actor's State and Agent Profile, nothing else.
    state = {"activityId": ACTIVITY, "agent": params["actor"], "registration": registration}
    written = await xapi.http.put(
        "/xapi/activities/state",
        params={**state, "stateId": "bookmark"},
        json={"p": 3},
        headers=own,
    )
    assert written.status_code == 204, written.text
    for path, query, rule in [
        (
            "/xapi/activities/state",
            {**state, "agent": orjson.dumps(other).decode(), "stateId": "x"},
            "learner_actor",
        ),
        (
            "/xapi/activities/state",
            {**state, "registration": str(uuid.uuid4()), "stateId": "x"},
            "learner_registration",
        ),
        (
            "/xapi/agents/profile",
            {"agent": orjson.dumps(other).decode(), "profileId": "x"},
            "learner_actor",
        ),
        (
            "/xapi/activities/profile",
            {"activityId": ACTIVITY, "profileId": "x"},
            "learner_resource",
        ),
    ]:
        refused = await xapi.http.put(path, params=query, json={"a": 1}, headers=own)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["details"][0]["rule"] == rule
    profile = await xapi.http.put(
        "/xapi/agents/profile",
        params={"agent": params["actor"], "profileId": "prefs"},
        json={"lang": "sv"},
        headers={**own, "If-None-Match": "*"},
    )
    assert profile.status_code == 204, profile.text

    # Its own completion counts: the participant is ready, matched without e-mail typing.
    stored = await xapi.http.post(
        "/xapi/statements", json=_statement(actor, registration), headers=own
    )
    assert stored.status_code == 200, stored.text
    statuses = await _status(services, workshop_id)
    assert statuses["sara.lind@ljusdal.se"] == "completed_on_time"
    assert statuses["per@gavle.se"] == "not_started"

    # A second launch continues: the State document is the link's, not the credential's.
    again = await _launch(xapi, token)
    assert again["auth"] != params["auth"] and again["registration"] == registration
    bookmark = await xapi.http.get(
        "/xapi/activities/state",
        params={**state, "stateId": "bookmark"},
        headers={"Authorization": again["auth"], **VERSION},
    )
    assert bookmark.status_code == 200 and bookmark.json() == {"p": 3}


async def test_a_revoked_link_stops_at_once_and_says_whom_to_contact(xapi: XapiClient) -> None:
    services = xapi.services
    workshop_id, ids = await _setup(services)
    await services.reports.set_county_contact(
        "21",
        {"name": "Karin Berg", "email": "karin.berg@lansstyrelsen.se", "phone": "010-225 00 00"},
    )
    participant = ids["sara.lind@ljusdal.se"]
    token = await _token(services, workshop_id, participant)
    params = await _launch(xapi, token)
    own = {"Authorization": params["auth"], **VERSION}
    actor = orjson.loads(params["actor"])

    revoked = await services.launch.revoke_participant(participant)
    assert len(revoked) == 1
    refused = await xapi.http.post(
        "/xapi/statements", json=_statement(actor, params["registration"]), headers=own
    )
    assert refused.status_code == 401
    page = await xapi.http.get(f"/l/{token}", headers={"Authorization": ""})
    assert page.status_code == 410
    assert "Länken fungerar inte längre" in page.text
    assert "Karin Berg" in page.text and "karin.berg@lansstyrelsen.se" in page.text
    assert '<html lang="sv">' in page.text

    # A new link is made for the next invitation; the old one stays revoked.
    fresh = await _token(services, workshop_id, participant)
    assert fresh != token
    assert (await xapi.http.get(f"/l/{token}", headers={"Authorization": ""})).status_code == 410
    await _launch(xapi, fresh)

    # Taken off the list: the link and every credential it issued end with them.
    later = await _launch(xapi, fresh)
    await services.reports.remove_participant(workshop_id, participant)
    gone = await xapi.http.post(
        "/xapi/statements",
        json=_statement(actor, later["registration"]),
        headers={"Authorization": later["auth"], **VERSION},
    )
    assert gone.status_code == 401
    assert (await xapi.http.get(f"/l/{fresh}", headers={"Authorization": ""})).status_code == 404


async def test_a_link_expires_a_configured_time_after_the_workshop(xapi: XapiClient) -> None:
    services = xapi.services
    workshop_id, ids = await _setup(services, date="2020-01-18")
    token = await _token(services, workshop_id, ids["per@gavle.se"])
    page = await xapi.http.get(f"/l/{token}", headers={"Authorization": ""})
    assert page.status_code == 410
    assert "gällde till 17 februari 2020" in page.text  # 30 days after the workshop's day
    unknown = await xapi.http.get("/l/not-a-token", headers={"Authorization": ""})
    assert unknown.status_code == 404 and "Länken finns inte" in unknown.text


async def test_a_link_kind_course_says_which_e_mail_address_to_use(xapi: XapiClient) -> None:
    services = xapi.services
    workshop_id, ids = await _setup(services, kind="link")
    token = await _token(services, workshop_id, ids["sara.lind@ljusdal.se"])
    page = await xapi.http.get(f"/l/{token}", headers={"Authorization": ""})
    assert page.status_code == 200
    assert "sara.lind@ljusdal.se" in page.text.lower()
    assert f'href="{COURSE_URL}"' in page.text
    assert "Starta utbildningen Intro" in page.text


async def test_only_a_launch_of_the_course_itself_counts_for_it(xapi: XapiClient) -> None:
    """A per-learner credential of course A reporting course B's activity, and a forged
    completion from another course's key, are stored but do not count."""
    services = xapi.services
    workshop_id, ids = await _setup(services)
    await services.reports.add_course(
        {"id": "annan", "name": "Annan", "activities": ["https://annan.example/x"]}
    )
    other_key = await xapi.credential("statements/write")
    forged = await xapi.http.post(
        "/xapi/statements",
        json=_statement({"mbox": "mailto:per@gavle.se"}, None),
        headers={**other_key, **VERSION},
    )
    assert forged.status_code == 200
    # Per's link is for "intro"; a credential key naming another course is not trusted
    # for intro: forge one by asking the service for a launch of the other course.
    links = await services.launch.links.ensure(
        [(ids["per@gavle.se"], "annan")], services.reports.clock()
    )
    target = await services.launch.resolve(links[(ids["per@gavle.se"], "annan")].token)
    assert target is not None
    issued = await services.launch.issue_credential(target, None)
    assert issued.key.startswith("learner.annan.")
    cross = await xapi.http.post(
        "/xapi/statements",
        json=_statement({"mbox": "mailto:per@gavle.se"}, None),
        headers={"Authorization": issued.basic, **VERSION},
    )
    assert cross.status_code == 200
    assert (await _status(services, workshop_id))["per@gavle.se"] == "not_started"


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"launch_kind": "scorm"}, "launch_kind", "enum"),
        ({"launch_kind": "xapi", "url": ""}, "url", "required"),
    ],
)
async def test_a_course_launch_kind_is_checked(
    xapi: XapiClient, change: dict[str, str], path: str, rule: str
) -> None:
    services = xapi.services
    admin = await services.people.create_user("nat@t.se", "national-admin")
    token = (await services.people.issue_token(str(admin.id))).token
    body = {"name": "Ny", "activities": ["https://ny.example/x"], "url": COURSE_URL, **change}
    refused = await xapi.http.post(
        "/api/v1/courses", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 400
    detail = refused.json()["details"][0]
    assert (detail["path"], detail["rule"]) == (path, rule)
    assert [c.id for c in await services.reports.list_courses()] == [
        "valmyndigheten-introduktion",
        "skr-ett-tryggt-valar",
    ]
    listed = await xapi.http.get(
        "/api/v1/courses/valmyndigheten-introduktion",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listed.json()["launch_kind"] == "link"  # today's behaviour by default


def _basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION}


async def _row_count(services: Services, table: str) -> int:
    rows = await services.store.read(f"SELECT COUNT(*) FROM {table}")
    return int(rows[0][0])


async def test_a_launch_writes_nothing_and_a_changed_key_or_secret_is_refused(
    xapi: XapiClient,
) -> None:
    """The per-learner credential is signed, not stored (issue 14's launch target): a
    launch leaves the database as it was, and any change to the key (another link,
    course, expiry, registration or actor) or to the secret fails its signature (401)."""
    services = xapi.services
    workshop_id, ids = await _setup(services)
    token = await _token(services, workshop_id, ids["sara.lind@ljusdal.se"])
    await _launch(xapi, token)  # the first launch may make the service's signing key
    before = {t: await _row_count(services, t) for t in ("learner_credentials", "service_keys")}
    params = await _launch(xapi, token)
    assert (
        {t: await _row_count(services, t) for t in before}
        == before
        == {
            "learner_credentials": 0,
            "service_keys": 1,
        }
    )
    actor = orjson.loads(params["actor"])
    key, secret = base64.b64decode(params["auth"].removeprefix("Basic ")).decode().split(":")
    body = _statement(actor, params["registration"])
    assert "ljusdal" not in key.lower()  # the actor is in the key as a keyed digest only

    prefix, course, link, expires, registration, digest, nonce = key.split(".")
    await _token(services, workshop_id, ids["per@gavle.se"])
    other_link = (await services.launch.links_of(ids["per@gavle.se"]))[0].id
    changed = [
        ".".join([prefix, "annan", link, expires, registration, digest, nonce]),
        ".".join([prefix, course, other_link, expires, registration, digest, nonce]),
        ".".join([prefix, course, link, str(int(expires) + 86400), registration, digest, nonce]),
        ".".join([prefix, course, link, expires, "", digest, nonce]),
        ".".join([prefix, course, link, expires, registration, digest[::-1], nonce]),
        ".".join([prefix, course, link, expires, registration, digest, nonce + "0"]),
    ]
    for forged in changed:
        refused = await xapi.http.post(
            "/xapi/statements", json=body, headers=_basic(forged, secret)
        )
        assert refused.status_code == 401, forged
    wrong = await xapi.http.post(
        "/xapi/statements", json=body, headers=_basic(key, secret[:-1] + "A")
    )
    assert wrong.status_code == 401
    right = await xapi.http.post("/xapi/statements", json=body, headers=_basic(key, secret))
    assert right.status_code == 200, right.text


async def test_a_credential_works_on_another_instance_and_after_a_restart(
    xapi: XapiClient, settings: Any
) -> None:
    """Every instance signs with the one key kept in the database: a credential issued
    by one authenticates on another (and on the same after a restart); an expired one is
    refused everywhere."""
    from datetime import UTC, datetime, timedelta

    services = xapi.services
    workshop_id, ids = await _setup(services)
    token = await _token(services, workshop_id, ids["per@gavle.se"])
    params = await _launch(xapi, token)
    key, secret = base64.b64decode(params["auth"].removeprefix("Basic ")).decode().split(":")
    other = Services.build(settings)
    await other.open()
    try:
        now = datetime.now(UTC)
        learner = await other.credentials.learners.authenticate(key, secret, "t", now)
        assert learner is not None and learner.course_id == "intro"
        assert learner.owns("mbox:per@gavle.se")
        assert not learner.owns("mbox:sara.lind@ljusdal.se")
        later = now + timedelta(hours=services.settings.launch_credential_hours, minutes=1)
        assert await other.credentials.learners.authenticate(key, secret, "t", later) is None
    finally:
        await other.close()


async def test_a_credential_stored_by_the_previous_release_works_until_it_ends(
    xapi: XapiClient,
) -> None:
    """Credentials issued before signed keys (a row in learner_credentials) keep working
    while their link lives and they have not expired."""
    from datetime import UTC, datetime, timedelta

    from lrs_bridge.auth.hashing import hash_machine_secret
    from statements.query import to_micros

    services = xapi.services
    workshop_id, ids = await _setup(services)
    participant = ids["sara.lind@ljusdal.se"]
    await _token(services, workshop_id, participant)
    link = (await services.launch.links_of(participant))[0]
    now = datetime.now(UTC)
    key, secret = "learner.intro.0123456789abcdef0123", "legacy-secret-" + "x" * 20

    async def insert(tx: Any) -> None:
        await tx.execute(
            "INSERT INTO learner_credentials (key, secret_hash, link_id, actor, agent_key,"
            " registration, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            key,
            hash_machine_secret(secret),
            link.id,
            '{"mbox": "mailto:sara.lind@ljusdal.se"}',
            "mbox:sara.lind@ljusdal.se",
            link.registration,
            to_micros(now),
            to_micros(now + timedelta(hours=1)),
        )

    await services.store.write(insert)
    actor = {"objectType": "Agent", "mbox": "mailto:sara.lind@ljusdal.se"}
    body = _statement(actor, link.registration)
    stored = await xapi.http.post("/xapi/statements", json=body, headers=_basic(key, secret))
    assert stored.status_code == 200, stored.text
    other = _statement({"mbox": "mailto:per@gavle.se"}, link.registration)
    refused = await xapi.http.post("/xapi/statements", json=other, headers=_basic(key, secret))
    assert refused.status_code == 403
    await services.launch.revoke([link.id])
    ended = await xapi.http.post("/xapi/statements", json=body, headers=_basic(key, secret))
    assert ended.status_code == 401


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Basic bGVhcm5lci5pbnRybzphYmM+Lz0=",
        '{"objectType": "Agent", "name": "Åsa Öberg-Ängqvist", "mbox": "mailto:a+b@x.se"}',
        "https://kurs.example/xapi/intro?a=1&b=2#frag ment",
        "tab\tnew\nline%~_.-\x00\x7f€😀",
    ],
)
def test_the_launch_url_quotes_as_urlencode_does(value: str) -> None:
    from urllib.parse import quote_plus

    from lrs_bridge.launch import form_quote

    assert form_quote(value) == quote_plus(value)
