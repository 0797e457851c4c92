"""Builders for report fixtures: contacts created through Services at exact instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.queries.weekly import IsoWeek
from mash_tui.services import Services
from mash_tui.store.tables import Contact

OVERRIDE_RATIONALE = (
    "The school describes repeated injuries and the parent refused consent, so sharing "
    "with police and health is needed to judge the risk of significant harm today"
)

# The manager's note a fixture writes when the rules require one (a late decision).
LATE_NOTE = "Late: the duty team was short that day; decision checked and agreed."

STEP_LEVEL = {
    "nfa": 1,
    "advice": 2,
    "early_help": 3,
    "assessment_s17": 3,
    "strategy_s47": 4,
}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant, written as plainly as the fixtures' comments."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Made:
    """A contact made for a fixture, with what a test needs to refer back to it."""

    id: int
    reference: str
    child_id: int


def make_contact(
    services: Services,
    clock: FrozenClock,
    received: datetime,
    *,
    priority: str = "amber",
    source: str = "2A",
    child_id: int | None = None,
    child: ChildInput | None = None,
    consent: str | None = "given",
    step: str | None = "assessment_s17",
    authorised: datetime | None = None,
    entered: datetime | None = None,
) -> Made:
    """Create a contact received at an exact instant and, if asked, decide and authorise it."""
    clock.set(entered or received)
    if child_id is not None:
        person = ChildInput("x", "x", existing_child_id=child_id)
    else:
        person = child or ChildInput("Amy", "Smith", date(2016, 5, 4), gender="F", ethnicity="WBRI")
    intake = IntakeInput(
        received_at=received,
        source_code=source,
        concern="Worry reported about the child's care at home.",
        children=[person],
        referrer_name="" if source in ("9", "10") else "A Referrer",
        priority=priority,
    )
    c: Contact = services.create_contact("scr", intake)[0]
    assert c.id is not None
    made = Made(c.id, c.reference, c.child_id)
    if consent is not None:
        if consent == "given":
            given = ConsentInput("given", "scr", "parent", "phone")
            c = services.record_consent("scr", made.id, c.version, given)
        else:
            who = ("scr", "parent", "phone") if consent == "refused" else ("", "", "")
            override = ConsentInput(
                consent,
                *who,
                grounds="Risk of significant harm to the child",
                lawful_basis="Children Act 1989 s47",
                rationale=OVERRIDE_RATIONALE,
            )
            c = services.record_consent("scr", made.id, c.version, override)
            note = LATE_NOTE if services.note_reasons(c, override=True) else ""
            c = services.authorise_override("mgr", made.id, c.version, note)
    if step is not None:
        level = STEP_LEVEL[step]
        c = services.set_level(
            "scr",
            made.id,
            c.version,
            LevelInput(level, "The descriptors for this level fit the worries."),
        )
        c = services.record_decision(
            "scr",
            made.id,
            c.version,
            DecisionInput(step, "Analysis.", "Worry.", "Strengths.", "Plan.", 5),
        )
        c = services.submit("scr", made.id, c.version)
    if authorised is not None:
        clock.set(authorised)
        # A late decision (or a level and next step that differ) needs the manager's note.
        note = LATE_NOTE if services.note_reasons(c) else ""
        services.authorise("mgr", made.id, c.version, note)
    return made


W47 = IsoWeek(2026, 47)  # Monday 16 to Sunday 22 November 2026, GMT throughout.
AS_AT = utc(2026, 11, 25, 12, 0)


def build_w47(services: Services, clock: FrozenClock) -> dict[str, Made]:
    """Ten contacts around 2026-W47 whose figures are worked out by hand in the tests."""
    m: dict[str, Made] = {}
    # Two old contacts: H (356 days before I, a repeat) and J (372 days before K, not one).
    m["H"] = make_contact(
        services,
        clock,
        utc(2025, 11, 25, 10),
        authorised=utc(2025, 11, 25, 12),
        child=ChildInput("Hal", "Jones", None, gender="M"),
    )
    m["J"] = make_contact(
        services,
        clock,
        utc(2025, 11, 10, 8),
        authorised=utc(2025, 11, 10, 12),
        child=ChildInput("Jo", "Brown", None, gender="F"),
    )
    # A: received the week before, decided on Monday: 71 hours, 47 past its deadline.
    m["A"] = make_contact(services, clock, utc(2026, 11, 13, 9), authorised=utc(2026, 11, 16, 8))
    # B: 12 hours.  C: red, 6 hours (inside 24, two past its 4-hour deadline), consent refused.
    m["B"] = make_contact(services, clock, utc(2026, 11, 16, 9), authorised=utc(2026, 11, 16, 21))
    m["C"] = make_contact(
        services,
        clock,
        utc(2026, 11, 17, 10),
        priority="red",
        source="6",
        consent="refused",
        step="strategy_s47",
        authorised=utc(2026, 11, 17, 16),
    )
    # D: exactly 24 hours, exactly at its deadline: on time both ways. Consent not sought.
    m["D"] = make_contact(
        services,
        clock,
        utc(2026, 11, 18, 12),
        source="3A",
        consent="not_sought",
        step="advice",
        authorised=utc(2026, 11, 19, 12),
    )
    # E: Saturday night, authorised in the next week; open past its deadline at the week's end.
    m["E"] = make_contact(services, clock, utc(2026, 11, 21, 20), authorised=utc(2026, 11, 23, 9))
    # F: Sunday 23:30, still open; within its deadline at the week's end, past it by 25 Nov.
    m["F"] = make_contact(services, clock, utc(2026, 11, 22, 23, 30), consent=None, step=None)
    # G: the same child as B again three days later (a repeat): 30 hours.
    m["G"] = make_contact(
        services,
        clock,
        utc(2026, 11, 19, 9),
        child_id=m["B"].child_id,
        step="early_help",
        authorised=utc(2026, 11, 20, 15),
    )
    # I: H's child again (repeat within 12 months): 4 hours, source 1A.
    m["I"] = make_contact(
        services,
        clock,
        utc(2026, 11, 16, 11),
        child_id=m["H"].child_id,
        source="1A",
        step="nfa",
        authorised=utc(2026, 11, 16, 15),
    )
    # K: J's child again (over 12 months, not a repeat): open, past its deadline.
    m["K"] = make_contact(
        services, clock, utc(2026, 11, 17, 8), child_id=m["J"].child_id, consent=None, step=None
    )
    clock.set(AS_AT)
    return m


def write_import_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """An import file with the documented header and these rows (columns left out are blank)."""
    import csv

    source = Path(__file__).parent / "data" / "contacts_good.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({**dict.fromkeys(header, ""), **row})
    return path
