"""``make bench``: ingest rates, query latencies and memory, with ceilings to compare.

    python -m benchmarks.run                     # starts its own lrs-bridge on a temp database
    python -m benchmarks.run --quick             # the same in about two minutes
    python -m benchmarks.run --endpoint http://lrs.example/xapi --user KEY --password SECRET

Against another LRS (``--endpoint``) the same statements and queries are sent; give
``--server-pid`` when that server runs on this machine to get its peak memory.

Each phase prints as it finishes; at the end a table, and the same figures as JSON in
``benchmarks/results/<date>-<commit>.json`` with the machine's CPU count and memory.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import pyload
from benchmarks.hotspots import parse as parse_profile
from benchmarks.hotspots import report as hotspot_report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "wrk" / "xapi.lua"
RESULTS = HERE / "results"

SINGLE_CONNECTIONS = (1, 16, 64)
BATCH_SIZE = 100
BATCH_CONNECTIONS = 8
OVERLOAD_CONNECTIONS = 400
LOAD_CONNECTIONS = 4
QUERY_RESERVE = 50.0  # seconds the query phase needs
REPORT_RESERVE = 75.0  # seconds the reports phase needs (projector catch-up, roster, runs)
QUERY_KINDS = {
    "agent": "agent=<learner> (≈50 matches)",
    "activity": "activity=<module> (≈5% of all)",
    "verb": "verb=<verb> (1/8 of all)",
    "window": "since/until one-minute window",
    "more": "more paging (verb, 50 pages deep)",
}
TARGETS = {
    "batch_statements_per_s": 10_000,
    "single_vs_bare": 0.5,
    "query_p99_ms": 50,
    "national_report_ms": 500,
    "overload_accepted_p99_ms": 3000,
    "browser_search_p99_ms": 100,
    "browser_export_rss_mb": 150,
    "launch_burst_p99_ms": 50,
    # issue 19 (ingest):
    "single_16_vs_bare": 0.3,
    "single_16_p99_ms": 50,
    "batch_vs_raw_sqlite": 0.7,
    "ingest_rss_mb": 400,
}


# --- small helpers ------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"benchmark: a server exited at start-up ({url})")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"benchmark: {url} did not answer within {seconds:.0f} s")


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class PeakRss:
    """The peak resident memory (VmHWM) of a process and its children (the service's
    validation helpers), summed, reset per phase via clear_refs."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid

    def _pids(self) -> list[int]:
        assert self.pid is not None
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            children = []
        return [self.pid, *(int(child) for child in children)]

    def reset(self) -> None:
        if self.pid is None:
            return
        for pid in self._pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                if pid == self.pid:
                    self.pid = None  # not ours to reset (another user's process): report nothing
                    return

    def peak_mb(self) -> float | None:
        if self.pid is None:
            return None
        total = 0
        for pid in self._pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                if pid == self.pid:
                    return None
        return total / 1024


# --- generators ---------------------------------------------------------------------------


@dataclass
class Run:
    """What one generator run measured (wrk's BENCH_JSON line, or pyload's)."""

    requests: int
    seconds: float
    statuses: dict[str, int]
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    accepted_p50_ms: float | None = None
    accepted_p99_ms: float | None = None
    """Latency of the 2xx answers alone (the Python generator measures it; wrk cannot)."""

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def failed(self) -> int:
        return self.requests - self.ok + self.socket_errors

    @classmethod
    def of(cls, data: dict[str, Any]) -> Run:
        latency = data["latency_us"]
        errors = data["errors"]
        accepted = data.get("accepted_latency_us") or {}
        return cls(
            requests=data["requests"],
            seconds=data["duration_us"] / 1_000_000,
            statuses=data["statuses"],
            socket_errors=sum(errors.values()),
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p99_ms=latency["p99"] / 1000,
            max_ms=latency["max"] / 1000,
            accepted_p50_ms=accepted["p50"] / 1000 if accepted else None,
            accepted_p99_ms=accepted["p99"] / 1000 if accepted else None,
        )


class Generator:
    """wrk with ``wrk/xapi.lua`` when installed, else the multi-process Python one."""

    def __init__(self, prefer: str) -> None:
        self.wrk = shutil.which("wrk") if prefer in ("auto", "wrk") else None
        if prefer == "wrk" and self.wrk is None:
            raise SystemExit("benchmark: --generator wrk but wrk is not installed")
        self.name = "wrk " + self._wrk_version() if self.wrk else "python (multi-process)"

    def _wrk_version(self) -> str:
        assert self.wrk is not None
        out = subprocess.run([self.wrk, "-v"], capture_output=True, text=True, check=False)
        first = (out.stdout + out.stderr).split("\n", 1)[0]
        return first.split()[1] if len(first.split()) > 1 else "?"

    def run(
        self,
        base: str,
        path: str,
        *,
        auth: str = "",
        connections: int,
        duration: float,
        mode: str,
        batch: int = 1,
        kind: str = "agent",
        window: tuple[float, float] = (0.0, 0.0),
        stop_after: int = 0,
    ) -> Run:
        if self.wrk is None:
            return Run.of(
                pyload.run(
                    base.rstrip("/") + path,
                    auth=auth,
                    connections=connections,
                    duration=duration,
                    mode=mode,
                    batch=batch,
                    kind=kind,
                    window=window,
                    stop_after=stop_after,
                )
            )
        threads = 1
        args = [
            self.wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            base,
            "--",
            f"mode={mode}",
            f"path={path}",
            f"batch={batch}",
            f"kind={kind}",
            f"from={window[0]:.3f}",
            f"to={window[1]:.3f}",
            f"stop_after={math.ceil(stop_after / threads) if stop_after else 0}",
        ]
        if auth:
            args.append(f"auth={auth}")
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        assert proc.stdout is not None and proc.stderr is not None
        lines: list[str] = []
        done = 0
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("BENCH_THREAD_DONE"):
                done += 1
                if done == threads:  # wrk would sleep out -d; SIGINT ends it with figures
                    proc.send_signal(signal.SIGINT)
        errors = proc.stderr.read()
        proc.wait()
        for line in lines:
            if line.startswith("BENCH_JSON "):
                return Run.of(json.loads(line[len("BENCH_JSON ") :]))
        raise SystemExit(f"benchmark: wrk gave no figures:\n{''.join(lines)}\n{errors}")


# --- servers ------------------------------------------------------------------------------


@dataclass
class Endpoint:
    base: str
    """scheme://host:port/ for the generator."""
    path: str
    """the Statement resource's path, e.g. /xapi/statements."""
    auth: str
    pid: int | None
    database: str | None = None
    """Our server's database URL (None for another LRS)."""


@contextmanager
def process(
    args: list[str], log_file: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    handle = log_file.open("ab")
    proc = subprocess.Popen(
        args,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        handle.close()


def count_statements(database: str) -> int:
    """Statements stored in our server's database (either engine)."""
    if database.startswith("sqlite:"):
        path = database.removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            count: int = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
            return count
    import asyncio

    import asyncpg

    async def count_in_postgres() -> int:
        conn = await asyncpg.connect(database)
        try:
            found: int = await conn.fetchval("SELECT COUNT(*) FROM statements")
            return found
        finally:
            await conn.close()

    return asyncio.run(count_in_postgres())


@contextmanager
def our_server(workdir: Path, database_url: str | None = None) -> Iterator[Endpoint]:
    """lrs-bridge on ``database_url`` (an empty database), or on a temporary SQLite file."""
    database = database_url or f"sqlite:///{workdir / 'lrs.sqlite3'}"
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "lrs_bridge.cli",
            "credentials",
            "create",
            "--database",
            database,
            "--label",
            "benchmark",
            "--scope",
            "all",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    record = json.loads(created.stdout)
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "lrs_bridge.cli",
        "serve",
        "--database",
        database,
        "--port",
        str(port),
    ]
    with process(args, workdir / "server.log", {"LRS_BRIDGE_LOG_LEVEL": "warning"}) as proc:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc)
        yield Endpoint(
            base=f"http://127.0.0.1:{port}/",
            path="/xapi/statements",
            auth=basic_auth(record["key"], record["secret"]),
            pid=proc.pid,
            database=database,
        )


@contextmanager
def ceiling_server(kind: str, workdir: Path) -> Iterator[Endpoint]:
    port = free_port()
    args = [sys.executable, "-m", "benchmarks.servers", kind, "--port", str(port)]
    with process(args, workdir / f"{kind}.log") as proc:
        wait_until_up(f"http://127.0.0.1:{port}/", proc)
        yield Endpoint(f"http://127.0.0.1:{port}/", "/xapi/statements", "", proc.pid)


@contextmanager
def profiler(pid: int | None, output: Path | None) -> Iterator[None]:
    """py-spy record of ``pid`` (all threads) while the block runs, when asked for."""
    if output is None or pid is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    proc = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--output",
            str(output),
            "--rate",
            "200",
            "--threads",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- the measurements ---------------------------------------------------------------------


@dataclass
class Row:
    phase: str
    name: str
    rate: float | None
    unit: str
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_rss_mb: float | None = None
    errors: int = 0
    ratio: float | None = None
    ratio_of: str = ""
    note: str = ""


@dataclass
class Bench:
    args: argparse.Namespace
    generator: Generator
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    acknowledged: int = 0
    stored_at_query: int = 0
    deadline: float = 0.0
    load_window: tuple[float, float] = (float("inf"), 0.0)
    profiles: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        parts = [f"{row.phase}: {row.name}:"]
        if row.rate is not None:
            parts.append(f"{row.rate:,.0f} {row.unit}")
        if row.p50_ms is not None:
            parts.append(f"p50 {row.p50_ms:.1f} ms p99 {row.p99_ms:.1f} ms")
        if row.peak_rss_mb is not None:
            parts.append(f"peak RSS {row.peak_rss_mb:.0f} MB")
        if row.errors:
            parts.append(f"{row.errors} errors")
        if row.note:
            parts.append(f"({row.note})")
        log(" ".join(parts))
        return row

    def post(
        self, endpoint: Endpoint, connections: int, batch: int, duration: float | None = None
    ) -> tuple[Run, float | None]:
        rss = PeakRss(endpoint.pid)
        rss.reset()
        run = self.generator.run(
            endpoint.base,
            endpoint.path,
            auth=endpoint.auth,
            connections=connections,
            duration=duration or self.args.duration,
            mode="post",
            batch=batch,
        )
        return run, rss.peak_mb()

    def row_of_post(self, phase: str, name: str, run: Run, batch: int, peak: float | None) -> Row:
        rate = run.ok * batch / run.seconds if run.seconds else 0.0
        return Row(phase, name, rate, "statements/s", run.p50_ms, run.p99_ms, peak, run.failed)

    # --- ceilings --------------------------------------------------------------------

    def generator_ceiling(self) -> dict[str, float]:
        found: dict[str, float] = {}
        with ceiling_server("sink", self.workdir) as sink:
            run, _ = self.post(sink, 64, 1)
            found["single"] = run.ok / run.seconds
            self.add(
                self.row_of_post(
                    "ceiling", "generator: single POSTs, 64 conn. → sink", run, 1, None
                )
            )
            run, _ = self.post(sink, BATCH_CONNECTIONS, BATCH_SIZE)
            found["batch"] = run.ok * BATCH_SIZE / run.seconds
            self.add(
                self.row_of_post(
                    "ceiling",
                    f"generator: {BATCH_SIZE}-statement POSTs → sink",
                    run,
                    BATCH_SIZE,
                    None,
                )
            )
        return found

    def bare_ceiling(self) -> dict[str, float]:
        found: dict[str, float] = {}
        with ceiling_server("bare", self.workdir) as bare:
            self.post(bare, 16, 1, duration=1)  # warm-up
            for connections in SINGLE_CONNECTIONS:
                run, peak = self.post(bare, connections, 1)
                row = self.add(
                    self.row_of_post(
                        "ceiling",
                        f"bare Starlette: single POSTs, {connections} conn.",
                        run,
                        1,
                        peak,
                    )
                )
                found[f"single_{connections}"] = row.rate or 0.0
            run, peak = self.post(bare, BATCH_CONNECTIONS, BATCH_SIZE)
            row = self.add(
                self.row_of_post(
                    "ceiling",
                    f"bare Starlette: {BATCH_SIZE}-statement POSTs, {BATCH_CONNECTIONS} conn.",
                    run,
                    BATCH_SIZE,
                    peak,
                )
            )
            found["batch"] = row.rate or 0.0
        return found

    def store_ceiling(self) -> dict[str, float]:
        from benchmarks.sqlite_ceiling import index_rows_per_statement, insert_rate, make_rows

        rows = make_rows(60_000)
        per_row = index_rows_per_statement(rows)
        found = {
            "batch": insert_rate(rows, BATCH_SIZE, self.workdir, self.args.duration),
            "single": insert_rate(rows, 1, self.workdir, min(self.args.duration, 4)),
        }
        note = f"{per_row:.0f} index rows per statement"
        self.add(
            Row(
                "ceiling",
                "raw SQLite: 100 statements per transaction",
                found["batch"],
                "statements/s",
                note=note,
            )
        )
        self.add(
            Row(
                "ceiling",
                "raw SQLite: 1 statement per transaction",
                found["single"],
                "statements/s",
                note=note,
            )
        )
        return found

    # --- our figures -----------------------------------------------------------------

    def ingest(self, endpoint: Endpoint, ceilings: dict[str, dict[str, float]]) -> None:
        bare = ceilings.get("bare", {})
        store = ceilings.get("store", {})
        generator = ceilings.get("generator", {})
        warm, _ = self.post(endpoint, 4, 1, duration=1)
        self.acknowledged += warm.ok
        profile_dir = self.args.profile
        for connections in SINGLE_CONNECTIONS:
            output = (
                profile_dir / f"single-{connections}.raw"
                if profile_dir and connections == 16
                else None
            )
            with profiler(endpoint.pid, output):
                run, peak = self.post(endpoint, connections, 1)
            if output is not None:
                self.profiles["single POSTs, 16 connections"] = str(output)
            self.acknowledged += run.ok
            row = self.row_of_post("ingest", f"single POSTs, {connections} conn.", run, 1, peak)
            if bare.get(f"single_{connections}"):
                row.ratio = (row.rate or 0) / bare[f"single_{connections}"]
                row.ratio_of = "bare Starlette"
            if generator.get("single"):
                row.note = f"{100 * (row.rate or 0) / generator['single']:.0f}% of generator"
            self.add(row)
        output = profile_dir / "batch.raw" if profile_dir else None
        with profiler(endpoint.pid, output):
            run, peak = self.post(endpoint, BATCH_CONNECTIONS, BATCH_SIZE)
        if output is not None:
            self.profiles[f"{BATCH_SIZE}-statement POSTs"] = str(output)
        self.acknowledged += run.ok * BATCH_SIZE
        row = self.row_of_post(
            "ingest",
            f"{BATCH_SIZE}-statement POSTs, {BATCH_CONNECTIONS} conn.",
            run,
            BATCH_SIZE,
            peak,
        )
        if store.get("batch"):
            row.ratio = (row.rate or 0) / store["batch"]
            row.ratio_of = "raw SQLite"
        if bare.get("batch"):
            row.note = f"{100 * (row.rate or 0) / bare['batch']:.0f}% of bare Starlette"
        self.add(row)
        self.overload(endpoint)

    def overload(self, endpoint: Endpoint) -> None:
        """Far more writers than the store can serve: the service should shed (503 +
        Retry-After at once) rather than queue, so that what it accepts stays fast. The
        Python generator is used whatever ``--generator`` says: only it times the accepted
        answers apart from the refused ones. Its clients wait as a 503's Retry-After says
        (one second) before they post again, as HTTP clients should and the xAPI libraries'
        retry queues do; the accepted latency is measured from sending to the answer."""
        rss = PeakRss(endpoint.pid)
        rss.reset()
        data = pyload.run(
            endpoint.base.rstrip("/") + endpoint.path,
            auth=endpoint.auth,
            connections=OVERLOAD_CONNECTIONS,
            duration=self.args.duration,
            mode="post",
            batch=BATCH_SIZE,
            retry_after=True,
        )
        run = Run.of(data)
        self.acknowledged += run.ok * BATCH_SIZE
        shed = run.statuses.get("503", 0)
        row = Row(
            "ingest",
            f"overload: {BATCH_SIZE}-statement POSTs, {OVERLOAD_CONNECTIONS} conn. (accepted)",
            run.ok * BATCH_SIZE / run.seconds if run.seconds else 0.0,
            "statements/s",
            run.accepted_p50_ms,
            run.accepted_p99_ms,
            rss.peak_mb(),
            run.failed - shed,
        )
        row.note = (
            f"{shed:,} of {run.requests:,} answered 503 at once (p99 of all {run.p99_ms:.0f} ms);"
            " clients wait as Retry-After says"
        )
        self.add(row)

    def seconds_left(self, reserve: float) -> float:
        """Seconds of the run's --budget left after ``reserve`` for later phases."""
        return self.deadline - time.monotonic() - reserve

    def load(self, endpoint: Endpoint, target: int, reserve: float, purpose: str) -> None:
        """Fill the store up to ``target`` statements with batch POSTs, stopping in time
        to leave ``reserve`` seconds of the budget for the phases after it."""
        wanted = target - self.stored_count(endpoint)
        budget = min(self.args.load_budget, self.seconds_left(reserve))
        if wanted < BATCH_SIZE * LOAD_CONNECTIONS or budget < 5:
            if wanted > 0:
                self.notes.append(f"No time left to load statements for {purpose}.")
            return
        started = time.time()
        rss = PeakRss(endpoint.pid)
        rss.reset()
        log(
            f"loading {wanted:,} statements for {purpose} in {BATCH_SIZE}-statement POSTs "
            f"over {LOAD_CONNECTIONS} connections (at most {budget:.0f} s)"
        )
        run = self.generator.run(
            endpoint.base,
            endpoint.path,
            auth=endpoint.auth,
            connections=LOAD_CONNECTIONS,
            duration=budget,
            mode="post",
            batch=BATCH_SIZE,
            stop_after=math.ceil(wanted / BATCH_SIZE),
        )
        run.seconds = time.time() - started  # wrk's own clock ignores thread:stop()
        self.acknowledged += run.ok * BATCH_SIZE
        self.load_window = (min(self.load_window[0], started), time.time())
        stored = self.stored_count(endpoint)
        row = self.row_of_post(
            "load", f"loading to {stored:,} statements", run, BATCH_SIZE, rss.peak_mb()
        )
        if stored < target:
            row.note = f"stopped after {budget:.0f} s (time budget)"
            self.notes.append(
                f"Loading for {purpose} stopped at the time budget: {stored:,} statements, "
                f"not {target:,}."
            )
        self.add(row)

    def queries(self, endpoint: Endpoint) -> None:
        stored = self.stored_at_query = self.stored_count(endpoint)
        window = self.load_window if self.load_window[0] < self.load_window[1] else (0.0, 0.0)
        for kind, label in QUERY_KINDS.items():
            rss = PeakRss(endpoint.pid)
            rss.reset()
            run = self.generator.run(
                endpoint.base,
                endpoint.path,
                auth=endpoint.auth,
                connections=1,
                duration=self.args.duration,
                mode="get",
                kind=kind,
                window=window,
            )
            self.add(
                Row(
                    "query",
                    f"GET {label}, limit=100, at {stored:,}",
                    run.ok / run.seconds if run.seconds else 0.0,
                    "requests/s",
                    run.p50_ms,
                    run.p99_ms,
                    rss.peak_mb(),
                    run.failed,
                )
            )

    def stored_count(self, endpoint: Endpoint) -> int:
        """Statements in the store: counted in our database, else those acknowledged."""
        if endpoint.database is None:
            return self.acknowledged
        return count_statements(endpoint.database)

    def reports(self, database: str | None) -> None:
        """Readiness report latency through the reports service, in a process of its own on
        the database the server filled (the server has stopped)."""
        if database is None:
            self.notes.append(
                "Readiness reports are lrs-bridge's own API: not measured against --endpoint."
            )
            return
        stored = count_statements(database)
        log(f"readiness reports at {stored:,} statements: registering participants")
        seconds = 1.0 if self.args.quick else 3.0
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.reports_phase", "--database", database,
             "--seconds", str(seconds)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        line = next((x for x in out.stdout.splitlines() if x.startswith("REPORTS_JSON ")), None)
        if out.returncode != 0 or line is None:
            self.notes.append("The reports phase failed: " + out.stderr.strip()[-500:])
            self.add(Row("report", "readiness reports", None, "", note="failed, see notes"))
            return
        figures = json.loads(line[len("REPORTS_JSON ") :])
        self.add(
            Row(
                "report",
                f"set-up: {figures['participants']:,} participants in workshops of 200, "
                f"projector caught up",
                None,
                "",
                note=f"catch-up {figures['catch_up_s']:.1f} s, roster {figures['setup_s']:.1f} s",
            )
        )
        for item in figures["rows"]:
            self.add(
                Row(
                    "report",
                    f"{item['name']}, at {stored:,} statements",
                    1000 / item["p50_ms"] if item["p50_ms"] else None,
                    "reports/s",
                    item["p50_ms"],
                    item["p99_ms"],
                    item["peak_rss_mb"],
                    note=f"{item['samples']} runs, {item['bytes'] / 1024:,.0f} KiB; service call"
                    " + export, in-process",
                )
            )

    def statement_browser(self, database: str | None) -> None:
        """The statement browser's search latency and a full streamed export's memory, on
        a SQLite file holding ``--stored`` statements (``benchmarks.statement_browser``)."""
        if database is not None and not database.startswith("sqlite:///"):
            self.notes.append("The statement browser phase runs on SQLite only (for now).")
            return
        path = database.removeprefix("sqlite:///") if database else str(self.workdir / "b.db")
        searches = 50 if self.args.quick else 300
        log(f"statement browser at {self.args.stored:,} statements (fills as needed)")
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.statement_browser", "--database", path,
             "--statements", str(self.args.stored), "--searches", str(searches)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        line = next((x for x in out.stdout.splitlines() if x.startswith("BROWSER_JSON ")), None)
        if out.returncode != 0 or line is None:
            self.notes.append("The statement browser phase failed: " + out.stderr.strip()[-500:])
            return
        figures = json.loads(line[len("BROWSER_JSON ") :])
        stored = figures["stored"]
        for key, name in (
            ("by_learner", "search by learner, first page of 50"),
            ("by_course", "search by course, first page of 50"),
            ("by_course_verb", "search by course and verb, first page of 50"),
            ("by_course_deep", "search by course, a page of 50 at a random depth"),
        ):
            item = figures[key]
            self.add(
                Row(
                    "browser",
                    f"{name}, at {stored:,} statements",
                    1000 / item["p50_ms"] if item["p50_ms"] else None,
                    "searches/s",
                    item["p50_ms"],
                    item["p99_ms"],
                    note=f"{item['samples']} searches over HTTP, one at a time, audited",
                )
            )
        for fmt in ("jsonl", "csv"):
            item = figures.get(f"export_{fmt}")
            if item:
                self.add(
                    Row(
                        "browser",
                        f"export {fmt}, every statement ({item['lines']:,} lines)",
                        item["statements_per_s"],
                        "statements/s",
                        peak_rss_mb=item["peak_rss_mb"],
                        note=f"{item['mb']:,} MB streamed in {item['seconds']} s",
                    )
                )

    def launch(self, database: str | None) -> None:
        """Personal launches (issue 14, ``benchmarks.launch``): bursts of 50 simultaneous
        launches, each issuing a per-learner credential, against a fresh server; with wrk
        also the sustained rate. On SQLite unless ``database`` names PostgreSQL (the
        launches then need an empty schema of their own: ``python -m benchmarks.launch``)."""
        if database is not None and not database.startswith("sqlite:///"):
            self.notes.append(
                "The launch phase runs on SQLite here; for PostgreSQL run "
                "python -m benchmarks.launch --database-url URL on an empty schema."
            )
        log("launches: bursts of 50 simultaneous launches")
        rounds = "10" if self.args.quick else "40"
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.launch", "--rounds", rounds, "--seconds", "5"],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        line = next((x for x in out.stdout.splitlines() if x.startswith("LAUNCH_JSON ")), None)
        if out.returncode != 0 or line is None:
            self.notes.append("The launch phase failed: " + out.stderr.strip()[-500:])
            return
        figures = json.loads(line[len("LAUNCH_JSON ") :])
        burst = figures["burst"]
        self.add(
            Row(
                "launch",
                f"burst of {burst['concurrency']} simultaneous launches",
                burst["rate"],
                "launches/s",
                burst["p50_ms"],
                burst["p99_ms"],
                note=f"{burst['launches']} launches, each issuing a credential; server CPU "
                f"{burst['server_cpu_ms']} ms a launch; errors {burst['errors']}",
            )
        )
        sustained = figures.get("sustained")
        if sustained:
            self.add(
                Row(
                    "launch",
                    f"sustained, {sustained['concurrency']} connections (wrk)",
                    sustained["rate"],
                    "launches/s",
                    sustained["p50_ms"],
                    sustained["p99_ms"],
                    note="each connection launches again as soon as it is answered",
                )
            )


# --- output -------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def table(rows: list[Row]) -> str:
    header = (
        "phase",
        "measurement",
        "rate",
        "unit",
        "p50 ms",
        "p99 ms",
        "peak RSS MB",
        "vs ceiling",
        "errors",
    )
    lines = [header]
    for row in rows:
        ratio = f"{100 * row.ratio:.0f}% of {row.ratio_of}" if row.ratio is not None else ""
        note = f"; {row.note}" if row.note else ""
        lines.append(
            (
                row.phase,
                row.name,
                _fmt(row.rate),
                row.unit,
                _fmt(row.p50_ms, 1),
                _fmt(row.p99_ms, 1),
                _fmt(row.peak_rss_mb),
                (ratio + note).lstrip("; "),
                str(row.errors),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def _ingest_targets(row: Row) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if row.name.startswith(f"{BATCH_SIZE}-statement"):
        goal = TARGETS["batch_statements_per_s"]
        found.append(
            {
                "target": f"batch ingest ≥ {goal:,} statements/s",
                "measured": round(row.rate or 0),
                "met": (row.rate or 0) >= goal,
            }
        )
    if row.name.startswith("single") and row.ratio is not None:
        goal = TARGETS["single_vs_bare"]
        found.append(
            {
                "target": f"{row.name} ≥ {100 * goal:.0f}% of bare endpoint",
                "measured": f"{100 * row.ratio:.0f}%",
                "met": row.ratio >= goal,
            }
        )
    if row.name == "single POSTs, 16 conn.":
        if row.ratio is not None:
            goal = TARGETS["single_16_vs_bare"]
            found.append(
                {
                    "target": f"{row.name} ≥ {100 * goal:.0f}% of bare endpoint (issue 19)",
                    "measured": f"{100 * row.ratio:.0f}%",
                    "met": row.ratio >= goal,
                }
            )
        if row.p99_ms is not None:
            goal = TARGETS["single_16_p99_ms"]
            found.append(
                {
                    "target": f"{row.name}: p99 ≤ {goal} ms",
                    "measured": f"{row.p99_ms:.1f} ms",
                    "met": row.p99_ms <= goal,
                }
            )
    if (
        row.name.startswith(f"{BATCH_SIZE}-statement")
        and row.ratio_of == "raw SQLite"
        and row.ratio is not None
    ):
        goal = TARGETS["batch_vs_raw_sqlite"]
        found.append(
            {
                "target": f"batch ingest ≥ {100 * goal:.0f}% of raw SQLite (same transaction size)",
                "measured": f"{100 * row.ratio:.0f}%",
                "met": row.ratio >= goal,
            }
        )
    if row.name.startswith("overload") and row.p99_ms is not None:
        goal = TARGETS["overload_accepted_p99_ms"]
        found.append(
            {
                "target": f"{row.name}: p99 of the accepted ≤ {goal:,} ms",
                "measured": f"{row.p99_ms:.0f} ms",
                "met": row.p99_ms <= goal,
            }
        )
    return found


def targets(rows: list[Row]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for row in rows:
        if row.phase == "ingest":
            found.extend(_ingest_targets(row))
        if row.phase == "query" and row.p99_ms is not None:
            goal = TARGETS["query_p99_ms"]
            found.append(
                {
                    "target": f"{row.name}: p99 ≤ {goal} ms",
                    "measured": f"{row.p99_ms:.1f} ms",
                    "met": row.p99_ms <= goal,
                }
            )
        if row.phase == "browser" and row.p99_ms is not None:
            goal = TARGETS["browser_search_p99_ms"]
            found.append(
                {
                    "target": f"statement browser, {row.name}: p99 ≤ {goal} ms",
                    "measured": f"{row.p99_ms:.1f} ms",
                    "met": row.p99_ms <= goal,
                }
            )
        if row.phase == "browser" and row.name.startswith("export"):
            goal = TARGETS["browser_export_rss_mb"]
            found.append(
                {
                    "target": f"statement browser, {row.name}: service peak RSS < {goal} MB",
                    "measured": f"{row.peak_rss_mb or 0:.0f} MB",
                    "met": row.peak_rss_mb is not None and row.peak_rss_mb < goal,
                }
            )
        if row.phase == "launch" and row.name.startswith("burst") and row.p99_ms is not None:
            goal = TARGETS["launch_burst_p99_ms"]
            found.append(
                {
                    "target": f"launches, {row.name}: p99 ≤ {goal} ms",
                    "measured": f"{row.p99_ms:.1f} ms",
                    "met": row.p99_ms <= goal,
                }
            )
        if row.phase == "report" and row.name.startswith("the nation") and row.p50_ms:
            goal = TARGETS["national_report_ms"]
            found.append(
                {
                    "target": f"{row.name}: ≤ {goal} ms (median)",
                    "measured": f"{row.p50_ms:.0f} ms",
                    "met": row.p50_ms <= goal,
                }
            )
    ingest_rss = [row.peak_rss_mb for row in rows if row.phase == "ingest" and row.peak_rss_mb]
    if ingest_rss:
        goal = TARGETS["ingest_rss_mb"]
        found.append(
            {
                "target": f"ingest: peak RSS of the service, all its processes, ≤ {goal} MB",
                "measured": f"{max(ingest_rss):.0f} MB",
                "met": max(ingest_rss) <= goal,
            }
        )
    return found


def machine() -> dict[str, Any]:
    memory_mb = None
    with suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    cpu_model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_mb": memory_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def commit() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
        return out.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return head + ("-dirty" if dirty else "")


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--endpoint",
        help="an xAPI endpoint, e.g. http://host/xapi "
        "(default: start lrs-bridge on a temporary database)",
    )
    parser.add_argument("--user", default="", help="the endpoint's key (HTTP Basic user)")
    parser.add_argument("--password", default="", help="the endpoint's secret")
    parser.add_argument("--server-pid", type=int, help="the endpoint's server process, for RSS")
    parser.add_argument(
        "--stored",
        type=int,
        default=1_000_000,
        help="statements stored before the query phase (default 1,000,000)",
    )
    parser.add_argument(
        "--report-stored",
        type=int,
        default=2_000_000,
        help="statements stored before the reports phase (default 2,000,000)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=720,
        help="seconds the whole run may take (default 720, which leaves `make bench` on a "
        "clean clone time to create the virtual environment within 15 minutes); loading "
        "stops in time for the later phases",
    )
    parser.add_argument(
        "--load-budget", type=float, default=3600, help="most seconds one load may take"
    )
    parser.add_argument("--duration", type=float, default=8, help="seconds per measurement")
    parser.add_argument(
        "--quick", action="store_true", help="a short run: 20,000 statements, 3 s per measurement"
    )
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--profile", type=Path, help="folder for py-spy profiles of the server during ingest"
    )
    parser.add_argument("--workdir", type=Path, help="where the temporary database goes")
    parser.add_argument(
        "--database-url",
        help="run lrs-bridge on this empty database, e.g. postgresql://…/db?search_path=bench "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write the JSON file")
    parser.add_argument(
        "--only",
        choices=["statement-browser", "launch", "ingest"],
        help="run one phase alone (statement-browser: fills a SQLite file to --stored; "
        "launch: bursts of personal launches on a fresh SQLite file; ingest: the "
        "ceilings and the ingest rows, on --database-url or a fresh SQLite file)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.stored = min(args.stored, 20_000)
        args.report_stored = min(args.report_stored, 40_000)
        args.duration = min(args.duration, 3)
        args.budget = min(args.budget, 240)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    generator = Generator(args.generator)
    if generator.wrk is None:
        log(
            "wrk is not installed: using the multi-process Python generator, which is far "
            "slower; the generator-ceiling rows show its limit"
        )
    workdir = Path(tempfile.mkdtemp(prefix="lrs-bench-", dir=args.workdir))
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, generator, workdir)
    bench.deadline = time.monotonic() + args.budget
    if generator.wrk is None:
        bench.notes.append("Generator: multi-process Python (wrk was not installed).")
    try:
        if args.only == "statement-browser":
            bench.statement_browser(args.database_url)
            return _finish(args, bench, generator, started)
        if args.only == "launch":
            bench.launch(None)
            return _finish(args, bench, generator, started)
        ceilings = {
            "generator": bench.generator_ceiling(),
            "bare": bench.bare_ceiling(),
            "store": bench.store_ceiling(),
        }
        if args.endpoint:
            split = args.endpoint.rstrip("/").split("/", 3)
            base = "/".join(split[:3]) + "/"
            path = "/" + (split[3] + "/" if len(split) > 3 else "") + "statements"
            endpoint = Endpoint(base, path, basic_auth(args.user, args.password), args.server_pid)
            bench.ingest(endpoint, ceilings)
            bench.load(endpoint, args.stored, QUERY_RESERVE, "the queries")
            bench.queries(endpoint)
            bench.reports(None)
        else:
            with our_server(workdir, args.database_url) as endpoint:
                bench.ingest(endpoint, ceilings)
                if args.only == "ingest":
                    return _finish(args, bench, generator, started)
                reserve = QUERY_RESERVE + REPORT_RESERVE
                bench.load(endpoint, args.stored, reserve, "the queries")
                bench.queries(endpoint)
                bench.load(endpoint, args.report_stored, REPORT_RESERVE, "the reports")
            bench.reports(endpoint.database)
            bench.statement_browser(endpoint.database)
            bench.launch(endpoint.database)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return _finish(args, bench, generator, started)


def _finish(args: argparse.Namespace, bench: Bench, generator: Generator, started: float) -> int:
    elapsed = time.monotonic() - started
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "command": "python -m benchmarks.run " + " ".join(sys.argv[1:]),
        "endpoint": args.endpoint
        or "lrs-bridge (started by the benchmark, "
        + ("PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite")
        + ")",
        "generator": generator.name,
        "machine": machine(),
        "elapsed_s": round(elapsed),
        "statements_stored_for_queries": bench.stored_at_query,
        "rows": [asdict(row) for row in bench.rows],
        "targets": targets(bench.rows),
        "notes": bench.notes,
    }
    print()
    print(table(bench.rows))
    print()
    for target in result["targets"]:
        print(f"{'met ' if target['met'] else 'MISS'}  {target['target']}: {target['measured']}")
    for note in bench.notes:
        print("note:", note)
    for name, path in bench.profiles.items():
        print(f"\nhotspots of the server during {name} ({path}):")
        print(hotspot_report(parse_profile(Path(path)), 12))
    info = result["machine"]
    print(
        f"\n{info['cpus']} CPUs ({info['cpu_model']}), {info['memory_mb']} MB, "
        f"commit {result['commit']}, generator {generator.name}, {elapsed:.0f} s"
    )
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        engine = "-postgresql" if (args.database_url or "").startswith("postgres") else ""
        only = f"-{args.only}" if args.only else ""
        name = f"{datetime.now(UTC):%Y-%m-%d}-{result['commit']}{engine}{only}.json"
        (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {RESULTS.relative_to(ROOT) / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
