"""Manager benchmarks: the queue query, the weekly report, and idle CPU with the queue open.

    python bench/queue_and_report.py --contacts 20000            # smoke run, seconds
    python bench/queue_and_report.py                             # 1,000,000 contacts, minutes
    python bench/queue_and_report.py --reuse --results bench/RESULTS.md

Budgets (design.md): queue of 1,000 open contacts over 1,000,000 stored <= 50 ms; weekly
report for any week over 1,000,000 stored <= 500 ms; idle CPU with the queue open < 3 %
of a core. The data set comes from bench/build_synthetic.py (same arguments, same rows).
Timings are wall-clock; run on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_synthetic import END, build

from mash_tui.domain.clock import ensure_utc
from mash_tui.queries.drilldown import drilldown
from mash_tui.queries.weekly import IsoWeek, weekly_summary
from mash_tui.runtime import Runtime
from mash_tui.services import Services


class RunningClock:
    """A clock that starts at the data set's 'now' and then moves in real time."""

    def __init__(self, start: datetime) -> None:
        self.start = ensure_utc(start)
        self.origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds for each of `runs` calls after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]
    return (
        f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(values):.1f} ms ({len(values)} runs)"
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def idle_cpu(services: Services, login: str, seconds: float) -> tuple[float, int, int]:
    """CPU share of one core while the manager queue sits open and ticking, headless."""
    from mash_tui.screens.manager import ManagerScreen
    from textual.widgets import DataTable

    from mash_tui.app import MashApp

    app = MashApp(Runtime.around(services), login)
    async with app.run_test(size=(130, 40)) as pilot:
        for _ in range(200):
            await pilot.pause()
            await app.workers.wait_for_complete()
            if isinstance(app.screen, ManagerScreen) and app.screen.loaded:
                break
        screen = app.screen
        assert isinstance(screen, ManagerScreen), f"the manager view did not open: {screen!r}"
        rows = len(screen.shown)
        await asyncio.sleep(1.0)  # let the first tick and layout settle
        table: DataTable[Any] = screen.query_one("#mq-table", DataTable)
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        before = dict(table.rows)
        await asyncio.sleep(seconds)
        cpu1, wall1 = cpu_seconds(), time.perf_counter()
        after = dict(table.rows)
        # Rows added or removed while idle: keys that came or went, or a row drawn anew.
        moved = len(before.keys() ^ after.keys()) + sum(
            1 for key in before.keys() & after.keys() if before[key] is not after[key]
        )
        return 100.0 * (cpu1 - cpu0) / (wall1 - wall0), rows, moved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=1_000, help="open contacts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--path", help="SQLite file (default /tmp/mash-qr-N.db)")
    parser.add_argument("--reuse", action="store_true", help="use an existing file as it is")
    parser.add_argument("--runs", type=int, default=11, help="timed runs per query")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--results", help="append the markdown section to this file")
    args = parser.parse_args()

    path = Path(args.path or f"/tmp/mash-qr-{args.contacts}.db")
    url = f"sqlite:///{path}"
    lines = [f"## Manager queue and weekly report ({args.contacts:,} contacts, SQLite)", ""]
    if not (args.reuse and path.exists()):
        if path.exists():
            path.unlink()
        start = time.perf_counter()
        build(url, args.contacts, args.open, args.seed)
        lines.append(f"- Built the data set in {time.perf_counter() - start:.0f} s ({path}).")
    services = Runtime(url, clock=RunningClock(END)).services()
    week = IsoWeek.containing(END).shift(-1)

    queue = timed(lambda: services.queue(), args.runs)
    count = len(services.queue())
    lines.append(f"- `Services.queue()` ({count} open rows): {describe(queue)}; budget 50 ms.")

    summary = weekly_summary(services, week)
    full = timed(lambda: weekly_summary(services, week), args.runs)
    lines.append(
        f"- `weekly_summary({week.label})` with the 12-week trend "
        f"({summary.count('received')} received, {summary.count('decided')} decided): "
        f"{describe(full)}; budget 500 ms."
    )
    bare = timed(lambda: weekly_summary(services, week, with_trend=False), args.runs)
    lines.append(f"- The same without the trend: {describe(bare)}.")
    old = week.shift(-52)
    year_ago = timed(lambda: weekly_summary(services, old), max(3, args.runs // 3))
    lines.append(f"- A week a year earlier ({old.label}), with trend: {describe(year_ago)}.")
    drill = timed(lambda: drilldown(services, week, "decided"), args.runs)
    lines.append(f"- `drilldown({week.label}, 'decided')`: {describe(drill)}.")
    assert all(summary.reconciliation().values()), summary.reconciliation()

    login = "bench.manager1"
    share, rows, rebuilds = asyncio.run(idle_cpu(services, login, args.idle_seconds))
    lines.append(
        f"- Idle CPU with the manager queue open ({rows} rows, headless `run_test`, "
        f"{args.idle_seconds:g} s, countdowns ticking every second, refresh every 5 s): "
        f"{share:.1f} % of one core (process CPU time / wall time); rows added or removed "
        f"while idle: {rebuilds}; budget < 3 %."
    )
    lines.append(
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}; "
        f"run {datetime.now().strftime('%Y-%m-%d')}."
    )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    services.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
