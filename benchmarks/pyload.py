"""The fallback load generator when ``wrk`` is missing: several processes, each with a few
threads holding keep-alive ``http.client`` connections.

It sends the same statements and queries as ``wrk/xapi.lua`` and returns the same
figures, but tops out far lower (a few hundred to a few thousand requests/s here), so the
benchmark says so and its generator-ceiling row shows the limit.
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing
import os
import random
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

from benchmarks.statements import COURSE, MODULES, VERBS, iso, learner_mbox, statement

MORE = re.compile(rb'"more":"([^"]+)"')
# A statement's own id (the only UUID-valued "id": verbs and activities have IRIs).
STATEMENT_ID = re.compile(
    rb'"id": "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"'
)
TEMPLATES = 4


def _fresh_id(_: re.Match[bytes]) -> bytes:
    return b'"id": "' + str(uuid.uuid4()).encode() + b'"'


@dataclass(frozen=True)
class Job:
    host: str
    port: int
    path: str
    auth: str
    mode: str  # "post" or "get"
    batch: int = 1
    kind: str = "agent"
    window: tuple[float, float] = (0.0, 0.0)
    limit: int = 100
    learners: int = 20_000
    deadline: float = 0.0
    max_requests: int = 0  # per connection; 0 = until the deadline
    retry_after: bool = False  # wait as a 503's Retry-After says before the next request


def _query(job: Job, rng: random.Random, more: str | None) -> str:
    quote = urllib.parse.quote
    if job.kind == "agent":
        agent = json.dumps({"mbox": learner_mbox(rng.randint(1, job.learners))})
        return f"{job.path}?agent={quote(agent)}&limit={job.limit}"
    if job.kind == "activity":
        activity = f"{COURSE}/modul/{rng.randint(1, len(MODULES))}"
        return f"{job.path}?activity={quote(activity, safe='')}&limit={job.limit}"
    if job.kind == "verb" or (job.kind == "more" and more is None):
        return f"{job.path}?verb={quote(rng.choice(VERBS)[0], safe='')}&limit={job.limit}"
    if job.kind == "more":
        assert more is not None
        return more
    start = job.window[0] + rng.random() * max(job.window[1] - job.window[0] - 60, 1)
    return f"{job.path}?since={quote(iso(start))}&until={quote(iso(start + 60))}&limit={job.limit}"


def _connection(job: Job, seed: int) -> dict[str, Any]:
    rng = random.Random(f"{seed}-{os.getpid()}-{time.time_ns()}")  # fresh ids every run
    conn = http.client.HTTPConnection(job.host, job.port, timeout=30)
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    if job.auth:
        headers["Authorization"] = job.auth
    latencies: list[int] = []
    accepted: list[int] = []
    statuses: dict[str, int] = {}
    errors = 0
    more: str | None = None
    pages = 0
    count = 0
    # Bodies are made before the clock starts and get fresh statement ids per request:
    # making 100 statements in Python took milliseconds of this process's interpreter lock,
    # shared by its many connections, and that wait was counted as the server's latency.
    templates = (
        [
            json.dumps(
                [statement(rng, job.learners, iso(time.time())) for _ in range(job.batch)]
                if job.batch > 1
                else statement(rng, job.learners, iso(time.time()))
            ).encode()
            for _ in range(TEMPLATES)
        ]
        if job.mode == "post"
        else []
    )
    while time.time() < job.deadline and (not job.max_requests or count < job.max_requests):
        count += 1
        if job.mode == "post":
            body: bytes | None = STATEMENT_ID.sub(_fresh_id, templates[count % TEMPLATES])
            method, target = "POST", job.path
        else:
            body, method = None, "GET"
            target = _query(job, rng, more if pages < 50 else None)
        started = time.perf_counter_ns()
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(job.host, job.port, timeout=30)
            continue
        latencies.append((time.perf_counter_ns() - started) // 1000)
        if 200 <= response.status < 300:
            accepted.append(latencies[-1])
        statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
        retry = response.getheader("Retry-After")
        if job.retry_after and response.status == 503 and retry and retry.isdigit():
            time.sleep(min(int(retry), 5))  # as HTTP asks of a client told to come back later
        if job.kind == "more" and job.mode == "get":
            found = MORE.search(data)
            more, pages = (found.group(1).decode(), pages + 1) if found else (None, 0)
            if pages >= 50:
                more, pages = None, 0
    conn.close()
    return {"latencies": latencies, "accepted": accepted, "statuses": statuses, "errors": errors}


def _process(job: Job, threads: int, seed: int, queue: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda i: _connection(job, seed * 1000 + i), range(threads)))
    queue.put(results)


def run(
    url: str,
    *,
    auth: str,
    connections: int,
    duration: float,
    mode: str,
    batch: int = 1,
    kind: str = "agent",
    window: tuple[float, float] = (0.0, 0.0),
    limit: int = 100,
    stop_after: int = 0,
    retry_after: bool = False,
) -> dict[str, Any]:
    """Run like ``wrk``; return the figures ``wrk/xapi.lua`` prints as BENCH_JSON."""
    parsed = urllib.parse.urlsplit(url)
    processes = max(1, min(connections, (os.cpu_count() or 1) * 2))
    per_process = math.ceil(connections / processes)
    job = Job(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 80,
        path=parsed.path or "/xapi/statements",
        auth=auth,
        mode=mode,
        batch=batch,
        kind=kind,
        window=window,
        limit=limit,
        deadline=time.time() + duration,
        max_requests=math.ceil(stop_after / (processes * per_process)) if stop_after else 0,
        retry_after=retry_after,
    )
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.perf_counter()
    workers = [
        context.Process(target=_process, args=(job, per_process, seed, queue))
        for seed in range(1, processes + 1)
    ]
    for worker in workers:
        worker.start()
    results = [r for _ in workers for r in queue.get()]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    accepted = sorted(x for r in results for x in r["accepted"])
    statuses: dict[str, int] = {}
    for r in results:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count

    def pct(p: float, of: list[int] = latencies) -> int:
        return of[min(len(of) - 1, int(len(of) * p / 100))] if of else 0

    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1_000_000),
        "bytes": 0,
        "statuses": statuses,
        "errors": {
            "connect": 0,
            "read": sum(r["errors"] for r in results),
            "write": 0,
            "timeout": 0,
        },
        "latency_us": {
            "p50": pct(50),
            "p90": pct(90),
            "p99": pct(99),
            "max": latencies[-1] if latencies else 0,
            "mean": sum(latencies) / len(latencies) if latencies else 0.0,
        },
        "accepted_latency_us": {"p50": pct(50, accepted), "p99": pct(99, accepted)},
    }
