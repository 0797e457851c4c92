"""Team load test: 8 screeners' processes deciding 500 contacts each, all at once.

Each process has its own engine (as each person's copy of mash-tui would) and walks
every contact through create -> consent -> level -> decision -> submit -> authorise
(the last with a manager login). Afterwards the database must hold every contact
exactly once, the audit chain must verify and no person may have seen an error.

    .venv/bin/python bench/load_test.py                 # SQLite and PostgreSQL, 8 x 500
    .venv/bin/python bench/load_test.py --backend sqlite --contacts 50
    .venv/bin/python bench/load_test.py --pg-url postgresql+psycopg://mash@127.0.0.1:5432/postgres

With no --pg-url (and no postgresql MASH_TUI_DATABASE_URL) a throwaway server is started
on loopback with scripts/pg-server and stopped afterwards. On a server you name, a fresh
database is created for the run and dropped after it, so live data is never touched.
Figures go to bench/RESULTS.md under "Team load test" (--no-write to skip).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mash_tui.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Team load test"
STEPS = ("create", "consent", "level", "decision", "submit", "authorise")


@dataclass
class WorkerResult:
    """What one process did: per-call latencies and every error it met."""

    index: int
    created: int = 0
    authorised: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Tally[str] = field(default_factory=Tally)
    first_error: str = ""
    started: float = 0.0
    finished: float = 0.0


def worker(url: str, index: int, contacts: int, barrier: Any, out: Any) -> None:
    """One person's copy of mash-tui: its own engine, working as fast as it can."""
    from mash_tui.domain.clock import SystemClock
    from mash_tui.domain.inputs import (
        ChildInput,
        ConsentInput,
        DecisionInput,
        IntakeInput,
        LevelInput,
    )

    services = Runtime(url, clock=SystemClock()).services()
    screener, manager = f"scr{index}", f"mgr{index}"
    result = WorkerResult(index, latencies={step: [] for step in STEPS})
    consent = ConsentInput("given", sought_by=screener, sought_from="Parent", method="phone")
    level = LevelInput(2, "Emerging needs that a single agency can meet with support.")
    decision = DecisionInput(
        next_step="early_help",
        analysis="Needs are emerging; the family wants help.",
        sos_worried="Missed health appointments.",
        sos_working_well="Warm relationship with the mother.",
        sos_needs_to_happen="Early help assessment.",
        sos_scale=7,
    )

    def timed(step: str, call: Any) -> Any:
        began = time.perf_counter()
        try:
            return call()
        except Exception as exc:  # every error a person would have seen is counted
            result.errors[f"{step}: {type(exc).__name__}"] += 1
            if not result.first_error:
                result.first_error = f"{step}: {type(exc).__name__}: {exc}".splitlines()[0]
            return None
        finally:
            result.latencies[step].append(time.perf_counter() - began)

    barrier.wait()
    result.started = time.perf_counter()
    for n in range(contacts):
        intake = IntakeInput(
            received_at=services.clock.now() - timedelta(minutes=30),
            source_code="3A",
            concern=f"GP worried about child {n} of process {index}: missed appointments.",
            children=[
                ChildInput(f"Child{n}", f"Load{index}", date(2018, 1, 1) + timedelta(days=n))
            ],
            referrer_name="Dr Patel",
            referrer_agency="Riverside Surgery",
        )
        made = timed("create", lambda intake=intake: services.create_contact(screener, intake))
        if not made:
            continue
        c = made[0]
        result.created += 1
        for step, call in (
            ("consent", lambda c: services.record_consent(screener, c.id, c.version, consent)),
            ("level", lambda c: services.set_level(screener, c.id, c.version, level)),
            ("decision", lambda c: services.record_decision(screener, c.id, c.version, decision)),
            ("submit", lambda c: services.submit(screener, c.id, c.version)),
            ("authorise", lambda c: services.authorise(manager, c.id, c.version, "agreed")),
        ):
            c = timed(step, lambda call=call, c=c: call(c))
            if c is None:
                break
        else:
            result.authorised += 1
    result.finished = time.perf_counter()
    services.engine.dispose()
    out.put(result)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Run:
    """The outcome of one backend's run, with the checks made afterwards."""

    backend: str
    version: str
    processes: int
    per_process: int
    wall: float
    results: list[WorkerResult]
    stored: int
    distinct_refs: int
    authorised: int
    audit_ok: bool
    audit_entries: int
    audit_message: str
    verify_seconds: float

    @property
    def expected(self) -> int:
        return self.processes * self.per_process

    @property
    def errors(self) -> Tally[str]:
        total: Tally[str] = Tally()
        for r in self.results:
            total.update(r.errors)
        return total

    @property
    def calls(self) -> int:
        return sum(len(v) for r in self.results for v in r.latencies.values())

    def latencies(self, step: str | None = None) -> list[float]:
        values = [
            x
            for r in self.results
            for name, xs in r.latencies.items()
            if step is None or name == step
            for x in xs
        ]
        return sorted(values)

    @property
    def passed(self) -> bool:
        return (
            self.stored == self.distinct_refs == self.authorised == self.expected
            and self.audit_ok
            and not self.errors
        )


def run_backend(backend: str, url: str, processes: int, contacts: int) -> Run:
    """Prepare users, start every process at once, then check what was stored."""
    import sqlalchemy as sa

    from mash_tui.store.tables import Contact

    services = Runtime(url).services()
    engine = services.engine
    services.add_user(None, "lead", "Load Lead", "admin")
    for i in range(processes):
        services.add_user("lead", f"scr{i}", f"Screener {i}", "screener")
        services.add_user("lead", f"mgr{i}", f"Manager {i}", "manager")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + str(conn.execute(sa.text("select sqlite_version()")).scalar())
        else:
            version = str(conn.execute(sa.text("show server_version")).scalar())
            version = "PostgreSQL " + version.split()[0]

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, i, contacts, barrier, out)) for i in range(processes)
    ]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)  # every process has imported and connected
    began = time.perf_counter()
    results: list[WorkerResult] = []
    deadline = began + 3600
    while len(results) < processes and time.perf_counter() < deadline:
        try:
            results.append(out.get(timeout=5))
        except Exception:
            if not any(p.is_alive() for p in procs) and out.empty():
                break
    wall = time.perf_counter() - began
    for p in procs:
        p.join(timeout=30)
        if p.is_alive():
            p.terminate()
    lost = processes - len(results)
    if lost:
        print(f"{backend}: {lost} process(es) died without reporting", file=sys.stderr)

    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(Contact)).scalar_one()
        distinct = conn.execute(
            sa.select(sa.func.count(sa.distinct(Contact.reference)))  # type: ignore[arg-type]
        ).scalar_one()
        done = conn.execute(
            sa.select(sa.func.count()).select_from(Contact).where(Contact.state == "authorised")  # type: ignore[arg-type]
        ).scalar_one()
    t = time.perf_counter()
    check = services.verify_audit("lead")
    verify_seconds = time.perf_counter() - t
    engine.dispose()
    return Run(
        backend,
        version,
        processes,
        contacts,
        wall,
        sorted(results, key=lambda r: r.index),
        stored,
        distinct,
        done,
        check.ok,
        check.entries,
        check.message,
        verify_seconds,
    )


@contextmanager
def throwaway_postgres(port: int) -> Iterator[str]:
    """A PostgreSQL server on loopback for the run only (scripts/pg-server)."""
    folder = tempfile.mkdtemp(prefix="mash-load-pg.")
    script = ROOT / "scripts" / "pg-server"
    url = subprocess.run(
        [str(script), "start", folder, str(port)], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([str(script), "stop", folder], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    import sqlalchemy as sa

    name = f"mash_load_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(runs: list[Run]) -> str:
    """The markdown section for bench/RESULTS.md."""
    first = runs[0]
    lines = [
        HEADING,
        "",
        f"`bench/load_test.py`: {first.processes} processes (multiprocessing, spawn), each its own "
        f"engine, each taking {first.per_process} contacts through create, consent, level, "
        "decision, submit and a manager's authorisation (6 service calls a contact), all "
        "starting together.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. SQLite in WAL mode with busy_timeout "
        "30 s; PostgreSQL is the throwaway loopback server of scripts/pg-server "
        "(fsync off), so its figures are an upper bound for a real server.",
        "",
        "| backend | contacts stored / expected | distinct references | authorised | audit chain "
        "| errors seen by users | wall time (s) | contacts/s | service calls/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        audit = (
            f"verified ({r.audit_entries} entries, {r.verify_seconds:.2f} s)"
            if r.audit_ok
            else f"BROKEN: {r.audit_message}"
        )
        lines.append(
            f"| {r.version} | {r.stored} / {r.expected} | {r.distinct_refs} | {r.authorised} "
            f"| {audit} | {sum(r.errors.values())} | {r.wall:.1f} | "
            f"{r.authorised / r.wall:.1f} | {r.calls / r.wall:.1f} |"
        )
    lines += [
        "",
        "Latency of one service call while all processes run (ms, nearest rank):",
        "",
        "| backend | call | count | p50 | p95 | p99 | max |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        for step in (*STEPS, None):
            xs = r.latencies(step)
            lines.append(
                f"| {r.version} | {step or '**all**'} | {len(xs)} | {ms(percentile(xs, 50))} "
                f"| {ms(percentile(xs, 95))} | {ms(percentile(xs, 99))} | {ms(xs[-1]) if xs else '-'} |"
            )
    lines.append("")
    for r in runs:
        if r.errors:
            lines.append(
                f"Errors on {r.version}: " + ", ".join(f"{k} x{v}" for k, v in r.errors.items())
            )
            first_error = next((w.first_error for w in r.results if w.first_error), "")
            lines.append(f"First: `{first_error}`")
            lines.append("")
    lines.append(
        "Writes are serialised by the single writer-lock row (`Services.write()`), so "
        "throughput is bounded by one writer at a time on both backends; latency is mostly "
        "time spent queued behind the other seven processes."
    )
    lines.append("")
    return "\n".join(lines)


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace this benchmark's section in RESULTS.md, leaving everyone else's as it is."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmark results\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADING), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        text = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    path.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--contacts", type=int, default=500, help="contacts per process")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", help="a PostgreSQL server to use (a fresh database is made)")
    parser.add_argument("--pg-port", type=int, default=54339, help="port of the throwaway server")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args(argv)

    runs: list[Run] = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="mash-load-") as folder:
            url = f"sqlite:///{folder}/load.db"
            print(f"sqlite {sqlite3.sqlite_version}: {args.processes} x {args.contacts} ...")
            runs.append(run_backend("sqlite", url, args.processes, args.contacts))
    if args.backend in ("postgres", "both"):
        env_url = os.environ.get("MASH_TUI_DATABASE_URL", "")
        server = args.pg_url or (env_url if env_url.startswith("postgresql") else "")
        if server:
            with fresh_database(server) as url:
                print(f"postgresql (given server): {args.processes} x {args.contacts} ...")
                runs.append(run_backend("postgresql", url, args.processes, args.contacts))
        else:
            with throwaway_postgres(args.pg_port) as base, fresh_database(base) as url:
                print(f"postgresql (throwaway): {args.processes} x {args.contacts} ...")
                runs.append(run_backend("postgresql", url, args.processes, args.contacts))

    section = report(runs)
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0 if all(r.passed for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
