"""Provides the refusals several use-cases share: a contact past editing, consent not settled,
and separation of duties (a screener changes only their own contacts; a manager does not
authorise their own decision)."""

from __future__ import annotations

from mash_tui.domain import rules
from mash_tui.domain.errors import (
    ConsentRequired,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from mash_tui.domain.oversight import OversightPolicy, self_authorisation_refusal
from mash_tui.domain.states import ContactState, is_editable, is_manager
from mash_tui.store.tables import Contact, User

__all__ = [
    "refuse",
    "require_assigned",
    "require_consent",
    "require_editable",
    "require_separation",
]


def refuse(errors: dict[str, str]) -> None:
    """Raise the rule errors, if any, as one refusal naming every field."""
    if errors:
        raise ValidationFailed(errors)


def require_editable(contact: Contact) -> None:
    """Refuse to change a contact that is with a manager or already authorised."""
    if is_editable(contact.state):
        return
    if ContactState(contact.state) is ContactState.AUTHORISED:
        raise InvalidTransition(
            f"{contact.reference} is authorised; a manager can change it only by an amendment"
        )
    raise InvalidTransition(
        f"{contact.reference} is waiting for a manager; it can be changed once returned"
    )


def require_consent(contact: Contact) -> None:
    """Refuse to decide, submit or authorise before consent is settled."""
    errors = rules.check_consent_settled(
        contact.consent_outcome,
        contact.override_grounds,
        contact.override_rationale,
        contact.override_authorised_by_id,
    )
    if errors:
        raise ConsentRequired(f"{contact.reference}: {errors['consent_outcome']}")


def require_assigned(user: User, contact: Contact) -> None:
    """Refuse a screener changing a contact assigned to someone else (managers may change any)."""
    if is_manager(user.role):
        return
    if contact.assigned_to_id is None or contact.assigned_to_id == user.id:
        return
    raise PermissionDenied(
        f"{contact.reference} is assigned to another screener: only they or a manager can "
        "change it (a manager can reassign it to you)"
    )


def made_by(user: User, contact: Contact) -> bool:
    """Whether this person decided or submitted the contact's decision."""
    return user.id is not None and user.id in (contact.decided_by_id, contact.submitted_by_id)


def require_separation(user: User, contact: Contact, policy: OversightPolicy) -> bool:
    """Refuse a manager authorising their own decision unless the council allows it; returns
    whether this authorisation is one (so the record and the report can flag it)."""
    if not made_by(user, contact):
        return False
    if policy.allow_self_authorisation:
        return True
    raise PermissionDenied(self_authorisation_refusal(contact.reference))
