"""Provides the fixed synthetic import file for the import benchmark.

The same arguments always write the same file, byte for byte: a mix of authorised,
decided-awaiting and open contacts, sibling referrals sharing a family reference, and
consent overrides authorised by a manager, every row valid under the default framework
and the import rules (docs/import.md). The users it names are MANAGERS and SCREENERS.

    python bench/build_import_csv.py --rows 100000 --output /tmp/import-100k.csv
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# The last instant any imported step happens at (UK time); the benchmark's clock is later.
UNTIL = datetime(2026, 11, 16, 17, 0, tzinfo=LONDON)
SPAN_DAYS = 730

MANAGERS = ("bmgr1", "bmgr2")
SCREENERS = ("bscr1", "bscr2", "bscr3", "bscr4")

HEADER = [
    "family_ref", "received_at", "referrer_name", "referrer_agency", "referrer_role",
    "referrer_phone", "referrer_email", "source_code", "concern", "factors", "priority",
    "screener", "child_first_name", "child_last_name", "child_date_of_birth", "child_unborn",
    "child_expected_date", "child_gender", "child_ethnicity", "child_address", "child_postcode",
    "child_school", "child_nhs_number", "child_upn", "consent_outcome", "consent_sought_by",
    "consent_sought_from", "consent_method", "consent_grounds", "consent_lawful_basis",
    "consent_rationale", "override_authorised_by", "override_authorised_at", "level",
    "level_rationale", "next_step", "analysis", "sos_worried", "sos_working_well",
    "sos_needs_to_happen", "sos_scale", "mismatch_justification", "decided_by", "decided_at",
    "authorised_by", "authorised_at", "referrer_informed_at",
]  # fmt: skip

FIRST = ("Ada", "Ben", "Cara", "Dev", "Ela", "Finn", "Gia", "Hari", "Isla", "Jon", "Kai", "Lena")
LAST = ("Nowak", "Patel", "Okafor", "Smith", "Jones", "Kowalski", "Ahmed", "Murphy", "Ó Briain")
SOURCES = ("1A", "2A", "3A", "3B", "4", "5A", "6", "8", "9")
FITS = {1: ("nfa", "advice"), 2: ("advice", "early_help"), 3: ("early_help", "assessment_s17"),
        4: ("assessment_s17", "strategy_s47")}  # fmt: skip
RATIONALE = (
    "Police attended an incident and the risk to the child of further harm is high enough "
    "that telling the parents first could place the child at greater risk."
)


def nhs_number(serial: int) -> str:
    """A 10-digit number with a valid modulus 11 check digit, unique per serial."""
    for step in range(11):
        body = f"{400000000 + serial * 11 + step:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
    raise AssertionError("one of eleven neighbours always has a check digit")


def local(dt: datetime) -> str:
    """UK wall time, or ISO 8601 with its offset in the hour the autumn change repeats."""
    wall = dt.astimezone(LONDON)
    naive = wall.replace(tzinfo=None)
    if (
        naive.replace(tzinfo=LONDON, fold=0).utcoffset()
        != naive.replace(tzinfo=LONDON, fold=1).utcoffset()
    ):
        return wall.isoformat(timespec="minutes")
    return wall.strftime("%d/%m/%Y %H:%M")


def rows(count: int, seed: int) -> list[dict[str, str]]:
    """The rows of the file: referrals of one to three children until `count` rows."""
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    referral = 0
    while len(out) < count:
        referral += 1
        children = 1 if rng.random() < 0.85 else rng.choice((2, 3))
        children = min(children, count - len(out))
        # Elapsed-time arithmetic in UTC: no instant lands in the hour the spring change skips.
        received = UNTIL.astimezone(UTC) - timedelta(days=SPAN_DAYS * rng.random() ** 0.7, hours=6)
        received = received.replace(second=0, microsecond=0)
        kind = rng.random()
        override = rng.random() < 0.12
        level = rng.choice((1, 2, 2, 3, 3, 4))
        shared = {
            "family_ref": f"B{referral:07d}" if children > 1 else "",
            "received_at": local(received),
            "referrer_name": f"Referrer {referral % 997}",
            "referrer_agency": rng.choice(("Hill Primary", "Police", "GP surgery", "Housing")),
            "referrer_role": "Safeguarding lead",
            "referrer_email": f"ref{referral % 997}@agency.example.org",
            "source_code": rng.choice(SOURCES),
            "concern": f"Referral {referral}: the child was seen with an unexplained injury.",
            "factors": rng.choice(("neglect", "domestic_abuse; mental_health", "")),
            "priority": rng.choice(("red", "amber", "amber", "green")),
            "screener": rng.choice(SCREENERS),
        }
        screener = shared["screener"]
        decided = received + timedelta(hours=rng.uniform(1, 30))
        authorised = decided + timedelta(hours=rng.uniform(0.2, 6))
        if kind < 0.30:  # open, in screening, consent not yet recorded
            stage = 0
        elif kind < 0.40:  # decided, awaiting authorisation
            stage = 2
        else:
            stage = 3
        if stage and authorised > UNTIL:
            authorised = UNTIL
            decided = min(decided, UNTIL - timedelta(minutes=30))
        for index in range(children):
            serial = len(out)
            row = dict.fromkeys(HEADER, "")
            row.update(shared)
            born = received - timedelta(days=rng.randint(200, 6000))
            row.update(
                child_first_name=rng.choice(FIRST),
                child_last_name=f"{rng.choice(LAST)}-{serial}",
                child_date_of_birth=born.strftime("%d/%m/%Y"),
                child_gender=rng.choice("MFU"),
                child_ethnicity=rng.choice(("WBRI", "WOTH", "ABAN", "BAFR", "MWBC", "NOBT")),
                child_address=f"{serial % 200 + 1} Mill Lane, Northbrook",
                child_postcode=f"NB{serial % 9 + 1} {serial % 10}AB",
                child_nhs_number=nhs_number(serial) if index == 0 else "",
            )
            if stage:
                if override:
                    outcome = rng.choice(("refused", "not_sought"))
                    if outcome == "refused":
                        row.update(
                            consent_sought_by=screener,
                            consent_sought_from="Father",
                            consent_method="In person",
                        )
                    row.update(
                        consent_outcome=outcome,
                        consent_grounds="Asking would alert the adult who may have harmed the child",
                        consent_lawful_basis="Children Act 1989 s47; UK GDPR Art 6(1)(e)",
                        consent_rationale=RATIONALE,
                        override_authorised_by=rng.choice(MANAGERS),
                        override_authorised_at=local(received + (decided - received) / 2),
                    )
                else:
                    row.update(
                        consent_outcome="given",
                        consent_sought_by=screener,
                        consent_sought_from="Mother",
                        consent_method="Telephone",
                    )
                step = rng.choice(FITS[level])
                row.update(
                    level=str(level),
                    level_rationale="Needs match the descriptors for this level in the guidance.",
                    next_step=step,
                    analysis="The concern is corroborated by a second agency's information.",
                    sos_worried="Unexplained injury and missed health appointments.",
                    sos_working_well="The school knows the family and the child talks to staff.",
                    sos_needs_to_happen="The next step named here, led by the right service.",
                    sos_scale=str(rng.randint(2, 8)),
                    decided_by=screener,
                    decided_at=local(decided),
                )
            if stage == 3:
                row.update(
                    authorised_by=rng.choice(MANAGERS),
                    authorised_at=local(authorised),
                    referrer_informed_at=local(authorised) if rng.random() < 0.7 else "",
                )
            out.append(row)
    return out


def write(path: Path, count: int, seed: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows(count, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    write(args.output, args.rows, args.seed)
    print(f"wrote {args.rows} rows to {args.output}")


if __name__ == "__main__":
    main()
