"""Provides the plain input records the UI, CLI and import fill in and the rules check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mash_tui.domain.states import ConsentOutcome


@dataclass
class ChildInput:
    """One child named in a contact; siblings each get one."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    unborn: bool = False
    expected_date: date | None = None
    gender: str = "U"
    ethnicity: str = "NOBT"
    address: str = ""
    postcode: str = ""
    school: str = ""
    nhs_number: str = ""
    upn: str = ""
    existing_child_id: int | None = None


@dataclass
class HouseholdInput:
    """Someone in the child's household."""

    name: str
    relationship: str = ""
    date_of_birth: date | None = None
    notes: str = ""


@dataclass
class IntakeInput:
    """Who told us what, when, about which children."""

    received_at: datetime
    source_code: str
    concern: str
    children: list[ChildInput]
    referrer_name: str = ""
    referrer_agency: str = ""
    referrer_role: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    factors: list[str] = field(default_factory=list)
    priority: str = "amber"
    household: list[HouseholdInput] = field(default_factory=list)


@dataclass
class ConsentInput:
    """Whether consent to share was sought and given, or why we proceed without it."""

    outcome: str
    sought_by: str = ""
    sought_from: str = ""
    method: str = ""
    grounds: str = ""
    lawful_basis: str = ""
    rationale: str = ""

    @property
    def sought(self) -> bool:
        """Whether anyone was asked (consent not sought means nobody was)."""
        return self.outcome != ConsentOutcome.NOT_SOUGHT


@dataclass
class PartnerCheckInput:
    """A check with a MASH partner agency."""

    agency: str
    requested: str
    purpose: str
    shared: str = ""
    checked_at: datetime | None = None


@dataclass
class LevelInput:
    """The Level of Need chosen and why."""

    level: int
    rationale: str


@dataclass
class DecisionInput:
    """The next step and the Signs of Safety analysis behind it."""

    next_step: str
    analysis: str
    sos_worried: str
    sos_working_well: str
    sos_needs_to_happen: str
    sos_scale: int | None
    mismatch_justification: str = ""
