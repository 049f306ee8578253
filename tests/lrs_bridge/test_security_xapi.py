"""Regression tests for the xAPI findings of the December 2026 security review
(``shared/reviews/security-2026-12.md``, issue 13): each test replays the review's attack
against the app (in-process over ASGI, or a real server on loopback) and shows that it no
longer gets through.

- Finding 3: a ``state``/``profile`` credential reached every client's documents.
- Finding 2 (second half): any write credential could void any statement.
- Finding 9: the ``more`` cursor was unsigned: the page limit could be lifted, and a
  malformed cursor was a 500.
- Beside them: listing with ``since``, DELETE of all state, agent profiles, the
  ``statements/read/mine`` scope and attachments of foreign statements.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.services import Services, cursor_key
from statements import query as query_module
from statements.documents import DocumentKind, DocumentScope
from statements.errors import Forbidden
from statements.log import StatementLog, Writer
from statements.storage import open_store
from statements.storage import postgres as postgres_engine
from statements.storage import sqlite as sqlite_engine
from tests.conftest import XapiClient, run_cli, start_server

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
LEARNER = {"objectType": "Agent", "mbox": "mailto:xss1@t.se"}
STATE = "/xapi/activities/state"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITY_PROFILE = "/xapi/activities/profile"
STATE_PARAMS = {"activityId": COURSE, "agent": json.dumps(LEARNER)}
JSON = {"Content-Type": "application/json"}


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The first detail of an error answer, after checking its status and JSON body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] and body["details"]
    detail: dict[str, Any] = body["details"][0]
    return detail


# --- finding 3: documents belong to the client that wrote them --------------------------------


async def test_finding_3_state_of_another_credential_stays_out_of_reach(xapi: XapiClient) -> None:
    """The review's t_state.py: course credential A saves a learner's answers; credential
    B, with only 'state', read them, listed them and deleted them all."""
    course = await xapi.credential("statements/write", "state")
    other = await xapi.credential("state")
    saved = await xapi.http.put(
        STATE,
        params={**STATE_PARAMS, "stateId": "bookmark"},
        content=b'{"suspend_data":"private answers of xss1"}',
        headers={**course, **JSON},
    )
    assert saved.status_code == 204
    etag = saved.headers["ETag"]

    def as_other(**params: str) -> dict[str, str]:
        return {**STATE_PARAMS, **params}

    read = await xapi.http.get(STATE, params=as_other(stateId="bookmark"), headers=other)
    assert error(read, 404)["rule"] == "not_found"
    listed = await xapi.http.get(STATE, params=as_other(), headers=other)
    assert listed.status_code == 200 and listed.json() == []
    since = await xapi.http.get(STATE, params=as_other(since="2000-01-01T00:00:00Z"), headers=other)
    assert since.json() == []
    # Its ETag does not let B change A's document: B has no such document.
    overwrite = await xapi.http.put(
        STATE,
        params=as_other(stateId="bookmark"),
        content=b'{"suspend_data":"changed by B"}',
        headers={**other, **JSON, "If-Match": etag},
    )
    assert error(overwrite, 412)["rule"] == "precondition"
    deleted_one = await xapi.http.delete(STATE, params=as_other(stateId="bookmark"), headers=other)
    deleted_all = await xapi.http.delete(STATE, params=as_other(), headers=other)
    assert deleted_one.status_code == deleted_all.status_code == 204
    # What B writes under the same id is B's own; A's stays as it was.
    merged = await xapi.http.post(
        STATE,
        params=as_other(stateId="bookmark"),
        content=b'{"mine":true}',
        headers={**other, **JSON},
    )
    assert merged.status_code == 204
    own = await xapi.http.get(STATE, params=as_other(stateId="bookmark"), headers=other)
    assert own.json() == {"mine": True}
    for headers, expected in ((course, "private answers of xss1"), (xapi.auth(), None)):
        got = await xapi.http.get(
            STATE, params={**STATE_PARAMS, "stateId": "bookmark"}, headers=headers
        )
        assert got.status_code == 200
        if expected is not None:  # the owner reads its own, unchanged
            assert got.json() == {"suspend_data": expected}
            assert got.headers["ETag"] == etag


async def test_finding_3_all_and_all_read_see_every_clients_documents(xapi: XapiClient) -> None:
    course = await xapi.credential("statements/write", "state")
    reader = await xapi.credential("all/read")
    reader_with_state = await xapi.credential("all/read", "state")
    admin = await xapi.credential("all")
    params = {**STATE_PARAMS, "stateId": "bookmark"}
    await xapi.http.put(STATE, params=params, content=b'{"a":1}', headers={**course, **JSON})
    for headers in (reader, reader_with_state, admin):
        got = await xapi.http.get(STATE, params=params, headers=headers)
        assert got.json() == {"a": 1}
        assert (await xapi.http.get(STATE, params=STATE_PARAMS, headers=headers)).json() == [
            "bookmark"
        ]
    # all/read writes nothing of another's: with 'state' too, it writes its own document.
    await xapi.http.post(
        STATE, params=params, content=b'{"b":2}', headers={**reader_with_state, **JSON}
    )
    assert (await xapi.http.get(STATE, params=params, headers=course)).json() == {"a": 1}
    assert (await xapi.http.get(STATE, params=params, headers=reader_with_state)).json() == {"b": 2}
    # With two clients' documents under one id, 'all' reads the newest.
    assert (await xapi.http.get(STATE, params=params, headers=admin)).json() == {"b": 2}
    own_deleted = await xapi.http.delete(STATE, params=params, headers=reader_with_state)
    assert own_deleted.status_code == 204
    assert (await xapi.http.get(STATE, params=params, headers=course)).json() == {"a": 1}
    # 'all' changes the course's document in place ...
    await xapi.http.post(STATE, params=params, content=b'{"c":3}', headers={**admin, **JSON})
    assert (await xapi.http.get(STATE, params=params, headers=course)).json() == {"a": 1, "c": 3}
    assert (await xapi.http.get(STATE, params=STATE_PARAMS, headers=admin)).json() == ["bookmark"]
    # ... and deletes every client's.
    await xapi.http.post(
        STATE, params=params, content=b'{"b":2}', headers={**reader_with_state, **JSON}
    )
    assert (await xapi.http.delete(STATE, params=STATE_PARAMS, headers=admin)).status_code == 204
    for headers in (course, reader_with_state, admin):
        assert (await xapi.http.get(STATE, params=STATE_PARAMS, headers=headers)).json() == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (AGENT_PROFILE, {"agent": json.dumps(LEARNER)}),
        (ACTIVITY_PROFILE, {"activityId": COURSE}),
    ],
    ids=["agent profile", "activity profile"],
)
async def test_finding_3_profiles_of_another_credential_stay_out_of_reach(
    xapi: XapiClient, path: str, params: dict[str, str]
) -> None:
    """The review: "agent profile written by one cred, read by another: 200"."""
    writer = await xapi.credential("profile")
    other = await xapi.credential("profile")
    one = {**params, "profileId": "contact"}
    written = await xapi.http.put(
        path,
        params=one,
        content=b'{"phone":"070-1234567"}',
        headers={**writer, **JSON, "If-None-Match": "*"},
    )
    assert written.status_code == 204
    assert error(await xapi.http.get(path, params=one, headers=other), 404)["rule"] == "not_found"
    assert (await xapi.http.get(path, params=params, headers=other)).json() == []
    # If-None-Match: * succeeds for B: it has no such document, and A's is not touched.
    mine = await xapi.http.put(
        path, params=one, content=b'{"x":1}', headers={**other, **JSON, "If-None-Match": "*"}
    )
    assert mine.status_code == 204
    assert (await xapi.http.delete(path, params=one, headers=other)).status_code == 204
    kept = await xapi.http.get(path, params=one, headers=writer)
    assert kept.json() == {"phone": "070-1234567"}


async def test_finding_3_read_mine_and_statement_scopes_reach_no_documents(
    xapi: XapiClient,
) -> None:
    await xapi.http.put(STATE, params={**STATE_PARAMS, "stateId": "s"}, content=b"{}", headers=JSON)
    for scopes in (("statements/read/mine",), ("statements/write", "statements/read/mine")):
        headers = await xapi.credential(*scopes)
        for path, params in (
            (STATE, STATE_PARAMS),
            (AGENT_PROFILE, {"agent": json.dumps(LEARNER)}),
            (ACTIVITY_PROFILE, {"activityId": COURSE}),
        ):
            detail = error(await xapi.http.get(path, params=params, headers=headers), 403)
            assert (detail["path"], detail["rule"]) == ("Authorization", "scope")


async def _without_migration_20(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Open the database ``url`` as the release before migration 0020 left it."""
    for engine in (sqlite_engine, postgres_engine):
        original = engine.migrations_for
        monkeypatch.setattr(
            engine,
            "migrations_for",
            lambda name, packages, original=original: [
                m for m in original(name, packages) if m.number < 20
            ],
        )
    store = open_store(url)
    await store.open()
    await store.close()
    monkeypatch.undo()


async def test_finding_3_documents_stored_before_the_upgrade(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents from before the writer was recorded go to the one credential (without
    'all') that holds their kind's scope, when there is exactly one; else to no client."""
    await _without_migration_20(store_url, monkeypatch)
    postgres = store_url.startswith("postgres")
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    credentials = [
        ("course", ["statements/write", "state"], None),
        ("admin", ["all"], None),
        ("old-course", ["state"], "2026-01-01T00:00:00"),  # revoked: not counted
        ("profiles-1", ["profile"], None),
        ("profiles-2", ["profile", "statements/read"], None),
    ]
    documents = [
        ("state", COURSE, "mbox:xss1@t.se", "", "bookmark"),
        ("agent_profile", "", "mbox:xss1@t.se", "", "contact"),
    ]
    store = open_store(store_url)
    # Rows as the earlier release wrote them, in SQL (the current code writes the new ones).
    if postgres:
        import asyncpg

        from tests.conftest import _connect

        conn: asyncpg.Connection = await _connect(store_url)
        execute = conn.execute
    else:
        import sqlite3

        lite = sqlite3.connect(store_url.removeprefix("sqlite:///"), isolation_level=None)

        async def execute(sql: str, *args: Any) -> None:
            lite.execute(sql, args)

    insert_credential = (
        "INSERT INTO credentials (key, secret_hash, label, scopes, created_at, revoked_at)"
        f" VALUES ({', '.join(mark(n) for n in range(1, 7))})"
    )
    for key, scopes, revoked in credentials:
        await execute(insert_credential, key, "x", key, orjson.dumps(scopes).decode(), "", revoked)
    insert_document = (
        "INSERT INTO documents (kind, activity_id, agent, registration, doc_id, content_type,"
        f" content, etag, updated) VALUES ({', '.join(mark(n) for n in range(1, 10))})"
    )
    for row in documents:
        await execute(insert_document, *row, "application/json", b"{}", '"e"', 1)
    if postgres:
        await conn.close()
    else:
        lite.close()
    await store.open()  # applies 0020
    try:
        state = DocumentScope(DocumentKind.STATE, COURSE, "mbox:xss1@t.se", "")
        profile = DocumentScope(DocumentKind.AGENT_PROFILE, agent="mbox:xss1@t.se")
        assert await store.get_document(replace(state, client="course"), "bookmark")
        for client in ("admin", "old-course", ""):
            assert await store.get_document(replace(state, client=client), "bookmark") is None
        every = replace(state, client="admin", all_clients=True)
        assert await store.get_document(every, "bookmark") is not None
        # Two profile credentials: whose it was cannot be told; only all/all/read see it.
        for client in ("profiles-1", "profiles-2"):
            assert await store.get_document(replace(profile, client=client), "contact") is None
        assert await store.get_document(profile, "contact") is not None  # client ''
        every = replace(profile, client="admin", all_clients=True)
        assert await store.get_document(every, "contact") is not None
    finally:
        await store.close()


# --- finding 2: voiding only one's own statements -------------------------------------------


def completion(statement_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": LEARNER,
        "verb": {"id": COMPLETED},
        "object": {"id": COURSE},
        "result": {"completion": True},
    }
    if statement_id:
        body["id"] = statement_id
    return body


def voiding(target: str) -> dict[str, Any]:
    return {
        "actor": {"mbox": "mailto:a@t.se"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target},
    }


async def _is_voided(xapi: XapiClient, statement_id: str) -> bool:
    plain = await xapi.http.get("/xapi/statements", params={"statementId": statement_id})
    voided = await xapi.http.get("/xapi/statements", params={"voidedStatementId": statement_id})
    assert {plain.status_code, voided.status_code} == {200, 404}
    return voided.status_code == 200


async def test_finding_2_voiding_another_credentials_statement_is_refused(
    xapi: XapiClient,
) -> None:
    """The review: a second write-only credential voided a completion another stored."""
    course = await xapi.credential("statements/write")
    other = await xapi.credential("statements/write", "define")
    stored = await xapi.http.post("/xapi/statements", json=completion(), headers=course)
    (target,) = stored.json()
    void_id = str(uuid.uuid4())
    attack = await xapi.http.post(
        "/xapi/statements", json={**voiding(target), "id": void_id}, headers=other
    )
    detail = error(attack, 403)
    assert detail["rule"] == "voiding"
    assert "all" in detail["message"] and "stored" in detail["message"]
    assert not await _is_voided(xapi, target)
    assert (
        await xapi.http.get("/xapi/statements", params={"statementId": void_id})
    ).status_code == 404
    # The same by PUT.
    put = await xapi.http.put(
        "/xapi/statements",
        params={"statementId": void_id},
        json=voiding(target),
        headers=other,
    )
    assert error(put, 403)["rule"] == "voiding"
    assert not await _is_voided(xapi, target)


async def test_finding_2_a_batch_with_one_foreign_voiding_stores_nothing(
    xapi: XapiClient,
) -> None:
    course = await xapi.credential("statements/write")
    other = await xapi.credential("statements/write")
    (target,) = (await xapi.http.post("/xapi/statements", json=completion(), headers=course)).json()
    (own,) = (await xapi.http.post("/xapi/statements", json=completion(), headers=other)).json()
    innocent = str(uuid.uuid4())
    batch = [completion(innocent), voiding(own), voiding(target)]
    assert error(await xapi.http.post("/xapi/statements", json=batch, headers=other), 403)
    assert not await _is_voided(xapi, target)
    assert not await _is_voided(xapi, own)
    missing = await xapi.http.get("/xapi/statements", params={"statementId": innocent})
    assert missing.status_code == 404


async def test_finding_2_owners_and_all_may_void(xapi: XapiClient) -> None:
    course = await xapi.credential("statements/write")
    admin = await xapi.credential("all")
    first, second = (
        await xapi.http.post("/xapi/statements", json=[completion(), completion()], headers=course)
    ).json()
    own = await xapi.http.post("/xapi/statements", json=voiding(first), headers=course)
    assert own.status_code == 200, own.text
    assert await _is_voided(xapi, first)
    by_admin = await xapi.http.post("/xapi/statements", json=voiding(second), headers=admin)
    assert by_admin.status_code == 200, by_admin.text
    assert await _is_voided(xapi, second)
    # A statement and its voiding in one batch: both the writer's own.
    third = str(uuid.uuid4())
    both = await xapi.http.post(
        "/xapi/statements", json=[completion(third), voiding(third)], headers=course
    )
    assert both.status_code == 200, both.text
    assert await _is_voided(xapi, third)


async def test_finding_2_voiding_ahead_of_the_statement_voids_only_the_writers_own(
    xapi: XapiClient,
) -> None:
    """A voiding statement may come before its target (the spec allows it); it then voids
    the target only if its own writer stores it."""
    course = await xapi.credential("statements/write")
    other = await xapi.credential("statements/write")
    foreign, own = str(uuid.uuid4()), str(uuid.uuid4())
    for target in (foreign, own):
        early = await xapi.http.post("/xapi/statements", json=voiding(target), headers=other)
        assert early.status_code == 200, early.text
    await xapi.http.put(
        "/xapi/statements", params={"statementId": foreign}, json=completion(), headers=course
    )
    await xapi.http.put(
        "/xapi/statements", params={"statementId": own}, json=completion(), headers=other
    )
    assert not await _is_voided(xapi, foreign)
    assert await _is_voided(xapi, own)


async def test_finding_2_bridged_statements_are_voided_only_from_their_source(
    services: Services, xapi: XapiClient
) -> None:
    """Statements pulled from an upstream LRS are stored as the bridge's pull stores them
    (``Writer(authority=None, credential=None, source=NAME)``): a voiding statement from
    the same source voids them; one from another source or a local credential does not."""
    log: StatementLog = services.statements
    upstream = Writer(authority=None, credential=None, source="upstream")
    elsewhere = Writer(authority=None, credential=None, source="elsewhere")
    authority = {"objectType": "Agent", "mbox": "mailto:lrs@upstream.se"}
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    await log.store_statements(
        [
            {**completion(first), "authority": authority},
            {**completion(second), "authority": authority},
        ],
        version="1.0.3",
        writer=upstream,
    )
    with pytest.raises(Forbidden):
        await log.store_statements(
            [{**voiding(first), "authority": authority}], version="1.0.3", writer=elsewhere
        )
    local = await xapi.credential("statements/write")
    refused = await xapi.http.post("/xapi/statements", json=voiding(first), headers=local)
    assert error(refused, 403)["rule"] == "voiding"
    assert not await _is_voided(xapi, first)
    await log.store_statements(
        [{**voiding(first), "authority": authority}], version="1.0.3", writer=upstream
    )
    assert await _is_voided(xapi, first)
    assert not await _is_voided(xapi, second)


# --- finding 9: signed 'more' cursors ---------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _payload(token: str) -> dict[str, Any]:
    payload = token.split(".")[0]
    data: dict[str, Any] = orjson.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return data


def _signed(data: Any, key: bytes) -> str:
    """A cursor signed with the LRS's own key: what only someone holding it could make."""
    payload = _b64(json.dumps(data).encode())  # json: it writes integers of any size
    label = query_module._CURSOR_LABEL
    mac = _b64(hmac.new(key, label + payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}"


async def _first_more(xapi: XapiClient) -> str:
    await xapi.http.post("/xapi/statements", json=[completion() for _ in range(3)])
    page = (await xapi.http.get("/xapi/statements", params={"limit": 1})).json()
    more: str = page["more"]
    return more.split("cursor=", 1)[1]


async def _with_cursor(xapi: XapiClient, token: str) -> httpx.Response:
    return await xapi.http.get("/xapi/statements", params={"cursor": token})


async def test_finding_9_forged_and_tampered_cursors_are_400(xapi: XapiClient) -> None:
    """The review's t_cursor.py forged {"limit": 100000} and got 788 statements at once."""
    token = await _first_more(xapi)
    assert (await _with_cursor(xapi, token)).status_code == 200
    data = _payload(token)
    # The forged cursor of the review: an unsigned base64 JSON query.
    forged = _b64(orjson.dumps({**data, "limit": 100_000}))
    assert error(await _with_cursor(xapi, forged), 400) == {
        "path": "cursor",
        "rule": "cursor_format",
        "message": "is not a 'more' link of this LRS",
    }
    # A valid cursor with its query changed, signature kept.
    tampered = _b64(orjson.dumps({**data, "limit": 100_000})) + "." + token.split(".")[1]
    detail = error(await _with_cursor(xapi, tampered), 400)
    assert (detail["path"], detail["rule"]) == ("cursor", "cursor_signature")
    # ... and signed with a key of its own.
    other_key = _signed({**data, "limit": 100_000}, b"guessed key")
    assert error(await _with_cursor(xapi, other_key), 400)["rule"] == "cursor_signature"
    # Garbage of every shape: never a 500.
    for garbage in ("not-a-cursor", "!!!.???", "a.b", ".", "x" * 9000, "åäö.ö", token + "x"):
        detail = error(await _with_cursor(xapi, garbage), 400)
        assert detail["path"] == "cursor"
        assert detail["rule"] in ("cursor_format", "cursor_signature")


async def test_finding_9_signed_cursors_are_still_checked_field_by_field(
    xapi: XapiClient,
) -> None:
    """Wrong types and bounds are a 400 naming the field even under a valid signature, and
    no cursor lifts the page limit."""
    key = xapi.services.statements.cursor_key
    data = _payload(await _first_more(xapi))
    for bad, field in (
        ({**data, "limit": "x"}, "limit"),
        ({**data, "limit": True}, "limit"),
        ({**data, "limit": 0}, "limit"),
        ({**data, "after_seq": -1}, "after_seq"),
        ({**data, "through_seq": 2**70}, "through_seq"),
        ({**data, "ascending": "yes"}, "ascending"),
        ({**data, "agent": {"mbox": "mailto:x@t.se"}}, "agent"),
        ({**data, "format": "raw"}, "format"),
        ({**data, "surprise": 1}, "surprise"),
        ({k: v for k, v in data.items() if k != "after_seq"}, "after_seq"),
    ):
        detail = error(await _with_cursor(xapi, _signed(bad, key)), 400)
        assert (detail["path"], detail["rule"]) == ("cursor", "cursor_field"), bad
        assert field in detail["message"]
    for not_an_object in ([1, 2], "limit", 3):
        detail = error(await _with_cursor(xapi, _signed(not_an_object, key)), 400)
        assert detail["rule"] == "cursor_format"
    # A cursor made under a larger page limit (another configuration) is capped at this one.
    xapi.services.statements.max_limit = 2
    lifted = {**data, "limit": 100_000, "after_seq": 1 << 40}
    page = (await _with_cursor(xapi, _signed(lifted, key))).json()
    assert len(page["statements"]) == 2 and page["more"]


async def test_finding_9_read_mine_cannot_read_others_through_a_cursor(xapi: XapiClient) -> None:
    """A signed cursor of a reader of everything, used by a read/mine credential, still
    returns only the read/mine credential's own statements."""
    mine = await xapi.credential("statements/write", "statements/read/mine")
    (own,) = (await xapi.http.post("/xapi/statements", json=completion(), headers=mine)).json()
    token = await _first_more(xapi)
    page = await xapi.http.get("/xapi/statements", params={"cursor": token}, headers=mine)
    assert page.status_code == 200
    assert [s["id"] for s in page.json()["statements"]] in ([], [own])


def test_finding_9_cursor_key_comes_from_the_session_secret() -> None:
    fixed = load_settings(session_secret="s" * 40)
    assert cursor_key(fixed) == cursor_key(load_settings(session_secret="s" * 40))
    assert cursor_key(fixed) != cursor_key(load_settings(session_secret="t" * 40))
    assert cursor_key(load_settings(session_secret="")) is None  # a random key per start


@pytest.mark.slow
def test_finding_9_cursor_after_a_restart_of_a_real_server(tmp_path: Path) -> None:
    """Without LRS_BRIDGE_SESSION_SECRET a cursor from before a restart gets a clear 400;
    with it (as every instance of a PostgreSQL deployment must share) it keeps working."""
    database = str(tmp_path / "lrs.sqlite3")
    log = tmp_path / "server.log"
    created = run_cli(
        "credentials", "create", "--database", database, "--label", "t", "--scope", "all", "--json"
    )
    assert created.returncode == 0, created.stderr
    record = json.loads(created.stdout)
    auth = (record["key"], record["secret"])
    headers = {"X-Experience-API-Version": "1.0.3"}

    def serve(secret: str) -> Any:
        return start_server(
            database,
            log,
            record["key"],
            record["secret"],
            env={"LRS_BRIDGE_SESSION_SECRET": secret},
        )

    for secret, survives in (("", False), ("k" * 48, True)):
        server = serve(secret)
        try:
            with httpx.Client(base_url=server.url, auth=auth, headers=headers) as http:
                stored = http.post("/xapi/statements", json=[completion(), completion()])
                assert stored.status_code == 200, stored.text
                more = http.get("/xapi/statements", params={"limit": 1}).json()["more"]
                assert http.get(more).status_code == 200
        finally:
            server.stop()
        server = serve(secret)
        try:
            with httpx.Client(base_url=server.url, auth=auth, headers=headers) as http:
                again = http.get(more)
                if survives:
                    assert again.status_code == 200, again.text
                else:
                    detail = error(again, 400)
                    assert (detail["path"], detail["rule"]) == ("cursor", "cursor_signature")
                    assert "restarted" in detail["message"]
        finally:
            server.stop()


# --- beside them: attachments of foreign statements -------------------------------------------


async def test_attachments_are_returned_only_with_statements_the_reader_may_see(
    xapi: XapiClient,
) -> None:
    """A read/mine credential that declares the sha2 of another credential's attachment
    (with a fileUrl, so it sends no part) gets its own statement back without that part."""
    secret_pdf = b"%PDF-1.4 private certificate of xss1"
    sha2 = hashlib.sha256(secret_pdf).hexdigest()
    attachment = {
        "usageType": "http://id.tincanapi.com/attachment/certificate",
        "display": {"sv-SE": "Intyg"},
        "contentType": "application/pdf",
        "length": len(secret_pdf),
        "sha2": sha2,
    }
    boundary = "sec-boundary"
    owner_statement = {**completion(), "attachments": [attachment]}
    body = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode()
        + orjson.dumps(owner_statement)
        + f"\r\n--{boundary}\r\nContent-Type: application/pdf\r\n"
        f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        + secret_pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    owner = await xapi.http.post(
        "/xapi/statements",
        content=body,
        headers={"Content-Type": f'multipart/mixed; boundary="{boundary}"'},
    )
    assert owner.status_code == 200, owner.text
    (foreign,) = owner.json()
    mine = await xapi.credential("statements/write", "statements/read/mine")
    declared = {**completion(), "attachments": [{**attachment, "fileUrl": "https://x.se/a.pdf"}]}
    (own,) = (await xapi.http.post("/xapi/statements", json=declared, headers=mine)).json()
    for params in (
        {"statementId": own, "attachments": "true"},
        {"attachments": "true"},
    ):
        got = await xapi.http.get("/xapi/statements", params=params, headers=mine)
        assert got.status_code == 200
        assert secret_pdf not in got.content
    foreign_get = await xapi.http.get(
        "/xapi/statements", params={"statementId": foreign, "attachments": "true"}, headers=mine
    )
    assert foreign_get.status_code == 404
    assert secret_pdf not in foreign_get.content


async def test_finding_3_the_alternate_request_syntax_reaches_no_further(
    xapi: XapiClient,
) -> None:
    """Storyline's alternate syntax (POST ?method=…, credentials in the form) goes through
    the same rule: another credential's state is neither read nor deleted that way."""
    course = await xapi.credential("statements/write", "state")
    other = await xapi.credential("state")
    params = {**STATE_PARAMS, "stateId": "bookmark"}
    await xapi.http.put(STATE, params=params, content=b'{"a":1}', headers={**course, **JSON})
    for method, form_params, status, body in (
        ("GET", params, 404, None),
        ("GET", STATE_PARAMS, 200, []),
        ("DELETE", STATE_PARAMS, 204, None),
        ("DELETE", params, 204, None),
    ):
        answer = await xapi.http.post(
            f"{STATE}?method={method}",
            content=urlencode({**form_params, **other}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == status, (method, answer.text)
        if body is not None:
            assert answer.json() == body
    assert (await xapi.http.get(STATE, params=params, headers=course)).json() == {"a": 1}
