"""Document resources' rules (Communication 2.2–2.7, 3.1) on each engine: bytes kept
exactly, ETags, JSON merge, the concurrency rules of each version, scopes of state
documents, and the canonical Activities and Agent names learned from statements."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import uuid
from typing import Any

import orjson
import pytest

from lrs_bridge.services import Services
from statements.documents import (
    Document,
    DocumentKind,
    DocumentScope,
    DocumentService,
    Preconditions,
)
from statements.errors import BadRequest, Conflict, NotFound, PreconditionFailed, XapiError
from statements.log import StatementLog, Writer
from statements.models import VERSION_1, VERSION_2
from statements.query import parse_query
from statements.storage import Store
from tests.statements.test_storage_sqlite import (
    SqlRecorder,
    database_path,
    explain,
    full_scans,
    sqlite_store,
)

INTRO = "https://valmyndigheten.se/xapi/intro"
ANNA = "mbox:anna@kommun.se"
REGISTRATION = str(uuid.uuid4())
STATE = DocumentScope(DocumentKind.STATE, INTRO, ANNA, REGISTRATION)
ACTIVITY_PROFILE = DocumentScope(DocumentKind.ACTIVITY_PROFILE, activity_id=INTRO)
AGENT_PROFILE = DocumentScope(DocumentKind.AGENT_PROFILE, agent=ANNA)
SCOPES = {"state": STATE, "activity profile": ACTIVITY_PROFILE, "agent profile": AGENT_PROFILE}
NONE = Preconditions()
CREATE = Preconditions(if_none_match="*")


@pytest.fixture
def documents(store: Store) -> DocumentService:
    return DocumentService(store)


@pytest.fixture
def log(store: Store) -> StatementLog:
    return StatementLog(store)


def etag(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


async def put(
    documents: DocumentService,
    scope: DocumentScope,
    doc_id: str,
    content: bytes,
    content_type: str = "application/json",
    preconditions: Preconditions = CREATE,
    version: str = VERSION_1,
) -> Document:
    return await documents.put(scope, doc_id, content, content_type, preconditions, version)


# --- storing and reading --------------------------------------------------------------------


@pytest.mark.parametrize("scope", list(SCOPES.values()), ids=list(SCOPES))
async def test_any_content_is_kept_byte_for_byte_with_its_type(
    documents: DocumentService, scope: DocumentScope
) -> None:
    content = bytes(range(256)) * 4  # not UTF-8, NUL bytes included
    stored = await put(documents, scope, "bokmark", content, "application/x-storyline")
    got = await documents.get(scope, "bokmark")
    assert got.content == content
    assert got.content_type == "application/x-storyline"
    assert got.etag == stored.etag == etag(content)
    assert got.updated == stored.updated > 0


async def test_a_missing_document_is_not_found(documents: DocumentService) -> None:
    with pytest.raises(NotFound) as raised:
        await documents.get(STATE, "resume")
    assert raised.value.details[0]["message"] == "resume"


async def test_each_part_of_a_state_key_separates_documents(
    documents: DocumentService,
) -> None:
    other_registration = DocumentScope(DocumentKind.STATE, INTRO, ANNA, str(uuid.uuid4()))
    no_registration = DocumentScope(DocumentKind.STATE, INTRO, ANNA)
    other_agent = DocumentScope(DocumentKind.STATE, INTRO, "mbox:bo@kommun.se", REGISTRATION)
    other_activity = DocumentScope(DocumentKind.STATE, INTRO + "/2", ANNA, REGISTRATION)
    scopes = [STATE, other_registration, no_registration, other_agent, other_activity]
    for index, scope in enumerate(scopes):
        await put(documents, scope, "resume", f'{{"page": {index}}}'.encode())
    for index, scope in enumerate(scopes):
        got = await documents.get(scope, "resume")
        assert orjson.loads(got.content) == {"page": index}
    # The profile resources are separate from state, and from each other.
    with pytest.raises(NotFound):
        await documents.get(ACTIVITY_PROFILE, "resume")


async def test_ids_are_listed_sorted_and_since_is_exclusive(documents: DocumentService) -> None:
    first = await put(documents, ACTIVITY_PROFILE, "b", b"{}")
    second = await put(documents, ACTIVITY_PROFILE, "a", b"{}")
    third = await put(documents, ACTIVITY_PROFILE, "c", b"{}")
    listed = await documents.ids(ACTIVITY_PROFILE, None)
    assert listed.ids == ["a", "b", "c"]
    assert listed.last_modified == third.updated
    since_first = await documents.ids(ACTIVITY_PROFILE, first.updated)
    assert since_first.ids == ["a", "c"]
    assert (await documents.ids(ACTIVITY_PROFILE, third.updated)).ids == []
    assert second.updated < third.updated
    empty = await documents.ids(AGENT_PROFILE, None)
    assert empty.ids == [] and empty.last_modified is None


async def test_state_without_registration_lists_and_deletes_every_registration(
    documents: DocumentService,
) -> None:
    any_registration = DocumentScope(DocumentKind.STATE, INTRO, ANNA)
    other = DocumentScope(DocumentKind.STATE, INTRO, ANNA, str(uuid.uuid4()))
    await put(documents, STATE, "resume", b"1")
    await put(documents, other, "resume", b"2")
    await put(documents, other, "progress", b"3")
    await put(documents, any_registration, "suspend_data", b"4")
    assert (await documents.ids(STATE, None)).ids == ["resume"]
    assert (await documents.ids(any_registration, None)).ids == [
        "progress",
        "resume",
        "suspend_data",
    ]
    await documents.delete(other, None, NONE)  # one registration only
    assert (await documents.ids(any_registration, None)).ids == ["resume", "suspend_data"]
    await documents.delete(any_registration, None, NONE)
    assert (await documents.ids(any_registration, None)).ids == []


async def test_delete_one_document(documents: DocumentService) -> None:
    await put(documents, STATE, "resume", b"1")
    await put(documents, STATE, "progress", b"2")
    await documents.delete(STATE, "resume", NONE)
    assert (await documents.ids(STATE, None)).ids == ["progress"]
    await documents.delete(STATE, "never-stored", NONE)  # deleting nothing is no error


# --- POST: JSON merge ------------------------------------------------------------------------


async def test_post_merges_top_level_properties_as_the_spec_example(
    documents: DocumentService,
) -> None:
    await documents.post(
        STATE, "vars", b'{"x": "foo", "y": "bar", "o": {"a": 1}}', "application/json", NONE
    )
    merged = await documents.post(
        STATE, "vars", b'{"x": "bash", "z": "faz", "o": {"b": 2}}', "application/json", NONE
    )
    got = await documents.get(STATE, "vars")
    # Only top-level properties merge; an object property is replaced whole.
    assert orjson.loads(got.content) == {"x": "bash", "y": "bar", "z": "faz", "o": {"b": 2}}
    assert got.content_type == "application/json"
    assert got.etag == merged.etag == etag(got.content)


async def test_post_of_a_new_document_stores_it_as_sent(documents: DocumentService) -> None:
    await documents.post(STATE, "text", b"plain words", "text/plain", NONE)
    got = await documents.get(STATE, "text")
    assert (got.content, got.content_type) == (b"plain words", "text/plain")
    content = b'{ "keep" :  "spacing" }'
    await documents.post(STATE, "json", content, "application/json; charset=utf-8", NONE)
    assert (await documents.get(STATE, "json")).content == content


@pytest.mark.parametrize(
    ("stored", "stored_type", "posted", "posted_type"),
    [
        (b'{"a": 1}', "application/json", b"plain", "text/plain"),
        (b"plain", "text/plain", b'{"a": 1}', "application/json"),
        (b'{"a": 1}', "application/json", b"[1, 2]", "application/json"),
        (b'{"a": 1}', "application/json", b"{not json", "application/json"),
        (b"[1]", "application/octet-stream", b'{"a": 1}', "application/json"),
    ],
    ids=["text onto json", "json onto text", "array", "broken json", "octet-stream"],
)
async def test_post_that_cannot_merge_is_a_400_and_changes_nothing(
    documents: DocumentService, stored: bytes, stored_type: str, posted: bytes, posted_type: str
) -> None:
    await put(documents, STATE, "vars", stored, stored_type)
    before = await documents.get(STATE, "vars")
    with pytest.raises(BadRequest) as raised:
        await documents.post(STATE, "vars", posted, posted_type, NONE)
    assert raised.value.details[0]["rule"] == "merge"
    assert await documents.get(STATE, "vars") == before


async def test_post_honours_if_match_and_if_none_match(documents: DocumentService) -> None:
    first = await put(documents, AGENT_PROFILE, "prefs", b'{"lang": "sv"}')
    with pytest.raises(PreconditionFailed):
        await documents.post(
            AGENT_PROFILE, "prefs", b'{"a": 1}', "application/json", Preconditions('"0000"')
        )
    with pytest.raises(PreconditionFailed):
        await documents.post(AGENT_PROFILE, "prefs", b'{"a": 1}', "application/json", CREATE)
    await documents.post(
        AGENT_PROFILE, "prefs", b'{"a": 1}', "application/json", Preconditions(first.etag)
    )
    got = await documents.get(AGENT_PROFILE, "prefs")
    assert orjson.loads(got.content) == {"lang": "sv", "a": 1}


# --- PUT: concurrency rules of each version (Communication 3.1) ------------------------------

Outcome = type[XapiError] | None

# (scope, version, does the document exist?) → outcome of a PUT without either header.
UNCONDITIONAL_PUT: list[tuple[str, str, bool, Outcome]] = [
    ("state", VERSION_1, False, None),
    ("state", VERSION_1, True, None),  # 1.0.3: state may be overwritten without headers
    ("state", VERSION_2, False, None),
    ("state", VERSION_2, True, Conflict),  # 2.0.0: every document
    ("activity profile", VERSION_1, True, Conflict),
    ("agent profile", VERSION_1, True, Conflict),
    ("activity profile", VERSION_2, True, Conflict),
    ("agent profile", VERSION_2, True, Conflict),
    # 1.0.3: a client MUST send one of the headers to a profile (the suite expects 400).
    ("activity profile", VERSION_1, False, BadRequest),
    ("agent profile", VERSION_1, False, BadRequest),
    ("activity profile", VERSION_2, False, None),
    ("agent profile", VERSION_2, False, None),
]


@pytest.mark.parametrize(
    ("scope", "version", "exists", "outcome"),
    UNCONDITIONAL_PUT,
    ids=[f"{s}-{v}-{'exists' if e else 'new'}" for s, v, e, _ in UNCONDITIONAL_PUT],
)
async def test_put_without_precondition_headers(
    documents: DocumentService, scope: str, version: str, exists: bool, outcome: Outcome
) -> None:
    where = SCOPES[scope]
    if exists:
        await put(documents, where, "doc", b'{"v": 1}')
    attempt = put(documents, where, "doc", b'{"v": 2}', preconditions=NONE, version=version)
    if outcome is None:
        await attempt
        assert (await documents.get(where, "doc")).content == b'{"v": 2}'
        return
    with pytest.raises(outcome) as raised:
        await attempt
    assert raised.value.details[0]["path"] == "If-Match"
    if exists:
        assert (await documents.get(where, "doc")).content == b'{"v": 1}'
    else:
        assert (await documents.ids(where, None)).ids == []


@pytest.mark.parametrize("version", [VERSION_1, VERSION_2])
@pytest.mark.parametrize("scope", list(SCOPES.values()), ids=list(SCOPES))
async def test_put_with_if_match_and_if_none_match(
    documents: DocumentService, scope: DocumentScope, version: str
) -> None:
    with pytest.raises(PreconditionFailed):  # If-Match on nothing fails
        await put(documents, scope, "doc", b"0", preconditions=Preconditions("*"))
    first = await put(documents, scope, "doc", b"1", version=version)  # If-None-Match: *
    with pytest.raises(PreconditionFailed) as raised:
        await put(documents, scope, "doc", b"2", version=version)
    assert raised.value.details[0]["path"] == "If-None-Match"
    with pytest.raises(PreconditionFailed):
        await put(documents, scope, "doc", b"2", preconditions=Preconditions('"0a0a"'))
    assert (await documents.get(scope, "doc")).content == b"1"

    second = await put(
        documents, scope, "doc", b"2", preconditions=Preconditions(first.etag), version=version
    )
    with pytest.raises(PreconditionFailed):  # the old ETag no longer matches
        await put(documents, scope, "doc", b"3", preconditions=Preconditions(first.etag))
    # A list of tags, a weak form of the tag, and '*' all match.
    await put(documents, scope, "doc", b"3", preconditions=Preconditions(f'"x", {second.etag}'))
    await put(documents, scope, "doc", b"4", preconditions=Preconditions("W/" + etag(b"3")))
    await put(documents, scope, "doc", b"5", preconditions=Preconditions("*"), version=version)
    assert (await documents.get(scope, "doc")).content == b"5"


async def test_delete_honours_if_match(documents: DocumentService) -> None:
    stored = await put(documents, ACTIVITY_PROFILE, "doc", b"1")
    with pytest.raises(PreconditionFailed):
        await documents.delete(ACTIVITY_PROFILE, "doc", Preconditions('"0a0a"'))
    assert (await documents.get(ACTIVITY_PROFILE, "doc")).content == b"1"
    await documents.delete(ACTIVITY_PROFILE, "doc", Preconditions(stored.etag))
    assert (await documents.ids(ACTIVITY_PROFILE, None)).ids == []


async def test_concurrent_creates_with_if_none_match_store_exactly_one(
    documents: DocumentService,
) -> None:
    """The precondition is checked inside the write transaction: of ten clients creating
    one document at once, one wins and nine get 412."""
    results = await asyncio.gather(
        *(put(documents, AGENT_PROFILE, "prefs", f"{i}".encode()) for i in range(10)),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Document)]
    lost = [r for r in results if isinstance(r, PreconditionFailed)]
    assert len(won) == 1 and len(lost) == 9
    assert (await documents.get(AGENT_PROFILE, "prefs")).content == won[0].content


async def test_concurrent_merges_lose_no_property(documents: DocumentService) -> None:
    await asyncio.gather(
        *(
            documents.post(STATE, "vars", f'{{"k{i}": {i}}}'.encode(), "application/json", NONE)
            for i in range(20)
        )
    )
    got = orjson.loads((await documents.get(STATE, "vars")).content)
    assert got == {f"k{i}": i for i in range(20)}


# --- canonical Activities and Agent names ------------------------------------------------------

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "k1"}}


def statement(
    name: dict[str, str], actor_name: str = "Anna Andersson", **definition: Any
) -> dict[str, Any]:
    return {
        "actor": {"mbox": "mailto:Anna@Kommun.se", "name": actor_name},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": INTRO, "definition": {"name": name, **definition}},
        "context": {
            "instructor": {
                "name": "Bo Berg",
                "account": {"homePage": "https://lst.se", "name": "bo"},
            },
            "contextActivities": {
                "parent": [{"id": INTRO + "/course", "definition": {"name": {"sv-SE": "Kurs"}}}]
            },
        },
    }


async def learn(log: StatementLog, body: dict[str, Any], *, define: bool) -> None:
    writer = Writer(authority=AUTHORITY, credential="k1", define=define)
    await log.store_statements([body], version=VERSION_1, writer=writer)


async def test_definitions_merge_from_defining_statements_only(log: StatementLog) -> None:
    store_ = log.store
    await learn(log, statement({"sv-SE": "Introduktion"}, type="http://a/course"), define=True)
    await learn(log, statement({"en-US": "Introduction"}), define=True)
    await learn(log, statement({"sv-SE": "Kapad"}, type="http://x/evil"), define=False)
    definitions = await store_.activity_definitions([INTRO, INTRO + "/course", INTRO + "/none"])
    # Language maps merge language by language; other properties: the latest defining wins.
    assert definitions[INTRO] == {
        "name": {"sv-SE": "Introduktion", "en-US": "Introduction"},
        "type": "http://a/course",
    }
    assert definitions[INTRO + "/course"] == {"name": {"sv-SE": "Kurs"}}
    assert INTRO + "/none" not in definitions


async def test_canonical_format_uses_the_canonical_definition(log: StatementLog) -> None:
    await learn(log, statement({"sv-SE": "Introduktion", "en-US": "Introduction"}), define=True)
    await learn(log, statement({"en-US": "Intro (old)"}), define=False)
    page = await log.query(parse_query({}, max_limit=10))
    rendered = await log.render(page.statements, "canonical", ["sv-SE"])
    names = [orjson.loads(body)["object"]["definition"]["name"] for body in rendered]
    assert names == [{"sv-SE": "Introduktion"}, {"sv-SE": "Introduktion"}]


async def test_agent_names_are_learned_from_defining_statements(log: StatementLog) -> None:
    await learn(log, statement({"sv-SE": "x"}), define=True)
    await learn(log, statement({"sv-SE": "x"}, actor_name="Anna A."), define=True)
    await learn(log, statement({"sv-SE": "x"}, actor_name="Inte Anna"), define=False)
    assert await log.store.agent_names(ANNA) == ["Anna A.", "Anna Andersson"]
    assert await log.store.agent_names("account:https://lst.se bo") == ["Bo Berg"]
    assert await log.store.agent_names("mbox:nobody@kommun.se") == []


# --- every client keeps documents of its own (Communication 4.2) --------------------------------


def as_client(scope: DocumentScope, client: str, *, every: bool = False) -> DocumentScope:
    return dataclasses.replace(scope, client=client, all_clients=every)


@pytest.mark.parametrize("scope", list(SCOPES.values()), ids=list(SCOPES))
async def test_each_client_has_documents_of_its_own(
    documents: DocumentService, scope: DocumentScope
) -> None:
    """Finding 3 of the December 2026 security review (tests/lrs_bridge/
    test_security_xapi.py over HTTP): the same id written by two clients is two documents;
    listing, since and deleting reach only the client's own; across clients the client's
    own comes first, then the newest."""
    course, other, admin = (as_client(scope, key) for key in ("course", "other", "admin"))
    await put(documents, course, "bookmark", b'{"course": 1}')
    await put(documents, other, "bookmark", b'{"other": 1}')
    await put(documents, course, "only-course", b"{}")
    assert (await documents.get(course, "bookmark")).content == b'{"course": 1}'
    assert (await documents.get(other, "bookmark")).content == b'{"other": 1}'
    with pytest.raises(NotFound):
        await documents.get(other, "only-course")
    with pytest.raises(NotFound):
        await documents.get(admin, "bookmark")
    assert (await documents.ids(other, None)).ids == ["bookmark"]
    assert (await documents.ids(other, 0)).ids == ["bookmark"]
    everything = as_client(scope, "admin", every=True)
    assert (await documents.ids(everything, None)).ids == ["bookmark", "only-course"]
    assert (await documents.get(everything, "bookmark")).content == b'{"other": 1}'  # newest
    mine = as_client(scope, "course", every=True)
    assert (await documents.get(mine, "bookmark")).content == b'{"course": 1}'  # own first
    # A change across clients changes that document in place, for its client.
    await documents.post(everything, "only-course", b'{"x": 1}', "application/json", NONE)
    assert orjson.loads((await documents.get(course, "only-course")).content) == {"x": 1}
    with pytest.raises(NotFound):
        await documents.get(admin, "only-course")
    if scope.kind == DocumentKind.STATE:
        await documents.delete(other, None, NONE)
    else:
        await documents.delete(other, "bookmark", NONE)
    assert (await documents.ids(other, None)).ids == []
    assert (await documents.ids(course, None)).ids == ["bookmark", "only-course"]
    await documents.delete(everything, "only-course", NONE)
    assert (await documents.ids(course, None)).ids == ["bookmark"]
    if scope.kind == DocumentKind.STATE:
        await put(documents, other, "bookmark", b"{}")
        await documents.delete(everything, None, NONE)
        assert (await documents.ids(everything, None)).ids == []


# --- every document SQL statement searches an index -------------------------------------------


@pytest.mark.sqlite_only("SQLite query plans")
async def test_sqlite_document_sql_uses_indexes(services: Services) -> None:
    documents = DocumentService(services.store)
    recorder = SqlRecorder()
    store_ = sqlite_store(services)
    for reader in store_._all_readers:
        await reader.set_trace_callback(recorder)
    assert store_._conn is not None
    store_._conn.set_trace_callback(recorder)
    any_registration = DocumentScope(DocumentKind.STATE, INTRO, ANNA)
    await put(documents, STATE, "doc", b"{}")
    await documents.post(STATE, "doc", b'{"a": 1}', "application/json", NONE)
    await documents.get(STATE, "doc")
    await documents.ids(STATE, 1)
    await documents.ids(any_registration, 1)
    # ... and across clients, as 'all' reaches them.
    every = dataclasses.replace(STATE, client="admin", all_clients=True)
    await documents.post(every, "doc", b'{"b": 2}', "application/json", NONE)
    await documents.get(every, "doc")
    await documents.ids(every, 1)
    await documents.ids(dataclasses.replace(any_registration, all_clients=True), 1)
    await documents.delete(every, "doc", NONE)
    await documents.delete(every, None, NONE)
    await documents.delete(STATE, "doc", NONE)
    await documents.delete(STATE, None, NONE)
    await documents.delete(any_registration, None, NONE)
    await learn(services.statements, statement({"sv-SE": "x"}), define=True)
    await store_.activity_definitions([INTRO])
    await store_.agent_names(ANNA)
    statements_sql = [
        sql
        for sql in recorder.selects()
        # The tables of this module (the reports projector reads "courses", whose
        # column named "activities" must not pull its small table scan in here).
        if any(f"FROM {table}" in sql for table in ("documents", "activities", "agent_names"))
    ]
    assert len(statements_sql) >= 8
    for sql in statements_sql:
        plan = explain(database_path(services), sql)
        assert full_scans(plan) == [], (sql, plan)
        assert not any("USE TEMP B-TREE" in line for line in plan), (sql, plan)
