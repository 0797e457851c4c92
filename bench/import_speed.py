"""Provides the import benchmark: `mash-tui import contacts` of the fixed synthetic file.

It builds the file (bench/build_import_csv.py), makes a fresh SQLite database with the
users the file names, imports it through the real command, checks the audit trail, and
meanwhile a second process saves something every half second through the same services
a screener's app uses, recording how long each save waited for the team's write lock.

    python bench/import_speed.py --rows 100000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from multiprocessing.synchronize import Event
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import build_import_csv


def prepare(url: str) -> None:
    from mash_tui.runtime import Runtime

    services = Runtime(url).services()
    first, *others = build_import_csv.MANAGERS
    services.add_user(None, first, "Bench Manager 1", "manager")
    for name in others:
        services.add_user(first, name, f"Bench {name}", "manager")
    for name in build_import_csv.SCREENERS:
        services.add_user(first, name, f"Bench {name}", "screener")
    services.add_user(first, "bprobe", "Bench probe", "screener")


def probe(url: str, stop: Event, waits: mp.Queue[float]) -> None:
    """Another person at work: a draft saved every half second, timed."""
    from mash_tui.runtime import Runtime

    services = Runtime(url).services()
    turn = 0
    while not stop.is_set():
        turn += 1
        started = time.perf_counter()
        try:
            services.save_draft("bprobe", "intake", {"referrer_name": f"probe {turn}"})
        except Exception as exc:  # a refused save is the finding, not a crash
            waits.put(-1.0)
            print(f"probe save failed: {exc}", file=sys.stderr)
        else:
            waits.put(time.perf_counter() - started)
        stop.wait(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--no-probe", action="store_true")
    args = parser.parse_args()

    from mash_tui.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "import.csv"
        build_import_csv.write(csv_path, args.rows, args.seed)
        url = f"sqlite:///{tmp}/bench.db"
        prepare(url)
        os.environ["MASH_TUI_USER"] = build_import_csv.MANAGERS[0]

        stop = mp.Event()
        waits: mp.Queue[float] = mp.Queue()
        worker = None
        if not args.no_probe:
            worker = mp.Process(target=probe, args=(url, stop, waits), daemon=True)
            worker.start()
        started = time.perf_counter()
        code = cli(["--database", url, "import", "contacts", str(csv_path)])
        took = time.perf_counter() - started
        stop.set()
        if worker is not None:
            worker.join(timeout=60)
        seen: list[float] = []
        while not waits.empty():
            seen.append(waits.get())
        verify_started = time.perf_counter()
        verified = cli(["--database", url, "audit", "verify"])
        verify_took = time.perf_counter() - verify_started

    if code != 0:
        raise SystemExit(f"the import was refused (exit {code}): the fixture must be valid")
    print(f"import exit {code}: {args.rows} rows in {took:.1f} s = {args.rows / took:.0f} rows/s")
    print(f"audit verify exit {verified} in {verify_took:.1f} s")
    if seen:
        ok = [w for w in seen if w >= 0]
        failed = len(seen) - len(ok)
        print(
            f"another person's saves during the import: {len(seen)}, failed {failed}, "
            f"wait median {statistics.median(ok) * 1000:.0f} ms, max {max(ok):.1f} s"
            if ok
            else f"another person's saves during the import: {len(seen)}, all failed"
        )


if __name__ == "__main__":
    main()
