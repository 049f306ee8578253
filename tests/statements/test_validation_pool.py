"""Validation in helper processes (``statements.validation_pool``): the same answers as the
one validation layer in-process, whatever happens to the helper.

- valid batches pass and come back with the index keys ``prepare`` computes itself;
- every invalid case of the model tests, alone and inside a batch, is refused with the very
  message and details ``validate_statements`` gives, by the helper;
- what JSON cannot carry (an integer beyond 64 bits) is validated in-process, same answer;
- a helper killed with SIGKILL costs nothing but speed: the requests under way and the next
  ones are validated in-process, and a new helper takes over;
- stopping the pool leaves no helper process behind;
- a real server validates batches in its helper: 400s name the statement's path, the
  stored statements are found by the index keys the helper computed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from statements import validation_pool
from statements.errors import BadRequest
from statements.models import VERSION_1, VERSION_2
from statements.prepare import prepare
from statements.validation import validate_statements
from statements.validation_pool import ValidationPool, helper_count
from tests.conftest import start_server
from tests.statements.test_models import INVALID, statement

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "https://lrs.test", "name": "k"}}


def _valid(index: int) -> dict[str, Any]:
    body = statement(
        context={
            "registration": str(uuid.uuid4()),
            "contextActivities": {"parent": {"id": "https://val.se/kurs"}},
            "instructor": {"mbox": f"mailto:ledare{index}@lst.se"},
        }
    )
    body["actor"] = {"mbox": f"mailto:deltagare{index}@kommun.se"}
    body["id"] = str(uuid.uuid4())
    return body


def _local(items: list[Any], version: str, *, batch: bool = True) -> BadRequest | None:
    try:
        validate_statements(items, version, batch=batch)
    except BadRequest as error:
        return error
    return None


@pytest.fixture
async def pool() -> AsyncIterator[ValidationPool]:
    started = ValidationPool(1)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


async def test_valid_batches_pass_with_the_index_keys_prepare_computes(
    pool: ValidationPool,
) -> None:
    items = [_valid(index) for index in range(20)]
    keys = await pool.validate(items, VERSION_2, authority=AUTHORITY)
    assert keys == [
        prepare(item, authority=AUTHORITY, version=VERSION_2, credential=None).index
        for item in items
    ]
    assert pool.stats["remote"] == 1 and pool.stats["fallbacks"] == 0
    # Without an authority the statement's own is indexed, as prepare does.
    items[0]["authority"] = {"mbox": "mailto:origin@lrs.example"}
    keys = await pool.validate(items[:2], VERSION_1, authority=None)
    assert keys is not None
    assert (2, "mbox:origin@lrs.example") in keys[0]


@pytest.mark.parametrize("name", sorted(INVALID))
async def test_every_invalid_case_gets_the_in_process_answer(
    pool: ValidationPool, name: str
) -> None:
    body, versions, _, _ = INVALID[name]
    for version in versions:
        items = [_valid(1), body, _valid(2)]
        expected = _local(items, version)
        assert expected is not None
        with pytest.raises(BadRequest) as refused:
            await pool.validate(items, version, authority=AUTHORITY)
        assert (refused.value.message, refused.value.details) == (
            expected.message,
            expected.details,
        )
    assert pool.stats["remote"] == len(versions)
    assert pool.stats["fallbacks"] == 0


async def test_a_single_statement_is_validated_in_process(pool: ValidationPool) -> None:
    assert await pool.validate([_valid(1)], VERSION_2, batch=False) is None
    with pytest.raises(BadRequest) as refused:
        await pool.validate([statement(verb=None)], VERSION_2, batch=False)
    assert refused.value.details[0]["path"] == "verb"
    assert pool.stats == {"remote": 0, "local": 2, "fallbacks": 0}


async def test_what_json_cannot_carry_is_validated_in_process(pool: ValidationPool) -> None:
    huge = _valid(1)
    huge["result"] = {"score": {"raw": 2**70}}
    items = [_valid(2), huge]
    expected = _local(items, VERSION_2)
    outcome = None
    try:
        await pool.validate(items, VERSION_2, authority=AUTHORITY)
    except BadRequest as error:
        outcome = error
    assert (outcome is None) == (expected is None)
    if expected is not None:
        assert outcome is not None and outcome.details == expected.details
    assert pool.stats["fallbacks"] == 1


async def test_a_killed_helper_costs_only_speed(
    pool: ValidationPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [_valid(index) for index in range(50)]
    assert await pool.validate(items, VERSION_2, authority=AUTHORITY) is not None
    (first,) = pool._helpers
    # Requests under way when the helper dies are validated in-process, with the same answers.
    bad = [*items, statement(verb=None)]
    under_way = [
        asyncio.ensure_future(pool.validate(bad if n % 2 else items, VERSION_2)) for n in range(6)
    ]
    os.kill(first.process.pid, signal.SIGKILL)
    outcomes = await asyncio.gather(*under_way, return_exceptions=True)
    for n, outcome in enumerate(outcomes):
        if n % 2:
            assert isinstance(outcome, BadRequest)
            assert outcome.details[0]["path"] == "[50].verb"
        else:
            assert not isinstance(outcome, BaseException)
    await asyncio.sleep(0.2)
    assert first.process.poll() is not None
    assert not first.alive
    # Later ones too, until a new helper has been started (at most every RESPAWN_AFTER s).
    assert await pool.validate(items, VERSION_2) is None
    monkeypatch.setattr(validation_pool, "RESPAWN_AFTER", 0.0)
    assert await pool.validate(items, VERSION_2) is not None  # the new helper answers
    (second,) = pool._helpers
    assert second is not first and second.process.poll() is None


async def test_stopping_leaves_no_helper_behind() -> None:
    pool = ValidationPool(2)
    await pool.start()
    processes = [helper.process for helper in pool._helpers]
    assert len(processes) == 2
    await pool.validate([_valid(1), _valid(2)], VERSION_2)
    await pool.stop()
    assert all(process.poll() is not None for process in processes)
    # A stopped pool still answers, in-process.
    assert await pool.validate([_valid(1), _valid(2)], VERSION_2) is None


async def test_a_helper_that_cannot_start_is_tried_again_only_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("no more processes")

    monkeypatch.setattr(validation_pool.subprocess, "Popen", refuse)
    pool = ValidationPool(1)
    await pool.start()
    try:
        for _ in range(5):
            assert await pool.validate([_valid(1), _valid(2)], VERSION_2) is None
        assert len(attempts) == 1  # within RESPAWN_AFTER: not tried again per request
        assert pool.stats == {"remote": 0, "local": 5, "fallbacks": 0}
    finally:
        await pool.stop()


def test_helper_count() -> None:
    assert helper_count(0) == 0
    assert helper_count(3) == 3
    assert helper_count(-1) == max(len(os.sched_getaffinity(0)) - 1, 0)


@pytest.mark.slow
def test_a_real_server_validates_batches_in_its_helper(tmp_path: Path) -> None:
    server = start_server(str(tmp_path / "lrs.sqlite3"), tmp_path / "server.log")
    try:
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        helpers = [
            pid
            for pid in children.read_text().split()
            if "statements.validation_pool" in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        assert len(helpers) == 1
        auth = (server.key, server.secret)
        headers = {"X-Experience-API-Version": "2.0.0"}
        with httpx.Client(base_url=server.url, auth=auth, headers=headers) as client:
            bad = [_valid(1), {**_valid(2), "actor": {"mbox": "anna@kommun.se"}}]
            refused = client.post("/xapi/statements", json=bad)
            assert refused.status_code == 400
            assert refused.json()["details"][0]["path"] == "[1].actor.mbox"
            items = [_valid(index) for index in range(10)]
            assert client.post("/xapi/statements", json=items).status_code == 200
            found = client.get(
                "/xapi/statements",
                params={
                    "agent": '{"mbox": "mailto:ledare3@lst.se"}',
                    "related_agents": "true",
                },
            )
            assert found.status_code == 200
            assert [s["id"] for s in found.json()["statements"]] == [items[3]["id"]]
            by_course = client.get(
                "/xapi/statements",
                params={"activity": "https://val.se/kurs", "related_activities": "true"},
            )
            assert len(by_course.json()["statements"]) == 10
    finally:
        server.stop()
    # The helper leaves with its server.
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in helpers)


def _running(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
