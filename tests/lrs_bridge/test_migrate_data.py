"""``lrs-bridge migrate-data``: a SQLite database filled through the real services moves to
PostgreSQL and back with every statement byte-identical, documents and their ETags equal,
credentials working and ids continuing; a target that holds data, a source table the target
cannot keep, a count that differs and a bad URL are refused with one line and leave the
target as it was.

The source is filled with the tables both engines keep in this version (the packages with
PostgreSQL migrations); the copy itself discovers the tables, so it needs no change when a
package gains PostgreSQL storage."""

from __future__ import annotations

import asyncio
import hashlib
import io
import sqlite3
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lrs_bridge import schema
from lrs_bridge.auth.credentials import CredentialService
from lrs_bridge.config import Settings
from lrs_bridge.demo import seed_demo
from lrs_bridge.migrate_data import MigrateError, SQLiteDatabase, copy_order, migrate
from lrs_bridge.services import Services
from statements.documents import (
    Document,
    DocumentKind,
    DocumentScope,
    DocumentService,
    Preconditions,
)
from statements.log import AttachmentPart, StatementLog, Writer
from statements.models import VERSION_1
from statements.query import parse_query
from statements.signature import check_signature
from statements.storage import Store, StoredStatement, open_store
from tests.conftest import run_cli

BASE = "http://lrs.test"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTRO = "https://valmyndigheten.se/xapi/intro"
STEP = "https://skr.se/xapi/activities/ett-tryggt-valar/steg-1"
PDF = b"%PDF-1.4\r\n\x00\xff binary \r\n" * 40
CERTIFICATE = "http://id.tincanapi.com/attachment/certificate"
QUERIES: list[dict[str, str]] = [
    {},
    {"ascending": "true"},
    {"agent": '{"mbox": "mailto:anna@kommun.se"}'},
    {"verb": ATTEMPTED},
    {"activity": INTRO, "related_activities": "true"},
    {"agent": '{"mbox": "mailto:bo@kommun.se"}', "related_agents": "true"},
]
DOCUMENTS = [
    (DocumentScope(DocumentKind.STATE, INTRO, '{"mbox":"mailto:anna@kommun.se"}', ""), "resume"),
    (DocumentScope(DocumentKind.ACTIVITY_PROFILE, INTRO), "settings"),
    (DocumentScope(DocumentKind.AGENT_PROFILE, agent='{"mbox":"mailto:bo@kommun.se"}'), "prefs"),
]


@pytest.fixture
def tables_of_both_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources get the tables of the packages that keep them on both engines in this version:
    the others' tables (with rows their migrations insert) could not go to PostgreSQL yet."""

    def on_both(package: str) -> bool:
        names = [entry.name for entry in resources.files(package).iterdir()]
        return any(name.endswith(".postgresql.sql") for name in names)

    both = tuple(package for package in schema.MIGRATIONS if on_both(package))
    monkeypatch.setattr(schema, "MIGRATIONS", both)


def statement(email: str, verb: str = COMPLETED, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}", "name": "Anna Andersson"},
        "verb": {"id": verb, "display": {"sv-SE": "slutförde"}},
        "object": {"id": INTRO, "definition": {"name": {"sv-SE": "Introduktion"}}},
        **extra,
    }


@dataclass
class Filled:
    """What the source held, read back through its store before the copy."""

    statements: dict[str, StoredStatement]
    pages: list[list[StoredStatement]]
    documents: dict[str, Document]
    key: str
    secret: str
    revoked_key: str
    revoked_secret: str
    attachment: str


async def fill(url: str) -> Filled:
    """A database filled through the real services: a credential and a revoked one,
    statements (one with an attachment, one voided, a StatementRef, a registration),
    state and profile documents."""
    store = open_store(url, migrations=schema.MIGRATIONS)
    await store.open()
    try:
        credentials = CredentialService(store, BASE)
        created = await credentials.create("Introduktionskurs", ["all"])
        revoked = await credentials.create("old LMS", ["statements/write"])
        await credentials.revoke(revoked.credential.key)
        writer = Writer(
            authority=credentials.authority(created.credential),
            credential=created.credential.key,
            define=True,
        )
        log = StatementLog(store, check_signature=check_signature)
        sha2 = hashlib.sha256(PDF).hexdigest()
        certificate = {
            "usageType": CERTIFICATE,
            "display": {"sv-SE": "Intyg"},
            "contentType": "application/pdf",
            "length": len(PDF),
            "sha2": sha2,
        }
        first = statement("anna@kommun.se", attachments=[certificate])
        await log.store_statements(
            [first],
            version=VERSION_1,
            writer=writer,
            parts=[AttachmentPart(sha2, "application/pdf", PDF)],
        )
        wrong = statement("bo@kommun.se")
        batch = [
            wrong,
            statement("bo@kommun.se", ATTEMPTED, context={"registration": str(uuid.uuid4())}),
            statement("cecilia@kommun.se", ATTEMPTED, result={"score": {"scaled": 0.5}}),
            statement(
                "anna@kommun.se",
                "http://adlnet.gov/expapi/verbs/commented",
                object={"objectType": "StatementRef", "id": first["id"]},
            ),
            {**statement("dan@kommun.se"), "object": {"id": STEP}},
        ]
        await log.store_statements(batch, version=VERSION_1, writer=writer)
        voiding = statement("bo@kommun.se", VOIDED)
        voiding["object"] = {"objectType": "StatementRef", "id": wrong["id"]}
        await log.store_statements([voiding], version=VERSION_1, writer=writer)

        documents = DocumentService(store)
        contents = [b'{"page": 3, "svar": "ja"}', b"plain \x00 text", b'{"lang": "sv"}']
        for (scope, doc_id), content in zip(DOCUMENTS, contents, strict=True):
            content_type = "text/plain" if b"\x00" in content else "application/json"
            await documents.put(
                scope, doc_id, content, content_type, Preconditions(if_none_match="*"), VERSION_1
            )
        ids = [first["id"], *(body["id"] for body in batch), voiding["id"]]
        return Filled(
            statements=await all_statements(store, ids),
            pages=await pages(store),
            documents=await all_documents(store),
            key=created.credential.key,
            secret=created.secret,
            revoked_key=revoked.credential.key,
            revoked_secret=revoked.secret,
            attachment=sha2,
        )
    finally:
        await store.close()


async def all_statements(store: Store, ids: list[str]) -> dict[str, StoredStatement]:
    """Each statement by id, the voided one included."""
    found: dict[str, StoredStatement] = {}
    for statement_id in ids:
        stored = await store.get_statement(statement_id)
        assert stored is not None
        found[statement_id] = stored
    assert sum(s.voided for s in found.values()) == 1
    return found


async def pages(store: Store) -> list[list[StoredStatement]]:
    return [
        (await store.query(parse_query(params, max_limit=100))).statements for params in QUERIES
    ]


async def all_documents(store: Store) -> dict[str, Document]:
    found: dict[str, Document] = {}
    for scope, doc_id in DOCUMENTS:
        document = await store.get_document(scope, doc_id)
        assert document is not None
        found[doc_id] = document
    return found


async def check_copy(url: str, filled: Filled) -> None:
    """The copy at ``url`` answers as the source did, and takes new writes."""
    store = open_store(url, migrations=schema.MIGRATIONS)
    await store.open()
    try:
        # Byte-identical bodies, the same seq, stored time, voided flag, attachments.
        assert await all_statements(store, list(filled.statements)) == filled.statements
        assert await pages(store) == filled.pages
        assert await all_documents(store) == filled.documents
        assert await store.attachment(filled.attachment) == ("application/pdf", PDF)
        credentials = CredentialService(store, BASE)
        client = await credentials.authenticate(filled.key, filled.secret)
        assert client is not None and client.scopes == frozenset({"all"})
        assert await credentials.authenticate(filled.revoked_key, filled.revoked_secret) is None

        # New rows continue after the copied ones: statements, interned index values.
        writer = Writer(authority=client.authority, credential=filled.key)
        fresh = statement("erik@kommun.se")
        fresh["object"] = {"id": "https://example.se/xapi/new-activity"}
        await StatementLog(store).store_statements([fresh], version=VERSION_1, writer=writer)
        latest = await store.get_statement(fresh["id"])
        assert latest is not None
        assert latest.seq > max(s.seq for s in filled.statements.values())
        found = await store.query(
            parse_query({"agent": '{"mbox": "mailto:erik@kommun.se"}'}, max_limit=10)
        )
        assert [s.id for s in found.statements] == [fresh["id"]]
        assert [s.id for s in (await store.query(parse_query({}, max_limit=100))).statements][
            1:
        ] == [s.id for s in filled.pages[0]]
    finally:
        await store.close()


async def count_rows(url: str, table: str) -> int:
    store = open_store(url, migrations=schema.MIGRATIONS)
    await store.open()
    await store.close()
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            count: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            return count
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
        return value
    finally:
        await conn.close()


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}


# --- SQLite → PostgreSQL → SQLite ------------------------------------------------------------


@pytest.mark.usefixtures("tables_of_both_engines")
@pytest.mark.slow
async def test_sqlite_to_postgresql_keeps_everything_and_counts_match(
    tmp_path: Path, postgres_url: str
) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    filled = await fill(source)

    result = await asyncio.to_thread(
        run_cli, "migrate-data", "--from", source, "--to", postgres_url
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["table", "source", "target"]
    counted = {line.split()[0]: line.split()[1:] for line in lines[1:] if len(line.split()) == 3}
    assert counted["statements"] == ["7", "7"]
    assert counted["credentials"] == ["2", "2"]
    assert counted["documents"] == ["3", "3"]
    assert counted["attachments"] == ["1", "1"]
    assert "schema_migrations" not in counted
    assert lines[-1].endswith("the counts match")
    # The progress bar: one final line per table on stderr.
    bars = result.stderr.splitlines()  # (text mode reads the \r that redraws a line as \n)
    assert any(line.startswith("statements ") and "[####" in line for line in bars)
    await check_copy(postgres_url, filled)


@pytest.mark.usefixtures("tables_of_both_engines")
async def test_postgresql_to_sqlite_round_trip(tmp_path: Path, postgres_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    filled = await fill(source)
    await migrate(source, postgres_url, progress=io.StringIO())
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"

    outcome = await migrate(postgres_url, back, batch=2, progress=io.StringIO())

    assert outcome.ok, outcome.counts
    await check_copy(back, filled)


@pytest.mark.usefixtures("tables_of_both_engines")
@pytest.mark.slow
async def test_a_postgresql_target_holding_data_is_refused_and_unchanged(
    tmp_path: Path, postgres_url: str
) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    await fill(source)
    await migrate(source, postgres_url, progress=io.StringIO())
    before = await count_rows(postgres_url, "statements")

    result = await asyncio.to_thread(
        run_cli, "migrate-data", "--from", source, "--to", postgres_url
    )

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "already holds data" in result.stderr
    assert await count_rows(postgres_url, "statements") == before


# --- refusals (SQLite on both sides: no PostgreSQL needed) -----------------------------------


@pytest.mark.usefixtures("tables_of_both_engines")
async def test_sqlite_to_sqlite_copies_and_continues_autoincrement(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    filled = await fill(source)
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    outcome = await migrate(source, target, progress=io.StringIO())
    assert outcome.ok
    await check_copy(target, filled)


@pytest.mark.usefixtures("tables_of_both_engines")
async def test_a_sqlite_target_holding_data_is_refused_and_unchanged(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    await fill(source)
    await fill(target)
    before = sqlite_counts(tmp_path / "target.sqlite3")

    with pytest.raises(MigrateError, match=r"already holds data \(\d+ rows in \w+\)"):
        await migrate(source, target, progress=io.StringIO())

    assert sqlite_counts(tmp_path / "target.sqlite3") == before
    assert before["statements"] == 7


@pytest.mark.usefixtures("tables_of_both_engines")
async def test_a_source_table_the_target_cannot_keep_is_refused(tmp_path: Path) -> None:
    source_file = tmp_path / "source.sqlite3"
    await fill(f"sqlite:///{source_file}")
    with sqlite3.connect(source_file) as conn:
        conn.execute("CREATE TABLE something_new (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute("INSERT INTO something_new (note) VALUES ('kept')")
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"

    with pytest.raises(MigrateError, match="the target has no table something_new"):
        await migrate(f"sqlite:///{source_file}", target, progress=io.StringIO())

    assert await count_rows(target, "statements") == 0


@pytest.mark.usefixtures("tables_of_both_engines")
async def test_a_count_that_differs_commits_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    await fill(source)
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    insert = SQLiteDatabase.insert

    async def lossy(self: SQLiteDatabase, table: str, columns: list[str], rows: list[Any]) -> None:
        await insert(self, table, columns, rows[1:] if table == "documents" else rows)

    monkeypatch.setattr(SQLiteDatabase, "insert", lossy)
    outcome = await migrate(source, target, progress=io.StringIO())

    assert not outcome.ok
    assert [(c.table, c.source, c.target) for c in outcome.counts if not c.ok] == [
        ("documents", 3, 2)
    ]
    assert await count_rows(target, "statements") == 0


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("mysql://db/lrs", "lrs-bridge: --from mysql://db/lrs: cannot open the database:"),
        ("missing.sqlite3", "lrs-bridge: --from sqlite:///missing.sqlite3: "),
        (
            "postgresql://lrs:hemligt@127.0.0.1:1/lrs",
            "lrs-bridge: --from postgresql://lrs:***@127.0.0.1:1/lrs: cannot open the database",
        ),
    ],
)
@pytest.mark.slow
def test_a_bad_url_is_one_line(tmp_path: Path, source: str, message: str) -> None:
    target = tmp_path / "target.sqlite3"
    result = run_cli("migrate-data", "--from", source, "--to", str(target))
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert "hemligt" not in result.stderr


# --- every table of the whole service (SQLite on both sides) ---------------------------------


async def test_every_table_of_the_service_moves_and_ids_continue(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    """The demo fills every part: workshops, participants (foreign keys), courses,
    progress, people, tokens and the audit log (AUTOINCREMENT ids)."""
    await seed_demo(services, "demo-lösenord-1")
    await services.reports.catch_up()
    national = await services.reports.national_readiness()
    users = await services.people.list_users()
    workshops = await services.reports.list_workshops()
    target = f"sqlite:///{tmp_path / 'copy.sqlite3'}"

    outcome = await migrate(settings.database_url, target, progress=io.StringIO())

    assert outcome.ok and outcome.skipped == []
    copied = {count.table: count.target for count in outcome.counts}
    for table in ("workshops", "participants", "workshop_courses", "users", "audit_log"):
        assert copied[table] > 0, table
    copy = Services.build(settings.model_copy(update={"database_url": target}))
    await copy.open()
    try:
        await copy.reports.catch_up()
        again = await copy.reports.national_readiness()
        assert again.counties == national.counties and again.totals == national.totals
        assert await copy.people.list_users() == users
        assert await copy.reports.list_workshops() == workshops
        newcomer = await copy.people.create_user("ny@lansstyrelsen.se", "national-admin")
        assert newcomer.id > max(user.id for user in users)
    finally:
        await copy.close()


def test_tables_are_copied_after_the_tables_their_foreign_keys_name() -> None:
    parents = {
        "participants": {"workshops"},
        "workshop_courses": {"workshops", "courses"},
        "user_tokens": {"users"},
        "tree": {"tree"},  # a self-reference does not hold a table back
    }
    order = copy_order([*parents, "courses", "users", "workshops"], parents)
    for child, its_parents in parents.items():
        for parent in its_parents - {child}:
            assert order.index(parent) < order.index(child), (parent, child)
    assert sorted(order) == sorted(set(order))
