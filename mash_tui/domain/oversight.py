"""Provides the rules of management oversight: who may authorise whose decision, and when the
manager must write a note.

A manager's note goes with every authorisation and every consent-override approval; it is
required when the decision is late (past its own deadline or the all-contacts target) or,
for a decision, when its level and next step do not usually go together. The note on a
late authorisation is the breach reason the weekly report lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mash_tui.domain.clock import ensure_utc, format_local
from mash_tui.domain.deadlines import DeadlinePolicy, target_deadline

__all__ = [
    "MIN_NOTE_CHARS",
    "OversightPolicy",
    "check_note",
    "note_reasons",
    "self_authorisation_refusal",
]

# A written note says something: a few words, not a tick.
MIN_NOTE_CHARS = 10
MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class OversightPolicy:
    """The council's oversight settings ([oversight] in settings.toml).

    `allow_self_authorisation` lets a manager authorise a decision they made themselves;
    it is meant for a team with one manager, and every such authorisation is flagged on
    the record, in the audit and in the weekly report.
    """

    allow_self_authorisation: bool = False

    @classmethod
    def from_mapping(cls, d: Mapping[str, object]) -> OversightPolicy:
        """Read the [oversight] table, refusing unknown keys and values that are not true/false."""
        known = {"allow_self_authorisation"}
        unknown = sorted(str(k) for k in d if k not in known)
        if unknown:
            raise ValueError(
                f"Unknown oversight setting(s) {', '.join(unknown)}: use allow_self_authorisation"
            )
        value = d.get("allow_self_authorisation", False)
        if not isinstance(value, bool):
            raise ValueError(
                f"Oversight setting allow_self_authorisation: {value!r} is not true or false"
            )
        return cls(allow_self_authorisation=value)


def self_authorisation_refusal(reference: str) -> str:
    """The refusal a manager reads when asked to authorise their own decision."""
    return (
        f"{reference}: you made this decision, so another manager must authorise it "
        "(a one-manager team can allow this in settings.toml, [oversight] "
        "allow_self_authorisation = true)"
    )


def note_reasons(
    *,
    now: datetime,
    received_at: datetime,
    deadline_at: datetime,
    policy: DeadlinePolicy,
    mismatch: str = "",
) -> list[str]:
    """Why the manager's note is required for an act at `now`, in words (none: optional).

    `mismatch` is the rule's own sentence when the level and next step do not usually go
    together (empty when they fit, or for a consent override).
    """
    reasons: list[str] = []
    at = ensure_utc(now)
    if at > ensure_utc(deadline_at):
        reasons.append(f"it is past its deadline ({format_local(deadline_at)})")
    target = target_deadline(received_at, policy)
    if at > target and target != ensure_utc(deadline_at):
        reasons.append(f"it has taken longer than the {policy.target_hours:g}-hour target")
    if mismatch:
        reasons.append(mismatch.split(":")[0].strip())
    return reasons


def check_note(note: str, reasons: list[str]) -> dict[str, str]:
    """A note long enough to say something when one is required; never longer than a page."""
    text = note.strip()
    if len(text) > MAX_NOTE_CHARS:
        return {"note": f"keep the note under {MAX_NOTE_CHARS} characters"}
    if reasons and len(text) < MIN_NOTE_CHARS:
        why = "; ".join(reasons)
        return {"note": f"write a note for the record ({MIN_NOTE_CHARS} characters or more): {why}"}
    return {}


# What each field a manager may amend is called, for the amend dialog and the CLI's help.
AMENDABLE_LABELS: dict[str, str] = {
    "concern": "Concern (the referrer's words)",
    "referrer_name": "Referrer's name",
    "referrer_agency": "Referrer's agency",
    "referrer_role": "Referrer's role",
    "referrer_phone": "Referrer's phone",
    "referrer_email": "Referrer's email",
    "source_code": "Contact source code (e.g. 2A)",
    "factors": "Factors (codes separated by ';')",
    "priority": "RAG priority (red, amber or green)",
    "received_at": "Received (dd/mm/yyyy hh:mm)",
    "level_rationale": "Level of Need rationale",
    "next_step": "Next step (code, e.g. early_help)",
    "analysis": "Analysis",
    "sos_worried": "What are we worried about?",
    "sos_working_well": "What's working well?",
    "sos_needs_to_happen": "What needs to happen?",
    "sos_scale": "Safety scale (0-10)",
    "mismatch_justification": "Why the level and next step differ",
    "referrer_informed_at": "Referrer told the outcome (dd/mm/yyyy hh:mm)",
}


def parse_amendment(name: str, text: str) -> object:
    """A typed value for an amended field, from what a person typed (dd/mm/yyyy hh:mm for
    times, a whole number for the safety scale, ';' between factor codes)."""
    from mash_tui.domain.clock import parse_local

    if name not in AMENDABLE_LABELS:
        known = ", ".join(sorted(AMENDABLE_LABELS))
        raise ValueError(f"'{name}' cannot be amended: choose one of {known}")
    value = text.strip()
    if name in ("received_at", "referrer_informed_at"):
        return parse_local(value)
    if name == "sos_scale":
        try:
            return int(value)
        except ValueError:
            raise ValueError(
                f"the safety scale is a whole number from 0 to 10, not '{value}'"
            ) from None
    if name == "factors":
        return [part.strip() for part in value.split(";") if part.strip()]
    if name in ("priority", "next_step"):
        return value.lower()
    return value
