"""Provides the plain helpers the screens share: countdown wording, form payloads and their parsing.

Nothing here imports Textual or SQLAlchemy, so it is cheap to import before the first
paint and easy to test on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mash_tui.domain.clock import (
    format_left,
    format_local,
    format_span,
    parse_day,
    parse_local,
)
from mash_tui.domain.deadlines import ClockState, clock_state, time_left
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    HouseholdInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.states import ConsentOutcome, ContactState

# Words shown beside every countdown, so the state reads without colour.
STATE_WORDS: dict[ClockState, str] = {
    ClockState.WITHIN: "ok",
    ClockState.WARNING: "SOON",
    ClockState.BREACHED: "LATE",
    ClockState.STOPPED: "done",
}

STATE_LONG: dict[ClockState, str] = {
    ClockState.WITHIN: "on time",
    ClockState.WARNING: "deadline near",
    ClockState.BREACHED: "deadline passed",
    ClockState.STOPPED: "clock stopped",
}

# Words for each state and (label, value) for each consent outcome, from the one vocabulary.
STATE_NAMES: dict[str, str] = {state.value: state.label for state in ContactState}

CONSENT_OUTCOMES: tuple[tuple[str, str], ...] = tuple(
    (outcome.label, outcome.value) for outcome in ConsentOutcome
)

PRIORITIES: tuple[tuple[str, str], ...] = (
    ("Red", "red"),
    ("Amber", "amber"),
    ("Green", "green"),
)


@dataclass(frozen=True)
class Countdown:
    """What a countdown shows at one instant: the state, its word and the time left."""

    state: ClockState
    word: str
    left: timedelta  # negative once the deadline has passed
    stopped: bool = False

    @property
    def cell(self) -> str:
        """Compact form for a table column: a word then whole minutes ('LATE by 6h 38m')."""
        return f"{self.word:<5}{format_left(self.left)}"

    @property
    def long(self) -> str:
        """Sentence form for a contact's own header, to the second, truncated like the cell."""
        span = format_span(self.left, seconds=True)
        if self.stopped:  # authorised: say how it ended, not a time left
            if self.left < timedelta(0):
                return f"{span} after its deadline"
            return f"with {span} to spare"
        if self.left < timedelta(0):
            return f"by {span} ({STATE_LONG[self.state]})"
        return f"{span} left ({STATE_LONG[self.state]})"


def countdown(
    deadline: datetime,
    now: datetime,
    warning_hours: float,
    stopped_at: datetime | None = None,
) -> Countdown:
    """The countdown for a deadline, frozen at the stop time once a contact is authorised."""
    state = clock_state(deadline, now, warning_hours, stopped_at)
    left = time_left(deadline, stopped_at if stopped_at is not None else now)
    return Countdown(state, STATE_WORDS[state], left, stopped_at is not None)


# ------------------------------------------------------------------ dates typed by people
def show_day(day: date | None) -> str:
    """A date as people here write it."""
    return day.strftime("%d/%m/%Y") if day else ""


# ------------------------------------------------------------------ intake payloads
CHILD_KEYS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "unborn",
    "expected_date",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "school",
    "nhs_number",
    "existing_child_id",
)
REFERRER_KEYS = (
    "referrer_name",
    "referrer_agency",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
)


def blank_child() -> dict[str, Any]:
    """A child form with nothing typed yet."""
    return {
        "first_name": "",
        "last_name": "",
        "date_of_birth": "",
        "unborn": False,
        "expected_date": "",
        "gender": "U",
        "ethnicity": "NOBT",
        "address": "",
        "postcode": "",
        "school": "",
        "nhs_number": "",
        "existing_child_id": None,
    }


def blank_intake(now: datetime) -> dict[str, Any]:
    """A new intake form: received now (UK time), one empty child."""
    payload: dict[str, Any] = {
        "received_at": format_local(now),
        "source_code": "",
        "concern": "",
        "factors": [],
        "priority": "amber",
        "children": [blank_child()],
        "household": [],
    }
    for key in REFERRER_KEYS:
        payload[key] = ""
    return payload


def intake_from_payload(payload: dict[str, Any]) -> tuple[IntakeInput | None, dict[str, str]]:
    """Turn typed intake text into an IntakeInput, or say which fields cannot be read."""
    errors: dict[str, str] = {}
    received: datetime | None = None
    try:
        received = parse_local(str(payload.get("received_at", "")))
    except ValueError as exc:
        errors["received_at"] = str(exc)
    children: list[ChildInput] = []
    for index, raw in enumerate(payload.get("children", [])):
        dob = expected = None
        try:
            dob = parse_day(str(raw.get("date_of_birth", "")))
        except ValueError as exc:
            errors[f"children[{index}].date_of_birth"] = str(exc)
        try:
            expected = parse_day(str(raw.get("expected_date", "")))
        except ValueError as exc:
            errors[f"children[{index}].expected_date"] = str(exc)
        children.append(
            ChildInput(
                first_name=str(raw.get("first_name", "")),
                last_name=str(raw.get("last_name", "")),
                date_of_birth=dob,
                unborn=bool(raw.get("unborn", False)),
                expected_date=expected,
                gender=str(raw.get("gender") or "U"),
                ethnicity=str(raw.get("ethnicity") or "NOBT"),
                address=str(raw.get("address", "")),
                postcode=str(raw.get("postcode", "")),
                school=str(raw.get("school", "")),
                nhs_number=str(raw.get("nhs_number", "")),
                existing_child_id=raw.get("existing_child_id"),
            )
        )
    household: list[HouseholdInput] = []
    for index, raw in enumerate(payload.get("household", [])):
        if not any(str(raw.get(k, "")).strip() for k in ("name", "relationship", "date_of_birth")):
            continue
        dob = None
        try:
            dob = parse_day(str(raw.get("date_of_birth", "")))
        except ValueError as exc:
            errors[f"household[{index}].date_of_birth"] = str(exc)
        if not str(raw.get("name", "")).strip():
            errors[f"household[{index}].name"] = "give the household member's name"
        household.append(
            HouseholdInput(
                name=str(raw.get("name", "")),
                relationship=str(raw.get("relationship", "")),
                date_of_birth=dob,
                notes=str(raw.get("notes", "")),
            )
        )
    if errors or received is None:
        return None, errors
    intake = IntakeInput(
        received_at=received,
        source_code=str(payload.get("source_code") or ""),
        concern=str(payload.get("concern", "")),
        children=children,
        factors=[str(f) for f in payload.get("factors", [])],
        priority=str(payload.get("priority") or "amber"),
        household=household,
        **{key: str(payload.get(key, "")) for key in REFERRER_KEYS},
    )
    return intake, {}


# ------------------------------------------------------------------ step payloads
def consent_from_payload(payload: dict[str, Any]) -> tuple[ConsentInput | None, dict[str, str]]:
    """The consent step as typed; an outcome must be chosen before anything else is read."""
    outcome = str(payload.get("outcome") or "")
    if not outcome:
        return None, {"outcome": "choose given, refused or not sought"}
    return (
        ConsentInput(
            outcome=outcome,
            sought_by=str(payload.get("sought_by", "")),
            sought_from=str(payload.get("sought_from", "")),
            method=str(payload.get("method", "")),
            grounds=str(payload.get("grounds", "")),
            lawful_basis=str(payload.get("lawful_basis", "")),
            rationale=str(payload.get("rationale", "")),
        ),
        {},
    )


def check_from_payload(
    payload: dict[str, Any],
) -> tuple[PartnerCheckInput | None, dict[str, str]]:
    """A partner check as typed; the time is optional and read as UK time."""
    when: datetime | None = None
    text = str(payload.get("checked_at", "")).strip()
    if text:
        try:
            when = parse_local(text)
        except ValueError as exc:
            return None, {"checked_at": str(exc)}
    return (
        PartnerCheckInput(
            agency=str(payload.get("agency", "")),
            requested=str(payload.get("requested", "")),
            purpose=str(payload.get("purpose", "")),
            shared=str(payload.get("shared", "")),
            checked_at=when,
        ),
        {},
    )


def level_from_payload(payload: dict[str, Any]) -> tuple[LevelInput | None, dict[str, str]]:
    """The chosen level and its rationale; a level must be picked."""
    level = payload.get("level")
    if level in (None, ""):
        return None, {"level": "choose a Level of Need"}
    return LevelInput(level=int(level), rationale=str(payload.get("rationale", ""))), {}


def decision_from_payload(
    payload: dict[str, Any],
) -> tuple[DecisionInput | None, dict[str, str]]:
    """The decision as typed; the safety scale must be a whole number when given."""
    scale_text = str(payload.get("sos_scale", "")).strip()
    scale: int | None = None
    if scale_text:
        try:
            scale = int(scale_text)
        except ValueError:
            return None, {"sos_scale": "give a whole number from 0 to 10"}
    return (
        DecisionInput(
            next_step=str(payload.get("next_step") or ""),
            analysis=str(payload.get("analysis", "")),
            sos_worried=str(payload.get("sos_worried", "")),
            sos_working_well=str(payload.get("sos_working_well", "")),
            sos_needs_to_happen=str(payload.get("sos_needs_to_happen", "")),
            sos_scale=scale,
            mismatch_justification=str(payload.get("mismatch_justification", "")),
        ),
        {},
    )


def draft_title(kind: str, payload: dict[str, Any]) -> str:
    """A one-line description of a saved draft, for offering it back."""
    if kind == "intake":
        names = [
            f"{c.get('first_name', '')} {c.get('last_name', '')}".strip()
            for c in payload.get("children", [])
        ]
        named = ", ".join(n for n in names if n) or "no child named yet"
        return f"New contact: {named} (received {payload.get('received_at', '')})"
    reference = payload.get("reference", "")
    return f"Unsaved changes to {reference or 'a contact'}"


def age_text(dob: date | None, today: date) -> str:
    """Age in whole years, for the known-children list."""
    if dob is None:
        return ""
    years = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return f"{years}y"
