"""Provides the front door's vocabulary: roles, contact states, consent outcomes, next steps.

Every comparison against one of these values is made through the enums and the named
predicates here, so a screen, a report and the importer cannot drift apart on what
"open", "needs an override" or "may authorise" mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """What a person may do: screeners decide, managers authorise, admins run the team, and
    performance and quality-assurance officers (reporting) read, report, export and verify
    the audit without screening anything."""

    SCREENER = "screener"
    MANAGER = "manager"
    ADMIN = "admin"
    REPORTING = "reporting"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def needed_by(self) -> str:
        """Who may do an act that needs this role, in words for a refusal."""
        return _NEEDED_BY[self]


# The screening ladder; the reporting role stands beside it (it never screens).
_ROLE_RANK = {Role.REPORTING: -1, Role.SCREENER: 0, Role.MANAGER: 1, Role.ADMIN: 2}
_ROLE_LABELS = {
    Role.SCREENER: "Screener",
    Role.MANAGER: "Manager",
    Role.ADMIN: "Admin",
    Role.REPORTING: "Reporting (performance and quality assurance)",
}
# Which roles may do what an act needing each role needs.
_HOLDERS: dict[Role, frozenset[Role]] = {
    Role.SCREENER: frozenset({Role.SCREENER, Role.MANAGER, Role.ADMIN}),
    Role.MANAGER: frozenset({Role.MANAGER, Role.ADMIN}),
    Role.ADMIN: frozenset({Role.ADMIN}),
    Role.REPORTING: frozenset({Role.REPORTING, Role.MANAGER, Role.ADMIN}),
}
_NEEDED_BY = {
    Role.SCREENER: "a screener or manager",
    Role.MANAGER: "a manager",
    Role.ADMIN: "an admin",
    Role.REPORTING: "a manager or a reporting (performance and quality-assurance) officer",
}


def role_at_least(role: Role | str, minimum: Role | str) -> bool:
    """Whether a role carries the rights an act needing `minimum` needs (admin >= manager >=
    screener; managers and admins also report; the reporting role only reports)."""
    return Role(role) in _HOLDERS[Role(minimum)]


def may_report(role: Role | str) -> bool:
    """Whether a role may produce the weekly report and exports and verify the audit."""
    return role_at_least(role, Role.REPORTING)


def is_manager(role: Role | str) -> bool:
    """Whether a role may authorise, return, reassign and amend (managers and admins)."""
    return role_at_least(role, Role.MANAGER)


class ContactState(StrEnum):
    """Where a contact is in its life, from intake to authorisation."""

    DRAFT = "draft"
    SCREENING = "screening"
    AWAITING_AUTHORISATION = "awaiting_authorisation"
    RETURNED = "returned"
    AUTHORISED = "authorised"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    ContactState.DRAFT: "draft",
    ContactState.SCREENING: "screening",
    ContactState.AWAITING_AUTHORISATION: "with manager",
    ContactState.RETURNED: "RETURNED",
    ContactState.AUTHORISED: "authorised",
}

# The moves a contact may make; anything else is refused.
TRANSITIONS: dict[ContactState, frozenset[ContactState]] = {
    ContactState.DRAFT: frozenset({ContactState.SCREENING}),
    ContactState.SCREENING: frozenset({ContactState.AWAITING_AUTHORISATION}),
    ContactState.AWAITING_AUTHORISATION: frozenset(
        {ContactState.AUTHORISED, ContactState.RETURNED}
    ),
    ContactState.RETURNED: frozenset({ContactState.AWAITING_AUTHORISATION}),
    ContactState.AUTHORISED: frozenset(),
}

OPEN_STATES = frozenset(set(ContactState) - {ContactState.AUTHORISED})


def can_move(current: ContactState | str, target: ContactState | str) -> bool:
    """Whether a contact may go from one state to another."""
    return ContactState(target) in TRANSITIONS[ContactState(current)]


def why_not_move(current: ContactState | str, target: ContactState | str) -> str:
    """Why a contact may not make a move, in the words a screener or manager uses ("" if it may)."""
    now, to = ContactState(current), ContactState(target)
    if to in TRANSITIONS[now]:
        return ""
    if now is ContactState.AUTHORISED:
        return "is already authorised: it has left the MASH"
    if to is ContactState.AUTHORISED or to is ContactState.RETURNED:
        if now is ContactState.RETURNED:
            return "was returned to its screener and has not been submitted again yet"
        return "has not been submitted for authorisation yet: its screener is still working on it"
    if to is ContactState.AWAITING_AUTHORISATION and now is ContactState.AWAITING_AUTHORISATION:
        return "has already been submitted and is waiting for a manager"
    return f"cannot go from {now.label} to {to.label}"


def is_open(state: ContactState | str) -> bool:
    """Whether the contact is still at the front door (its clock is running)."""
    return ContactState(state) in OPEN_STATES


def is_editable(state: ContactState | str) -> bool:
    """Whether a screener may still change the contact (not with a manager, not authorised)."""
    return ContactState(state) in {
        ContactState.DRAFT,
        ContactState.SCREENING,
        ContactState.RETURNED,
    }


def is_with_manager(state: ContactState | str) -> bool:
    """Whether the contact waits for a manager to authorise or return it."""
    return ContactState(state) is ContactState.AWAITING_AUTHORISATION


def is_returned(state: ContactState | str) -> bool:
    """Whether a manager has sent the contact back to its screener with a comment."""
    return ContactState(state) is ContactState.RETURNED


# The audit action a manager's reassignment is recorded under.
REASSIGN_ACTION = "reassign"


def was_reassigned(actions: Iterable[str]) -> bool:
    """Whether a contact's history shows it was given to someone other than its author."""
    return REASSIGN_ACTION in actions


class ConsentOutcome(StrEnum):
    """What came of asking for consent to share information."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"

    @property
    def label(self) -> str:
        return _CONSENT_LABELS[self]


_CONSENT_LABELS = {
    ConsentOutcome.GIVEN: "Given",
    ConsentOutcome.REFUSED: "Refused",
    ConsentOutcome.NOT_SOUGHT: "Not sought",
}


def needs_override(outcome: ConsentOutcome | str | None) -> bool:
    """Whether sharing goes ahead without consent, so a manager must authorise the override."""
    return (
        outcome is not None
        and outcome != ""
        and ConsentOutcome(outcome) is not (ConsentOutcome.GIVEN)
    )


def override_pending(outcome: ConsentOutcome | str | None, authorised_by: int | None) -> bool:
    """Whether an override has been asked for and no manager has authorised it yet."""
    return needs_override(outcome) and authorised_by is None


def consent_settled(outcome: ConsentOutcome | str | None, authorised_by: int | None) -> bool:
    """Whether consent lets the contact go on: given, or an authorised override."""
    if outcome is None or outcome == "":
        return False
    return not needs_override(outcome) or authorised_by is not None


class NextStep(StrEnum):
    """What happens after the MASH decision."""

    NFA = "nfa"
    ADVICE = "advice"
    EARLY_HELP = "early_help"
    ASSESSMENT_S17 = "assessment_s17"
    STRATEGY_S47 = "strategy_s47"
    TRANSFER = "transfer"
    ALREADY_OPEN = "already_open"

    @property
    def label(self) -> str:
        return _NEXT_STEP_LABELS[self]


_NEXT_STEP_LABELS = {
    NextStep.NFA: "No further action",
    NextStep.ADVICE: "Information, advice or signposting",
    NextStep.EARLY_HELP: "Early help",
    NextStep.ASSESSMENT_S17: "Child and family assessment (s17)",
    NextStep.STRATEGY_S47: "Strategy discussion (s47)",
    NextStep.TRANSFER: "Transfer to another authority",
    NextStep.ALREADY_OPEN: "Already open - pass to allocated team",
}

# Next steps by code, with the words a person reads.
NEXT_STEPS: dict[str, str] = {step.value: step.label for step in NextStep}


def label_of(value: str | None) -> str:
    """The words for a state, consent outcome or next step code; the code itself if unknown."""
    if not value:
        return ""
    for enum in (ContactState, ConsentOutcome, NextStep):
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return value
