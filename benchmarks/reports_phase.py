"""Readiness report latency, on the database the benchmark's server filled.

    python -m benchmarks.reports_phase --database PATH_OR_URL [--seconds 3]

Run by ``benchmarks.run`` in a process of its own after the server has stopped, so that
the peak memory it reports is the reports service's. It opens the services as
``lrs-bridge serve`` does, lets the progress projector catch up with the log, registers
the benchmark's learners as participants (20,000 by default: every county's learners in
workshops of 200, through ``ReportsService.import_participants`` with CSV files, as a
county administrator would), then times reports through the service API, each followed
by its export: one workshop of 200, one county, and the nation, as JSON and as XLSX.

Prints one line ``REPORTS_JSON {...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.statements import COUNTIES, LEARNERS, learner_mbox


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def roster(learners: int, size: int) -> dict[str, list[list[str]]]:
    """county → workshops → CSV lines (name, email, municipality code, role)."""
    from reports import places
    from reports.model import ROLES

    by_county: dict[str, list[int]] = defaultdict(list)
    for n in range(1, learners + 1):
        by_county[COUNTIES[n % len(COUNTIES)]].append(n)
    result: dict[str, list[list[str]]] = {}
    for county, numbers in by_county.items():
        municipalities = places.municipalities_of(county)
        lines = [
            f"Deltagare {n},{learner_mbox(n).removeprefix('mailto:')},"
            f"{municipalities[n % len(municipalities)].code},{ROLES[n % len(ROLES)]}"
            for n in numbers
        ]
        result[county] = [lines[i : i + size] for i in range(0, len(lines), size)]
    return result


async def measure(database: str, *, learners: int, size: int, seconds: float) -> dict[str, Any]:
    """Figures of each report: at least 5 runs, more while ``seconds`` last (200 at most)."""
    from lrs_bridge.config import load_settings
    from lrs_bridge.services import Services

    url = database if "://" in database else f"sqlite:///{database}"
    services = Services.build(load_settings(database_url=url))
    await services.open()
    figures: dict[str, Any] = {"rows": []}
    try:
        reports = services.reports
        started = time.perf_counter()
        await reports.catch_up()
        figures["catch_up_s"] = time.perf_counter() - started

        started = time.perf_counter()
        today = date.today()
        first_workshop: dict[str, str] = {}
        participants = 0
        for county, workshops in sorted(roster(learners, size).items()):
            for number, lines in enumerate(workshops):
                day = today + timedelta(days=10 if number % 2 == 0 else -5)
                workshop = await reports.create_workshop(
                    {"county": county, "title": f"Valsäkerhet {county}-{number}",
                     "date": day.isoformat()}
                )  # fmt: skip
                csv = "name,email,municipality,role\n" + "\n".join(lines) + "\n"
                result = await reports.import_participants(
                    workshop.id, csv.encode(), media_type="text/csv"
                )
                participants += len(result.added)
                first_workshop.setdefault(county, workshop.id)
        figures["setup_s"] = time.perf_counter() - started
        figures["participants"] = participants

        county = COUNTIES[0]
        county_size = sum(len(w) for w in roster(learners, size)[county])
        scopes: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            (
                f"one workshop ({size} participants)",
                lambda: reports.workshop_readiness(first_workshop[county]),
            ),
            (
                f"one county ({county}: {county_size:,} participants)",
                lambda: reports.county_readiness(county),
            ),
            (f"the nation ({participants:,} participants)", reports.national_readiness),
        ]
        for name, call in scopes:
            for fmt in ("json", "xlsx"):
                await call()  # warm
                _reset_peak()
                times: list[float] = []
                size_bytes = 0
                until = time.perf_counter() + seconds
                while len(times) < 5 or (time.perf_counter() < until and len(times) < 200):
                    begun = time.perf_counter()
                    report = await call()
                    size_bytes = len(reports.export(report, fmt).content)
                    times.append((time.perf_counter() - begun) * 1000)
                times.sort()
                figures["rows"].append(
                    {
                        "name": f"{name} as {fmt.upper()}",
                        "samples": len(times),
                        "p50_ms": statistics.median(times),
                        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
                        "bytes": size_bytes,
                        "peak_rss_mb": _peak_mb(),
                    }
                )
    finally:
        await services.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", required=True, help="a SQLite file, or a database URL (sqlite:, postgresql:)"
    )
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--workshop-size", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3, help="per report and format")
    args = parser.parse_args()
    figures = asyncio.run(
        measure(
            args.database, learners=args.learners, size=args.workshop_size, seconds=args.seconds
        )
    )
    print("REPORTS_JSON " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
