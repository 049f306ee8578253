"""The Statement resource as the xAPI spec (Communication 2.1, Data 2.3–2.4) describes it."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import XapiClient

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTRO = "https://valmyndigheten.se/xapi/intro"
SKR = "https://skr.se/xapi/ett-tryggt-valar"


def statement(
    email: str = "anna@kommun.se", verb: str = COMPLETED, activity: str = INTRO, **extra: Any
) -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": verb, "display": {"en-US": "completed", "sv-SE": "slutförde"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"en-US": "Introduction", "sv-SE": "Introduktion"}},
        },
        **extra,
    }


async def post(xapi: XapiClient, body: Any) -> list[str]:
    response = await xapi.http.post("/xapi/statements", json=body)
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()
    return ids


async def query(xapi: XapiClient, **params: Any) -> list[dict[str, Any]]:
    response = await xapi.http.get("/xapi/statements", params=params)
    assert response.status_code == 200, response.text
    statements: list[dict[str, Any]] = response.json()["statements"]
    return statements


# --- PUT and POST -----------------------------------------------------------------------


async def test_put_is_idempotent_and_conflicting_content_is_409(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())
    body = statement()
    first = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=body)
    assert first.status_code == 204 and first.content == b""
    again = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=body)
    assert again.status_code == 204
    other = await xapi.http.put(
        "/xapi/statements", params={"statementId": sid}, json=statement(verb=ATTEMPTED)
    )
    assert other.status_code == 409
    assert other.json()["details"][0]["rule"] == "conflict"
    stored = await xapi.http.get("/xapi/statements", params={"statementId": sid})
    assert stored.json()["verb"]["id"] == COMPLETED
    assert stored.json()["id"] == sid


async def test_put_needs_a_matching_statement_id(xapi: XapiClient) -> None:
    missing = await xapi.http.put("/xapi/statements", json=statement())
    assert missing.status_code == 400
    assert missing.json()["details"][0]["path"] == "statementId"
    body = statement(id=str(uuid.uuid4()))
    mismatch = await xapi.http.put(
        "/xapi/statements", params={"statementId": str(uuid.uuid4())}, json=body
    )
    assert mismatch.status_code == 400
    assert await query(xapi) == []


async def test_post_batch_is_all_or_nothing(xapi: XapiClient) -> None:
    good = statement()
    bad = statement(email="bad")
    bad["actor"]["mbox"] = "not-an-email"
    response = await xapi.http.post("/xapi/statements", json=[good, good, bad])
    assert response.status_code == 400
    details = response.json()["details"]
    assert details == [
        {
            "path": "[2].actor.mbox",
            "rule": "xapi_mailto",
            "message": details[0]["message"],
        }
    ]
    assert "mailto" in details[0]["message"]
    assert await query(xapi) == []
    sid = str(uuid.uuid4())
    duplicate = await xapi.http.post(
        "/xapi/statements", json=[statement(id=sid), statement(id=sid)]
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["details"][0]["rule"] == "duplicate_id"
    assert await query(xapi) == []


async def test_lrs_sets_id_stored_authority_version_and_timestamp(xapi: XapiClient) -> None:
    (sid,) = await post(xapi, statement())
    got = (await xapi.http.get("/xapi/statements", params={"statementId": sid})).json()
    uuid.UUID(sid)
    assert got["version"] == "1.0.0"
    assert got["stored"].endswith("Z")
    assert got["timestamp"] == got["stored"]
    assert got["authority"] == {
        "objectType": "Agent",
        "name": "test client",
        "account": {"homePage": "http://lrs.test", "name": xapi.key},
    }


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"actor": {"mbox": "mailto:a@b.se", "openid": "http://x.se/a"}}, "actor", "xapi_ifi"),
        ({"verb": {"id": "completed"}}, "verb.id", "xapi_iri"),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score", "xapi_score"),
        ({"result": {"success": "true"}}, "result.success", "bool_type"),
        ({"result": {"duration": "1 hour"}}, "result.duration", "xapi_duration"),
        ({"timestamp": "2026-11-22T10:00:00-00:00"}, "timestamp", "xapi_timestamp"),
        ({"context": {"registration": "nope"}}, "context.registration", "xapi_uuid"),
        ({"context": {"language": "123"}}, "context.language", "xapi_language_tag"),
        ({"result": None}, "result", "xapi_null"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
        ({"object": {"objectType": "Thing", "id": INTRO}}, "object", "xapi_object_type"),
        (
            {
                "object": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
                "context": {"platform": "Storyline"},
            },
            "context.platform",
            "xapi_context",
        ),
    ],
)
async def test_invalid_statements_name_the_path_and_rule(
    xapi: XapiClient, change: dict[str, Any], path: str, rule: str
) -> None:
    body = {**statement(), **change}
    response = await xapi.http.post("/xapi/statements", json=body)
    assert response.status_code == 400
    detail = response.json()["details"][0]
    assert (detail["path"], detail["rule"]) == (path, rule)
    assert await query(xapi) == []


async def test_extension_values_may_be_null_and_are_kept_exactly(xapi: XapiClient) -> None:
    body = statement(result={"extensions": {"https://x.se/e": None, "https://x.se/n": 1.5}})
    (sid,) = await post(xapi, body)
    got = (await xapi.http.get("/xapi/statements", params={"statementId": sid})).json()
    assert got["result"] == body["result"]


async def test_single_context_activity_is_returned_as_an_array(xapi: XapiClient) -> None:
    body = statement(context={"contextActivities": {"parent": {"id": SKR}}})
    (sid,) = await post(xapi, body)
    got = (await xapi.http.get("/xapi/statements", params={"statementId": sid})).json()
    assert got["context"]["contextActivities"]["parent"] == [{"id": SKR}]


async def test_contextagents_only_under_2_0_0(xapi: XapiClient) -> None:
    body = statement(
        context={
            "contextAgents": [
                {"objectType": "contextAgent", "agent": {"mbox": "mailto:chef@kommun.se"}}
            ]
        }
    )
    old = await xapi.http.post("/xapi/statements", json=body)
    assert old.status_code == 400
    assert old.json()["details"][0]["path"] == "context.contextAgents"
    new = await xapi.http.post(
        "/xapi/statements", json=body, headers={"X-Experience-API-Version": "2.0.0"}
    )
    assert new.status_code == 200
    assert new.headers["X-Experience-API-Version"] == "2.0.0"


# --- voiding ----------------------------------------------------------------------------


async def test_voiding_hides_the_target_and_keeps_the_voiding_statement(
    xapi: XapiClient,
) -> None:
    (target,) = await post(xapi, statement())
    voiding_body = statement(verb=VOIDED)
    voiding_body["object"] = {"objectType": "StatementRef", "id": target}
    (voiding,) = await post(xapi, voiding_body)

    plain = await xapi.http.get("/xapi/statements", params={"statementId": target})
    assert plain.status_code == 404
    by_voided = await xapi.http.get("/xapi/statements", params={"voidedStatementId": target})
    assert by_voided.status_code == 200 and by_voided.json()["id"] == target
    assert [s["id"] for s in await query(xapi)] == [voiding]

    # A voiding statement cannot be voided: voiding it changes nothing.
    again = statement(verb=VOIDED)
    again["object"] = {"objectType": "StatementRef", "id": voiding}
    await post(xapi, again)
    still = await xapi.http.get("/xapi/statements", params={"statementId": voiding})
    assert still.status_code == 200


async def test_statement_voided_before_it_arrives_is_voided_on_arrival(
    xapi: XapiClient,
) -> None:
    target = str(uuid.uuid4())
    voiding = statement(verb=VOIDED)
    voiding["object"] = {"objectType": "StatementRef", "id": target}
    await post(xapi, voiding)
    await post(xapi, statement(id=target))
    plain = await xapi.http.get("/xapi/statements", params={"statementId": target})
    assert plain.status_code == 404


# --- queries ----------------------------------------------------------------------------


async def test_every_filter(xapi: XapiClient) -> None:
    registration = str(uuid.uuid4())
    a = (await post(xapi, statement("anna@kommun.se")))[0]
    b = (await post(xapi, statement("bo@kommun.se", verb=ATTEMPTED, activity=SKR)))[0]
    group = statement()
    group["actor"] = {
        "objectType": "Group",
        "member": [{"mbox": "mailto:anna@kommun.se"}, {"mbox": "mailto:cilla@kommun.se"}],
    }
    c = (await post(xapi, group))[0]
    d = (
        await post(
            xapi,
            statement(
                "dan@kommun.se",
                activity=SKR,
                context={
                    "registration": registration,
                    "instructor": {"mbox": "mailto:anna@kommun.se"},
                    "contextActivities": {"grouping": [{"id": INTRO}]},
                },
            ),
        )
    )[0]

    def ids(rows: list[dict[str, Any]]) -> set[str]:
        return {row["id"] for row in rows}

    anna = json.dumps({"mbox": "mailto:ANNA@kommun.se"})
    assert ids(await query(xapi, agent=anna)) == {a, c}
    assert ids(await query(xapi, agent=anna, related_agents="true")) == {a, c, d}
    assert ids(await query(xapi, verb=ATTEMPTED)) == {b}
    assert ids(await query(xapi, activity=SKR)) == {b, d}
    assert ids(await query(xapi, activity=INTRO, related_activities="true")) == {a, c, d}
    assert ids(await query(xapi, registration=registration)) == {d}
    assert ids(await query(xapi, agent=anna, verb=COMPLETED, activity=INTRO)) == {a, c}
    assert await query(xapi, agent=json.dumps({"mbox": "mailto:nobody@x.se"})) == []


async def test_statement_refs_match_their_targets_filters(xapi: XapiClient) -> None:
    (original,) = await post(xapi, statement("ben@kommun.se", activity=SKR))
    confirm = statement("andrew@lansstyrelsen.se", verb="http://example.com/confirmed")
    confirm["object"] = {"objectType": "StatementRef", "id": original}
    (confirmation,) = await post(xapi, confirm)
    rows = await query(xapi, agent=json.dumps({"mbox": "mailto:ben@kommun.se"}))
    assert {r["id"] for r in rows} == {original, confirmation}
    rows = await query(xapi, activity=SKR)
    assert {r["id"] for r in rows} == {original, confirmation}


async def test_order_limit_paging_and_time_window(xapi: XapiClient) -> None:
    ids = [(await post(xapi, statement(f"p{i}@kommun.se")))[0] for i in range(7)]
    newest_first = [r["id"] for r in await query(xapi)]
    assert newest_first == ids[::-1]
    ascending = [r["id"] for r in await query(xapi, ascending="true")]
    assert ascending == ids

    seen: list[str] = []
    response = await xapi.http.get("/xapi/statements", params={"limit": 3})
    while True:
        body = response.json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?")
        response = await xapi.http.get(body["more"])
        assert response.status_code == 200
    assert seen == ids[::-1]

    all_rows = await query(xapi, ascending="true")
    third_stored = all_rows[2]["stored"]
    fifth_stored = all_rows[4]["stored"]
    window = await query(xapi, since=third_stored, until=fifth_stored, ascending="true")
    assert [r["id"] for r in window] == ids[3:5]


async def test_formats_ids_and_canonical(xapi: XapiClient) -> None:
    (sid,) = await post(xapi, statement())
    ids_form = await query(xapi, format="ids")
    assert ids_form[0]["object"] == {"id": INTRO}
    assert ids_form[0]["verb"] == {"id": COMPLETED}
    assert ids_form[0]["actor"] == {"objectType": "Agent", "mbox": "mailto:anna@kommun.se"}
    canonical = await xapi.http.get(
        "/xapi/statements",
        params={"statementId": sid, "format": "canonical"},
        headers={"Accept-Language": "sv-SE, en;q=0.5"},
    )
    body = canonical.json()
    assert body["verb"]["display"] == {"sv-SE": "slutförde"}
    assert body["object"]["definition"]["name"] == {"sv-SE": "Introduktion"}


async def test_bad_query_parameters_are_400_naming_the_parameter(xapi: XapiClient) -> None:
    cases = {
        "limit": "-1",
        "since": "yesterday",
        "registration": "x",
        "agent": "{not json",
        "format": "full",
        "ascending": "yes",
        "verb": "completed",
        "colour": "blue",
    }
    for name, value in cases.items():
        response = await xapi.http.get("/xapi/statements", params={name: value})
        assert response.status_code == 400, name
        assert response.json()["details"][0]["path"] == name
    both = await xapi.http.get(
        "/xapi/statements",
        params={"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
    )
    assert both.status_code == 400
    mixed = await xapi.http.get(
        "/xapi/statements", params={"statementId": str(uuid.uuid4()), "verb": COMPLETED}
    )
    assert mixed.status_code == 400
    assert "X-Experience-API-Consistent-Through" in mixed.headers


# --- attachments --------------------------------------------------------------------------


async def test_attachments_round_trip_as_multipart(xapi: XapiClient) -> None:
    certificate = "Intyg: Anna har genomfört kursen.".encode()
    sha2 = hashlib.sha256(certificate).hexdigest()
    body = statement(
        attachments=[
            {
                "usageType": "http://id.tincanapi.com/attachment/certificate",
                "display": {"sv-SE": "Intyg"},
                "contentType": "text/plain",
                "length": len(certificate),
                "sha2": sha2,
            }
        ]
    )
    boundary = "xapiboundary"
    payload = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(body)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        ).encode()
        + certificate
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = await xapi.http.post(
        "/xapi/statements",
        content=payload,
        headers={"Content-Type": f"multipart/mixed; boundary={boundary}"},
    )
    assert response.status_code == 200, response.text
    (sid,) = response.json()
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": sid, "attachments": "true"}
    )
    assert got.headers["content-type"].startswith("multipart/mixed")
    assert certificate in got.content
    assert f"X-Experience-API-Hash: {sha2}".encode() in got.content

    missing = await xapi.http.post("/xapi/statements", json=body)
    assert missing.status_code == 400
    assert missing.json()["details"][0]["rule"] == "attachment_missing"


# --- headers, versions, CORS, alternate syntax ------------------------------------------------


async def test_version_header_is_required_and_echoed(xapi: XapiClient) -> None:
    for value, status in (("1.0.3", 200), ("1.0.1", 200), ("2.0.0", 200), ("0.95", 400)):
        response = await xapi.http.get(
            "/xapi/statements", headers={"X-Experience-API-Version": value}
        )
        assert response.status_code == status, value
        expected = "2.0.0" if value in ("2.0.0", "0.95") else "1.0.3"
        assert response.headers["X-Experience-API-Version"] == expected
    del xapi.http.headers["X-Experience-API-Version"]
    missing = await xapi.http.get("/xapi/statements")
    assert missing.status_code == 400
    about = await xapi.http.get("/xapi/about")
    assert about.status_code == 200
    assert about.json()["version"] == ["1.0.3", "2.0.0"]


async def test_cors_preflight_from_a_course_on_another_origin(xapi: XapiClient) -> None:
    response = await xapi.http.options(
        "/xapi/statements",
        headers={
            "Origin": "https://kurser.kommun.se",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
        },
    )
    assert response.status_code == 200
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "x-experience-api-version"):
        assert header in allowed
    assert "PUT" in response.headers["access-control-allow-methods"]


async def test_storyline_alternate_syntax(xapi: XapiClient) -> None:
    sid = str(uuid.uuid4())
    form = {
        "statementId": sid,
        "content": json.dumps(statement()),
        "Authorization": xapi.auth()["Authorization"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    del xapi.http.headers["Authorization"]
    del xapi.http.headers["X-Experience-API-Version"]
    response = await xapi.http.post(
        "/xapi/statements?method=PUT",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert response.status_code == 204, response.text
    form_get = {
        "statementId": sid,
        "Authorization": xapi.auth()["Authorization"],
        "X-Experience-API-Version": "1.0.3",
    }
    got = await xapi.http.post(
        "/xapi/statements?method=GET",
        content=urlencode(form_get),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert got.status_code == 200 and got.json()["id"] == sid
    form["X-Experience-API-Version"] = "2.0.0"
    form["statementId"] = str(uuid.uuid4())
    rejected = await xapi.http.post(
        "/xapi/statements?method=PUT",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert rejected.status_code == 400
    assert rejected.json()["details"][0]["rule"] == "alternate_syntax"


# --- credentials and scopes -------------------------------------------------------------------


async def test_missing_or_wrong_credentials_get_401_with_challenge(xapi: XapiClient) -> None:
    for auth in (None, "Basic bm9ib2R5Om5vdGhpbmc=", "Bearer abc"):
        headers = {"Authorization": auth} if auth else {}
        if auth is None:
            del xapi.http.headers["Authorization"]
        response = await xapi.http.get("/xapi/statements", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")


async def test_scopes_are_enforced(xapi: XapiClient) -> None:
    writer = await xapi.credential("statements/write")
    reader = await xapi.credential("statements/read")
    mine = await xapi.credential("statements/write", "statements/read/mine")
    state_only = await xapi.credential("state")
    (by_all,) = await post(xapi, statement())

    assert (
        await xapi.http.post("/xapi/statements", json=statement(), headers=writer)
    ).status_code == 200
    assert (await xapi.http.get("/xapi/statements", headers=writer)).status_code == 403
    assert (
        await xapi.http.post("/xapi/statements", json=statement(), headers=reader)
    ).status_code == 403
    assert (await xapi.http.get("/xapi/statements", headers=reader)).status_code == 200
    assert (await xapi.http.get("/xapi/statements", headers=state_only)).status_code == 403

    own = await xapi.http.post("/xapi/statements", json=statement("own@x.se"), headers=mine)
    (own_id,) = own.json()
    visible = await xapi.http.get("/xapi/statements", headers=mine)
    assert [s["id"] for s in visible.json()["statements"]] == [own_id]
    hidden = await xapi.http.get("/xapi/statements", params={"statementId": by_all}, headers=mine)
    assert hidden.status_code == 404


async def test_revoked_credential_stops_at_once(xapi: XapiClient) -> None:
    headers = await xapi.credential("all")
    assert (await xapi.http.get("/xapi/statements", headers=headers)).status_code == 200
    key = next(c for c in await xapi.services.store.list_credentials() if c.label == "test all")
    assert await xapi.services.credentials.revoke(key.key)
    assert (await xapi.http.get("/xapi/statements", headers=headers)).status_code == 401


@pytest.mark.sqlite_only("SQLite query plans; PostgreSQL plans are tested in test_storage.py")
async def test_query_plans_use_indexes(xapi: XapiClient) -> None:
    from statements.query import StatementQuery
    from statements.storage.sqlite import SQLiteStore

    store = xapi.services.store
    assert isinstance(store, SQLiteStore)
    queries = [
        StatementQuery(limit=10),
        StatementQuery(limit=10, agent="mbox:a@b.se"),
        StatementQuery(limit=10, agent="mbox:a@b.se", related_agents=True),
        StatementQuery(limit=10, verb=COMPLETED),
        StatementQuery(limit=10, activity=INTRO, related_activities=True),
        StatementQuery(limit=10, registration=str(uuid.uuid4())),
        StatementQuery(limit=10, agent="mbox:a@b.se", verb=COMPLETED, activity=INTRO),
        StatementQuery(limit=10, credential="key", ascending=True),
    ]
    for q in queries:
        plan = " | ".join(await store.explain(q))
        assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), (q, plan)
        assert "USE TEMP B-TREE" not in plan, (q, plan)
