"""Provides the screening use-cases: consent, partner checks, Level of Need, decision, submit."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import col, select

from mash_tui.domain import rules
from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.errors import JustificationRequired, ValidationFailed
from mash_tui.domain.inputs import ConsentInput, DecisionInput, LevelInput, PartnerCheckInput
from mash_tui.domain.states import ConsentOutcome, ContactState, NextStep, needs_override
from mash_tui.store.audit import snapshot
from mash_tui.store.tables import AuditEntry, Contact, PartnerCheck
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
# What each step's save is written over: a change to one of these by someone else since the
# screener opened the contact makes their save stale; any other change (a manager authorising
# the override, the referrer told) does not. A decision is also judged against the level.
CONSENT_EDITS = frozenset(CONSENT_FIELDS) - {
    "consent_recorded_at",
    "override_authorised_by_id",
    "override_authorised_at",
}
LEVEL_EDITS = frozenset({"framework_id", "framework_version", "level", "level_rationale"})
DECISION_EDITS = frozenset(DECISION_FIELDS) | {"level"}
# Audit entries about a contact that record no save of it (its version did not move).
NOT_SAVES = frozenset({"create", "import", "import_undone"})


def changed_since(tx: Tx, contact: Contact, version: int) -> set[str] | None:
    """The fields others' saves changed after `version`, or None when the trail cannot say.

    Every save of a contact bumps its version by one and audits the fields it changed, so
    the saves after the first `version - 1` are exactly the ones the screener has not seen.
    """
    rows = tx.session.exec(
        select(AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(col(AuditEntry.contact_id) == contact.id, AuditEntry.entity == "contact")
        .order_by(col(AuditEntry.id))
    ).all()
    saves = [(before, after) for action, before, after in rows if action not in NOT_SAVES]
    if not 1 <= version < contact.version or len(saves) != contact.version - 1:
        return None  # a history that does not add up: treat every field as changed
    changed: set[str] = set()
    for before, after in saves[version - 1 :]:
        changed |= set(before or {}) | set(after or {})
    return changed


def load_for_step(
    tx: Tx, contact_id: int, version: int | None, editing: Collection[str]
) -> Contact:
    """The contact a step is saved over, refused as stale only if what it edits moved since."""
    contact = tx.load(contact_id, None)
    if version is None or contact.version == version:
        return contact
    changed = changed_since(tx, contact, version)
    if changed is None or not changed.isdisjoint(editing):
        tx.load(contact_id, version)  # refuses with the one "changed by someone else" message
    return contact


def record_consent(
    tx: Tx, actor: str, contact_id: int, version: int | None, consent: ConsentInput
) -> Contact:
    """Record consent, or the grounds and rationale for proceeding without it."""
    user = tx.person(actor)
    contact = load_for_step(tx, contact_id, version, CONSENT_EDITS)
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
    contact = load_for_step(tx, contact_id, version, LEVEL_EDITS)
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
    contact = load_for_step(tx, contact_id, version, DECISION_EDITS)
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
