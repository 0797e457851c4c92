"""Provides the managers' use-cases: authorising, returning, overrides, reassigning, amending.

Recording when the referrer was told sits here too: it follows the authorised decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import select

from mash_tui.domain import oversight as rules_of_oversight
from mash_tui.domain import rules
from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.deadlines import DeadlinePolicy
from mash_tui.domain.errors import InvalidTransition, JustificationRequired, ValidationFailed
from mash_tui.domain.levels import Framework
from mash_tui.domain.states import ContactState, Role
from mash_tui.store.audit import snapshot
from mash_tui.store.tables import Contact, User
from mash_tui.usecases.guards import (
    refuse,
    require_assigned,
    require_consent,
    require_separation,
)
from mash_tui.usecases.intake import apply_changes
from mash_tui.usecases.tx import Tx

__all__ = [
    "amend",
    "authorise",
    "authorise_override",
    "note_reasons",
    "reasons_for",
    "reassign",
    "record_referrer_informed",
    "return_contact",
]


def reasons_for(
    contact: Contact,
    framework: Framework,
    policy: DeadlinePolicy,
    now: datetime,
    *,
    override: bool = False,
) -> list[str]:
    """Why a manager's note is required to authorise this contact (or its consent override)
    at `now`; an empty list when the note is optional."""
    mismatch = ""
    if not override and contact.level is not None and contact.next_step:
        found = rules.check_mismatch(framework, contact.level, contact.next_step, "")
        mismatch = found.get("mismatch_justification", "")
    return rules_of_oversight.note_reasons(
        now=now,
        received_at=contact.received_at,
        deadline_at=contact.deadline_at,
        policy=policy,
        mismatch=mismatch,
    )


def note_reasons(tx: Tx, contact: Contact, *, override: bool = False) -> list[str]:
    """The reasons a note is required for an act in this transaction, at its instant."""
    return reasons_for(contact, tx.framework, tx.policy, tx.now, override=override)


def authorise_override(
    tx: Tx, actor: str, contact_id: int, version: int | None, note: str = ""
) -> Contact:
    """A manager agrees to share without consent, on the recorded rationale, with their note
    (required when the contact is already late)."""
    user = tx.person(actor, Role.MANAGER)
    contact = tx.load(contact_id, version)
    errors = rules.check_override_authorisable(
        contact.consent_outcome,
        contact.override_grounds,
        contact.override_rationale,
        contact.override_authorised_by_id,
    )
    if "outcome" in errors or "override" in errors:
        raise InvalidTransition(f"{contact.reference}: {next(iter(errors.values()))}")
    refuse(errors)
    note = note.strip()
    refuse(rules_of_oversight.check_note(note, note_reasons(tx, contact, override=True)))
    before = snapshot(
        contact, ["override_authorised_by_id", "override_authorised_at", "override_note"]
    )
    contact.override_authorised_by_id = user.id
    contact.override_authorised_at = tx.now
    contact.override_note = note
    return tx.save(contact, user, "authorise_override", before, note)


def authorise(tx: Tx, actor: str, contact_id: int, version: int | None, note: str = "") -> Contact:
    """A manager agrees the decision; the contact leaves the MASH and its clock stops.

    The manager's note is required when the decision is late or its level and next step
    do not fit; a manager who decided or submitted it may not authorise it unless the
    council's settings allow that (then the record says so)."""
    user = tx.person(actor, Role.MANAGER)
    contact = tx.load(contact_id, version)
    require_consent(contact)
    own = require_separation(user, contact, tx.oversight)
    note = note.strip()
    refuse(rules_of_oversight.check_note(note, note_reasons(tx, contact)))
    before = snapshot(
        contact,
        [
            "state",
            "is_open",
            "authorised_at",
            "authorised_by_id",
            "authorisation_note",
            "self_authorised",
        ],
    )
    tx.move(contact, ContactState.AUTHORISED, user, note)
    contact.authorised_at = tx.now
    contact.authorised_by_id = user.id
    contact.authorisation_note = note
    contact.self_authorised = own
    return tx.save(contact, user, "authorise", before, note)


def return_contact(
    tx: Tx, actor: str, contact_id: int, version: int | None, comment: str
) -> Contact:
    """Send a contact back to its screener with the manager's comment."""
    refuse(rules.check_return_comment(comment))
    user = tx.person(actor, Role.MANAGER)
    contact = tx.load(contact_id, version)
    before = snapshot(contact, ["state", "return_comment"])
    tx.move(contact, ContactState.RETURNED, user, comment.strip())
    contact.return_comment = comment.strip()
    return tx.save(contact, user, "return", before, comment.strip())


def reassign(tx: Tx, actor: str, contact_id: int, version: int | None, to_username: str) -> Contact:
    """Give an open contact to another screener."""
    user = tx.person(actor, Role.MANAGER)
    contact = tx.load(contact_id, version)
    if not contact.is_open:
        raise InvalidTransition(f"{contact.reference} is authorised and cannot be reassigned")
    target = tx.session.exec(select(User).where(User.username == to_username)).first()
    if target is None or not target.active:
        raise ValidationFailed({"assigned_to": f"'{to_username}' is not an active user"})
    before = snapshot(contact, ["assigned_to_id"])
    contact.assigned_to_id = target.id
    return tx.save(contact, user, "reassign", before)


def record_referrer_informed(
    tx: Tx, actor: str, contact_id: int, version: int | None, at: datetime | None = None
) -> Contact:
    """When the referrer was told the outcome (now, unless another time is given)."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    if ContactState(contact.state) is ContactState.AUTHORISED and contact.referrer_informed_at:
        raise InvalidTransition(
            f"{contact.reference}: when the referrer was told is already recorded; "
            "a manager can correct it by an amendment"
        )
    informed = ensure_utc(at) if at else tx.now
    refuse(rules.check_referrer_informed(informed, contact.received_at, tx.now))
    before = snapshot(contact, ["referrer_informed_at"])
    contact.referrer_informed_at = informed
    return tx.save(contact, user, "referrer_informed", before)


def amend(
    tx: Tx,
    actor: str,
    contact_id: int,
    version: int | None,
    changes: Mapping[str, Any],
    reason: str,
) -> Contact:
    """Change an authorised contact: managers only, with a recorded reason."""
    refuse(rules.check_amend_reason(reason))
    user = tx.person(actor, Role.MANAGER)
    contact = tx.load(contact_id, version)
    if ContactState(contact.state) is not ContactState.AUTHORISED:
        raise InvalidTransition(f"{contact.reference} is still open: edit it instead of amending")
    before = snapshot(contact, sorted(set(changes) | {"deadline_at"}))
    apply_changes(tx, contact, changes, rules.AMENDABLE_FIELDS)
    if contact.next_step and contact.level:
        mismatch = rules.check_mismatch(
            tx.framework, contact.level, contact.next_step, contact.mismatch_justification
        )
        if mismatch:
            raise JustificationRequired(
                mismatch["mismatch_justification"], "mismatch_justification"
            )
    return tx.save(contact, user, "amend", before, reason.strip())
