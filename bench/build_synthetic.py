"""A fixed synthetic data set for the store benchmarks: bulk Core inserts, no service layer.

`build(url, contacts, open_contacts, seed)` fills a freshly migrated database with about
three years of contacts ending at END, the most recent `open_contacts` of them still
open (with `is_open` and `deadline_at` set as the service layer would set them), the
rest decided and authorised. Same arguments, same rows. It is for timing queries at
scale, so it skips the audit trail and transitions; never point it at a live database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from mash_tui.domain.matching import child_keys
from mash_tui.runtime import Runtime

END = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # the data set's "now" (a Tuesday)
SPAN = timedelta(days=3 * 365)
BATCH = 10_000

SOURCES = (
    ("6",) * 30
    + ("2A",) * 18
    + ("3A", "3B", "3E", "3F") * 4
    + ("1A",) * 7
    + (
        "1B",
        "1C",
        "1D",
        "2B",
        "3C",
        "3D",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "7",
        "8",
        "9",
        "9",
        "10",
    )
)
PRIORITIES = ("amber",) * 70 + ("red",) * 15 + ("green",) * 15
STEPS_BY_LEVEL = {
    1: ("nfa", "advice"),
    2: ("advice", "early_help"),
    3: ("early_help", "assessment_s17"),
    4: ("assessment_s17", "strategy_s47"),
}
FACTORS = ("domestic_abuse", "neglect", "mental_health", "physical_abuse", "cce", "missing")
OPEN_STATES = ("screening",) * 5 + ("awaiting_authorisation",) * 3 + ("returned",)
FIRST = ("Amelia", "Oliver", "Zainab", "Jakub", "Amara", "Noah", "Priya", "Kofi", "Niamh", "Leo")
LAST = ("Smith", "Khan", "Nowak", "Okafor", "Murphy", "Patel", "Chen", "Jones", "Silva", "Osei")
CONCERN = "Synthetic benchmark contact {n}: a concern about the child's safety at home."


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _users() -> list[dict[str, Any]]:
    people = [("bench.manager1", "manager"), ("bench.manager2", "manager")]
    people += [(f"bench.screener{i}", "screener") for i in range(1, 19)]
    return [
        {
            "username": name,
            "display_name": name.replace("bench.", "").title(),
            "role": role,
            "active": True,
            "created_at": END - SPAN - timedelta(days=1),
            "created_by": "bench",
        }
        for name, role in people
    ]


def _children(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    today = END.date()
    for n in range(1, count + 1):
        born = today - timedelta(days=rng.randint(0, 17 * 365))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        gender = rng.choice("MF")
        ethnicity = rng.choice(("WBRI", "WBRI", "WBRI", "APKN", "BAFR", "WOTH", "MWBC"))
        address = f"{rng.randint(1, 200)} Synthetic Street"
        postcode = f"MT{rng.randint(1, 19)} {rng.randint(1, 9)}AB"  # drawn in this order
        yield {
            "unique_id": f"CH{n:07d}",
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "unborn": False,
            "expected_date": None,
            "gender": gender,
            "ethnicity": ethnicity,
            "address": address,
            "postcode": postcode,
            "school": "",
            "nhs_number": "",
            "upn": "",
            "created_at": END - SPAN,
            **child_keys(first, last, postcode),
        }


def _contacts(
    rng: random.Random,
    count: int,
    open_count: int,
    children: int,
    screeners: list[int],
    managers: list[int],
) -> Iterator[dict[str, Any]]:
    """Contacts in order of receipt; the last `open_count` are still open."""
    start = END - SPAN
    step = SPAN / count
    for n in range(1, count + 1):
        received = start + step * (n - 1) + step * rng.random()
        received = min(received, END - timedelta(minutes=1))
        priority = rng.choice(PRIORITIES)
        deadline = received + timedelta(hours=4 if priority == "red" else 24)
        level = rng.choice((1, 2, 2, 3, 3, 4, 4))
        screener = rng.choice(screeners)
        is_open = n > count - open_count
        row: dict[str, Any] = {
            "reference": f"MASH-{n:07d}",
            "version": 1,
            "state": "screening",
            "is_open": True,
            "child_id": rng.randint(1, children),
            "family_id": None,
            "received_at": received,
            "entered_at": received + timedelta(minutes=10),
            "entered_by_id": screener,
            "assigned_to_id": screener,
            "referrer_name": "Synthetic Referrer",
            "referrer_agency": "",
            "referrer_role": "",
            "referrer_phone": "",
            "referrer_email": "",
            "source_code": rng.choice(SOURCES),
            "concern": CONCERN.format(n=n),
            "factors": [rng.choice(FACTORS)],
            "priority": priority,
            "deadline_at": deadline,
            "consent_sought": None,
            "consent_sought_by": "",
            "consent_sought_from": "",
            "consent_method": "",
            "consent_outcome": None,
            "consent_recorded_at": None,
            "override_grounds": "",
            "override_lawful_basis": "",
            "override_rationale": "",
            "override_authorised_by_id": None,
            "override_authorised_at": None,
            "framework_id": "",
            "framework_version": "",
            "level": None,
            "level_rationale": "",
            "next_step": None,
            "analysis": "",
            "sos_worried": "",
            "sos_working_well": "",
            "sos_needs_to_happen": "",
            "sos_scale": None,
            "mismatch_justification": "",
            "decided_at": None,
            "decided_by_id": None,
            "submitted_at": None,
            "authorised_at": None,
            "authorised_by_id": None,
            "return_comment": "",
            "referrer_informed_at": None,
            "updated_at": received + timedelta(minutes=10),
        }
        if is_open:
            row["state"] = rng.choice(OPEN_STATES)
            if row["state"] != "screening":
                _decide(rng, row, level, received + timedelta(minutes=30), screener, managers)
                row["submitted_at"] = row["decided_at"]
            yield row
            continue
        hours = rng.uniform(0.5, 23.5) if rng.random() < 0.87 else rng.uniform(24, 72)
        if priority == "red" and rng.random() < 0.8:
            hours = rng.uniform(0.5, 3.9)
        authorised = received + timedelta(hours=hours)
        decided = received + timedelta(hours=hours * 0.8)
        _decide(rng, row, level, decided, screener, managers)
        row.update(
            state="authorised",
            is_open=False,
            submitted_at=decided,
            authorised_at=authorised,
            authorised_by_id=rng.choice(managers),
            referrer_informed_at=authorised + timedelta(hours=2),
            updated_at=authorised + timedelta(hours=2),
            version=8,
        )
        yield row


def _decide(
    rng: random.Random,
    row: dict[str, Any],
    level: int,
    decided: datetime,
    screener: int,
    managers: list[int],
) -> None:
    """Fill consent, level and decision as a screened contact has them."""
    given = rng.random() < 0.85
    row.update(
        consent_sought=given,
        consent_sought_by="Synthetic Screener" if given else "",
        consent_sought_from="Parent" if given else "",
        consent_method="Telephone" if given else "",
        consent_outcome="given" if given else "not_sought",
        consent_recorded_at=decided - timedelta(minutes=20),
        framework_id="mash-tui-default",
        framework_version="2026.1",
        level=level,
        level_rationale="Synthetic rationale for the level chosen.",
        next_step=rng.choice(STEPS_BY_LEVEL[level]),
        analysis="Synthetic analysis.",
        sos_worried="Synthetic worry.",
        sos_working_well="Synthetic strength.",
        sos_needs_to_happen="Synthetic plan.",
        sos_scale=rng.randint(0, 10),
        decided_at=decided,
        decided_by_id=screener,
    )
    if not given:
        row.update(
            override_grounds="Risk of significant harm",
            override_lawful_basis="UK GDPR Art 6(1)(e); DPA 2018 Sch 8 para 4",
            override_rationale="Asking for consent could put the child at greater risk of harm.",
            override_authorised_by_id=rng.choice(managers),
            override_authorised_at=decided - timedelta(minutes=10),
        )


def build(url: str, contacts: int, open_contacts: int, seed: int) -> None:
    """Migrate the database at `url` and bulk-insert the synthetic data set into it."""
    from sqlalchemy import func, select, update
    from sqlmodel import col

    from mash_tui.store.tables import Child, Contact, Counter, User

    if not 0 <= open_contacts <= contacts:
        raise ValueError("open_contacts must be between 0 and contacts")
    engine = Runtime(url).engine()  # migrated to the newest schema
    users, children, contacts_table = User.__table__, Child.__table__, Contact.__table__  # type: ignore[attr-defined]
    rng = random.Random(seed)
    child_count = max(1, int(contacts * 0.75))  # about one child in four has earlier contacts
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(contacts_table)).scalar():
            raise ValueError(f"{url} already has contacts: build into an empty database")
        conn.execute(users.insert(), _users())
        ids = conn.execute(select(users.c.id, users.c.role).order_by(users.c.id)).all()
    managers = [i for i, role in ids if role == "manager"]
    screeners = [i for i, role in ids if role == "screener"]
    for batch in _batches(_children(rng, child_count)):
        with engine.begin() as conn:
            conn.execute(children.insert(), batch)
    rows = _contacts(rng, contacts, open_contacts, child_count, screeners, managers)
    for batch in _batches(rows):
        with engine.begin() as conn:
            conn.execute(contacts_table.insert(), batch)
    with engine.begin() as conn:
        # Later service calls must number new contacts and children after these.
        for name, value in (("contact", contacts), ("child", child_count)):
            conn.execute(update(Counter).where(col(Counter.name) == name).values(value=value))
        # No ANALYZE on SQLite: a council's database never has planner statistics either.
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE contacts")
    engine.dispose()
