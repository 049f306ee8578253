"""The retention purge on a large log (issue 16): bounded memory, ingest never blocked for
more than a second at a time.

    python -m benchmarks.fill --database /tmp/bench1m.sqlite3 --statements 1000000
    python -m benchmarks.purge --database /tmp/bench1m.sqlite3 --participants 5000

Works on a copy of ``--database`` (the filled log stays reusable). An expired workshop
(dated 2020) gets the first ``--participants`` of the benchmark's learners as its list; the
purge then removes their statements (about 50 each on a 1,000,000-statement log) in
batches, while a probe stores one statement every 20 ms through the same statement log
and records how long each waited. Prints the log size, what was purged, the time, the
longest and the 99th percentile ingest wait, and the growth of the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import shutil
import time
from pathlib import Path

from benchmarks.statements import learner_mbox, statement
from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from statements.log import Writer

WRITER = Writer(
    authority={"objectType": "Agent", "account": {"homePage": "https://bench", "name": "purge"}},
    credential=None,
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_copy(database: Path) -> Path:
    work = database.with_name(database.stem + "-purge.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(database, work)
    return work


async def run(work: Path, participants: int) -> dict[str, float]:
    settings = load_settings(
        database_url=f"sqlite:///{work}",
        retention_workshop_months=12,
        retention_unmatched_months=0,
        retention_audit_years=0,
    )
    services = Services.build(settings)
    await services.open()
    try:
        reports = services.reports
        workshop = await reports.create_workshop(
            {"county": "21", "title": "Utgången workshop", "date": "2020-01-10"}
        )
        rows = ["Namn;E-post;Kommun;Roll"] + [
            f"Deltagare {n};{learner_mbox(n).removeprefix('mailto:')};Gävle;valnämnd"
            for n in range(1, participants + 1)
        ]
        await reports.import_participants(
            workshop.id, "\r\n".join(rows).encode(), media_type="text/csv"
        )
        total = (await services.store.read("SELECT COUNT(*) FROM statements"))[0][0]
        waits: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            rng = random.Random(7)
            while not stop.is_set():
                item = statement(rng, learners=10_000_000)  # learners on no list
                started = time.monotonic()
                await services.statements.store_statements([item], version="1.0.3", writer=WRITER)
                waits.append(time.monotonic() - started)
                await asyncio.sleep(0.02)

        rss_before = peak_rss_mb()
        probing = asyncio.create_task(probe())
        started = time.monotonic()
        done = await services.retention.run(dry_run=False)
        seconds = time.monotonic() - started
        stop.set()
        await probing
        waits.sort()
        return {
            "statements_in_log": total,
            "statements_purged": done.counts["statements"],
            "participants_purged": done.counts["participants"],
            "seconds": round(seconds, 1),
            "ingest_probes": len(waits),
            "ingest_wait_max_s": round(waits[-1], 3),
            "ingest_wait_p99_s": round(waits[int(len(waits) * 0.99)], 3),
            "peak_rss_growth_mb": round(peak_rss_mb() - rss_before, 1),
        }
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="a filled SQLite log")
    parser.add_argument("--participants", type=int, default=5000)
    args = parser.parse_args()
    for name, value in asyncio.run(run(fresh_copy(args.database), args.participants)).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
