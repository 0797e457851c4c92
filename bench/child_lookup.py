"""Child matching at scale: the match rate of the fixed variant fixture and the time of a
lookup among 1,000,000 children.

    python bench/child_lookup.py --children 20000            # smoke run, seconds
    python bench/child_lookup.py                             # 1,000,000 children, minutes
    python bench/child_lookup.py --reuse                     # time again on the same file
    python bench/child_lookup.py --database postgresql+psycopg://...

The population is synthetic and fixed by the seed: first names and surnames drawn with a
long tail (a few surnames very common, most rare), accented and transliterated names among
them, and near namesakes of every known child in bench/child_variants.py. The known
children are written last, so a tie in the ranking (which keeps the earlier record first)
goes against them. Rows go in with bulk inserts, keyed by the same
mash_tui.domain.matching.child_keys() the use-cases call; no contacts, no audit trail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_variants import KNOWN, VARIANTS, Known

from mash_tui.domain.matching import child_keys
from mash_tui.runtime import Runtime

FIRST = [
    "Zoe",
    "Zoë",
    "Oliver",
    "Olivia",
    "Amelia",
    "Leah",
    "Lea",
    "Priya",
    "Mohammed",
    "Muhammad",
    "Mohamed",
    "Zainab",
    "Zaynab",
    "Chloe",
    "Chloé",
    "Siobhan",
    "Aoife",
    "Kacper",
    "Casper",
    "Amara",
    "Jurgen",
    "Lan",
    "Bartek",
    "Eilidh",
    "Kofi",
    "Renee",
    "Tomas",
    "Thomas",
    "Dmitri",
    "Soren",
    "Noah",
    "Jack",
    "Harry",
    "George",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Freya",
    "Lily",
    "Grace",
    "Evie",
    "Ella",
    "Poppy",
    "Sophia",
    "Oscar",
    "Leo",
    "Arthur",
    "Alfie",
    "Charlie",
    "Jacob",
    "Theo",
    "Archie",
    "Muhammad",
    "Fatima",
    "Aisha",
    "Maryam",
    "Hana",
    "Amir",
    "Yusuf",
    "Ibrahim",
    "Omar",
    "Ali",
    "Hassan",
    "Ayesha",
    "Sara",
    "Anya",
    "Nikola",
    "Jakub",
    "Lena",
    "Kasia",
    "Piotr",
    "Marta",
    "Ana",
    "Luca",
    "Sofia",
    "Mateo",
    "Niamh",
    "Ciara",
    "Sean",
    "Cian",
    "Oisin",
    "Roisin",
    "Kwame",
    "Ama",
    "Adwoa",
    "Chidi",
    "Ngozi",
    "Tunde",
    "Femi",
    "Wei",
    "Mei",
    "Jun",
    "Hoa",
    "Minh",
    "Arjun",
    "Ravi",
    "Anika",
    "Deepa",
    "Rohan",
]
COMMON = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Nowak",
    "Kowalski",
    "Wróblewska",
    "Müller",
    "Mueller",
    "Nguyen",
    "Ivanova",
    "Ivanov",
    "Lucas",
    "Stevenson",
    "Stephens",
    "O'Brien",
    "Byrne",
    "O'Callaghan",
    "Mensah",
    "Okonkwo",
    "Adeyemi",
    "Dubois",
    "Lefebvre",
    "Chaudhry",
    "Choudhury",
    "Ramaswami",
    "Sharma",
    "MacGillivray",
    "Gillies",
    "Ross",
    "Szczepański",
    "Østergaard",
    "Hashimi",
    "Al-Hassan",
]
WEIGHTS = [1 / rank for rank in range(1, len(COMMON) + 1)]
SYLLABLES = [
    "an",
    "ber",
    "cal",
    "dor",
    "el",
    "fen",
    "gar",
    "hal",
    "in",
    "jor",
    "kel",
    "lan",
    "mor",
    "nor",
    "ol",
    "par",
    "quin",
    "ros",
    "sal",
    "tor",
    "ul",
    "ven",
    "wil",
    "yar",
    "zan",
    "bro",
    "cra",
    "dre",
    "fli",
    "gro",
    "kri",
    "pla",
    "sto",
    "tri",
]
POSTCODES = [
    f"MT{d} {n}{a}{b}"
    for d in range(1, 20)
    for n in range(1, 10)
    for a in "ABDEFGH"
    for b in "HJQXY"
]


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.25:
        # A long tail (weights 1/rank): Smith is about 4 % of all children, several times
        # its share in England, so the common-surname ranges are if anything too long.
        return rng.choices(COMMON, weights=WEIGHTS)[0]
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
    if rng.random() < 0.08:  # a double surname
        word += "-" + rng.choice(COMMON)
    return word


def _row(n: int, first: str, last: str, born: date, nhs: str, postcode: str) -> dict[str, Any]:
    return {
        "unique_id": f"CH{n:07d}",
        "first_name": first,
        "last_name": last,
        "date_of_birth": born,
        "unborn": False,
        "expected_date": None,
        "gender": "U",
        "ethnicity": "NOBT",
        "address": "",
        "postcode": postcode,
        "school": "",
        "nhs_number": nhs,
        "upn": "",
        "created_at": datetime(2026, 11, 17, tzinfo=UTC),
        **child_keys(first, last, postcode),
    }


def _population(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    today = date(2026, 11, 17)
    near = [(k.first, k.last) for k in KNOWN]
    for n in range(1, count + 1):
        born = today - timedelta(days=rng.randint(0, 17 * 365))
        if rng.random() < 0.002:  # a namesake of a known child, born another day
            first, last = rng.choice(near)
        else:
            first, last = rng.choice(FIRST), _surname(rng)
        yield _row(n, first, last, born, "", rng.choice(POSTCODES))


def build(url: str, count: int, seed: int) -> None:
    from sqlalchemy import func, select

    from mash_tui.store.tables import Child

    engine = Runtime(url).engine()
    table = Child.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(table)).scalar():
            raise SystemExit(f"{url} already has children: use --reuse or an empty database")
    rng = random.Random(seed)
    batch: list[dict[str, Any]] = []
    rows = list(_population(rng, count))
    rows += [_known(count + i + 1, k) for i, k in enumerate(KNOWN)]
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            with engine.begin() as conn:
                conn.execute(table.insert(), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(table.insert(), batch)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE children")
    engine.dispose()


def _known(n: int, k: Known) -> dict[str, Any]:
    return _row(n, k.first, k.last, k.born, k.nhs, k.postcode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database", default="sqlite:////tmp/mash-bench-children.db")
    parser.add_argument("--reuse", action="store_true", help="time on the database as it is")
    parser.add_argument("--random", type=int, default=300, help="population lookups to time")
    args = parser.parse_args()
    if not args.reuse:
        if args.database.startswith("sqlite:///"):
            path = Path(args.database.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        build(args.database, args.children, args.seed)
        print(f"built {args.children:,} children in {time.perf_counter() - started:.0f} s")
    services = Runtime(args.database).services()
    ids = {}
    with services.read() as session:
        from sqlmodel import col, select

        from mash_tui.store.tables import Child

        for k in KNOWN:
            child = session.exec(
                select(Child)
                .where(
                    col(Child.first_name) == k.first,
                    col(Child.last_name) == k.last,
                    col(Child.date_of_birth) == k.born,
                )
                .order_by(col(Child.id).desc())
            ).first()
            assert child is not None
            ids[k.key] = child.id
    services.find_children("Zoe", "Smith", date(2017, 1, 1))  # warm-up
    times, top1, top5, missed = [], 0, 0, []
    for v in VARIANTS:
        started = time.perf_counter()
        found = services.find_children(v.first, v.last, v.born, v.nhs, v.postcode)
        times.append((time.perf_counter() - started) * 1000)
        ranks = [m.child.id for m in found]
        if ranks[:1] == [ids[v.key]]:
            top1 += 1
        if ids[v.key] in ranks[:5]:
            top5 += 1
        if ranks[:1] != [ids[v.key]]:
            where = f"rank {ranks.index(ids[v.key]) + 1}" if ids[v.key] in ranks else "not found"
            missed.append(f"{v.kind}: {v.first} {v.last} {v.born or ''}: {where}")
    rng = random.Random(args.seed + 1)
    population = []
    with services.read() as session:
        from sqlalchemy import text

        for _ in range(args.random):
            n = rng.randint(1, args.children)
            population.append(
                session.execute(
                    text(
                        "SELECT first_name, last_name, date_of_birth, postcode FROM children WHERE id = :n"
                    ),
                    {"n": n},
                ).one()
            )
    random_times = []
    for first, last, born, postcode in population:
        typed = last[: max(3, len(last) // 2)] if rng.random() < 0.5 else last
        started = time.perf_counter()
        services.find_children(first, typed, born, "", postcode if rng.random() < 0.3 else "")
        random_times.append((time.perf_counter() - started) * 1000)
    total = len(VARIANTS)
    print(
        f"variants: {total}; rank 1: {top1} ({top1 / total:.0%}); top 5: {top5} ({top5 / total:.0%})"
    )
    for line in missed:
        print(f"  not at rank 1: {line}")
    for name, values in (("variant lookups", times), ("population lookups", random_times)):
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"{name}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
