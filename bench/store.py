"""Store benchmark on SQLite: bulk load, the open queue, a weekly aggregate, saving a step.

    python bench/store.py --contacts 20000          # smoke run, seconds
    python bench/store.py                           # 1,000,000 contacts, minutes
    python bench/store.py --reuse --results bench/RESULTS.md

Budgets (design.md): queue of 1,000 open contacts over 1,000,000 stored <= 50 ms; weekly
report <= 1 s; saving a step <= 20 ms p95. Figures are printed as a markdown section and,
with --results, appended to a file. Timings are wall-clock on whatever else the machine
is doing, so run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_synthetic import END, build

from mash_tui.domain.clock import FrozenClock, format_local
from mash_tui.domain.inputs import ConsentInput, LevelInput
from mash_tui.runtime import Runtime


def _timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds for each of `runs` calls, after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _p(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _stats(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.1f} ms, p95 {_p(values, 95):.1f} ms, "
        f"max {max(values):.1f} ms ({len(values)} runs)"
    )


def _plan(conn: Any, sql: str, params: Any) -> list[str]:
    return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]


def _captured_sql(engine: Any, fn: Callable[[], Any]) -> tuple[str, Any]:
    """The last statement (and parameters) a call sends, to ask SQLite how it runs it."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen[-1]


def run(args: argparse.Namespace) -> str:
    path = Path(args.path or f"/tmp/mash-bench-{args.contacts}.db")
    url = f"sqlite:///{path}"
    lines = [
        f"## Store ({args.contacts:,} contacts)",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; measured "
        f"{time.strftime('%Y-%m-%d')} with `python bench/store.py --contacts {args.contacts}`.",
        f"Data: `bench/build_synthetic.py` seed {args.seed}, {args.contacts:,} contacts over "
        f"three years to {format_local(END)}, {args.open:,} open.",
        "",
    ]
    if args.reuse and path.exists():
        lines.append(f"- Build: reused {path} (not timed)")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        build(url, args.contacts, args.open, args.seed)
        took = time.perf_counter() - start
        children = max(1, int(args.contacts * 0.75))
        lines.append(
            f"- Build (Core inserts, batches of 10,000, migrations included): {took:.1f} s — "
            f"{args.contacts / took:,.0f} contacts/s, "
            f"{(args.contacts + children) / took:,.0f} rows/s with {children:,} children"
        )
    lines.append(f"- Database file: {path.stat().st_size / 1e6:,.0f} MB")
    print("\n".join(lines), flush=True)

    clock = FrozenClock(END)
    services = Runtime(url, clock=clock).services()
    engine = services.engine

    # The queue: every open contact, nearest deadline first.
    queue = services.queue()
    times = _timed(services.queue, args.runs)
    sql, params = _captured_sql(engine, services.queue)
    with engine.connect() as conn:
        plan = _plan(conn, sql, params)
        raw = _timed(lambda: conn.exec_driver_sql(sql, params).all(), args.runs)
    uses_index = any("ix_contacts_open_deadline" in step for step in plan)
    lines += [
        f"- Queue (`Services.queue()`, {len(queue):,} open rows with child and screener): "
        f"{_stats(times)} — budget 50 ms",
        f"  - the SQL alone (execute + fetch): {_stats(raw)}",
        f"  - plan: {'; '.join(plan)} — uses ix_contacts_open_deadline: "
        f"{'yes' if uses_index else 'NO'}",
    ]
    print("\n".join(lines[-3:]), flush=True)

    # A weekly aggregate over the last full ISO week, by received_at.
    from sqlalchemy import case, func, select

    from mash_tui.queries.weekly import IsoWeek
    from mash_tui.store.tables import Contact

    week = IsoWeek.containing(END).shift(-1)
    c: Any = Contact.__table__  # type: ignore[attr-defined]
    within = func.julianday(c.c.authorised_at) - func.julianday(c.c.received_at) <= 1.0
    stmt = (
        select(
            c.c.source_code,
            func.count(),
            func.count(case((within, 1))),
        )
        .where(c.c.received_at >= week.start, c.c.received_at < week.end)
        .group_by(c.c.source_code)
    )
    with engine.connect() as conn:
        result = conn.execute(stmt).all()
        times = _timed(lambda: conn.execute(stmt).all(), args.runs)
        compiled = stmt.compile(engine)
        wplan = _plan(
            conn,
            str(compiled),
            tuple(compiled.construct_params().values()),
        )
    received = sum(r[1] for r in result)
    lines += [
        f"- Weekly aggregate ({week.label}: {received:,} received, "
        f"{sum(r[2] for r in result):,} authorised within 24 h, GROUP BY source over "
        f"received_at): {_stats(times)} — plan: {'; '.join(wplan)}",
    ]
    print(lines[-1], flush=True)
    try:
        from mash_tui.queries.weekly import weekly_summary
    except ImportError:
        lines.append("- `mash_tui.queries.weekly.weekly_summary`: not present")
    else:
        report_runs = max(3, args.runs // 4)
        plain = _timed(
            lambda: weekly_summary(services, week, as_at=END, with_trend=False), report_runs
        )
        full = _timed(lambda: weekly_summary(services, week, as_at=END), report_runs)
        lines += [
            f"- `reports.weekly_summary` (every figure, splits, late list; no trend): "
            f"{_stats(plain)} — budget 1 s",
            f"- `reports.weekly_summary` with its default trend: {_stats(full)}",
        ]
        print("\n".join(lines[-2:]), flush=True)

    # Saving a step through the service layer: consent then level on open contacts.
    manager = "bench.screener1"
    editable = [r for r in queue if r.state in ("screening", "returned")][: args.steps // 2]
    consent = ConsentInput("given", "Bench Screener", "Parent", "Telephone")
    saves: list[float] = []
    for row in editable:
        clock.set(END + timedelta(seconds=len(saves)))
        start = time.perf_counter()
        saved = services.record_consent(manager, row.id, row.version, consent)
        saves.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        services.set_level(
            manager, row.id, saved.version, LevelInput(3, "Synthetic: needs fit level three.")
        )
        saves.append((time.perf_counter() - start) * 1000)
    lines.append(
        f"- Saving a step (`record_consent` then `set_level` on {len(editable)} open contacts, "
        f"each its own write transaction with its audit entry): {_stats(saves)} — "
        "budget 20 ms p95"
    )
    print(lines[-1], flush=True)
    engine.dispose()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=1_000, help="open contacts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--path", help="SQLite file (default /tmp/mash-bench-N.db)")
    parser.add_argument("--reuse", action="store_true", help="use an existing file as it is")
    parser.add_argument("--runs", type=int, default=21, help="timed runs per query")
    parser.add_argument("--steps", type=int, default=200, help="saves to time")
    parser.add_argument("--results", help="append the markdown section to this file")
    args = parser.parse_args(argv)
    section = run(args)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as out:
            out.write("\n" + section)
        print(f"appended to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
