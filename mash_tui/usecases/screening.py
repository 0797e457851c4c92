"""Provides the screening use-cases: consent, partner checks, Level of Need, decision, submit."""

from __future__ import annotations

from mash_tui.domain import rules
from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.errors import JustificationRequired, ValidationFailed
from mash_tui.domain.inputs import ConsentInput, DecisionInput, LevelInput, PartnerCheckInput
from mash_tui.domain.states import ConsentOutcome, ContactState, NextStep, needs_override
from mash_tui.store.audit import snapshot
from mash_tui.store.tables import Contact, PartnerCheck
from mash_tui.usecases.guards import (
    refuse,
    require_assigned,
    require_consent,
    require_editable,
)
from mash_tui.usecases.tx import Tx

__all__ = ["log_partner_check", "record_consent", "record_decision", "set_level", "submit"]

CONSENT_FIELDS = [
    "consent_sought",
    "consent_sought_by",
    "consent_sought_from",
    "consent_method",
    "consent_outcome",
    "consent_recorded_at",
    "override_grounds",
    "override_lawful_basis",
    "override_rationale",
    "override_authorised_by_id",
    "override_authorised_at",
]
DECISION_FIELDS = [
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "mismatch_justification",
    "decided_at",
    "decided_by_id",
]


def record_consent(
    tx: Tx, actor: str, contact_id: int, version: int | None, consent: ConsentInput
) -> Contact:
    """Record consent, or the grounds and rationale for proceeding without it."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    require_editable(contact)
    refuse(rules.check_consent(consent))
    before = snapshot(contact, CONSENT_FIELDS)
    override = needs_override(consent.outcome)
    new = {
        "consent_sought": consent.sought,
        "consent_sought_by": consent.sought_by.strip(),
        "consent_sought_from": consent.sought_from.strip(),
        "consent_method": consent.method.strip(),
        "consent_outcome": ConsentOutcome(consent.outcome),
        "override_grounds": consent.grounds.strip() if override else "",
        "override_lawful_basis": consent.lawful_basis.strip() if override else "",
        "override_rationale": consent.rationale.strip() if override else "",
    }
    # A changed override needs a fresh authorisation.
    if any(getattr(contact, k) != v for k, v in new.items()):
        contact.override_authorised_by_id = None
        contact.override_authorised_at = None
    for key, value in new.items():
        setattr(contact, key, value)
    contact.consent_recorded_at = tx.now
    return tx.save(contact, user, "consent", before)


def log_partner_check(
    tx: Tx, actor: str, contact_id: int, check: PartnerCheckInput
) -> PartnerCheck:
    """Log what a partner agency was asked and shared, and why."""
    refuse(rules.check_partner(check, tx.now))
    user = tx.person(actor)
    contact = tx.load(contact_id, None)
    require_assigned(user, contact)
    require_editable(contact)
    assert user.id is not None
    row = PartnerCheck(
        contact_id=contact_id,
        agency=check.agency.strip(),
        requested=check.requested.strip(),
        shared=check.shared.strip(),
        purpose=check.purpose.strip(),
        checked_at=ensure_utc(check.checked_at) if check.checked_at else tx.now,
        recorded_by_id=user.id,
    )
    tx.session.add(row)
    tx.session.flush()
    tx.created(user, "partner_check", row, contact_id)
    return row


def set_level(
    tx: Tx, actor: str, contact_id: int, version: int | None, choice: LevelInput
) -> Contact:
    """Record the Level of Need against the framework in force, keeping its version."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    require_editable(contact)
    refuse(rules.check_level(choice, tx.framework))
    before = snapshot(contact, ["framework_id", "framework_version", "level", "level_rationale"])
    contact.framework_id = tx.framework.id
    contact.framework_version = tx.framework.version
    contact.level = choice.level
    contact.level_rationale = choice.rationale.strip()
    return tx.save(contact, user, "level", before)


def record_decision(
    tx: Tx, actor: str, contact_id: int, version: int | None, decision: DecisionInput
) -> Contact:
    """The next step with its analysis; consent must be settled first."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    require_editable(contact)
    require_consent(contact)
    if contact.level is None:
        raise ValidationFailed({"level": "choose a Level of Need before deciding"})
    refuse(rules.check_decision(decision))
    mismatch = rules.check_mismatch(
        tx.framework, contact.level, decision.next_step, decision.mismatch_justification
    )
    if mismatch:
        raise JustificationRequired(mismatch["mismatch_justification"], "mismatch_justification")
    fits = rules.fits(tx.framework, contact.level, decision.next_step)
    before = snapshot(contact, DECISION_FIELDS)
    contact.next_step = NextStep(decision.next_step)
    contact.analysis = decision.analysis.strip()
    contact.sos_worried = decision.sos_worried.strip()
    contact.sos_working_well = decision.sos_working_well.strip()
    contact.sos_needs_to_happen = decision.sos_needs_to_happen.strip()
    contact.sos_scale = decision.sos_scale
    # A justification only explains a misfit: kept after a fitting decision it would mislead.
    contact.mismatch_justification = "" if fits else decision.mismatch_justification.strip()
    contact.decided_at = tx.now
    contact.decided_by_id = user.id
    return tx.save(contact, user, "decision", before)


def submit(tx: Tx, actor: str, contact_id: int, version: int | None) -> Contact:
    """Send a decided contact to a manager for authorisation."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    require_consent(contact)
    if contact.next_step is None or contact.decided_at is None:
        raise ValidationFailed({"next_step": "record the decision before submitting"})
    before = snapshot(contact, ["state", "submitted_at", "submitted_by_id"])
    tx.move(contact, ContactState.AWAITING_AUTHORISATION, user)
    contact.submitted_at = tx.now
    contact.submitted_by_id = user.id
    return tx.save(contact, user, "submit", before)
