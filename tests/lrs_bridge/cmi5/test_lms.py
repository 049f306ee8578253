"""The cmi5 LMS side against the real app in-process (each engine): launch data, the
launched statement, the one-time fetch URL, moveOn and satisfied, abandoned and waived,
and readiness counting the course only through the LMS's own satisfied statement."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from lrs_bridge.cmi5.moveon import AuStatus, au_satisfied
from lrs_bridge.cmi5.service import (
    ABANDONED,
    COMPLETED,
    INITIALIZED,
    LAUNCHED,
    PASSED,
    SATISFIED,
    SESSION_ID,
    TERMINATED,
    WAIVED,
)
from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from reports.links import launch_actor
from statements.errors import NotFound
from tests.lrs_bridge.cmi5.packages import au, block, structure

XAPI = {"X-Experience-API-Version": "1.0.3"}
ACTOR = {
    "objectType": "Agent",
    "account": {"homePage": "https://lrs.test/deltagare", "name": "p-anna"},
}


@dataclass
class Lms:
    http: httpx.AsyncClient
    services: Services
    course: str
    workshop: str

    async def launch(self, au_index: int = 0) -> dict[str, str]:
        launch = await self.services.cmi5.launch(self.course, ACTOR, au_index=au_index)
        query = parse_qs(urlsplit(launch.url).query)
        return {name: values[0] for name, values in query.items()}

    async def fetch(self, params: dict[str, str]) -> dict[str, str]:
        answer = await self.http.post(params["fetch"])
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/json")
        body: dict[str, str] = answer.json()
        return body

    async def count(self, verb: str) -> int:
        rows = await self.services.store.read(
            "SELECT count(*) FROM statements WHERE verb = ?", verb
        )
        return int(rows[0][0])

    async def ready(self) -> str:
        report = await self.services.reports.workshop_readiness(self.workshop)
        (entry,) = report.participants
        return entry.status


@pytest.fixture
async def lms(services: Services, settings: Settings) -> AsyncIterator[Lms]:
    xml = structure(
        au(
            1,
            "https://kurser.example.se/au1/index.html?lang=sv",
            move_on="CompletedAndPassed",
            mastery="0.8",
            launch_parameters="mode=quiz",
        ),
        block(1, au(2, "https://kurser.example.se/au2/", move_on="Completed", mastery=None)),
    )
    course = await services.cmi5.import_package(xml, "valsakerhet-cmi5")
    workshop = await services.reports.create_workshop(
        {
            "county": "21",
            "title": "Valsäkerhet",
            "date": "2030-01-18",
            "courses": [course.course_id],
        }
    )
    await services.reports.add_participant(
        workshop.id,
        {
            "name": "Anna Andersson",
            "email": "anna@gavle.se",
            "municipality": "2180",
            "role": "valnämnd",
            "account_home_page": ACTOR["account"]["homePage"],
            "account_name": ACTOR["account"]["name"],
        },
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield Lms(http, services, course.course_id, workshop.id)


def statement(
    params: dict[str, str], verb: str, launch_data: dict[str, Any], **result: Any
) -> dict[str, Any]:
    context = json.loads(json.dumps(launch_data["contextTemplate"]))
    context["registration"] = params["registration"]
    context.setdefault("contextActivities", {})["category"] = [
        {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
    ]
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": json.loads(params["actor"]),
        "verb": {"id": verb},
        "object": {"id": params["activityId"]},
        "context": context,
        "timestamp": "2026-12-07T10:00:00Z",
    }
    if result:
        body["result"] = result
    return body


async def run_au(lms: Lms, params: dict[str, str], *verbs: str) -> str:
    """What an AU does: fetch its token, read LMS.LaunchData with it, send statements."""
    token = (await lms.fetch(params))["auth-token"]
    auth = {**XAPI, "Authorization": f"Basic {token}"}
    state = await lms.http.get(
        "/xapi/activities/state",
        params={
            "activityId": params["activityId"],
            "agent": params["actor"],
            "registration": params["registration"],
            "stateId": "LMS.LaunchData",
        },
        headers=auth,
    )
    assert state.status_code == 200, state.text
    launch_data = state.json()
    for verb in verbs:
        result: dict[str, Any] = {}
        if verb == COMPLETED:
            result = {"completion": True, "duration": "PT1M"}
        elif verb == PASSED:
            result = {"success": True, "score": {"scaled": 0.9}, "duration": "PT1M"}
        answer = await lms.http.post(
            "/xapi/statements", json=statement(params, verb, launch_data, **result), headers=auth
        )
        assert answer.status_code == 200, answer.text
    await lms.services.cmi5.settle()
    return token


@pytest.mark.parametrize(
    ("move_on", "completed", "passed", "expected"),
    [
        ("Passed", True, False, False),
        ("Passed", False, True, True),
        ("Completed", True, False, True),
        ("Completed", False, True, False),
        ("CompletedAndPassed", True, False, False),
        ("CompletedAndPassed", True, True, True),
        ("CompletedOrPassed", False, True, True),
        ("CompletedOrPassed", True, False, True),
        ("CompletedOrPassed", False, False, False),
        ("NotApplicable", False, False, True),
    ],
)
def test_move_on(move_on: str, completed: bool, passed: bool, expected: bool) -> None:
    assert au_satisfied(move_on, AuStatus(completed=completed, passed=passed)) is expected
    assert au_satisfied(move_on, AuStatus(waived=True))


async def test_a_launch_writes_launch_data_and_launched_and_gives_the_au_its_parameters(
    lms: Lms,
) -> None:
    params = await lms.launch()
    assert set(params) == {"lang", "endpoint", "fetch", "actor", "registration", "activityId"}
    assert params["lang"] == "sv"
    assert params["endpoint"] == "http://lrs.test/xapi/"
    assert params["fetch"].startswith("http://lrs.test/cmi5/fetch/")
    assert json.loads(params["actor"]) == ACTOR
    assert params["activityId"].startswith("urn:lrs-bridge:cmi5:valsakerhet-cmi5:au:")
    uuid.UUID(params["registration"])
    assert await lms.count(LAUNCHED) == 1
    rows = await lms.services.store.read("SELECT body FROM statements WHERE verb = ?", LAUNCHED)
    launched = json.loads(rows[0][0])
    extensions = launched["context"]["extensions"]
    assert extensions["https://w3id.org/xapi/cmi5/context/extensions/moveon"] == (
        "CompletedAndPassed"
    )
    assert extensions["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.8
    assert extensions["https://w3id.org/xapi/cmi5/context/extensions/launchmode"] == "Normal"
    assert extensions["https://w3id.org/xapi/cmi5/context/extensions/launchurl"] == (
        "https://kurser.example.se/au1/index.html?lang=sv"
    )
    assert extensions["https://w3id.org/xapi/cmi5/context/extensions/launchparameters"] == (
        "mode=quiz"
    )
    assert launched["context"]["contextActivities"]["grouping"] == [
        {"objectType": "Activity", "id": "https://kurser.example.se/cmi5/valsakerhet/au/1"}
    ]


async def test_the_fetch_url_answers_once_then_with_the_cmi5_error(lms: Lms) -> None:
    params = await lms.launch()
    first = await lms.fetch(params)
    key, _, secret = base64.b64decode(first["auth-token"]).decode().partition(":")
    assert key and secret
    assert await lms.fetch(params) == {
        "error-code": "1",
        "error-text": "The authorization token has already been returned.",
    }
    unknown = await lms.http.post("/cmi5/fetch/nosuchsecret")
    assert unknown.status_code == 200
    assert unknown.json()["error-code"] == "2"
    assert (await lms.http.get(params["fetch"])).status_code == 405


async def test_an_au_that_completes_and_passes_satisfies_its_course_and_the_learner_is_ready(
    lms: Lms,
) -> None:
    assert await lms.ready() == "not_started"
    first = await lms.launch(0)
    await run_au(lms, first, INITIALIZED, COMPLETED, TERMINATED)
    assert await lms.count(SATISFIED) == 0  # CompletedAndPassed: passed is missing
    second = await lms.launch(0)
    await run_au(lms, second, INITIALIZED, PASSED, TERMINATED)
    assert await lms.count(SATISFIED) == 0  # the block's AU (Completed) is not yet done
    assert await lms.count(ABANDONED) == 0  # both sessions were terminated
    third = await lms.launch(1)
    await run_au(lms, third, INITIALIZED, COMPLETED, TERMINATED)
    rows = await lms.services.store.read("SELECT body FROM statements WHERE verb = ?", SATISFIED)
    satisfied = sorted(json.loads(row[0])["object"]["definition"]["type"] for row in rows)
    assert satisfied == [
        "https://w3id.org/xapi/cmi5/activitytype/block",
        "https://w3id.org/xapi/cmi5/activitytype/course",
    ]
    for row in rows:
        body = json.loads(row[0])
        assert body["context"]["extensions"][SESSION_ID]
        assert body["context"]["registration"] == first["registration"]
    assert await lms.ready() in ("completed_on_time", "completed_late")
    # Moving on again writes no second satisfied statement.
    fourth = await lms.launch(1)
    await run_au(lms, fourth, INITIALIZED, COMPLETED, TERMINATED)
    assert await lms.count(SATISFIED) == 2


async def test_a_session_never_terminated_is_abandoned_when_the_next_launch_starts(
    lms: Lms,
) -> None:
    first = await lms.launch()
    first_token = await run_au(lms, first, INITIALIZED)
    await lms.launch()
    assert await lms.count(ABANDONED) == 1
    rows = await lms.services.store.read("SELECT body FROM statements WHERE verb = ?", ABANDONED)
    body = json.loads(rows[0][0])
    assert body["result"]["duration"].startswith("PT")
    assert body["object"]["id"] == first["activityId"]
    # The abandoned session takes no more statements (spec 9.3.6).
    late = await lms.http.post(
        "/xapi/statements",
        json=statement(
            first,
            COMPLETED,
            {
                "contextTemplate": {
                    "extensions": {
                        SESSION_ID: (
                            await lms.services.store.read(
                                "SELECT id FROM cmi5_sessions WHERE ended = 'abandoned'"
                            )
                        )[0][0]
                    }
                }
            },
        ),
        headers={**XAPI, "Authorization": f"Basic {first_token}"},
    )
    assert late.status_code == 403
    assert late.json()["details"][0]["rule"] == "cmi5_session_ended"
    # The sweep abandons the second, idle launch.
    assert await lms.services.cmi5.abandon_open(idle_us=0) == 1  # the second, idle launch
    assert await lms.count(ABANDONED) == 2


async def test_an_administrator_waives_a_learner_and_the_course_is_satisfied(lms: Lms) -> None:
    waived = await lms.services.cmi5.waive(lms.course, ACTOR, reason="Administrative")
    assert waived == [0, 1]
    assert await lms.count(WAIVED) == 2
    rows = await lms.services.store.read("SELECT body FROM statements WHERE verb = ?", WAIVED)
    body = json.loads(rows[0][0])
    assert body["result"]["success"] is True and body["result"]["completion"] is True
    assert (
        body["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/reason"]
        == "Administrative"
    )
    assert await lms.count(SATISFIED) == 2
    assert await lms.ready() in ("completed_on_time", "completed_late")
    assert await lms.services.cmi5.waive(lms.course, ACTOR) == []  # nothing left to waive


async def test_statements_the_lms_did_not_write_never_complete_a_cmi5_course(lms: Lms) -> None:
    params = await lms.launch()
    token = (await lms.fetch(params))["auth-token"]
    created = await lms.services.credentials.create("course key", ["statements/write"])
    course_key = base64.b64encode(f"{created.credential.key}:{created.secret}".encode()).decode()
    forged = {
        "actor": ACTOR,
        "verb": {"id": SATISFIED},
        "object": {"id": "urn:lrs-bridge:cmi5:valsakerhet-cmi5"},
    }
    for auth in (token, course_key):
        answer = await lms.http.post(
            "/xapi/statements",
            json={**forged, "id": str(uuid.uuid4())},
            headers={**XAPI, "Authorization": f"Basic {auth}"},
        )
        assert answer.status_code == 200
    # A session's statements sent with another credential do not count either.
    launch_data = {"contextTemplate": {"extensions": {SESSION_ID: "x"}}}
    for verb in (COMPLETED, PASSED):
        body = statement(params, verb, launch_data)
        await lms.http.post(
            "/xapi/statements", json=body, headers={**XAPI, "Authorization": f"Basic {course_key}"}
        )
    await lms.services.cmi5.settle()
    assert await lms.ready() == "in_progress"  # launched, not completed
    assert await lms.count(SATISFIED) == 2  # only the two forged ones; the LMS wrote none


async def test_a_county_admin_waives_a_participant_through_the_api(lms: Lms) -> None:
    services = lms.services
    admin = await services.people.create_user("karl@lansstyrelsen.se", "county-admin", "21")
    token = await services.people.issue_token(str(admin.id))
    headers = {"Authorization": f"Bearer {token.token}"}
    (participant,) = await services.reports.list_participants(lms.workshop)
    url = f"/api/v1/workshops/{lms.workshop}/participants/{participant.id}/cmi5/{lms.course}"
    bad = await lms.http.post(url + "/waiver", json={"reason": "Lazy"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["details"][0]["path"] == "reason"
    other = f"/api/v1/workshops/{lms.workshop}/participants/{participant.id}/cmi5/nosuch/waiver"
    assert (await lms.http.post(other, json={}, headers=headers)).status_code == 400
    assert await lms.count(WAIVED) == 0
    answer = await lms.http.post(url + "/waiver", json={"au": 1}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"waived": [1]}
    assert await lms.count(SATISFIED) == 1  # the block; the course still needs AU 0
    answer = await lms.http.post(url + "/waiver", json={}, headers=headers)
    assert answer.json() == {"waived": [0]}
    assert await lms.ready() in ("completed_on_time", "completed_late")
    audit = (await lms.http.get("/api/v1/audit", headers=headers)).json()["entries"]
    assert [entry["action"] for entry in audit][:2] == ["participant.cmi5_waive"] * 2


async def test_a_personal_link_launches_the_au_with_its_own_registration_and_credential(
    lms: Lms,
) -> None:
    links = await lms.services.launch.participant_links(lms.workshop)
    ((course_id, _, url),) = next(iter(links.values()))
    assert course_id == lms.course
    path = url.removeprefix("http://lrs.test")
    # A course of two AUs: the link shows its parts, none done yet.
    parts = await lms.http.get(path)
    assert parts.status_code == 200
    assert parts.text.count("Inte klar") == 2
    assert 'href="?au=0"' in parts.text and 'href="?au=1"' in parts.text
    assert (await lms.http.get(path + "?au=7")).status_code == 200  # no such part: the list
    answer = await lms.http.get(path + "?au=0")
    assert answer.status_code in (302, 303, 307), answer.text
    target = answer.headers["location"]
    assert target.startswith("https://kurser.example.se/au1/index.html?")
    params = {name: values[0] for name, values in parse_qs(urlsplit(target).query).items()}
    (link,) = await lms.services.launch.links_of(
        (await lms.services.reports.list_participants(lms.workshop))[0].id
    )
    assert params["registration"] == link.registration
    # The actor is the participant's launch account (spec 8.1, 9.2), no personal data in it.
    assert json.loads(params["actor"]) == {
        "objectType": "Agent",
        "account": {"homePage": "http://lrs.test", "name": link.participant_id},
    }
    # The AU runs with the link's per-learner credential: launch data, statements, moveOn.
    token = (await lms.fetch(params))["auth-token"]
    assert base64.b64decode(token).decode().startswith(f"learner.{lms.course}.")
    auth = {**XAPI, "Authorization": f"Basic {token}"}
    state = await lms.http.get(
        "/xapi/activities/state",
        params={
            "activityId": params["activityId"],
            "agent": params["actor"],
            "registration": params["registration"],
            "stateId": "LMS.LaunchData",
        },
        headers=auth,
    )
    assert state.status_code == 200, state.text
    launch_data = state.json()
    for verb, result in (
        (INITIALIZED, {}),
        (COMPLETED, {"completion": True, "duration": "PT1M"}),
        (PASSED, {"success": True, "duration": "PT1M"}),
        (TERMINATED, {"duration": "PT2M"}),
    ):
        sent = await lms.http.post(
            "/xapi/statements", json=statement(params, verb, launch_data, **result), headers=auth
        )
        assert sent.status_code == 200, sent.text
    await lms.services.cmi5.settle()
    assert await lms.count(SATISFIED) == 0  # the block's AU is still to do
    assert (await lms.http.get(path)).text.count("Inte klar") == 1
    state = await lms.http.get(
        "/xapi/activities/state",
        params={
            "activityId": params["activityId"],
            "agent": params["actor"],
            "registration": params["registration"],
            "stateId": "LMS.LaunchData",
        },
        headers=auth,
    )
    assert state.json()["returnURL"] == url  # back to the parts after the AU
    # A revoked link stops the next launch's fetch, and the link itself answers 410.
    second = await lms.http.get(path + "?au=1")
    second_params = {
        name: values[0]
        for name, values in parse_qs(urlsplit(second.headers["location"]).query).items()
    }
    await lms.services.launch.revoke([link.id])
    assert (await lms.fetch(second_params))["error-code"] == "2"
    assert (await lms.http.get(path)).status_code == 410


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


async def link_launch(lms: Lms, au_index: int) -> dict[str, str]:
    """Follow the participant's personal link to one AU; the AU's launch parameters."""
    links = await lms.services.launch.participant_links(lms.workshop)
    ((_, _, url),) = next(iter(links.values()))
    answer = await lms.http.get(url.removeprefix("http://lrs.test") + f"?au={au_index}")
    assert answer.status_code in (302, 303, 307), answer.text
    return query_of(answer.headers["location"])


async def actors_of(lms: Lms, verb: str) -> list[dict[str, Any]]:
    rows = await lms.services.store.read("SELECT body FROM statements WHERE verb = ?", verb)
    return [json.loads(bytes(row[0]))["actor"] for row in rows]


ALL_VERBS = (INITIALIZED, COMPLETED, PASSED, TERMINATED)


async def test_the_launch_account_counts_for_the_participant_in_every_report(lms: Lms) -> None:
    (participant,) = await lms.services.reports.list_participants(lms.workshop)
    account = {
        "objectType": "Agent",
        "account": {"homePage": "http://lrs.test", "name": participant.id},
    }
    for index in (0, 1):
        params = await link_launch(lms, index)
        assert json.loads(params["actor"]) == account
        assert "anna" not in params["actor"].lower()  # neither address nor name
        await run_au(lms, params, *ALL_VERBS)
    # Everything the LMS wrote is the account's: launched, satisfied (block and course).
    assert await actors_of(lms, LAUNCHED) == [account, account]
    assert await actors_of(lms, SATISFIED) == [account, account]
    assert await actors_of(lms, COMPLETED) == [account, account]  # the AU's, accepted
    # The participant (address anna@gavle.se, own account p-anna) is ready by the account.
    assert await lms.ready() in ("completed_on_time", "completed_late")
    county = await lms.services.reports.county_readiness("21", municipality="2180")
    assert county.totals.completed_on_time + county.totals.completed_late == 1
    national = await lms.services.reports.national_readiness()
    assert national.totals.completed_on_time + national.totals.completed_late == 1
    # A service's record, not an administrator's connection: not listed for them to undo.
    assert await lms.services.reports.connected_identities(lms.workshop) == []
    with pytest.raises(NotFound):
        await lms.services.reports.disconnect_identity(
            lms.workshop, participant.id, f"account:http://lrs.test {participant.id}"
        )
    assert await lms.ready() in ("completed_on_time", "completed_late")
    assert await lms.services.reports.unmatched_learners() == []


async def test_a_cmi5_launch_credential_writes_only_for_its_account(lms: Lms) -> None:
    (participant,) = await lms.services.reports.list_participants(lms.workshop)
    params = await link_launch(lms, 0)
    token = (await lms.fetch(params))["auth-token"]
    auth = {**XAPI, "Authorization": f"Basic {token}"}
    launch_data = {"contextTemplate": {"extensions": {SESSION_ID: "x"}}}
    others = [
        launch_actor(participant),  # the participant's own address: not the launch's actor
        {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "someone"}},
        ACTOR,  # the participant's own account from the list
    ]
    for other in others:
        body = statement(params, INITIALIZED, launch_data)
        body["actor"] = other
        answer = await lms.http.post("/xapi/statements", json=body, headers=auth)
        assert answer.status_code == 403, answer.text
        assert answer.json()["details"][0]["rule"] == "learner_actor"
        state = await lms.http.put(
            "/xapi/activities/state",
            params={
                "activityId": params["activityId"],
                "agent": json.dumps(other),
                "registration": params["registration"],
                "stateId": "bookmark",
            },
            json={"page": 2},
            headers=auth,
        )
        assert state.status_code == 403, state.text
    own = statement(params, INITIALIZED, launch_data)
    assert (await lms.http.post("/xapi/statements", json=own, headers=auth)).status_code == 200


async def test_a_registration_launched_with_the_address_goes_on_with_it_and_counts(
    lms: Lms,
) -> None:
    """A database from before the launch account: the link's registration was made with the
    participant's address (mbox) and its first AU run under it."""
    (participant,) = await lms.services.reports.list_participants(lms.workshop)
    await lms.services.launch.participant_links(lms.workshop)
    (link,) = await lms.services.launch.links_of(participant.id)
    old = launch_actor(participant)
    before = await lms.services.cmi5.launch(  # as the launch page did before
        lms.course,
        old,
        au_index=0,
        registration=link.registration,
        link_token=link.token,
        document_owner=f"launch:{link.id}",
    )
    await run_au(lms, query_of(before.url), *ALL_VERBS)
    assert await lms.ready() == "in_progress"
    # The link now launches the second AU: the same registration, so the same actor.
    params = await link_launch(lms, 1)
    assert params["registration"] == link.registration
    assert json.loads(params["actor"]) == old
    await run_au(lms, params, *ALL_VERBS)
    assert await actors_of(lms, SATISFIED) == [old, old]  # block, course
    assert await lms.ready() in ("completed_on_time", "completed_late")
    rows = await lms.services.store.read("SELECT identity FROM participant_identities")
    assert rows == []  # no launch account was needed


async def test_an_address_registration_already_satisfied_still_counts(lms: Lms) -> None:
    (participant,) = await lms.services.reports.list_participants(lms.workshop)
    old = launch_actor(participant)
    for index in (0, 1):  # launched and run before the launch account, by the API
        launch = await lms.services.cmi5.launch(lms.course, old, au_index=index)
        await run_au(lms, query_of(launch.url), *ALL_VERBS)
    assert await actors_of(lms, SATISFIED) == [old, old]
    assert await lms.ready() in ("completed_on_time", "completed_late")
    # A waiver afterwards finds that registration (nothing is left to waive there).
    assert await lms.services.cmi5.waive_participant(
        lms.workshop, participant.id, lms.course, {}
    ) == []


async def test_the_register_extract_and_the_erasure_cover_the_launch_account(lms: Lms) -> None:
    (participant,) = await lms.services.reports.list_participants(lms.workshop)
    identity = f"account:http://lrs.test {participant.id}"
    params = await link_launch(lms, 0)
    await run_au(lms, params, *ALL_VERBS)
    extract = await lms.services.privacy.extract(None, "anna@gavle.se")
    assert identity in [i["identity"] for i in extract["connected_identities"]]
    assert [r["learner"] for r in extract["cmi5_registrations"]] == [identity]
    account = json.loads(params["actor"])
    found = [s for s in extract["statements"] if s["statement"]["actor"] == account]
    assert len(found) == 5  # launched, then the AU's four
    assert any(d["kind"] == "state" for d in extract["documents"])  # LMS.LaunchData
    erased = await lms.services.privacy.erase(None, "anna@gavle.se", dry_run=False)
    assert erased.counts["cmi5_registrations"] == 1
    assert erased.counts["connected_identities"] == 1
    bodies = await lms.services.store.read("SELECT body FROM statements")
    assert not [b for b in bodies if participant.id in bytes(b[0]).decode()]
    assert await lms.services.store.read("SELECT * FROM cmi5_registrations") == []
    assert await lms.services.store.read("SELECT * FROM participant_identities") == []
    with pytest.raises(NotFound):
        await lms.services.privacy.extract(None, "anna@gavle.se")
