"""Fill a database with the benchmark's statements in-process (no HTTP), as fast as the
statement log takes them: for measuring reports on a large log without spending the
benchmark's time budget on ingest.

    python -m benchmarks.fill --database PATH --statements 2000000
    python -m benchmarks.reports_phase --database PATH

Statements go through the one validation layer and the store like any POST (batches of
``--batch``); the seed makes the data the same every time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

from benchmarks.statements import statement
from lrs_bridge.config import load_settings
from lrs_bridge.services import Services
from statements.log import Writer

WRITER = Writer(
    authority={"objectType": "Agent", "account": {"homePage": "https://bench", "name": "fill"}},
    credential=None,
)


async def fill(database: Path, count: int, batch: int, seed: int) -> None:
    services = Services.build(load_settings(database_url=f"sqlite:///{database}"))
    await services.open()
    rng = random.Random(seed)
    started = time.monotonic()
    try:
        done = 0
        while done < count:
            size = min(batch, count - done)
            items = [statement(rng) for _ in range(size)]
            await services.statements.store_statements(items, version="1.0.3", writer=WRITER)
            done += size
            if done % (batch * 100) == 0 or done == count:
                rate = done / (time.monotonic() - started)
                print(f"{done:,} statements stored ({rate:,.0f}/s)", flush=True)
        await services.reports.catch_up()
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--statements", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    asyncio.run(fill(args.database, args.statements, args.batch, args.seed))


if __name__ == "__main__":
    main()
