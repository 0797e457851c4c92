"""Builders for report fixtures: contacts created through Services at exact instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from mash_tui.clock import FrozenClock
from mash_tui.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.models import Contact
from mash_tui.services import Services

OVERRIDE_RATIONALE = (
    "The school describes repeated injuries and the parent refused consent, so sharing "
    "with police and health is needed to judge the risk of significant harm today"
)

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
            c = services.authorise_override("mgr", made.id, c.version)
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
        services.authorise("mgr", made.id, c.version)
    return made
