"""Weekly report benchmark: the report for recent and old weeks over the synthetic data set.

    python bench/weekly_report.py --path /tmp/mash-1M.db --reuse        # an existing data set
    python bench/weekly_report.py --path /tmp/mash-1M.db --reuse --add-indexes

Budget (design.md): the weekly report for any week, including one a year back, over
1,000,000 stored contacts <= 500 ms on SQLite. For each week it times
`weekly_summary` (with the 12-week trend) after one warm-up call and prints the
wall-clock and the process CPU time (user + system) of each run: on a busy machine the
wall clock also counts time spent waiting for a core, the CPU time does not. The weeks
run from the newest to the oldest with a full trend, through the middle of the data
set, where reading the contacts open at an instant costs most (about as many were
authorised before it as after it). `--add-indexes` first creates on the bench file the
index the repeat-contact figure would be read through (INDEXES below), which the
schema does not carry.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_synthetic import END, SPAN, build

from mash_tui.domain.clock import FrozenClock
from mash_tui.queries.weekly import IsoWeek, weekly_summary
from mash_tui.runtime import Runtime
from mash_tui.services import Services

# A covering index for the repeat-contact figure's look-up of the child's earlier contacts.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_contacts_child_received ON contacts (child_id, received_at)",
)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(services: Services, week: IsoWeek, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each of `runs` reports after one warm-up."""
    weekly_summary(services, week)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        weekly_summary(services, week)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((cpu_seconds() - start_cpu) * 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=1_000, help="open contacts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--path", help="SQLite file (default /tmp/mash-qr-N.db)")
    parser.add_argument("--reuse", action="store_true", help="use an existing file as it is")
    parser.add_argument("--add-indexes", action="store_true", help="create INDEXES first")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per week")
    args = parser.parse_args()

    path = Path(args.path or f"/tmp/mash-qr-{args.contacts}.db")
    url = f"sqlite:///{path}"
    if not (args.reuse and path.exists()):
        if path.exists():
            path.unlink()
        build(url, args.contacts, args.open, args.seed)
    runtime = Runtime(url, clock=FrozenClock(END))
    engine = runtime.engine()
    if args.add_indexes:
        with engine.begin() as conn:
            for statement in INDEXES:
                conn.exec_driver_sql(statement)
    services = runtime.services()
    last = IsoWeek.containing(END).shift(-1)
    with engine.connect() as conn:
        indexes = sorted(
            str(name)
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts'"
            )
            if not str(name).startswith("sqlite_")
        )
    print(f"## Weekly report ({args.contacts:,} contacts, SQLite)")
    print(f"- Indexes on contacts: {', '.join(indexes)}")
    for label, week in (
        ("last complete week", last),
        ("a year back", last.shift(-52)),
        ("a year and a half back", last.shift(-78)),
        ("two years back", last.shift(-104)),
        ("two and a half years back", last.shift(-130)),
        ("the oldest week with a full trend", IsoWeek.containing(END - SPAN).shift(12)),
    ):
        wall, cpu = timed(services, week, args.runs)
        print(
            f"- {week.label} ({label}): wall median {statistics.median(wall):.0f} ms "
            f"(max {max(wall):.0f}), CPU median {statistics.median(cpu):.0f} ms "
            f"(max {max(cpu):.0f}), {args.runs} runs"
        )
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
