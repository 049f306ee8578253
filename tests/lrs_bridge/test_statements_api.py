"""The Statement resource (Communication 2.1, 1.1–1.3, 2.8, 3.3; Data 2.3–2.5), in the
corners ``test_xapi_statements.py`` leaves open: statement comparison, every query
parameter against every place it must (and must not) match, StatementRef filter
inheritance, ``more`` paging, HEAD, headers on every kind of answer, CORS, the alternate
request syntax and /xapi/about.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from statements.models import parse_timestamp
from tests.conftest import XapiClient

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
COMMENTED = "http://adlnet.gov/expapi/verbs/commented"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTRO = "https://valmyndigheten.se/xapi/intro"
STEP = "https://valmyndigheten.se/xapi/intro/steg-1"
SKR = "https://skr.se/xapi/ett-tryggt-valar"
ANNA = {"mbox": "mailto:anna@kommun.se"}
BO = {"account": {"homePage": "https://lms.kommun.se", "name": "bo-17"}}
VERSION = "X-Experience-API-Version"
THROUGH = "X-Experience-API-Consistent-Through"


def statement(
    actor: dict[str, Any] | None = None,
    verb: str = COMPLETED,
    obj: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "actor": actor or ANNA,
        "verb": {"id": verb, "display": {"sv-SE": "slutförde", "en-US": "completed"}},
        "object": obj or {"id": INTRO, "definition": {"name": {"sv-SE": "Introduktion"}}},
        **extra,
    }


def ref(statement_id: str) -> dict[str, Any]:
    return {"objectType": "StatementRef", "id": statement_id}


async def post(xapi: XapiClient, *bodies: dict[str, Any]) -> list[str]:
    response = await xapi.http.post("/xapi/statements", json=list(bodies))
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def get_one(xapi: XapiClient, statement_id: str, **params: str) -> httpx.Response:
    return await xapi.http.get("/xapi/statements", params={"statementId": statement_id, **params})


async def ids_of(xapi: XapiClient, **params: Any) -> list[str]:
    """Ids of every statement a query returns, following ``more`` to the end."""
    for key in ("agent",):
        if isinstance(params.get(key), dict):
            params[key] = json.dumps(params[key])
    response = await xapi.http.get("/xapi/statements", params=params)
    found: list[str] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        found += [s["id"] for s in body["statements"]]
        if not body["more"]:
            return found
        response = await xapi.http.get(body["more"])


def assert_xapi_headers(response: httpx.Response, version: str = "1.0.3") -> None:
    assert response.headers[VERSION] == version
    parse_timestamp(response.headers[THROUGH])


# --- PUT and POST: ids, idempotency, comparison, atomicity ------------------------------


async def test_post_returns_ids_in_order_and_keeps_given_ids(xapi: XapiClient) -> None:
    given = str(uuid.uuid4())
    response = await xapi.http.post(
        "/xapi/statements",
        json=[statement(), statement(id=given), statement(actor=BO)],
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert_xapi_headers(response)
    ids = response.json()
    assert len(ids) == 3 and ids[1] == given
    for sid in ids:
        assert str(uuid.UUID(sid)) == sid
    stored = [(await get_one(xapi, sid)).json() for sid in ids]
    assert [s["id"] for s in stored] == ids
    assert stored[2]["actor"] == BO
    single = await xapi.http.post("/xapi/statements", json=statement())
    assert single.status_code == 200 and len(single.json()) == 1


async def test_put_204_has_no_body_and_the_xapi_headers(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())
    response = await xapi.http.put(
        "/xapi/statements", params={"statementId": sid}, json=statement()
    )
    assert response.status_code == 204
    assert response.content == b""
    assert_xapi_headers(response)
    # The id may be left out of the body: the LRS takes statementId.
    assert (await get_one(xapi, sid)).json()["id"] == sid


@pytest.mark.parametrize(
    ("params", "body", "path"),
    [
        ({"statementId": "not-a-uuid"}, statement(), "statementId"),
        (
            {"statementId": "00000000-0000-4000-8000-000000000001", "verb": COMPLETED},
            statement(),
            "verb",
        ),
        ({"statementId": "00000000-0000-4000-8000-000000000001"}, [statement()], "$"),
    ],
    ids=["statementId not a UUID", "unknown parameter", "a list"],
)
async def test_bad_put_requests_are_400(
    xapi: XapiClient, params: dict[str, str], body: Any, path: str
) -> None:
    response = await xapi.http.put("/xapi/statements", params=params, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["path"] == path
    assert_xapi_headers(response)
    assert await ids_of(xapi) == []


async def test_same_statement_again_differs_only_where_the_spec_allows(xapi: XapiClient) -> None:
    """Data 2.3.1: LRS-assigned properties, timestamp serialisation, activity definitions,
    verb display, the order of group members and e-mail case are not differences."""
    sid = str(uuid.uuid4())
    original = statement(
        actor={"objectType": "Group", "member": [ANNA, BO]},
        timestamp="2026-11-22T12:00:00.000Z",
        result={"duration": "PT1H"},
    )
    put = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=original)
    assert put.status_code == 204
    before = (await get_one(xapi, sid)).content

    same = statement(
        actor={"objectType": "Group", "member": [BO, {"mbox": "mailto:ANNA@kommun.se"}]},
        timestamp="2026-11-22T13:00:00+01:00",
        result={"duration": "PT1H"},
        version="1.0.0",
    )
    same["verb"]["display"] = {"en-GB": "completed"}
    same["object"] = {"objectType": "Activity", "id": INTRO}
    again = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=same)
    assert again.status_code == 204, again.text
    posted = await xapi.http.post("/xapi/statements", json={**same, "id": sid})
    assert posted.status_code == 200 and posted.json() == [sid]
    assert (await get_one(xapi, sid)).content == before  # nothing was modified

    # Durations are compared as strings (Data 2.3.1): PT60M is a different statement.
    other = {**original, "result": {"duration": "PT60M"}}
    conflict = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=other)
    assert conflict.status_code == 409
    assert conflict.json()["details"] == [{"path": "id", "rule": "conflict", "message": sid}]
    assert_xapi_headers(conflict)
    assert (await get_one(xapi, sid)).content == before


async def test_a_conflict_in_a_batch_stores_none_of_it(xapi: XapiClient) -> None:
    (existing,) = await post(xapi, statement())
    fresh = str(uuid.uuid4())
    response = await xapi.http.post(
        "/xapi/statements",
        json=[statement(id=fresh), statement(id=existing, verb=ATTEMPTED)],
    )
    assert response.status_code == 409
    assert (await get_one(xapi, fresh)).status_code == 404
    assert (await get_one(xapi, existing)).json()["verb"]["id"] == COMPLETED


async def test_duplicate_ids_in_a_batch_differing_in_case_are_400(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())
    response = await xapi.http.post(
        "/xapi/statements", json=[statement(id=sid), statement(id=sid.upper())]
    )
    assert response.status_code == 400
    assert response.json()["details"][0] == {
        "path": "[1].id",
        "rule": "duplicate_id",
        "message": "the batch has this id twice",
    }
    assert await ids_of(xapi) == []


async def test_post_with_query_parameters_is_400(xapi: XapiClient) -> None:
    response = await xapi.http.post(
        "/xapi/statements", params={"statementId": str(uuid.uuid4())}, json=statement()
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == "statementId"
    assert await ids_of(xapi) == []


async def test_lrs_overwrites_stored_and_authority(xapi: XapiClient) -> None:
    claimed = statement(
        stored="2000-01-01T00:00:00Z",
        authority={"mbox": "mailto:someone.else@example.org"},
    )
    (sid,) = await post(xapi, claimed)
    got = (await get_one(xapi, sid)).json()
    assert got["stored"] != "2000-01-01T00:00:00Z"
    assert parse_timestamp(got["stored"]) > datetime.now(UTC) - timedelta(minutes=5)
    assert got["authority"]["account"] == {"homePage": "http://lrs.test", "name": xapi.key}


# --- GET one statement -------------------------------------------------------------------


async def test_get_one_statement_headers(xapi: XapiClient) -> None:
    (sid,) = await post(xapi, statement())
    response = await get_one(xapi, sid)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert_xapi_headers(response)
    body = response.json()
    stored = parse_timestamp(body["stored"])
    last_modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert last_modified == stored.replace(microsecond=0)
    # Consistent-Through: every statement stored before it can be read.
    assert parse_timestamp(response.headers[THROUGH]) >= stored
    # The id is case-insensitive in the parameter.
    assert (await get_one(xapi, sid.upper())).json()["id"] == sid
    # format and attachments may go with statementId.
    ids_form = await get_one(xapi, sid, format="ids", attachments="false")
    assert ids_form.json()["object"] == {"id": INTRO}


async def test_unknown_statement_is_404_with_json_and_headers(xapi: XapiClient) -> None:
    for name in ("statementId", "voidedStatementId"):
        response = await xapi.http.get("/xapi/statements", params={name: str(uuid.uuid4())})
        assert response.status_code == 404
        assert response.json()["details"][0]["path"] == name
        assert_xapi_headers(response)


async def test_voiding_rules(xapi: XapiClient) -> None:
    (target, other) = await post(xapi, statement(), statement(actor=BO))
    (voiding,) = await post(xapi, statement(verb=VOIDED, obj=ref(target)))

    # Only voidedStatementId finds the voided statement; only statementId finds the others.
    assert (await get_one(xapi, target)).status_code == 404
    found = await xapi.http.get("/xapi/statements", params={"voidedStatementId": target})
    assert found.status_code == 200 and found.json()["id"] == target
    assert "Last-Modified" in found.headers
    for sid in (other, voiding):
        assert (await get_one(xapi, sid)).status_code == 200
        not_voided = await xapi.http.get("/xapi/statements", params={"voidedStatementId": sid})
        assert not_voided.status_code == 404

    # Voided statements leave every query, whatever its filters.
    assert target not in await ids_of(xapi)
    assert target not in await ids_of(xapi, agent=ANNA)
    assert target not in await ids_of(xapi, activity=INTRO)
    assert target not in await ids_of(xapi, verb=COMPLETED)

    # A voiding statement cannot be voided: it stays, and so does what it voided.
    (second,) = await post(xapi, statement(actor=BO, verb=VOIDED, obj=ref(voiding)))
    assert (await get_one(xapi, voiding)).status_code == 200
    assert (await get_one(xapi, target)).status_code == 404
    assert set(await ids_of(xapi)) == {other, voiding, second}


# --- every query parameter --------------------------------------------------------------------


async def test_agent_and_related_agents_match_every_place_they_should(xapi: XapiClient) -> None:
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:sub@kommun.se"},
        "verb": {"id": COMPLETED},
        "object": {"objectType": "Agent", "mbox": "mailto:subobj@kommun.se"},
        "context": {"instructor": {"mbox": "mailto:subteacher@kommun.se"}},
    }
    rows = {
        "actor": statement(),
        "member": statement(actor={"objectType": "Group", "member": [BO, ANNA]}),
        "identified group": statement(
            actor={"objectType": "Group", "mbox": "mailto:valnamnd@kommun.se", "member": [BO]}
        ),
        "object": statement(actor=BO, verb=COMMENTED, obj={"objectType": "Agent", **ANNA}),
        "instructor": statement(actor=BO, context={"instructor": ANNA}),
        "team": statement(actor=BO, context={"team": {"objectType": "Group", "member": [ANNA]}}),
        "substatement": statement(actor=BO, verb=COMMENTED, obj=sub),
        "none": statement(actor=BO),
    }
    ids = dict(zip(rows, await post(xapi, *rows.values()), strict=True))

    def named(*names: str) -> set[str]:
        return {ids[n] for n in names}

    # mbox is matched case-insensitively; a Group matches when a member does.
    anna_upper = {"objectType": "Agent", "mbox": "mailto:Anna@Kommun.SE"}
    assert set(await ids_of(xapi, agent=anna_upper)) == named("actor", "member", "object")
    # related_agents adds instructor and team; members of those groups count too.
    assert set(await ids_of(xapi, agent=ANNA, related_agents="true")) == named(
        "actor", "member", "object", "instructor", "team"
    )
    # Other identifiers: account, an identified Group.
    assert ids["none"] in await ids_of(xapi, agent=BO)
    group = {"objectType": "Group", "mbox": "mailto:valnamnd@kommun.se"}
    assert set(await ids_of(xapi, agent=group)) == named("identified group")
    # Inside a SubStatement only with related_agents: its actor, object and context.
    for inner in ("sub", "subobj", "subteacher"):
        agent = {"mbox": f"mailto:{inner}@kommun.se"}
        assert await ids_of(xapi, agent=agent) == []
        assert await ids_of(xapi, agent=agent, related_agents="true") == [ids["substatement"]]
    # The authority is this credential's Agent: a related agent of every statement.
    authority = {"account": {"homePage": "http://lrs.test", "name": xapi.key}}
    assert await ids_of(xapi, agent=authority) == []
    assert set(await ids_of(xapi, agent=authority, related_agents="true")) == set(ids.values())


async def test_activity_and_related_activities(xapi: XapiClient) -> None:
    sub = {
        "objectType": "SubStatement",
        "actor": BO,
        "verb": {"id": COMPLETED},
        "object": {"id": STEP},
        "context": {"contextActivities": {"category": [{"id": SKR}]}},
    }
    rows = {
        "object": statement(obj={"id": STEP}),
        "parent": statement(context={"contextActivities": {"parent": [{"id": STEP}]}}),
        "grouping": statement(context={"contextActivities": {"grouping": {"id": STEP}}}),
        "other": statement(
            obj={"id": SKR}, context={"contextActivities": {"other": [{"id": STEP}]}}
        ),
        "substatement": statement(verb=COMMENTED, obj=sub),
        "none": statement(),
    }
    ids = dict(zip(rows, await post(xapi, *rows.values()), strict=True))
    assert await ids_of(xapi, activity=STEP) == [ids["object"]]
    assert set(await ids_of(xapi, activity=STEP, related_activities="true")) == {
        ids[n] for n in ("object", "parent", "grouping", "other", "substatement")
    }
    assert set(await ids_of(xapi, activity=SKR, related_activities="true")) == {
        ids["other"],
        ids["substatement"],
    }
    assert set(await ids_of(xapi, activity=INTRO)) == {
        ids[n] for n in ("parent", "grouping", "none")
    }


async def test_verb_registration_and_combined_filters(xapi: XapiClient) -> None:
    registration = str(uuid.uuid4())
    rows = [
        statement(context={"registration": registration}),
        statement(verb=ATTEMPTED, context={"registration": registration.upper()}),
        statement(verb=ATTEMPTED),
        statement(actor=BO, context={"registration": registration}),
    ]
    a, b, c, d = await post(xapi, *rows)
    assert set(await ids_of(xapi, verb=ATTEMPTED)) == {b, c}
    assert set(await ids_of(xapi, registration=registration)) == {a, b, d}
    assert set(await ids_of(xapi, registration=registration.upper())) == {a, b, d}
    assert await ids_of(xapi, registration=registration, verb=ATTEMPTED) == [b]
    assert await ids_of(xapi, registration=registration, agent=BO) == [d]
    assert await ids_of(xapi, registration=str(uuid.uuid4())) == []


async def test_since_is_exclusive_until_inclusive_and_order(xapi: XapiClient) -> None:
    ids = [(await post(xapi, statement()))[0] for _ in range(5)]
    stored = [(await get_one(xapi, sid)).json()["stored"] for sid in ids]
    assert stored == sorted(stored, key=parse_timestamp)
    assert await ids_of(xapi) == ids[::-1]  # newest first
    assert await ids_of(xapi, ascending="true") == ids
    assert await ids_of(xapi, since=stored[1], ascending="true") == ids[2:]
    assert await ids_of(xapi, until=stored[1], ascending="true") == ids[:2]
    assert await ids_of(xapi, since=stored[0], until=stored[3]) == ids[1:4][::-1]
    # Another time zone names the same instant.
    moment = parse_timestamp(stored[2]).astimezone(timezone(timedelta(hours=2)))
    assert await ids_of(xapi, since=moment.isoformat(), ascending="true") == ids[3:]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await ids_of(xapi, since=future) == []


async def test_limit_and_more_page_through_everything_once(xapi: XapiClient) -> None:
    ids = await post(
        xapi, *[statement(actor={"mbox": f"mailto:p{i}@kommun.se"}) for i in range(11)]
    )
    await post(xapi, *[statement(actor=BO) for _ in range(3)])
    for params, expected in (
        ({"limit": "4"}, None),
        ({"limit": "4", "ascending": "true"}, None),
        ({"limit": "3", "verb": COMPLETED, "activity": INTRO}, None),
        ({"limit": "2", "agent": json.dumps(BO)}, 3),
    ):
        response = await xapi.http.get("/xapi/statements", params=params)
        pages: list[list[str]] = []
        while True:
            body = response.json()
            assert set(body) == {"statements", "more"}
            pages.append([s["id"] for s in body["statements"]])
            assert len(pages[-1]) <= int(params["limit"])
            if not body["more"]:
                break
            assert body["more"].startswith("/xapi/statements?")  # relative IRL (Data 2.5)
            response = await xapi.http.get(body["more"])
            assert response.status_code == 200
            assert_xapi_headers(response)
        seen = [sid for page in pages for sid in page]
        assert len(seen) == len(set(seen))  # no duplicates
        assert len(seen) == (expected or 14)  # no gaps
        if params.get("ascending"):
            assert seen[:11] == ids
    # limit=0 is the server's maximum; a bigger limit is capped at it.
    assert (
        len((await xapi.http.get("/xapi/statements", params={"limit": 0})).json()["statements"])
        == 14
    )


async def test_more_is_a_snapshot_new_statements_do_not_shift_pages(xapi: XapiClient) -> None:
    first_ids = await post(xapi, *[statement() for _ in range(6)])
    page = (await xapi.http.get("/xapi/statements", params={"limit": 3})).json()
    seen = [s["id"] for s in page["statements"]]
    await post(xapi, *[statement() for _ in range(4)])  # arrive while paging
    while page["more"]:
        page = (await xapi.http.get(page["more"])).json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == first_ids[::-1]


async def test_more_takes_no_other_parameters_and_rejects_garbage(xapi: XapiClient) -> None:
    await post(xapi, statement(), statement())
    more = (await xapi.http.get("/xapi/statements", params={"limit": 1})).json()["more"]
    mixed = await xapi.http.get(more + "&limit=5")
    assert mixed.status_code == 400
    garbage = await xapi.http.get("/xapi/statements", params={"cursor": "not-a-cursor"})
    assert garbage.status_code == 400
    assert garbage.json()["details"][0]["path"] == "cursor"


async def test_statement_refs_inherit_filters_recursively_but_not_times(xapi: XapiClient) -> None:
    """Communication 2.1.3, Filter Conditions for StatementRefs: a targets b targets c."""
    (c,) = await post(xapi, statement(actor=BO, obj={"id": SKR}))
    (b,) = await post(xapi, statement(actor=ANNA, verb=COMMENTED, obj=ref(c)))
    (a,) = await post(xapi, statement(actor=ANNA, verb=ATTEMPTED, obj=ref(b)))
    # context.statement does not count as targeting.
    (by_context,) = await post(xapi, statement(actor=ANNA, context={"statement": ref(c)}))

    assert set(await ids_of(xapi, agent=BO)) == {a, b, c}
    assert set(await ids_of(xapi, activity=SKR)) == {a, b, c}
    assert set(await ids_of(xapi, verb=COMMENTED)) == {a, b}
    assert set(await ids_of(xapi, verb=ATTEMPTED)) == {a}
    assert by_context not in await ids_of(xapi, agent=BO)
    # since/until apply to the targeting statement itself.
    c_stored = (await get_one(xapi, c)).json()["stored"]
    assert set(await ids_of(xapi, agent=BO, since=c_stored)) == {a, b}
    assert await ids_of(xapi, agent=BO, until=c_stored) == [c]


async def test_a_statement_ref_stored_before_its_target_matches_once_it_arrives(
    xapi: XapiClient,
) -> None:
    target = str(uuid.uuid4())
    (early,) = await post(xapi, statement(actor=ANNA, verb=COMMENTED, obj=ref(target)))
    assert await ids_of(xapi, agent=BO) == []
    await post(xapi, statement(actor=BO, id=target))
    assert set(await ids_of(xapi, agent=BO)) == {early, target}


async def test_voided_targets_leave_results_but_statements_targeting_them_stay(
    xapi: XapiClient,
) -> None:
    (target,) = await post(xapi, statement(actor=BO))
    (comment,) = await post(xapi, statement(actor=ANNA, verb=COMMENTED, obj=ref(target)))
    (voiding,) = await post(xapi, statement(actor=ANNA, verb=VOIDED, obj=ref(target)))
    assert set(await ids_of(xapi, agent=BO)) == {comment, voiding}


async def test_formats(xapi: XapiClient) -> None:
    body = statement(
        actor={"objectType": "Group", "name": "Team", "member": [{"name": "Anna", **ANNA}, BO]},
        obj={
            "objectType": "Activity",
            "id": INTRO,
            "definition": {
                "name": {"sv-SE": "Introduktion", "en-US": "Introduction"},
                "description": {"en-US": "Self-study", "sv-SE": "Självstudier"},
            },
        },
    )
    (sid,) = await post(xapi, body)
    exact = (await get_one(xapi, sid, format="exact")).json()
    assert exact["actor"] == body["actor"] and exact["object"] == body["object"]
    assert exact["verb"] == body["verb"]

    ids = (await get_one(xapi, sid, format="ids")).json()
    assert ids["actor"] == {"objectType": "Group", "member": [ANNA, BO]}
    assert ids["verb"] == {"id": COMPLETED}
    assert ids["object"] == {"id": INTRO}
    assert ids["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://lrs.test", "name": xapi.key},
    }

    canonical = await get_one(xapi, sid, format="canonical")
    assert canonical.json()["actor"] == body["actor"]  # agents as in exact
    for header, language in (("en-US", "en-US"), ("sv", "sv-SE"), ("fr, en;q=0.4", "en-US")):
        got = await xapi.http.get(
            "/xapi/statements",
            params={"statementId": sid, "format": "canonical"},
            headers={"Accept-Language": header},
        )
        definition = got.json()["object"]["definition"]
        assert list(definition["name"]) == [language]
        assert list(definition["description"]) == [language]
        assert list(got.json()["verb"]["display"]) == [language]
    listed = await xapi.http.get(
        "/xapi/statements", params={"format": "canonical"}, headers={"Accept-Language": "sv"}
    )
    assert listed.json()["statements"][0]["object"]["definition"]["name"] == {
        "sv-SE": "Introduktion"
    }


async def test_attachments_parameter_chooses_multipart_or_json(xapi: XapiClient) -> None:
    await post(xapi, statement())
    plain = await xapi.http.get("/xapi/statements", params={"attachments": "false"})
    assert plain.headers["content-type"] == "application/json"
    multipart = await xapi.http.get("/xapi/statements", params={"attachments": "true"})
    assert multipart.status_code == 200
    content_type = multipart.headers["content-type"]
    assert content_type.startswith("multipart/mixed; boundary=")
    boundary = content_type.split("boundary=", 1)[1].strip('"')
    first = multipart.content.split(f"--{boundary}".encode())[1]
    head, _, json_part = first.partition(b"\r\n\r\n")
    assert b"Content-Type: application/json" in head
    assert len(json.loads(json_part)["statements"]) == 1
    assert multipart.content.rstrip().endswith(f"--{boundary}--".encode())


async def test_statement_result_headers_and_empty_result(xapi: XapiClient) -> None:
    empty = await xapi.http.get("/xapi/statements")
    assert empty.status_code == 200
    assert empty.json() == {"statements": [], "more": ""}
    assert_xapi_headers(empty)
    ids = await post(xapi, statement(), statement())
    listed = await xapi.http.get("/xapi/statements")
    newest = (await get_one(xapi, ids[-1])).json()["stored"]
    assert parsedate_to_datetime(listed.headers["Last-Modified"]) == parse_timestamp(
        newest
    ).replace(microsecond=0)
    assert parse_timestamp(listed.headers[THROUGH]) >= parse_timestamp(newest)


# --- HEAD ---------------------------------------------------------------------------------


async def test_head_answers_like_get_without_a_body(xapi: XapiClient) -> None:
    (sid,) = await post(xapi, statement())
    for params in ({"statementId": sid}, {"limit": "1"}, {"statementId": str(uuid.uuid4())}):
        get = await xapi.http.get("/xapi/statements", params=params)
        head = await xapi.http.head("/xapi/statements", params=params)
        assert head.status_code == get.status_code
        assert head.content == b""
        for name in ("content-type", VERSION, "Last-Modified"):
            assert head.headers.get(name) == get.headers.get(name), name
        assert THROUGH in head.headers
    about = await xapi.http.head("/xapi/about")
    assert about.status_code == 200 and about.content == b""


# --- versions and headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "status", "answered"),
    [
        ("1.0", 200, "1.0.3"),
        ("1.0.0", 200, "1.0.3"),
        ("1.0.3", 200, "1.0.3"),
        ("1.0.9", 200, "1.0.3"),
        ("2.0.0", 200, "2.0.0"),
        ("1.1.0", 400, "2.0.0"),
        ("0.9", 400, "2.0.0"),
        ("2.1.0", 400, "2.0.0"),
        ("3.0.0", 400, "2.0.0"),
        ("", 400, "2.0.0"),
        ("1.0.x", 400, "2.0.0"),
    ],
)
async def test_version_header_values(
    xapi: XapiClient, sent: str, status: int, answered: str
) -> None:
    response = await xapi.http.get("/xapi/statements", headers={VERSION: sent})
    assert response.status_code == status
    assert response.headers[VERSION] == answered
    if status == 400:
        detail = response.json()["details"][0]
        assert detail["path"] == VERSION and detail["rule"] == "version_unsupported"


async def test_every_kind_of_answer_carries_the_version_header(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())
    writer = await xapi.credential("statements/write")
    answers = [
        await xapi.http.post("/xapi/statements", json=statement()),  # 200
        await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=statement()),
        await xapi.http.post("/xapi/statements", json={"actor": {}}),  # 400
        await xapi.http.get("/xapi/statements", headers={"Authorization": "Basic eDp5"}),  # 401
        await xapi.http.get("/xapi/statements", headers=writer),  # 403
        await get_one(xapi, str(uuid.uuid4())),  # 404
        await xapi.http.put(
            "/xapi/statements", params={"statementId": sid}, json=statement(verb=ATTEMPTED)
        ),  # 409
        await xapi.http.delete("/xapi/statements"),  # 405
    ]
    assert [a.status_code for a in answers] == [200, 204, 400, 401, 403, 404, 409, 405]
    for answer in answers:
        assert answer.headers[VERSION] == "1.0.3", answer.status_code
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == "application/json"
            assert set(answer.json()) == {"error", "details"}


async def test_missing_version_header_is_400_before_anything_else(xapi: XapiClient) -> None:
    del xapi.http.headers[VERSION]
    response = await xapi.http.post("/xapi/statements", json=statement())
    assert response.status_code == 400
    assert response.json()["details"][0]["rule"] == "version_missing"
    assert VERSION in response.headers
    xapi.http.headers[VERSION] = "1.0.3"
    assert await ids_of(xapi) == []


# --- CORS ----------------------------------------------------------------------------------------


async def test_cors_preflight_needs_no_credentials_or_version(xapi: XapiClient) -> None:
    del xapi.http.headers["Authorization"]
    del xapi.http.headers[VERSION]
    for method in ("POST", "PUT", "GET"):
        response = await xapi.http.options(
            "/xapi/statements",
            headers={
                "Origin": "https://kurs.kommun.se",
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "Authorization, Content-Type, "
                "X-Experience-API-Version",
            },
        )
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] in ("*", "https://kurs.kommun.se")
        assert method in response.headers["access-control-allow-methods"]
        allowed = {
            h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
        }
        assert {"authorization", "content-type", "x-experience-api-version"} <= allowed


async def test_cors_on_real_requests_exposes_the_xapi_headers(xapi: XapiClient) -> None:
    (sid,) = await post(xapi, statement())
    response = await xapi.http.get(
        "/xapi/statements",
        params={"statementId": sid},
        headers={"Origin": "https://kurs.kommun.se"},
    )
    assert response.headers["access-control-allow-origin"] in ("*", "https://kurs.kommun.se")
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {
        "x-experience-api-version",
        "x-experience-api-consistent-through",
        "last-modified",
    } <= exposed
    denied = await xapi.http.get(
        "/xapi/statements", headers={"Origin": "https://kurs.kommun.se", "Authorization": ""}
    )
    assert denied.status_code == 401
    assert "access-control-allow-origin" in denied.headers  # the browser may read the error


# --- the alternate request syntax (Communication 1.3) ---------------------------------------------


def form_request(xapi: XapiClient, method: str, form: dict[str, str]) -> httpx.Request:
    return xapi.http.build_request(
        "POST",
        f"/xapi/statements?method={method}",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


async def test_alternate_syntax_post_and_query_under_1_0_3(xapi: XapiClient) -> None:
    auth = xapi.auth()["Authorization"]
    del xapi.http.headers["Authorization"]
    del xapi.http.headers[VERSION]
    base = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    posted = await xapi.http.send(
        form_request(
            xapi,
            "POST",
            {
                **base,
                "Content-Type": "application/json",
                "content": json.dumps([statement(actor=BO), statement()]),
            },
        )
    )
    assert posted.status_code == 200, posted.text
    assert len(posted.json()) == 2
    assert posted.headers[VERSION] == "1.0.3"
    # A query with its parameters in the form (long query strings).
    queried = await xapi.http.send(
        form_request(xapi, "GET", {**base, "agent": json.dumps(BO), "limit": "5"})
    )
    assert queried.status_code == 200
    assert [s["id"] for s in queried.json()["statements"]] == [posted.json()[0]]
    assert THROUGH in queried.headers


async def test_storyline_form_with_utf8_content_and_no_real_headers(xapi: XapiClient) -> None:
    """Articulate Storyline (TinCanJS in IE mode) sends everything in the form."""
    auth = xapi.auth()["Authorization"]
    del xapi.http.headers["Authorization"]
    del xapi.http.headers[VERSION]
    sid = str(uuid.uuid4())
    body = statement(
        actor={"name": "Åsa Öberg", "mbox": "mailto:asa.oberg@kommun.se"},
        context={"registration": str(uuid.uuid4()), "platform": "Articulate Storyline 360"},
    )
    form = {
        "statementId": sid,
        "content": json.dumps(body, ensure_ascii=False),
        "Authorization": auth,
        "X-Experience-API-Version": "1.0.1",
        "Content-Type": "application/json",
    }
    response = await xapi.http.post(
        "/xapi/statements?method=PUT",
        content=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert response.status_code == 204, response.text
    assert response.headers[VERSION] == "1.0.3"
    xapi.http.headers.update(xapi.auth())
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": sid}, headers={VERSION: "1.0.3"}
    )
    assert got.json()["actor"]["name"] == "Åsa Öberg"
    assert got.json()["context"] == body["context"]


@pytest.mark.parametrize(
    ("url", "content_type", "form_version", "header_version", "rule_path"),
    [
        (
            "/xapi/statements?method=PUT",
            "application/x-www-form-urlencoded",
            "2.0.0",
            None,
            "method",
        ),
        (
            "/xapi/statements?method=PUT",
            "application/x-www-form-urlencoded",
            None,
            "2.0.0",
            "method",
        ),
        (
            "/xapi/statements?method=PUT&statementId=00000000-0000-4000-8000-000000000002",
            "application/x-www-form-urlencoded",
            "1.0.3",
            None,
            "method",
        ),
        ("/xapi/statements?method=PUT", "application/json", "1.0.3", None, "Content-Type"),
        (
            "/xapi/statements?method=PATCH",
            "application/x-www-form-urlencoded",
            "1.0.3",
            None,
            "method",
        ),
    ],
    ids=[
        "2.0.0 in the form",
        "2.0.0 in the header",
        "other query parameters",
        "not a form",
        "bad method",
    ],
)
async def test_alternate_syntax_is_refused_where_the_spec_says(
    xapi: XapiClient,
    url: str,
    content_type: str,
    form_version: str | None,
    header_version: str | None,
    rule_path: str,
) -> None:
    form = {
        "statementId": "00000000-0000-4000-8000-000000000002",
        "content": json.dumps(statement()),
        "Content-Type": "application/json",
    }
    if form_version:
        form["X-Experience-API-Version"] = form_version
    headers = {"Content-Type": content_type}
    if header_version:
        headers[VERSION] = header_version
    else:
        del xapi.http.headers[VERSION]
    response = await xapi.http.post(url, content=urlencode(form), headers=headers)
    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == rule_path
    assert VERSION in response.headers
    xapi.http.headers[VERSION] = "1.0.3"
    assert await ids_of(xapi) == []


# --- /xapi/about ---------------------------------------------------------------------


async def test_about_needs_no_credentials_and_ignores_the_version(xapi: XapiClient) -> None:
    del xapi.http.headers["Authorization"]
    for headers in ({}, {VERSION: "0.9"}, {VERSION: "1.0.3"}):
        del_version = VERSION not in headers
        if del_version and VERSION in xapi.http.headers:
            del xapi.http.headers[VERSION]
        response = await xapi.http.get("/xapi/about", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert VERSION in response.headers
        body = response.json()
        assert set(body) <= {"version", "extensions"}
        assert "1.0.3" in body["version"] and "2.0.0" in body["version"]
        for key in body.get("extensions", {}):
            assert key.startswith(("http://", "https://"))


async def test_parameters_in_the_wrong_case_are_400(xapi: XapiClient) -> None:
    """Communication 3.2: parameters that match the spec's in all but case are refused."""
    sid = str(uuid.uuid4())
    answers = [
        await xapi.http.get("/xapi/statements", params={"Verb": COMPLETED}),
        await xapi.http.get("/xapi/statements", params={"StatementId": sid}),
        await xapi.http.put("/xapi/statements", params={"statementID": sid}, json=statement()),
    ]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert [a.json()["details"][0]["path"] for a in answers] == [
        "Verb",
        "StatementId",
        "statementID",
    ]
    assert await ids_of(xapi) == []


async def test_concurrent_puts_of_one_id_store_it_once(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())

    async def put(body: dict[str, Any]) -> int:
        response = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=body)
        return response.status_code

    same = await asyncio.gather(*(put(statement()) for _ in range(5)))
    assert same == [204] * 5
    different = await asyncio.gather(
        put(statement(verb=ATTEMPTED)), put(statement(actor=BO)), put(statement())
    )
    assert sorted(different) == [204, 409, 409]
    assert await ids_of(xapi) == [sid]
    assert (await get_one(xapi, sid)).json()["verb"]["id"] == COMPLETED
