"""The ``Store`` interface on every engine (SQLite always; PostgreSQL when it answers, each
test in a schema of its own): idempotent appends and conflicts, voiding and StatementRefs,
paging and since/until, attachments, the projector's feed, credentials, migrations, and
what several writers at once may and may not do. PostgreSQL's several-instance rules
(two stores on one database) are at the end."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import sqlite3
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from lrs_bridge.schema import MIGRATIONS
from statements.documents import DocumentKind, DocumentScope
from statements.errors import Conflict, Forbidden, Unavailable
from statements.identity import agent_key
from statements.log import AttachmentPart, StatementLog, Writer
from statements.models import VERSION_1
from statements.prepare import PreparedStatement
from statements.query import parse_query
from statements.storage import Credential, Store, open_store
from statements.storage.common import Backlog
from statements.storage.migrate import STATEMENT_MIGRATIONS, migrations_for
from statements.storage.postgres import PostgresStore
from tests.conftest import with_search_path

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMMENTED = "http://adlnet.gov/expapi/verbs/commented"
INTRO = "https://valmyndigheten.se/xapi/intro"
AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "k1"}}
WRITER = Writer(authority=AUTHORITY, credential="k1")
ANNA = '{"mbox": "mailto:anna@kommun.se"}'


def statement(email: str = "anna@kommun.se", **extra: Any) -> dict[str, Any]:
    return {
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": INTRO},
        **extra,
    }


def ref(target: str, email: str = "bo@kommun.se", verb: str = COMMENTED) -> dict[str, Any]:
    return statement(email, verb={"id": verb}, object={"objectType": "StatementRef", "id": target})


async def put(log: StatementLog, *bodies: dict[str, Any]) -> list[str]:
    return await log.store_statements(list(bodies), version=VERSION_1, writer=WRITER)


async def ids_of(store: Store, params: dict[str, str], limit: int = 50) -> list[str]:
    page = await store.query(parse_query(params, max_limit=limit))
    return [s.id for s in page.statements]


# --- group commit (both engines) ---------------------------------------------------------------


async def test_concurrent_writes_commit_together_and_fail_alone(store: Store) -> None:
    log = StatementLog(store)
    (existing,) = await put(log, statement())
    groups_before = store.group_stats["groups"]

    async def write(index: int) -> list[str]:
        if index == 7:  # conflicts with what is stored: this batch alone must fail
            return await put(
                log, statement(f"x{index}@kommun.se"), {**statement("other@x.se"), "id": existing}
            )
        return await put(log, statement(f"p{index}@kommun.se"), statement(f"q{index}@kommun.se"))

    outcomes = await asyncio.gather(*(write(i) for i in range(40)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], Conflict)
    assert store.group_stats["groups"] - groups_before < 40  # writes shared a transaction

    rows = await store.read("SELECT body FROM statements")
    bodies = [orjson.loads(bytes(row[0])) for row in rows]
    actors: list[str] = [body["actor"]["mbox"] for body in bodies]
    assert "mailto:x7@kommun.se" not in actors  # the failed batch left nothing
    assert sum(a.startswith("mailto:p") for a in actors) == 39
    assert sum(a.startswith("mailto:q") for a in actors) == 39


async def test_concurrent_appends_are_stored_as_one_batch_with_each_answer_its_own(
    store: Store,
) -> None:
    log = StatementLog(store)
    twice = str(uuid.uuid4())  # the same statement from two clients at once: stored once

    async def write(index: int) -> list[str]:
        if index in (3, 11):
            return await put(log, {**statement("same@kommun.se"), "id": twice})
        return await put(log, *(statement(f"p{index}@kommun.se") for _ in range(3)))

    results = await asyncio.gather(*(write(i) for i in range(30)))
    assert store.group_stats["merged_jobs"] > 0  # the writer did merge appends

    rows = await store.read("SELECT seq, id, body FROM statements ORDER BY seq")
    by_id = {sid: orjson.loads(bytes(body)) for _, sid, body in rows}
    assert [seq for seq, _, _ in rows] == list(range(rows[0][0], rows[0][0] + len(rows)))
    assert len(rows) == 28 * 3 + 1
    assert results[3] == results[11] == [twice]
    for index, ids in enumerate(results):
        if index in (3, 11):
            continue
        assert len(ids) == 3
        assert {by_id[i]["actor"]["mbox"] for i in ids} == {f"mailto:p{index}@kommun.se"}


async def test_a_request_cancelled_while_waiting_for_its_group_stores_nothing(store: Store) -> None:
    log = StatementLog(store)
    first = asyncio.ensure_future(put(log, *(statement(f"a{i}@kommun.se") for i in range(200))))
    waiting = asyncio.ensure_future(put(log, statement("cancelled@kommun.se")))
    await asyncio.sleep(0)  # both queued; the first group has not finished
    waiting.cancel()
    await first
    with pytest.raises(asyncio.CancelledError):
        await waiting
    after = asyncio.ensure_future(put(log, statement("after@kommun.se")))
    await after  # the writer goes on after a cancelled job
    actors = {
        orjson.loads(bytes(row[0]))["actor"]["mbox"]
        for row in await store.read("SELECT body FROM statements")
    }
    assert "mailto:cancelled@kommun.se" not in actors
    assert "mailto:after@kommun.se" in actors and len(actors) == 201


# --- statements ---------------------------------------------------------------------------------


async def test_an_id_stored_again_is_accepted_and_other_content_fails_the_whole_batch(
    store: Store,
) -> None:
    log = StatementLog(store)
    body = {**statement(), "id": str(uuid.uuid4()).upper()}
    (stored_id,) = await put(log, body)
    assert stored_id == body["id"]  # answered as the client spelled it
    assert await put(log, body) == [body["id"]]
    with pytest.raises(Conflict):
        await put(
            log, statement("new@kommun.se"), {**statement("other@kommun.se"), "id": body["id"]}
        )
    all_ids = await ids_of(store, {})
    assert all_ids == [body["id"].lower()]  # the failed batch left nothing, the repeat no copy
    found = await store.get_statement(body["id"])
    assert found is not None and not found.voided and found.credential == "k1"
    stored = orjson.loads(found.body)
    assert stored["stored"] == stored["timestamp"]  # timestamp defaults to stored
    assert await store.get_statement(str(uuid.uuid4())) is None


async def test_nul_and_its_escape_in_strings_are_stored_and_found_exactly(store: Store) -> None:
    # PostgreSQL's text cannot hold NUL; JSON strings may. Values that differ only there
    # must stay apart in filters and names.
    definer = Writer(authority=AUTHORITY, credential="k1", define=True)
    names = ["a\x00b", "a\x01\x03b", "a\x01b", "ab"]
    bodies = [
        {
            **statement(),
            "actor": {"name": name, "account": {"homePage": "https://x.se", "name": name}},
        }
        for name in names
    ]
    stored = await StatementLog(store).store_statements(bodies, version=VERSION_1, writer=definer)
    for name, statement_id in zip(names, stored, strict=True):
        agent = orjson.dumps({"account": {"homePage": "https://x.se", "name": name}}).decode()
        assert await ids_of(store, {"agent": agent}) == [statement_id]
        found = await store.get_statement(statement_id)
        assert found is not None and orjson.loads(found.body)["actor"]["name"] == name
        key = agent_key({"account": {"homePage": "https://x.se", "name": name}})
        assert key is not None and await store.agent_names(key) == [name]


async def test_voiding_and_statement_refs_match_their_targets_filters(store: Store) -> None:
    log = StatementLog(store)
    (target,) = await put(log, statement())
    (comment,) = await put(log, ref(target))
    (voiding,) = await put(log, ref(target, verb=VOIDED))
    (void_of_void,) = await put(log, ref(voiding, verb=VOIDED))
    target_row = await store.get_statement(target)
    voiding_row = await store.get_statement(voiding)
    assert target_row is not None and target_row.voided
    assert voiding_row is not None and not voiding_row.voided  # a voiding one stays
    # Anna's statement is voided; what targets it matches her filters (Communication 2.1.3).
    assert await ids_of(store, {"agent": ANNA}) == [void_of_void, voiding, comment]
    assert await ids_of(store, {"verb": COMPLETED}) == [void_of_void, voiding, comment]
    assert await ids_of(store, {"verb": COMMENTED}) == [comment]

    # A reference stored before its target gets the target's rows when the target comes.
    later = str(uuid.uuid4())
    (early,) = await put(log, ref(later, email="cilla@kommun.se"))
    await put(log, {**statement("dan@kommun.se"), "id": later})
    assert await ids_of(store, {"agent": '{"mbox": "mailto:dan@kommun.se"}'}) == [later, early]
    # A voiding statement stored before its target voids it when it comes.
    doomed = str(uuid.uuid4())
    await put(log, ref(doomed, verb=VOIDED))
    await put(log, {**statement("eva@kommun.se"), "id": doomed})
    doomed_row = await store.get_statement(doomed)
    assert doomed_row is not None and doomed_row.voided


async def test_paging_order_and_since_until(store: Store) -> None:
    log = StatementLog(store)
    first = await put(log, statement("a@kommun.se"), statement("b@kommun.se"))
    middle = await store.last_stored()
    assert middle is not None
    second = await put(log, statement("c@kommun.se"), statement("d@kommun.se"), statement())
    everything = [*first, *second]

    seen: list[str] = []
    page = await store.query(parse_query({"limit": "2"}, max_limit=10))
    pages = 1
    while True:
        seen += [s.id for s in page.statements]
        if page.more is None:
            break
        await put(log, statement("late@kommun.se"))  # later statements stay off these pages
        page = await store.query(page.more)
        pages += 1
    assert seen == everything[::-1] and pages == 3
    assert await ids_of(store, {"ascending": "true"}) == [
        *everything,
        *(await ids_of(store, {}))[:2][::-1],
    ]

    since = datetime.fromtimestamp(middle / 1e6, UTC).isoformat()
    assert set(second) <= set(await ids_of(store, {"since": since}))
    assert not set(first) & set(await ids_of(store, {"since": since}))
    assert await ids_of(store, {"until": since}) == first[::-1]
    long_ago = (datetime.now(UTC) - timedelta(days=3650)).isoformat()
    assert await ids_of(store, {"until": long_ago}) == []


async def test_stored_and_seq_grow_together_and_the_feed_includes_voided(store: Store) -> None:
    log = StatementLog(store)
    assert await store.last_stored() is None
    assert await store.statements_after(0, 10) == []
    ids = []
    for index in range(5):
        ids += await put(log, statement(f"p{index}@kommun.se"))
    await put(log, ref(ids[0], verb=VOIDED))
    feed = await store.statements_after(0, 100)
    assert [s.id for s in feed[:5]] == ids and feed[0].voided
    assert [s.seq for s in feed] == sorted(s.seq for s in feed)
    assert [s.stored for s in feed] == sorted(s.stored for s in feed)
    assert [s.id for s in await store.statements_after(feed[1].seq, 2)] == ids[2:4]
    assert await store.last_stored() == feed[-1].stored
    assert await store.consistent_through() >= feed[-1].stored
    await store.ping()


async def test_attachments_are_kept_by_hash(store: Store) -> None:
    log = StatementLog(store)
    data = "Intyg för Anna\n".encode()
    sha2 = hashlib.sha256(data).hexdigest()
    body = statement(
        attachments=[
            {
                "usageType": "http://id.tincanapi.com/attachment/certificate",
                "display": {"sv-SE": "Intyg"},
                "contentType": "text/plain",
                "length": len(data),
                "sha2": sha2,
            }
        ]
    )
    parts = [AttachmentPart(sha2, "text/plain", data)]
    (first,) = await log.store_statements([body], version=VERSION_1, writer=WRITER, parts=parts)
    await log.store_statements([dict(body)], version=VERSION_1, writer=WRITER, parts=parts)
    assert await store.attachment(sha2) == ("text/plain", data)
    assert await store.attachment("0" * 64) is None
    found = await store.get_statement(first)
    assert found is not None and found.attachment_hashes == (sha2,)


async def test_statements_of_one_credential(store: Store) -> None:
    log = StatementLog(store)
    mine = await put(log, statement())
    other = Writer(authority=AUTHORITY, credential="k2", source="upstream")
    await log.store_statements([statement()], version=VERSION_1, writer=other)
    query = dataclasses.replace(parse_query({"agent": ANNA}, max_limit=10), credential="k1")
    page = await store.query(query)
    assert [s.id for s in page.statements] == mine


async def test_voiding_only_what_the_writer_stored(store: Store) -> None:
    """Finding 2 of the December 2026 security review (over HTTP in tests/lrs_bridge/
    test_security_xapi.py): a voiding statement of another credential or bridge source
    fails the whole batch, nothing stored; its own writer, or one that may void any, voids."""
    log = StatementLog(store)
    other = Writer(authority=AUTHORITY, credential="k2")
    bridged = Writer(authority=None, credential=None, source="upstream")
    admin = Writer(authority=AUTHORITY, credential="k3", void_any=True)
    (target,) = await put(log, statement())
    (bridged_target,) = await log.store_statements(
        [{**statement(), "authority": AUTHORITY}], version=VERSION_1, writer=bridged
    )
    innocent = str(uuid.uuid4())
    for writer, victim in ((other, target), (bridged, target), (WRITER, bridged_target)):
        with pytest.raises(Forbidden) as refused:
            await log.store_statements(
                [statement(id=innocent), ref(victim, verb=VOIDED)],
                version=VERSION_1,
                writer=writer,
            )
        assert refused.value.details[0]["rule"] == "voiding"
        assert await store.get_statement(innocent) is None
        found = await store.get_statement(victim)
        assert found is not None and not found.voided
    await log.store_statements(
        [{**ref(bridged_target, verb=VOIDED), "authority": AUTHORITY}],
        version=VERSION_1,
        writer=bridged,
    )
    await log.store_statements([ref(target, verb=VOIDED)], version=VERSION_1, writer=admin)
    for voided in (target, bridged_target):
        found = await store.get_statement(voided)
        assert found is not None and found.voided


async def test_credentials(store: Store) -> None:
    created = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    for index, key in enumerate(["k2", "k1", "k3"]):
        await store.create_credential(
            Credential(
                key,
                "$argon2id$x",
                f"kurs {key}",
                ("statements/write", "state"),
                created + timedelta(seconds=index, microseconds=index * 7),
            )
        )
    got = await store.get_credential("k1")
    assert got == Credential(
        "k1",
        "$argon2id$x",
        "kurs k1",
        ("statements/write", "state"),
        created + timedelta(seconds=1, microseconds=7),
    )
    assert got.active
    assert [c.key for c in await store.list_credentials()] == ["k2", "k1", "k3"]
    revoked_at = datetime(2026, 3, 2, tzinfo=UTC)
    assert await store.revoke_credential("k1", revoked_at) is True
    assert await store.revoke_credential("k1", revoked_at) is False
    assert await store.revoke_credential("nobody", revoked_at) is False
    after = await store.get_credential("k1")
    assert after is not None and after.revoked_at == revoked_at and not after.active
    assert await store.get_credential("nobody") is None


async def test_concurrent_writes_fail_alone(store: Store) -> None:
    log = StatementLog(store)
    (existing,) = await put(log, statement())

    async def write(index: int) -> list[str]:
        if index == 7:  # conflicts with what is stored: this batch alone must fail
            return await put(
                log, statement(f"x{index}@kommun.se"), {**statement("o@x.se"), "id": existing}
            )
        return await put(log, statement(f"p{index}@kommun.se"), statement(f"q{index}@kommun.se"))

    outcomes = await asyncio.gather(*(write(i) for i in range(40)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], Conflict)
    feed = await store.statements_after(0, 1000)
    actors = [orjson.loads(s.body)["actor"]["mbox"] for s in feed]
    assert "mailto:x7@kommun.se" not in actors
    assert sum(a.startswith("mailto:p") for a in actors) == 39
    assert sum(a.startswith("mailto:q") for a in actors) == 39
    assert [s.stored for s in feed] == sorted(s.stored for s in feed)


async def test_one_id_sent_concurrently_is_stored_once(store: Store) -> None:
    log = StatementLog(store)
    same = {**statement(), "id": str(uuid.uuid4())}
    results = await asyncio.gather(*(put(log, dict(same)) for _ in range(10)))
    assert results == [[same["id"]]] * 10
    clash = str(uuid.uuid4())
    outcomes = await asyncio.gather(
        *(put(log, {**statement(f"c{i}@kommun.se"), "id": clash}) for i in range(10)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, Conflict) for o in outcomes) == 9
    assert len(await store.statements_after(0, 100)) == 2


async def test_too_many_pending_writes_are_refused_at_once(store_url: str) -> None:
    store = open_store(store_url, max_pending_writes=1)
    await store.open()
    try:
        log = StatementLog(store)
        outcomes = await asyncio.gather(
            *(put(log, statement(f"p{i}@kommun.se")) for i in range(20)), return_exceptions=True
        )
    finally:
        await store.close()
    refused = [o for o in outcomes if isinstance(o, Unavailable)]
    assert refused and len(refused) < 20
    assert all(isinstance(o, list) for o in outcomes if o not in refused)
    assert refused[0].status == 503 and refused[0].details[0]["rule"] == "overload"


async def test_statements_beyond_the_writers_work_allowance_are_refused_at_once(
    store_url: str,
) -> None:
    # An allowance of a microsecond of the writer's work: only the floor (1,000 statements)
    # may wait, so of 20 batches of 200 sent at once some are refused at once, counted in
    # statements, not requests (the request limit, 2,000, is far away).
    store = open_store(store_url, max_write_wait=1e-6)
    await store.open()
    try:
        log = StatementLog(store)
        batches = [[statement(f"b{b}s{i}@kommun.se") for i in range(200)] for b in range(20)]
        outcomes = await asyncio.gather(*(put(log, *b) for b in batches), return_exceptions=True)
        refused = [o for o in outcomes if isinstance(o, Unavailable)]
        stored = [o for o in outcomes if isinstance(o, list)]
        assert refused and stored and len(refused) + len(stored) == 20
        assert refused[0].status == 503 and refused[0].details[0]["rule"] == "overload"
        rows = await store.read("SELECT COUNT(*) FROM statements")
        assert rows[0][0] == 200 * len(stored)  # a refused batch left nothing
        with store.entry():  # nothing waits now: a request is let in
            pass
        # Once the backlog is cleared, the next batch is taken.
        assert len(await put(log, *(statement(f"later{i}@kommun.se") for i in range(200)))) == 200
    finally:
        await store.close()


def test_the_door_counts_the_requests_let_in_before_their_bodies_are_read() -> None:
    backlog = Backlog(max_wait=2.0, floor=10)
    backlog.rate = 100.0  # the writer clears 100 statements a second: 200 may wait
    with backlog.entry():  # nothing waits: let in
        assert backlog.entering == 1
        assert backlog.admit(50)
        assert backlog.entering == 0  # now counted in statements waiting, not twice
    assert backlog.admit(50)
    assert (backlog.waiting, backlog.mean_size) == (100, 37.75)
    # The door lets in three quarters of the 200: 150.
    with ExitStack() as inside:
        inside.enter_context(backlog.entry())  # 100 waiting + 37.75 under way
        with pytest.raises(Unavailable) as refused:  # 100 + 2 x 37.75 > 150
            inside.enter_context(backlog.entry())
        assert refused.value.status == 503
        assert refused.value.details[0]["rule"] == "overload"
        assert backlog.entering == 1
    assert backlog.entering == 0  # answered (or failed): no longer counted
    with backlog.entry():
        pass
    backlog.cleared(100, time.perf_counter() - 1)
    with ExitStack() as inside:  # nothing waits: three requests of the mean size fit
        for _ in range(3):
            inside.enter_context(backlog.entry())
        assert backlog.full()


def test_the_backlog_learns_the_writers_pace_and_lets_in_what_it_clears_in_time() -> None:
    backlog = Backlog(max_wait=2.0, floor=100)
    assert backlog.admit(5000)  # nothing waits: any request is taken
    assert not backlog.admit(1)  # beyond the floor while the pace is unknown
    backlog.cleared(5000, time.perf_counter() - 1.0)  # 5,000 statements in a second
    assert 4000 < backlog.rate <= 5000 and backlog.waiting == 0
    assert backlog.admit(6000)
    assert backlog.admit(3000)  # 9,000 waiting: under two seconds of work
    assert not backlog.admit(2000)  # 11,000: over two seconds
    assert backlog.mean_size == pytest.approx(3625, abs=1)  # 5,000, 6,000, 3,000 (smoothed)
    assert backlog.full()  # the door: a request of the mean size would not fit now
    assert backlog.admit(500)  # but a small one that got past it still fits (9,500)
    backlog.dropped(500)
    small = Backlog(max_wait=2.0, floor=10)
    assert not small.full() and small.admit(10) and small.full()
    assert backlog.waiting == 9000
    backlog.dropped(3000)
    assert backlog.admit(2000)


# --- migrations ---------------------------------------------------------------------------------


async def applied(url: str) -> list[tuple[int, str, str]]:
    sql = "SELECT number, name, applied_at FROM schema_migrations ORDER BY 1"
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            rows: list[Any] = conn.execute(sql).fetchall()
    else:
        conn_pg = await asyncpg.connect(url)
        try:
            rows = await conn_pg.fetch(sql)
        finally:
            await conn_pg.close()
    return [(int(n), str(name), str(at)) for n, name, at in rows]


def engine(url: str) -> str:
    return "sqlite" if url.startswith("sqlite:") else "postgresql"


async def reopen(url: str, migrations: tuple[str, ...] = MIGRATIONS) -> None:
    store = open_store(url, migrations=migrations)
    await store.open()
    await store.close()


async def test_migrations_are_applied_once_and_recorded(store: Store, store_url: str) -> None:
    first = await applied(store_url)
    expected = [(m.number, m.name) for m in migrations_for(engine(store_url), MIGRATIONS)]
    assert [(n, name) for n, name, _ in first] == expected
    assert [n for n, _, _ in first if n < 100] == [1, 2, 10, 11, 20]  # the statement store's
    for _ in range(2):  # opening again changes nothing
        await reopen(store_url)
    assert await applied(store_url) == first


def test_both_engines_have_the_statement_stores_migrations_under_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqlite = [(m.number, m.name) for m in migrations_for("sqlite", STATEMENT_MIGRATIONS)]
    assert sqlite == [
        (m.number, m.name) for m in migrations_for("postgresql", STATEMENT_MIGRATIONS)
    ]
    assert [n for n, _ in sqlite] == [1, 2, 10, 11, 20]


async def test_a_new_migration_is_applied_to_an_existing_database_at_start_up(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reopen(store_url)
    before = await applied(store_url)
    name = f"extra_migrations_{uuid.uuid4().hex[:8]}"  # a module imported once per test
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for each in ("sqlite", "postgresql"):
        (package / f"9990_probe.{each}.sql").write_text(
            "-- a table of a later feature\nCREATE TABLE probe (id INTEGER PRIMARY KEY);\n"
            "CREATE INDEX probe_id ON probe (id);\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    packages = (*MIGRATIONS, name)
    for _ in range(2):
        await reopen(store_url, packages)
    after = await applied(store_url)
    assert after[: len(before)] == before
    assert [(n, name) for n, name, _ in after[len(before) :]] == [(9990, "probe")]

    (package / f"0001_clash.{engine(store_url)}.sql").write_text("CREATE TABLE clash (id INT);\n")
    with pytest.raises(RuntimeError, match="two migrations are numbered 0001"):
        migrations_for(engine(store_url), packages)


# --- PostgreSQL: several instances on one database ----------------------------------------------


async def open_stores(url: str, count: int) -> list[Store]:
    stores = [open_store(url, migrations=MIGRATIONS) for _ in range(count)]
    await asyncio.gather(*(s.open() for s in stores))
    return stores


async def test_instances_starting_together_apply_each_migration_once(postgres_url: str) -> None:
    stores = await open_stores(postgres_url, 4)
    for s in stores:
        await s.close()
    numbers = [n for n, _, _ in await applied(postgres_url)]
    # Every registered migration once (other packages' too, once they are imported).
    assert numbers == [m.number for m in migrations_for("postgresql", MIGRATIONS)]
    assert [n for n in numbers if n < 100] == [1, 2, 10, 11, 20]  # the statement store's


async def test_two_instances_store_one_id_once_and_keep_the_log_monotonic(
    postgres_url: str,
) -> None:
    one, two = await open_stores(postgres_url, 2)
    try:
        logs = [StatementLog(one), StatementLog(two)]
        same = {**statement(), "id": str(uuid.uuid4())}
        assert await asyncio.gather(put(logs[0], same), put(logs[1], dict(same))) == [
            [same["id"]],
            [same["id"]],
        ]
        clash = str(uuid.uuid4())
        outcomes = await asyncio.gather(
            put(logs[0], {**statement("a@kommun.se"), "id": clash}),
            put(logs[1], {**statement("b@kommun.se"), "id": clash}),
            return_exceptions=True,
        )
        assert sum(isinstance(o, Conflict) for o in outcomes) == 1
        await asyncio.gather(
            *(
                put(logs[i % 2], statement(f"p{i}@kommun.se"), statement(f"q{i}@kommun.se"))
                for i in range(30)
            )
        )
        feed = await one.statements_after(0, 1000)
        assert len(feed) == 2 + 60
        assert [s.seq for s in feed] == list(range(1, 63))  # no gaps, no repeats
        assert [s.stored for s in feed] == sorted(s.stored for s in feed)
        # Each instance reads what the other wrote, and revocations count at once.
        await two.create_credential(Credential("k9", "h", "x", ("all",), datetime.now(UTC)))
        await one.revoke_credential("k9", datetime.now(UTC))
        revoked = await two.get_credential("k9")
        assert revoked is not None and not revoked.active
    finally:
        await one.close()
        await two.close()


async def test_document_writes_through_two_instances_are_atomic(postgres_url: str) -> None:
    one, two = await open_stores(postgres_url, 2)
    scope = DocumentScope(DocumentKind.AGENT_PROFILE, agent="mbox:anna@kommun.se")
    try:
        from statements.documents import Document

        def add(key: str) -> Any:
            def decide(current: Document | None) -> Document:
                content = orjson.loads(current.content) if current else {}
                content[key] = True
                data = orjson.dumps(content)
                return Document("application/json", data, hashlib.sha1(data).hexdigest(), 0)

            return decide

        await asyncio.gather(
            *((one, two)[i % 2].write_document(scope, "prefs", add(f"k{i}")) for i in range(20))
        )
        got = await one.get_document(scope, "prefs")
        assert got is not None and orjson.loads(got.content) == {f"k{i}": True for i in range(20)}
    finally:
        await one.close()
        await two.close()


async def test_after_append_hooks_run_inside_the_append_transaction(postgres_url: str) -> None:
    (store,) = await open_stores(postgres_url, 1)
    assert isinstance(store, PostgresStore)
    seen: list[tuple[list[int], int]] = []
    fail = False

    async def hook(conn: Any, inserted: list[tuple[int, PreparedStatement]]) -> None:
        seen.append(
            ([seq for seq, _ in inserted], await conn.fetchval("SELECT count(*) FROM statements"))
        )
        if fail:
            raise RuntimeError("the hook's own rows could not be written")

    store.after_append.append(hook)
    try:
        log = StatementLog(store)
        await put(log, statement(), statement("bo@kommun.se"))
        assert seen == [([1, 2], 2)]  # the new rows, visible inside the transaction
        fail = True
        with pytest.raises(RuntimeError):
            await put(log, statement("cilla@kommun.se"))
        assert len(await store.statements_after(0, 10)) == 2  # rolled back with the hook
    finally:
        await store.close()


async def test_document_keys_with_nul_are_kept_apart(store: Store) -> None:
    from statements.documents import Document

    scope = DocumentScope(DocumentKind.AGENT_PROFILE, agent="mbox:anna@kommun.se\x00")
    for doc_id in ("a\x00b", "a\x01\x03b"):  # the second is how the first is escaped
        await store.write_document(
            scope, doc_id, lambda _, d=doc_id: Document("text/plain", d.encode(), "e", 0)
        )
    for doc_id in ("a\x00b", "a\x01\x03b"):
        found = await store.get_document(scope, doc_id)
        assert found is not None and found.content == doc_id.encode()
    assert [i for i, _ in await store.list_document_ids(scope, None)] == ["a\x00b", "a\x01\x03b"]
    other = DocumentScope(DocumentKind.AGENT_PROFILE, agent="mbox:anna@kommun.se")
    assert await store.get_document(other, "a\x00b") is None


QUERIES: dict[str, dict[str, str]] = {
    "no filter": {},
    "agent": {"agent": ANNA},
    "agent, related_agents": {"agent": ANNA, "related_agents": "true"},
    "verb": {"verb": COMPLETED},
    "activity": {"activity": INTRO},
    "activity, related_activities": {"activity": INTRO, "related_activities": "true"},
    "registration": {"registration": str(uuid.uuid4())},
    "ascending": {"ascending": "true"},
    "agent, verb, activity": {"agent": ANNA, "verb": COMPLETED, "activity": INTRO},
    "verb, ascending": {"verb": COMPLETED, "ascending": "true"},
}


@pytest.mark.parametrize("name", list(QUERIES))
@pytest.mark.parametrize("mine", [False, True], ids=["all", "mine"])
async def test_no_query_parameter_makes_postgresql_scan_a_table(
    postgres_url: str, name: str, mine: bool
) -> None:
    """With sequential scans priced out (the tables of a test are tiny), every statement
    query can still be answered from an index, in the order asked for without a sort."""
    (store,) = await open_stores(postgres_url + "&enable_seqscan=off", 1)
    assert isinstance(store, PostgresStore)
    try:
        await put(StatementLog(store), statement(), ref(str(uuid.uuid4())))
        query = parse_query(QUERIES[name], max_limit=10)
        if mine:
            query = dataclasses.replace(query, credential="k1")
        plan = await store.explain(query)
    finally:
        await store.close()
    assert not [line for line in plan if "Seq Scan" in line or "Sort" in line], plan


async def test_one_instance_leads_a_role_and_another_takes_over_when_it_goes(
    postgres_url: str,
) -> None:
    one, two = await open_stores(postgres_url, 2)
    try:
        assert await one.lead("projector")
        assert await one.lead("projector")  # kept while held
        assert not await two.lead("projector")
        assert await two.lead("reminders")  # roles are independent
        assert not await one.lead("reminders")
    finally:
        await one.close()  # as when the process dies: its session, and the lock, go
    try:
        assert await two.lead("projector")
    finally:
        await two.close()


async def test_a_role_is_per_schema(postgres_url: str, postgres_server: str) -> None:
    other_schema = "test_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"CREATE SCHEMA {other_schema}")
    mine = open_store(postgres_url)
    theirs = open_store(with_search_path(postgres_server, other_schema))
    await mine.open()
    await theirs.open()
    try:
        assert await mine.lead("projector")
        assert await theirs.lead("projector")  # another schema is another deployment
    finally:
        await mine.close()
        await theirs.close()
        await admin.execute(f"DROP SCHEMA {other_schema} CASCADE")
        await admin.close()


async def test_appends_through_one_instance_wake_the_others_watchers(postgres_url: str) -> None:
    one = open_store(postgres_url)
    two = open_store(postgres_url)
    woken: list[str] = []
    one.watch_appends(lambda: woken.append("one"))
    two.watch_appends(lambda: woken.append("two"))
    await one.open()
    await two.open()
    try:
        await StatementLog(one).store_statements([statement()], version=VERSION_1, writer=WRITER)
        for _ in range(100):
            if woken:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # time for a wrong wake-up of "one" to show
        assert woken == ["two"]  # the other instance, not the one that stored them
    finally:
        await one.close()
        await two.close()
