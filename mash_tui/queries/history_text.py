"""Audit entries in plain English for managers: field labels, local times, names and code words.

The audit log stores field names and raw values (ISO instants in UTC, user ids, state and
code values) so that its hash chain stays exact; this module only translates them for
reading and never changes what is stored. Nothing here imports Textual or the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mash_tui.domain import codes
from mash_tui.domain.clock import format_local
from mash_tui.domain.deadlines import Priority
from mash_tui.domain.states import ConsentOutcome, ContactState

__all__ = [
    "ARROW",
    "BLANK",
    "FIELD_LABELS",
    "HIDDEN_FIELDS",
    "Change",
    "action_label",
    "code_label",
    "describe_changes",
    "field_label",
    "show_value",
]

ARROW = "→"
BLANK = "(blank)"

# What each stored field is called on the screens, so the history reads like the record.
FIELD_LABELS: dict[str, str] = {
    # Contact
    "reference": "Reference",
    "state": "State",
    "received_at": "Received",
    "entered_at": "Entered",
    "entered_by_id": "Entered by",
    "assigned_to_id": "Screener",
    "referrer_name": "Referrer",
    "referrer_agency": "Referrer's agency",
    "referrer_role": "Referrer's role",
    "referrer_phone": "Referrer's phone",
    "referrer_email": "Referrer's email",
    "source_code": "Source",
    "concern": "Concern",
    "factors": "Factors",
    "priority": "RAG",
    "deadline_at": "Due",
    "consent_sought": "Consent sought",
    "consent_sought_by": "Consent sought by",
    "consent_sought_from": "Consent sought from",
    "consent_method": "How consent was sought",
    "consent_outcome": "Consent",
    "consent_recorded_at": "Consent recorded",
    "override_grounds": "Override grounds",
    "override_lawful_basis": "Lawful basis",
    "override_rationale": "Override rationale",
    "override_authorised_by_id": "Override authorised by",
    "override_authorised_at": "Override authorised",
    "override_note": "Manager's note on the override",
    "framework_id": "Framework",
    "framework_version": "Framework version",
    "level": "Level of need",
    "level_rationale": "Level rationale",
    "next_step": "Next step",
    "analysis": "Analysis",
    "sos_worried": "What are we worried about",
    "sos_working_well": "What's working well",
    "sos_needs_to_happen": "What needs to happen",
    "sos_scale": "Safety scale (0-10)",
    "mismatch_justification": "Why the level and next step differ",
    "decided_at": "Decided",
    "decided_by_id": "Decided by",
    "submitted_at": "Submitted",
    "submitted_by_id": "Submitted by",
    "authorised_at": "Authorised",
    "authorised_by_id": "Authorised by",
    "authorisation_note": "Manager's note",
    "self_authorised": "Authorised by the person who decided",
    "return_comment": "Returned with",
    "referrer_informed_at": "Referrer told",
    # Child
    "unique_id": "Child ID",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "unborn": "Unborn",
    "expected_date": "Expected",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "address": "Address",
    "postcode": "Postcode",
    "school": "School",
    "nhs_number": "NHS number",
    "upn": "UPN",
    # Household member
    "name": "Name",
    "relationship": "Relationship",
    "notes": "Notes",
    # Partner check
    "agency": "Agency",
    "requested": "Asked for",
    "shared": "Shared",
    "purpose": "Why",
    "checked_at": "Checked",
    "recorded_by_id": "Recorded by",
}

# Database bookkeeping that says nothing to a reader (row ids, version counters, flags
# that only mirror the state); the stored entry keeps them for the hash chain.
HIDDEN_FIELDS: frozenset[str] = frozenset(
    {"id", "version", "is_open", "updated_at", "created_at", "contact_id", "child_id", "family_id"}
    # A child's match keys (mash_tui.domain.matching), derived from the names shown.
    | {"first_key", "last_key", "last_tail_key", "first_sound", "last_sound", "postcode_key"}
)

# Fields whose values are codes from the shipped reference lists in codes.toml.
_CODE_KINDS: dict[str, str] = {
    "source_code": "sources",
    "gender": "genders",
    "ethnicity": "ethnicities",
    "factors": "factors",
}

_USER_FIELDS = frozenset({"assigned_to_id"})
_DATE_FIELDS = frozenset({"date_of_birth", "expected_date"})
_STATE_WORDS = {state.value: state.label for state in ContactState}
_CONSENT_WORDS = {outcome.value: outcome.label for outcome in ConsentOutcome}
_PRIORITY_WORDS = {priority.value: priority.label for priority in Priority}

_ACTIONS: dict[str, str] = {
    "create": "Created",
    "complete_intake": "Intake completed",
    "update": "Edited",
    "consent": "Consent recorded",
    "authorise_override": "Consent override authorised",
    "level": "Level of need set",
    "decision": "Decision recorded",
    "submit": "Sent for authorisation",
    "authorise": "Authorised",
    "return": "Returned to screener",
    "reassign": "Reassigned",
    "referrer_informed": "Referrer told",
    "amend": "Amended",
    "verify": "Audit trail checked",
}

_ENTITIES: dict[str, str] = {
    "household_member": "household member",
    "partner_check": "partner check",
    "child": "child",
    "family": "family",
}


@dataclass(frozen=True)
class Change:
    """One field of an audit entry, old and new already in words ('' when blank)."""

    key: str
    label: str
    old: str
    new: str

    @property
    def line(self) -> str:
        """The change as one sentence-like line: 'Label: old → new', or just the value set."""
        if not self.old:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old} {ARROW} {self.new or BLANK}"


def _readable(key: str) -> str:
    """A stored name without a label of its own, made readable: 'foo_bar_id' -> 'Foo bar'."""
    words = key.removesuffix("_id").removesuffix("_at").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else key


def field_label(key: str) -> str:
    """The label a manager sees for a stored field name, readable even for unknown fields."""
    return FIELD_LABELS.get(key) or _readable(key)


def action_label(action: str, entity: str = "contact") -> str:
    """What an audit action means in words, naming the record when it is not the contact."""
    if entity != "contact" and action == "create":
        return f"Added {_ENTITIES.get(entity, entity.replace('_', ' '))}"
    return _ACTIONS.get(action) or _readable(action)


def code_label(kind: str, code: str) -> str:
    """A reference-list code as its words, e.g. 'Male (M)'; factor codes are only words."""
    found = codes.lookup(kind, code) if code else None
    if found is None:
        return code
    return found.label if kind == "factors" else f"{found.label} ({found.code})"


def _is_blank(value: Any) -> bool:
    """Whether a stored value means 'nothing recorded' (None, empty text or an empty list)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def _instant(value: Any, *, with_seconds: bool = False) -> str:
    """An ISO instant as UK local time; text that is not an aware instant is shown unchanged."""
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        return str(value)
    return format_local(parsed, with_seconds=with_seconds)


def _day(value: Any) -> str:
    """An ISO calendar date as dd/mm/yyyy; anything else is shown unchanged."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _user(value: Any, user_names: Mapping[int, str]) -> str:
    """A user id as the person's name, or 'user #n' when the name is not to hand."""
    try:
        user_id = int(value)
    except (TypeError, ValueError):
        return str(value)
    return user_names.get(user_id) or f"user #{user_id}"


def show_value(
    key: str,
    value: Any,
    *,
    user_names: Mapping[int, str] | None = None,
    next_steps: Mapping[str, str] | None = None,
) -> str:
    """One stored value in words for its field; '' when nothing is recorded."""
    if _is_blank(value):
        return ""
    if key in _CODE_KINDS:
        kind = _CODE_KINDS[key]
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(code_label(kind, str(item)) for item in items)
    if key == "state":
        return _STATE_WORDS.get(str(value), str(value).replace("_", " "))
    if key == "next_step":
        return (next_steps or {}).get(str(value), str(value).replace("_", " "))
    if key == "consent_outcome":
        return _CONSENT_WORDS.get(str(value), str(value).replace("_", " "))
    if key == "priority":
        return _PRIORITY_WORDS.get(str(value), str(value))
    if key in _USER_FIELDS or key.endswith("_by_id"):
        return _user(value, user_names or {})
    if key.endswith("_at"):
        return _instant(value)
    if key in _DATE_FIELDS:
        return _day(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def describe_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    user_names: Mapping[int, str] | None = None,
    next_steps: Mapping[str, str] | None = None,
) -> list[Change]:
    """What an audit entry changed, field by field in stored order, without blanks or bookkeeping."""
    before = before or {}
    after = after or {}
    keys = list(after) + [key for key in before if key not in after]
    changes: list[Change] = []
    for key in keys:
        if key in HIDDEN_FIELDS:
            continue
        raw_old, raw_new = before.get(key), after.get(key)
        if raw_old == raw_new or (_is_blank(raw_old) and _is_blank(raw_new)):
            continue
        old = show_value(key, raw_old, user_names=user_names, next_steps=next_steps)
        new = show_value(key, raw_new, user_names=user_names, next_steps=next_steps)
        if old == new and key.endswith("_at"):
            # Two instants in the same minute: show the seconds so the change is visible.
            old, new = _instant(raw_old, with_seconds=True), _instant(raw_new, with_seconds=True)
        changes.append(Change(key, field_label(key), old, new))
    return changes
