"""Provides the refusals several use-cases share: a contact past editing, consent not settled."""

from __future__ import annotations

from mash_tui.domain import rules
from mash_tui.domain.errors import ConsentRequired, InvalidTransition, ValidationFailed
from mash_tui.domain.states import ContactState, is_editable
from mash_tui.store.tables import Contact

__all__ = ["refuse", "require_consent", "require_editable"]


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
