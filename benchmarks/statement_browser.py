"""The statement browser at a million statements (issue 15): search latency through the
API a national admin uses, and the service's memory while it streams a full export.

    python -m benchmarks.statement_browser [--statements 1000000] [--database PATH]
    python -m benchmarks.run --only statement-browser      # the same, as a phase of make bench

Fills a SQLite file in-process (``benchmarks.fill``: the one validation layer and the
store, no HTTP) unless ``--database`` already holds enough statements, starts a real
``lrs-bridge serve`` on it, and times ``GET /api/v1/statements`` with a national admin's
token: by learner (random learners, ≈50 statements each at 1,000,000) and by course (the
introduction: most of the log), each the first page of 50, newest first. Then streams
``GET /api/v1/statements/export`` (JSON Lines and CSV, every statement) and reads the
server's peak resident memory (VmHWM, reset before each export).

Prints one line ``BROWSER_JSON {...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.statements import LEARNERS, learner_mbox

TARGET_P99_MS = 100
TARGET_EXPORT_RSS_MB = 150


def _rss_reset(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def _rss_peak(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_now(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _prepare(database: Path, wanted: int) -> tuple[int, str]:
    """Fill up to ``wanted`` statements; a national admin and their token."""
    from benchmarks.fill import fill
    from lrs_bridge.config import load_settings
    from lrs_bridge.services import Services

    url = f"sqlite:///{database}"
    services = Services.build(load_settings(database_url=url))
    await services.open()
    try:
        rows = await services.store.read("SELECT COUNT(*) FROM statements")
        have = int(rows[0][0])
    finally:
        await services.close()
    if have < wanted:
        print(f"filling {wanted - have:,} statements into {database}", file=sys.stderr)
        await fill(database, wanted - have, 1000, 2026 + have)
    services = Services.build(load_settings(database_url=url))
    await services.open()
    try:
        email = f"bench-{time.time_ns()}@val.example"
        user = await services.people.create_user(email, "national-admin", None, None)
        token = (await services.people.issue_token(str(user.id))).token
        rows = await services.store.read("SELECT COUNT(*) FROM statements")
        return int(rows[0][0]), token
    finally:
        await services.close()


def _get(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        body: bytes = answer.read()
        return body


def _latencies(urls: list[str], token: str) -> dict[str, Any]:
    _get(urls[0], token)  # warm
    times = []
    sizes = []
    for url in urls:
        started = time.perf_counter()
        body = _get(url, token)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(json.loads(body)["statements"]))
    times.sort()
    return {
        "samples": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        "max_ms": round(times[-1], 1),
        "mean_statements": round(statistics.mean(sizes), 1),
    }


def _export(url: str, token: str, pid: int) -> dict[str, Any]:
    _rss_reset(pid)
    before = _rss_now(pid)
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    total = lines = 0
    with urllib.request.urlopen(request, timeout=3600) as answer:
        while chunk := answer.read(1 << 16):
            total += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "lines": lines,
        "mb": round(total / 1e6, 1),
        "statements_per_s": round(lines / seconds),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(_rss_peak(pid), 1),
    }


def measure(database: Path, wanted: int, searches: int, formats: list[str]) -> dict[str, Any]:
    from benchmarks.run import free_port, process, wait_until_up

    stored, token = asyncio.run(_prepare(database, wanted))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "lrs_bridge.cli", "serve", "--database",
            f"sqlite:///{database}", "--port", str(port)]  # fmt: skip
    log = database.parent / "browser-server.log"
    result: dict[str, Any] = {"stored": stored}
    with process(args, log, {"LRS_BRIDGE_LOG_LEVEL": "warning"}) as proc:
        wait_until_up(base + "/healthz", proc)
        rng = random.Random(15)
        learners = [
            base
            + "/api/v1/statements?learner="
            + learner_mbox(rng.randint(1, LEARNERS)).removeprefix("mailto:").replace("@", "%40")
            for _ in range(searches)
        ]
        result["by_learner"] = _latencies(learners, token)
        course = base + "/api/v1/statements?course=valmyndigheten-introduktion"
        result["by_course"] = _latencies([course] * searches, token)
        result["by_course_verb"] = _latencies(
            [course + "&verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fpassed"] * searches, token
        )
        # Keyset paging: a page anywhere in the log, as an "older" link reaches it.
        result["by_course_deep"] = _latencies(
            [course + f"&before={rng.randint(1000, stored)}" for _ in range(searches)], token
        )
        for fmt in filter(None, formats):
            result[f"export_{fmt}"] = _export(
                base + f"/api/v1/statements/export?format={fmt}", token, proc.pid
            )
    result["targets"] = {
        "search_p99_ms": TARGET_P99_MS,
        "export_peak_rss_mb": TARGET_EXPORT_RSS_MB,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, help="a SQLite file to use (and fill)")
    parser.add_argument("--searches", type=int, default=300, help="searches of each kind")
    parser.add_argument("--formats", default="jsonl,csv")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="lrs-browser-"))
    database = args.database or workdir / "lrs.sqlite3"
    result = measure(database, args.statements, args.searches, args.formats.split(","))
    print("BROWSER_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
