"""Provides the intake use-cases: logging a contact, completing a draft, editing its details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mash_tui.domain import matching, normal, rules
from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.deadlines import Priority, deadline_for
from mash_tui.domain.errors import ValidationFailed
from mash_tui.domain.inputs import ChildInput, HouseholdInput, IntakeInput
from mash_tui.domain.linking import CHILD_DETAILS, merge_known_child
from mash_tui.domain.states import ContactState
from mash_tui.store.audit import snapshot
from mash_tui.store.tables import Child, Contact, Family, HouseholdMember, User, new_row
from mash_tui.usecases.guards import refuse, require_assigned, require_editable
from mash_tui.usecases.tx import Tx

__all__ = [
    "add_household_member",
    "apply_changes",
    "complete_intake",
    "create_contact",
    "update_contact",
]


def create_contact(
    tx: Tx, actor: str, intake: IntakeInput, *, draft: bool = False
) -> list[Contact]:
    """Log a contact: one per child, siblings linked as a family."""
    user = tx.person(actor)
    errors = rules.check_intake(intake, tx.now)
    refuse(rules.draft_errors(errors) if draft else errors)
    received = ensure_utc(intake.received_at)
    family_id = None
    if len(intake.children) > 1:
        family = new_row(
            Family,
            id=tx.new_id(Family),
            reference=f"FAM-{tx.next('family'):06d}",
            created_at=tx.now,
        )
        tx.add(family)
        family_id = family.id
        tx.created(user, "family", family)
    created: list[Contact] = []
    for child_input in intake.children:
        child = _child(tx, child_input, user)
        assert child.id is not None and user.id is not None
        contact = new_row(
            Contact,
            id=tx.new_id(Contact),
            reference=f"MASH-{tx.next('contact'):07d}",
            state=ContactState.DRAFT if draft else ContactState.SCREENING,
            is_open=True,
            child_id=child.id,
            family_id=family_id,
            received_at=received,
            entered_at=tx.now,
            entered_by_id=user.id,
            assigned_to_id=user.id,
            referrer_name=intake.referrer_name.strip(),
            referrer_agency=intake.referrer_agency.strip(),
            referrer_role=intake.referrer_role.strip(),
            referrer_phone=intake.referrer_phone.strip(),
            referrer_email=intake.referrer_email.strip(),
            source_code=intake.source_code,
            concern=intake.concern,
            factors=sorted(set(intake.factors)),
            priority=Priority.parse(intake.priority),
            deadline_at=deadline_for(received, intake.priority, tx.policy),
            updated_at=tx.now,
        )
        tx.add(contact)
        assert contact.id is not None
        for member in intake.household:
            tx.session.add(_member(contact.id, member))
        tx.created(user, "contact", contact, contact.id)
        created.append(contact)
    return created


def _member(contact_id: int, member: HouseholdInput) -> HouseholdMember:
    return HouseholdMember(
        contact_id=contact_id,
        name=member.name.strip(),
        relationship=member.relationship.strip(),
        date_of_birth=member.date_of_birth,
        notes=member.notes,
    )


def _child(tx: Tx, data: ChildInput, user: User) -> Child:
    """The child on record, or a new record made from what was typed."""
    if data.existing_child_id is not None:
        child = tx.get(Child, data.existing_child_id)
        if child is None:
            raise ValidationFailed({"existing_child_id": "that child record no longer exists"})
        _bring_up_to_date(tx, child, data, user)
        return child
    first_name, last_name = data.first_name.strip() or "Unborn", data.last_name.strip()
    postcode = data.postcode.strip().upper()
    child = new_row(
        Child,
        id=tx.new_id(Child),
        unique_id=f"CH{tx.next('child'):07d}",
        first_name=first_name,
        last_name=last_name,
        date_of_birth=None if data.unborn else data.date_of_birth,
        unborn=data.unborn,
        expected_date=data.expected_date if data.unborn else None,
        gender=data.gender,
        ethnicity=data.ethnicity,
        address=data.address,
        postcode=postcode,
        school=data.school.strip(),
        nhs_number=normal.nhs_number(data.nhs_number),
        upn=data.upn.strip(),
        created_at=tx.now,
        # The one place a child's match keys are made: every path that records a child
        # (the app, the CLI, the import, the demo) comes through here.
        **matching.child_keys(first_name, last_name, postcode),
    )
    tx.add(child)
    tx.created(user, "child", child)
    return child


def _bring_up_to_date(tx: Tx, child: Child, data: ChildInput, user: User) -> None:
    """Store on the known child what this contact says differently (a new school, say)."""
    typed = {name: getattr(data, name) for name in CHILD_DETAILS}
    _fill, changed = merge_known_child(snapshot(child, list(CHILD_DETAILS)), typed)
    if data.unborn:
        changed.pop("date_of_birth", None)
    if not changed:
        return
    before = snapshot(child, sorted(changed))
    for name, value in changed.items():
        if name == "postcode":
            value = str(value).strip().upper()
        elif name == "nhs_number":
            value = normal.nhs_number(str(value))
        elif isinstance(value, str):
            value = value.strip()
        setattr(child, name, value)
    tx.audit(
        user.username,
        "update",
        "child",
        str(child.id),
        None,
        before,
        snapshot(child, sorted(changed)),
        "new details given in a contact about this child",
    )


def complete_intake(tx: Tx, actor: str, contact_id: int, version: int | None) -> Contact:
    """Move a draft contact into screening once its intake is whole."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    refuse(rules.check_completion(contact.source_code, contact.concern, contact.referrer_name))
    before = snapshot(contact, ["state"])
    tx.move(contact, ContactState.SCREENING, user)
    return tx.save(contact, user, "complete_intake", before)


def update_contact(
    tx: Tx, actor: str, contact_id: int, version: int | None, changes: Mapping[str, Any]
) -> Contact:
    """Edit intake details of an open contact; the deadline follows received time and priority."""
    user = tx.person(actor)
    contact = tx.load(contact_id, version)
    require_assigned(user, contact)
    require_editable(contact)
    before = snapshot(contact, sorted(set(changes) | {"deadline_at"}))
    apply_changes(tx, contact, changes, rules.EDITABLE_FIELDS)
    return tx.save(contact, user, "update", before)


def apply_changes(
    tx: Tx, contact: Contact, changes: Mapping[str, Any], allowed: frozenset[str]
) -> None:
    """Check the changed contact as a whole against the intake rules, then apply it."""
    refuse(rules.check_field_names(list(changes), allowed))
    merged = IntakeInput(
        received_at=changes.get("received_at", contact.received_at),
        source_code=changes.get("source_code", contact.source_code),
        concern=changes.get("concern", contact.concern),
        children=[ChildInput("x", "x", existing_child_id=contact.child_id)],
        referrer_name=changes.get("referrer_name", contact.referrer_name),
        referrer_agency=changes.get("referrer_agency", contact.referrer_agency),
        referrer_role=changes.get("referrer_role", contact.referrer_role),
        referrer_phone=changes.get("referrer_phone", contact.referrer_phone),
        referrer_email=changes.get("referrer_email", contact.referrer_email),
        factors=list(changes.get("factors", contact.factors)),
        priority=changes.get("priority", contact.priority),
    )
    errors = rules.check_intake(merged, tx.now)
    if "sos_scale" in changes and changes["sos_scale"] is not None:
        errors.update(rules.check_scale(int(changes["sos_scale"])))
    if "next_step" in changes:
        errors.update(rules.check_next_step(changes["next_step"]))
    informed = changes.get("referrer_informed_at")
    if informed is not None:
        errors.update(rules.check_referrer_informed(informed, contact.received_at, tx.now))
    refuse(errors)
    for name, value in changes.items():
        setattr(contact, name, sorted(set(value)) if name == "factors" else value)
    if "received_at" in changes or "priority" in changes:
        contact.received_at = ensure_utc(contact.received_at)
        contact.priority = Priority.parse(contact.priority)
        contact.deadline_at = deadline_for(contact.received_at, contact.priority, tx.policy)


def add_household_member(
    tx: Tx, actor: str, contact_id: int, name: str, relationship: str = "", notes: str = ""
) -> HouseholdMember:
    """Add someone living with the child to an open contact."""
    refuse(rules.check_household_member(HouseholdInput(name, relationship, notes=notes)))
    user = tx.person(actor)
    contact = tx.load(contact_id, None)
    require_assigned(user, contact)
    require_editable(contact)
    member = _member(contact_id, HouseholdInput(name, relationship, notes=notes))
    tx.session.add(member)
    tx.session.flush()
    tx.created(user, "household_member", member, contact_id)
    return member
