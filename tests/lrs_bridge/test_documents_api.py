"""State, Activity Profile, Agent Profile, Activities and Agents resources over HTTP
(Communication 2.2–2.7, 3.1, 4.2): what a course player sees."""

from __future__ import annotations

import hashlib
import json
import uuid
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from tests.conftest import XapiClient

INTRO = "https://valmyndigheten.se/xapi/intro"
AGENT = {"objectType": "Agent", "mbox": "mailto:anna@kommun.se", "name": "Anna"}
REGISTRATION = str(uuid.uuid4())
V2 = {"X-Experience-API-Version": "2.0.0"}
CREATE = {"If-None-Match": "*"}

# Each document resource: its path, the parameters that name a document's owner, its id name.
RESOURCES: dict[str, tuple[str, dict[str, str], str]] = {
    "state": (
        "/xapi/activities/state",
        {"activityId": INTRO, "agent": json.dumps(AGENT), "registration": REGISTRATION},
        "stateId",
    ),
    "activity profile": ("/xapi/activities/profile", {"activityId": INTRO}, "profileId"),
    "agent profile": ("/xapi/agents/profile", {"agent": json.dumps(AGENT)}, "profileId"),
}


def sha1_tag(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _headers(given: dict[str, str]) -> dict[str, str]:
    """Keyword arguments as header names: If_Match → If-Match."""
    return {name.replace("_", "-"): value for name, value in given.items()}


class Docs:
    """Requests to one document resource."""

    def __init__(self, xapi: XapiClient, resource: str) -> None:
        self.http = xapi.http
        self.path, self.owner, self.id_name = RESOURCES[resource]

    def params(self, doc_id: str | None = None, **extra: str) -> dict[str, str]:
        params = dict(self.owner)
        if doc_id is not None:
            params[self.id_name] = doc_id
        return {**params, **extra}

    async def put(
        self, doc_id: str, content: bytes, content_type: str = "application/json", **headers: str
    ) -> httpx.Response:
        return await self.http.put(
            self.path,
            params=self.params(doc_id),
            content=content,
            headers={"Content-Type": content_type, **_headers(headers)},
        )

    async def post(
        self, doc_id: str, content: bytes, content_type: str = "application/json", **headers: str
    ) -> httpx.Response:
        return await self.http.post(
            self.path,
            params=self.params(doc_id),
            content=content,
            headers={"Content-Type": content_type, **_headers(headers)},
        )

    async def get(self, doc_id: str | None = None, **extra: str) -> httpx.Response:
        return await self.http.get(self.path, params=self.params(doc_id, **extra))

    async def delete(self, doc_id: str | None = None, **headers: str) -> httpx.Response:
        return await self.http.delete(
            self.path, params=self.params(doc_id), headers=_headers(headers)
        )


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] and body["details"]
    detail: dict[str, Any] = body["details"][0]
    return detail


# --- each resource's operations -------------------------------------------------------------


@pytest.mark.parametrize("resource", list(RESOURCES))
async def test_put_get_head_list_post_delete(xapi: XapiClient, resource: str) -> None:
    docs = Docs(xapi, resource)
    content = b"\x89PNG\r\n\x1a\n\x00\x00binary \xff\xfe"
    put = await docs.put("bild", content, "image/png", **CREATE)
    assert put.status_code == 204 and put.content == b""
    assert put.headers["etag"] == sha1_tag(content)

    got = await docs.get("bild")
    assert got.status_code == 200
    assert got.content == content
    assert got.headers["content-type"] == "image/png"
    assert got.headers["etag"] == sha1_tag(content)
    modified = parsedate_to_datetime(got.headers["last-modified"])
    assert modified.tzinfo is not None

    head = await xapi.http.head(docs.path, params=docs.params("bild"))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == sha1_tag(content)

    await docs.post("vars", b'{"x": "foo", "y": "bar"}', **CREATE)
    merged = await docs.post("vars", b'{"x": "bash", "z": "faz"}', If_Match=sha1_tag(b"none"))
    assert error(merged, 412)["path"] == "If-Match"
    merged = await docs.post("vars", b'{"x": "bash", "z": "faz"}')
    assert merged.status_code == 204
    vars_doc = await docs.get("vars")
    assert vars_doc.json() == {"x": "bash", "y": "bar", "z": "faz"}
    assert vars_doc.headers["etag"] == sha1_tag(vars_doc.content)

    listed = await docs.get()
    assert listed.status_code == 200
    assert listed.json() == ["bild", "vars"]
    assert parsedate_to_datetime(listed.headers["last-modified"]) >= modified

    deleted = await docs.delete("bild")
    assert deleted.status_code == 204 and deleted.content == b""
    missing = await docs.get("bild")
    assert error(missing, 404)["rule"] == "not_found"
    assert (await docs.get()).json() == ["vars"]


@pytest.mark.parametrize("resource", list(RESOURCES))
async def test_since_lists_only_documents_written_after_it(xapi: XapiClient, resource: str) -> None:
    # (Exclusivity to the microsecond is tested on the store: tests/statements/test_documents.)
    docs = Docs(xapi, resource)
    await docs.put("old", b"{}", **CREATE)
    await docs.put("new", b"{}", **CREATE)
    everything = await docs.get(since="2000-01-01T00:00:00+02:00")
    assert everything.json() == ["new", "old"]
    future = await docs.get(since="2999-01-01T00:00:00Z")
    assert future.json() == [] and "last-modified" not in future.headers


async def test_content_types_come_back_as_stored(xapi: XapiClient) -> None:
    docs = Docs(xapi, "state")
    kinds = {
        "json": ("application/json; charset=utf-8", '{"sida": "Introduktion – steg 2"}'.encode()),
        "text": ("text/plain; charset=iso-8859-1", "Västerås".encode("latin-1")),
        "xml": ("application/xml", b"<suspend><page>3</page></suspend>"),
        "plain": ("text/plain", b"no charset given, none added"),
        "csv": ("text/csv;header=present", b"a,b\r\n1,2\r\n"),
    }
    for doc_id, (content_type, content) in kinds.items():
        assert (await docs.put(doc_id, content, content_type)).status_code == 204
    for doc_id, (content_type, content) in kinds.items():
        got = await docs.get(doc_id)
        assert (got.headers["content-type"], got.content) == (content_type, content)
    none = await xapi.http.put(
        docs.path, params=docs.params("raw"), content=b"\x00\x01", headers={"Content-Type": ""}
    )
    assert none.status_code == 204
    raw = await docs.get("raw")
    assert (raw.headers["content-type"], raw.content) == ("application/octet-stream", b"\x00\x01")


async def test_state_delete_all_respects_registration(xapi: XapiClient) -> None:
    path = "/xapi/activities/state"
    base = {"activityId": INTRO, "agent": json.dumps(AGENT)}
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    for registration in (first, second):
        for state_id in ("resume", "progress"):
            response = await xapi.http.put(
                path,
                params={**base, "registration": registration, "stateId": state_id},
                content=b"{}",
                headers={"Content-Type": "application/json"},
            )
            assert response.status_code == 204
    gone = await xapi.http.delete(path, params={**base, "registration": first})
    assert gone.status_code == 204
    first_ids = await xapi.http.get(path, params={**base, "registration": first})
    assert first_ids.json() == []
    second_ids = await xapi.http.get(path, params={**base, "registration": second})
    assert second_ids.json() == ["progress", "resume"]
    everything = await xapi.http.get(path, params=base)  # no registration: every one
    assert everything.json() == ["progress", "resume"]
    await xapi.http.delete(path, params=base)
    assert (await xapi.http.get(path, params={**base, "registration": second})).json() == []


async def test_the_agent_is_matched_by_its_identifier_not_its_spelling(xapi: XapiClient) -> None:
    docs = Docs(xapi, "agent profile")
    await docs.put("prefs", b'{"lang": "sv"}', **CREATE)
    same = {"mbox": "mailto:ANNA@kommun.se", "name": "A. Andersson"}
    got = await xapi.http.get(docs.path, params={"agent": json.dumps(same), "profileId": "prefs"})
    assert got.json() == {"lang": "sv"}


# --- concurrency (Communication 3.1), under each version ------------------------------------


@pytest.mark.parametrize("resource", list(RESOURCES))
async def test_put_over_an_existing_document_without_headers(
    xapi: XapiClient, resource: str
) -> None:
    docs = Docs(xapi, resource)
    await docs.put("doc", b'{"v": 1}', **CREATE)
    under_1 = await docs.put("doc", b'{"v": 2}')
    if resource == "state":  # 1.0.3 lets state be overwritten without headers
        assert under_1.status_code == 204
    else:
        detail = error(under_1, 409)
        assert detail["path"] == "If-Match"
        assert "If-Match" in under_1.json()["error"]  # tells the client what to do
    before = (await docs.get("doc")).content
    under_2 = await docs.put("doc", b'{"v": 3}', **V2)
    assert error(under_2, 409)["rule"] == "precondition_required"
    assert (await docs.get("doc")).content == before


async def test_a_new_profile_needs_a_precondition_under_1_0_3_only(xapi: XapiClient) -> None:
    docs = Docs(xapi, "activity profile")
    refused = await docs.put("doc", b"{}")
    assert error(refused, 400)["rule"] == "precondition_required"
    assert (await docs.get()).json() == []
    assert (await docs.put("doc", b"{}", **V2)).status_code == 204


@pytest.mark.parametrize("resource", list(RESOURCES))
async def test_if_match_and_if_none_match(xapi: XapiClient, resource: str) -> None:
    docs = Docs(xapi, resource)
    assert error(await docs.put("doc", b"1", If_Match='"abc"'), 412)["path"] == "If-Match"
    assert (await docs.put("doc", b"1", **CREATE)).status_code == 204
    tag = (await docs.get("doc")).headers["etag"]
    exists = await docs.put("doc", b"2", **CREATE)
    assert error(exists, 412)["path"] == "If-None-Match"
    stale = await docs.put("doc", b"2", If_Match=sha1_tag(b"0"))
    assert error(stale, 412)["rule"] == "precondition"
    assert (await docs.get("doc")).content == b"1"
    for version in ({}, V2):
        assert (await docs.put("doc", b"2", If_Match=tag, **version)).status_code == 204
        tag = (await docs.get("doc")).headers["etag"]
        if not version:
            await docs.put("doc", b"3", If_Match=tag)
            tag = (await docs.get("doc")).headers["etag"]
    wrong_delete = await docs.delete("doc", If_Match=sha1_tag(b"0"))
    assert error(wrong_delete, 412)["path"] == "If-Match"
    assert (await docs.delete("doc", If_Match=tag)).status_code == 204
    assert (await docs.get()).json() == []


# --- parameters: every one validated, the 400 names it ------------------------------------------

BAD_PARAMS: list[tuple[str, str, dict[str, str | None], str]] = [
    # (resource, method, parameter changes (None removes), the parameter the 400 names)
    ("state", "GET", {"activityId": "not an iri"}, "activityId"),
    ("state", "PUT", {"activityId": None}, "activityId"),
    ("state", "GET", {"agent": "{not json"}, "agent"),
    ("state", "GET", {"agent": '{"name": "no identifier"}'}, "agent"),
    ("state", "PUT", {"agent": '{"mbox": "anna@kommun.se"}'}, "agent.mbox"),
    ("state", "GET", {"agent": None}, "agent"),
    ("state", "GET", {"registration": "not-a-uuid"}, "registration"),
    ("state", "DELETE", {"registration": "12345"}, "registration"),
    ("state", "PUT", {"stateId": None}, "stateId"),
    ("state", "POST", {"stateId": ""}, "stateId"),
    ("state", "GET", {"stateId": None, "since": "yesterday"}, "since"),
    ("state", "GET", {"since": "2024-01-01T00:00:00Z"}, "since"),
    ("state", "PUT", {"profileId": "x"}, "profileId"),
    ("activity profile", "GET", {"activityId": "relative/path"}, "activityId"),
    ("activity profile", "DELETE", {"profileId": None}, "profileId"),
    ("activity profile", "PUT", {"agent": json.dumps(AGENT)}, "agent"),
    ("agent profile", "GET", {"agent": '"mailto:anna@kommun.se"'}, "agent"),
    ("agent profile", "POST", {"profileId": None}, "profileId"),
    ("agent profile", "PUT", {"since": "2024-01-01T00:00:00Z"}, "since"),
]


@pytest.mark.parametrize(("resource", "method", "changes", "named"), BAD_PARAMS)
async def test_bad_parameters_are_400_naming_the_parameter(
    xapi: XapiClient,
    resource: str,
    method: str,
    changes: dict[str, str | None],
    named: str,
) -> None:
    docs = Docs(xapi, resource)
    params: dict[str, str] = docs.params("doc")
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    response = await xapi.http.request(
        method,
        docs.path,
        params=params,
        content=b"{}",
        headers={"Content-Type": "application/json", **CREATE},
    )
    assert error(response, 400)["path"] == named
    assert (await docs.get()).json() == []  # nothing was stored


async def test_missing_document_resources_need_no_prior_knowledge(xapi: XapiClient) -> None:
    """Documents for Activities and Agents the LRS has never seen are accepted (2.2)."""
    for resource in RESOURCES:
        docs = Docs(xapi, resource)
        assert (await docs.put("x", b"{}", **CREATE)).status_code == 204


# --- scopes (Communication 4.2) ----------------------------------------------------------------

# Which document resources each scope may read and write.
SCOPE_RIGHTS: dict[str, dict[str, set[str]]] = {
    "state": {"read": {"state"}, "write": {"state"}},
    "profile": {
        "read": {"activity profile", "agent profile"},
        "write": {"activity profile", "agent profile"},
    },
    "all/read": {"read": set(RESOURCES), "write": set()},
    "all": {"read": set(RESOURCES), "write": set(RESOURCES)},
    "statements/write": {"read": set(), "write": set()},
    "statements/read": {"read": set(), "write": set()},
    "statements/read/mine": {"read": set(), "write": set()},
    "define": {"read": set(), "write": set()},
}
# Scopes that reach every client's documents; 'state' and 'profile' reach only the
# documents the credential wrote itself (Communication 4.2; finding 3 of the December
# 2026 security review, tests/lrs_bridge/test_security_xapi.py).
EVERY_CLIENT = {"all/read", "all"}


@pytest.mark.parametrize("scope", list(SCOPE_RIGHTS))
async def test_each_scope_on_each_document_resource(xapi: XapiClient, scope: str) -> None:
    headers = await xapi.credential(scope)
    for resource in RESOURCES:
        docs = Docs(xapi, resource)
        await docs.put("seed", b'{"a": 1}', **CREATE)  # with the fixture's 'all' credential
        attempts = {
            "read": [
                await xapi.http.get(docs.path, params=docs.params("seed"), headers=headers),
                await xapi.http.get(docs.path, params=docs.params(), headers=headers),
            ],
            "write": [
                await xapi.http.put(
                    docs.path,
                    params=docs.params("mine"),
                    content=b"{}",
                    headers={**headers, **CREATE, "Content-Type": "application/json"},
                ),
                await xapi.http.post(
                    docs.path,
                    params=docs.params("seed"),
                    content=b'{"b": 2}',
                    headers={**headers, "Content-Type": "application/json"},
                ),
                await xapi.http.delete(docs.path, params=docs.params("other"), headers=headers),
            ],
        }
        every = scope in EVERY_CLIENT
        for kind, responses in attempts.items():
            allowed = resource in SCOPE_RIGHTS[scope][kind]
            for number, response in enumerate(responses):
                if not allowed:
                    detail = error(response, 403)
                    assert (detail["path"], detail["rule"]) == ("Authorization", "scope")
                elif kind == "read" and not every:  # another client's document: not there
                    if number == 0:
                        assert error(response, 404)["rule"] == "not_found"
                    else:
                        assert response.json() == []
                else:
                    assert response.status_code in (200, 204), (scope, resource, response.text)
        stored = await docs.get()
        wrote = resource in SCOPE_RIGHTS[scope]["write"]
        assert stored.json() == (["mine", "seed"] if wrote else ["seed"])
        seed = await docs.get("seed")
        # 'all' merged into the one 'seed' there was; 'state'/'profile' made a 'seed' of
        # their own, which the fixture's credential does not read as its own.
        assert seed.json() == ({"a": 1, "b": 2} if wrote and every else {"a": 1})
        if wrote and not every:
            own = await xapi.http.get(docs.path, params=docs.params("seed"), headers=headers)
            assert own.json() == {"b": 2}
            assert (
                await xapi.http.get(docs.path, params=docs.params(), headers=headers)
            ).json() == ["mine", "seed"]
            for doc_id in ("mine", "seed"):
                await xapi.http.delete(docs.path, params=docs.params(doc_id), headers=headers)
        for doc_id in ("mine", "seed"):
            await docs.delete(doc_id)
        assert (await docs.get()).json() == []


async def test_activities_and_agents_resources_need_a_credential(xapi: XapiClient) -> None:
    for path, params in (
        ("/xapi/activities", {"activityId": INTRO}),
        ("/xapi/agents", {"agent": json.dumps(AGENT)}),
    ):
        response = await xapi.http.get(path, params=params, headers={"Authorization": ""})
        assert error(response, 401)["rule"] == "authentication"
        write_only = await xapi.credential("statements/write")
        assert error(await xapi.http.get(path, params=params, headers=write_only), 403)


# --- Activities resource (Communication 2.5) and canonical definitions ------------------------

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def statement(name: dict[str, str], actor_name: str = "Anna Andersson") -> dict[str, Any]:
    return {
        "actor": {"mbox": "mailto:anna@kommun.se", "name": actor_name},
        "verb": {"id": COMPLETED},
        "object": {
            "id": INTRO,
            "definition": {"name": name, "type": "http://adlnet.gov/expapi/activities/course"},
        },
    }


async def test_an_unknown_activity_is_still_an_activity(xapi: XapiClient) -> None:
    response = await xapi.http.get("/xapi/activities", params={"activityId": INTRO + "/x"})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": INTRO + "/x"}
    bad = await xapi.http.get("/xapi/activities", params={"activityId": "kurs 1"})
    assert error(bad, 400)["path"] == "activityId"
    missing = await xapi.http.get("/xapi/activities")
    assert error(missing, 400)["path"] == "activityId"
    extra = await xapi.http.get("/xapi/activities", params={"activityId": INTRO, "x": "1"})
    assert error(extra, 400)["path"] == "x"


async def test_only_define_credentials_change_the_canonical_activity(xapi: XapiClient) -> None:
    definer = await xapi.credential("statements/write", "define")
    writer = await xapi.credential("statements/write")
    for headers, name in (
        (definer, {"sv-SE": "Introduktion"}),
        (definer, {"en-US": "Introduction"}),
        (writer, {"sv-SE": "Fel namn", "fi-FI": "Väärä"}),
    ):
        response = await xapi.http.post("/xapi/statements", json=statement(name), headers=headers)
        assert response.status_code == 200, response.text
    activity = (await xapi.http.get("/xapi/activities", params={"activityId": INTRO})).json()
    assert activity == {
        "objectType": "Activity",
        "id": INTRO,
        "definition": {
            "name": {"sv-SE": "Introduktion", "en-US": "Introduction"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    }
    # The undefined statement keeps its own definition in the exact format ...
    exact = (await xapi.http.get("/xapi/statements")).json()["statements"]
    assert exact[0]["object"]["definition"]["name"] == {"sv-SE": "Fel namn", "fi-FI": "Väärä"}
    # ... and shows the canonical one in the canonical format.
    canonical = await xapi.http.get(
        "/xapi/statements", params={"format": "canonical"}, headers={"Accept-Language": "sv-SE"}
    )
    names = [s["object"]["definition"]["name"] for s in canonical.json()["statements"]]
    assert names == [{"sv-SE": "Introduktion"}] * 3


# --- Agents resource (Communication 2.4) -------------------------------------------------------


async def test_person_of_an_unknown_agent_holds_what_was_asked(xapi: XapiClient) -> None:
    for agent, person in (
        (
            {"mbox": "mailto:ny@kommun.se", "name": "Ny"},
            {"objectType": "Person", "name": ["Ny"], "mbox": ["mailto:ny@kommun.se"]},
        ),
        (
            {"account": {"homePage": "https://lms.se", "name": "u1"}},
            {"objectType": "Person", "account": [{"homePage": "https://lms.se", "name": "u1"}]},
        ),
        (
            {"mbox_sha1sum": "a" * 40},
            {"objectType": "Person", "mbox_sha1sum": ["a" * 40]},
        ),
        (
            {"openid": "https://id.example/anna"},
            {"objectType": "Person", "openid": ["https://id.example/anna"]},
        ),
    ):
        response = await xapi.http.get("/xapi/agents", params={"agent": json.dumps(agent)})
        assert response.status_code == 200
        assert response.json() == person
    bad = await xapi.http.get("/xapi/agents", params={"agent": '{"name": "Utan id"}'})
    assert error(bad, 400)["path"] == "agent"


async def test_person_combines_the_names_defining_statements_gave(xapi: XapiClient) -> None:
    definer = await xapi.credential("statements/write", "define")
    writer = await xapi.credential("statements/write")
    for headers, actor_name in (
        (definer, "Anna Andersson"),
        (definer, "Anna A."),
        (writer, "Påhittat namn"),
    ):
        body = statement({"sv-SE": "Intro"}, actor_name)
        assert (await xapi.http.post("/xapi/statements", json=body, headers=headers)).is_success
    asked = {"mbox": "mailto:Anna@Kommun.se", "name": "Anna"}
    person = await xapi.http.get("/xapi/agents", params={"agent": json.dumps(asked)})
    assert person.json() == {
        "objectType": "Person",
        "name": ["Anna", "Anna A.", "Anna Andersson"],
        "mbox": ["mailto:Anna@Kommun.se"],
    }
    # A course credential that cannot read statements learns no names through this resource.
    course = await xapi.credential("state")
    limited = await xapi.http.get(
        "/xapi/agents", params={"agent": json.dumps(asked)}, headers=course
    )
    assert limited.json() == {
        "objectType": "Person",
        "name": ["Anna"],
        "mbox": ["mailto:Anna@Kommun.se"],
    }
