"""Credentials and scopes: HTTP Basic, Argon2-only secrets, revocation that takes effect
at once (also from the CLI in another process), and every xAPI scope on every Statement
resource method (Communication 4.0, 4.2)."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from lrs_bridge.http.xapi.routes import xapi_routes
from tests.conftest import LiveServer, XapiClient, run_cli

VERSION = {"X-Experience-API-Version": "1.0.3"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def statement(email: str = "anna@kommun.se", **extra: Any) -> dict[str, Any]:
    return {
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": "https://valmyndigheten.se/xapi/intro"},
        **extra,
    }


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def assert_challenge(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="xAPI"')
    assert response.headers["X-Experience-API-Version"]
    assert response.json()["details"] == [
        {"path": "Authorization", "rule": "authentication", "message": "missing or wrong"}
    ]


# --- authentication -----------------------------------------------------------------------


async def test_missing_or_wrong_credentials_are_401_with_a_challenge(xapi: XapiClient) -> None:
    good = xapi.auth()["Authorization"]
    del xapi.http.headers["Authorization"]
    wrong = {
        "missing": None,
        "wrong secret": basic(xapi.key, xapi.secret + "x"),
        "unknown key": basic("nokey", xapi.secret),
        "empty secret": basic(xapi.key, ""),
        "no colon": "Basic " + base64.b64encode(xapi.key.encode()).decode(),
        "not base64": "Basic !!!",
        "not Basic": "Bearer " + xapi.secret,
    }
    for name, header in wrong.items():
        headers = {"Authorization": header} if header else {}
        for method in ("GET", "HEAD", "POST", "PUT"):
            params = {"statementId": str(uuid.uuid4())} if method == "PUT" else None
            content = json.dumps(statement()) if method in ("POST", "PUT") else None
            response = await xapi.http.request(
                method,
                "/xapi/statements",
                params=params,
                content=content,
                headers={**headers, "Content-Type": "application/json"},
            )
            assert response.status_code == 401, (name, method)
            assert response.headers["WWW-Authenticate"].startswith("Basic"), name
            if method != "HEAD":
                assert_challenge(response)
    # Nothing was stored by any refused request.
    listed = await xapi.http.get("/xapi/statements", headers={"Authorization": good})
    assert listed.json()["statements"] == []


async def test_a_remembered_credential_still_refuses_a_wrong_secret(xapi: XapiClient) -> None:
    assert (await xapi.http.get("/xapi/statements")).status_code == 200  # now remembered
    wrong = await xapi.http.get(
        "/xapi/statements", headers={"Authorization": basic(xapi.key, xapi.secret[:-1])}
    )
    assert_challenge(wrong)
    assert (await xapi.http.get("/xapi/statements")).status_code == 200


@pytest.mark.parametrize(
    "route", [pytest.param(r, id=r.path) for r in xapi_routes() if r.path != "/xapi/about"]
)
async def test_every_xapi_route_needs_credentials(xapi: XapiClient, route: Any) -> None:
    del xapi.http.headers["Authorization"]
    for method in sorted(route.methods or ()):
        response = await xapi.http.request(method, route.path)
        assert response.status_code == 401, (route.path, method)
        assert "WWW-Authenticate" in response.headers


# --- secrets at rest ----------------------------------------------------------------------


@pytest.mark.sqlite_only("reads the SQLite file and its WAL for secrets")
async def test_secrets_are_stored_only_as_sha256_hashes(xapi: XapiClient, tmp_path: Path) -> None:
    created = [
        await xapi.services.credentials.create(f"kurs {i}", ["statements/write"]) for i in range(3)
    ]
    secrets = [xapi.secret] + [c.secret for c in created]
    await xapi.http.get("/xapi/statements")
    database = Path(xapi.services.settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as conn:
        rows = dict(conn.execute("SELECT key, secret_hash FROM credentials").fetchall())
    keys = [xapi.key] + [c.credential.key for c in created]
    for key, secret in zip(keys, secrets, strict=True):
        assert rows[key] == "sha256$" + hashlib.sha256(secret.encode()).hexdigest()
    # Not in the database file, its write-ahead log or anything else beside it.
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        raw = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, path.name
            assert base64.b64encode(secret.encode()) not in raw


@pytest.mark.slow
def test_the_server_log_never_shows_secrets(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, headers=VERSION) as client:
        ok = client.post(
            "/xapi/statements",
            json=statement(),
            auth=(live_server.key, live_server.secret),
        )
        assert ok.status_code == 200
        refused = client.get("/xapi/statements", auth=(live_server.key, "guess"))
        assert refused.status_code == 401
    log = live_server.log.read_text()
    assert live_server.secret not in log
    assert "guess" not in log


# --- revocation ------------------------------------------------------------------------------


@pytest.mark.slow
def test_credentials_made_and_revoked_by_the_cli_act_on_a_running_server(
    live_server: LiveServer,
) -> None:
    created = run_cli(
        "credentials",
        "create",
        "--database",
        live_server.database,
        "--label",
        "Storyline-kurs",
        "--scope",
        "statements/write",
        "statements/read/mine",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    record = json.loads(created.stdout)
    course = {"Authorization": basic(record["key"], record["secret"]), **VERSION}
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        # Usable at once, without a restart.
        posted = client.post("/xapi/statements", json=statement(), headers=course)
        assert posted.status_code == 200, posted.text
        for _ in range(3):  # authenticated several times: remembered by the server
            assert client.get("/xapi/statements", headers=course).status_code == 200

        revoked = run_cli(
            "credentials", "revoke", "--database", live_server.database, record["key"]
        )
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.strip() == f"revoked {record['key']}"

        # The very next request is refused, though the server process never restarted.
        assert live_server.process.poll() is None
        assert_challenge(client.get("/xapi/statements", headers=course))
        refused = client.post("/xapi/statements", json=statement("bo@kommun.se"), headers=course)
        assert_challenge(refused)
        # Other credentials are untouched, and the refused POST stored nothing.
        admin = {"Authorization": basic(live_server.key, live_server.secret), **VERSION}
        stored = client.get("/xapi/statements", headers=admin).json()["statements"]
        assert [s["actor"]["mbox"] for s in stored] == ["mailto:anna@kommun.se"]
        assert stored[0]["authority"]["account"]["name"] == record["key"]


async def test_revocation_in_process_forgets_the_remembered_secret(xapi: XapiClient) -> None:
    headers = await xapi.credential("all")
    assert (await xapi.http.get("/xapi/statements", headers=headers)).status_code == 200
    key = base64.b64decode(headers["Authorization"][6:]).decode().split(":")[0]
    assert await xapi.services.credentials.revoke(key)
    assert not await xapi.services.credentials.revoke(key)  # already revoked
    assert_challenge(await xapi.http.get("/xapi/statements", headers=headers))


# --- scopes ---------------------------------------------------------------------------

# What each scope may do on the Statement resource (Communication 4.2). "mine" reads only
# statements stored with the same credential.
SCOPE_RIGHTS: dict[str, set[str]] = {
    "statements/write": {"write"},
    "statements/read": {"read"},
    "statements/read/mine": {"read"},
    "all/read": {"read"},
    "all": {"read", "write"},
    "state": set(),
    "profile": set(),
    "define": set(),
}


async def _attempts(xapi: XapiClient, headers: dict[str, str]) -> dict[str, httpx.Response]:
    sid = str(uuid.uuid4())
    form = {
        "statementId": str(uuid.uuid4()),
        "content": json.dumps(statement("form@kommun.se")),
        "Content-Type": "application/json",
        **headers,
    }
    return {
        "GET": await xapi.http.get("/xapi/statements", headers=headers),
        "GET one": await xapi.http.get(
            "/xapi/statements", params={"statementId": sid}, headers=headers
        ),
        "HEAD": await xapi.http.head("/xapi/statements", headers=headers),
        "PUT": await xapi.http.put(
            "/xapi/statements", params={"statementId": sid}, json=statement(), headers=headers
        ),
        "POST": await xapi.http.post("/xapi/statements", json=statement(), headers=headers),
        "alternate PUT": await xapi.http.post(
            "/xapi/statements?method=PUT",
            content=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        "alternate GET": await xapi.http.post(
            "/xapi/statements?method=GET",
            content=urlencode(headers),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    }


@pytest.mark.parametrize("scope", list(SCOPE_RIGHTS))
async def test_each_scope_on_each_statement_method(xapi: XapiClient, scope: str) -> None:
    headers = await xapi.credential(scope)
    answers = await _attempts(xapi, headers)
    rights = SCOPE_RIGHTS[scope]
    for name, response in answers.items():
        needs = "write" if name in ("PUT", "POST", "alternate PUT") else "read"
        if needs in rights:
            expected = 404 if name == "GET one" else 204 if "PUT" in name else 200
            assert response.status_code == expected, (scope, name, response.text)
        else:
            assert response.status_code == 403, (scope, name)
            if name != "HEAD":
                detail = response.json()["details"][0]
                assert (detail["path"], detail["rule"]) == ("Authorization", "scope")
    stored = (await xapi.http.get("/xapi/statements")).json()["statements"]
    assert len(stored) == (3 if "write" in rights else 0)  # a refused write stores nothing


async def test_read_mine_sees_only_what_this_credential_stored(xapi: XapiClient) -> None:
    mine = await xapi.credential("statements/write", "statements/read/mine")
    other = await xapi.credential("statements/write", "statements/read/mine")
    reader = await xapi.credential("statements/read/mine", "statements/read")

    async def post(headers: dict[str, str], *bodies: dict[str, Any]) -> list[str]:
        response = await xapi.http.post("/xapi/statements", json=list(bodies), headers=headers)
        assert response.status_code == 200
        ids: list[str] = response.json()
        return ids

    own = await post(mine, *[statement(f"p{i}@kommun.se") for i in range(5)])
    theirs = await post(other, statement(), statement("bo@kommun.se"))
    (by_admin,) = await post(xapi.auth(), statement())
    # Voiding one of each: the voided one is still only visible to its owner.
    await post(
        mine,
        {
            **statement(),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": own[0]},
        },
    )
    await post(
        other,
        {
            **statement(),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": theirs[0]},
        },
    )

    async def visible(headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
        response = await xapi.http.get(
            "/xapi/statements", params={"limit": "2", **params}, headers=headers
        )
        rows: list[dict[str, Any]] = []
        while True:
            assert response.status_code == 200
            body = response.json()
            rows += body["statements"]
            if not body["more"]:
                return rows
            response = await xapi.http.get(body["more"], headers=headers)

    rows = await visible(mine)
    assert {r["id"] for r in rows} >= set(own[1:])
    assert {r["authority"]["account"]["name"] for r in rows} == {
        base64.b64decode(mine["Authorization"][6:]).decode().split(":")[0]
    }
    assert not {r["id"] for r in rows} & {*theirs, by_admin}
    # Filters do not widen it: the admin's statement matches the agent, but is not mine.
    anna = json.dumps({"mbox": "mailto:anna@kommun.se"})
    assert [r["id"] for r in await visible(mine, agent=anna)] == [
        r["id"] for r in rows if r["actor"] == {"mbox": "mailto:anna@kommun.se"}
    ]
    for sid in (*theirs[1:], by_admin):
        response = await xapi.http.get(
            "/xapi/statements", params={"statementId": sid}, headers=mine
        )
        assert response.status_code == 404
        head = await xapi.http.head("/xapi/statements", params={"statementId": sid}, headers=mine)
        assert head.status_code == 404
    own_voided = await xapi.http.get(
        "/xapi/statements", params={"voidedStatementId": own[0]}, headers=mine
    )
    assert own_voided.status_code == 200
    their_voided = await xapi.http.get(
        "/xapi/statements", params={"voidedStatementId": theirs[0]}, headers=mine
    )
    assert their_voided.status_code == 404
    # statements/read alongside read/mine reads everything.
    everything = {r["id"] for r in await visible(reader)}
    assert {*own[1:], *theirs[1:], by_admin} <= everything
