"""Provides one contact read whole: its record, related rows, earlier contacts and history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mash_tui.domain.errors import NotFound
from mash_tui.store.tables import (
    AuditEntry,
    Child,
    Contact,
    HouseholdMember,
    PartnerCheck,
    Transition,
    User,
)

__all__ = [
    "ContactDetail",
    "EarlierContact",
    "detail",
    "earlier_contacts",
    "get",
    "history",
    "repeat_counts",
]

REPEAT_WINDOW = timedelta(days=365)


def is_repeat(earlier_at: datetime, at: datetime) -> bool:
    """An earlier contact makes one received `at` a repeat when it came in the 12 months before."""
    return earlier_at <= at and at - earlier_at <= REPEAT_WINDOW


@dataclass
class EarlierContact:
    """A previous contact about the same child, for the risk picture."""

    id: int
    reference: str
    received_at: datetime
    state: str
    level: int | None
    next_step: str | None
    concern: str
    within_12_months: bool


@dataclass
class ContactDetail:
    """Everything about one contact, loaded together for the detail screen."""

    contact: Contact
    child: Child
    household: list[HouseholdMember]
    partner_checks: list[PartnerCheck]
    transitions: list[Transition]
    siblings: list[Contact]
    user_names: dict[int, str] = field(default_factory=dict)
    # Earlier contacts about the child in the 12 months before this one (0: not a repeat).
    repeats: int = 0

    def name_of(self, user_id: int | None) -> str:
        return self.user_names.get(user_id, "") if user_id is not None else ""


def get(session: Session, contact_id: int) -> Contact:
    """One contact, or a clear refusal when there is none."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"there is no contact {contact_id}")
    return contact


def by_reference(session: Session, reference: str) -> Contact:
    """One contact by its reference (MASH-0000123; case and spaces forgiven), or a refusal."""
    wanted = reference.strip().upper()
    contact = session.exec(select(Contact).where(col(Contact.reference) == wanted)).first()
    if contact is None:
        raise NotFound(f"there is no contact {wanted or '(no reference given)'}")
    return contact


def detail(session: Session, contact_id: int) -> ContactDetail:
    """The whole record with its related rows and the names of the people on it."""
    contact = get(session, contact_id)
    child = session.get(Child, contact.child_id)
    assert child is not None
    household = list(
        session.exec(select(HouseholdMember).where(HouseholdMember.contact_id == contact_id)).all()
    )
    checks = list(
        session.exec(
            select(PartnerCheck)
            .where(PartnerCheck.contact_id == contact_id)
            .order_by(col(PartnerCheck.checked_at))
        ).all()
    )
    moves = list(
        session.exec(
            select(Transition)
            .where(Transition.contact_id == contact_id)
            .order_by(col(Transition.id))
        ).all()
    )
    siblings: list[Contact] = []
    if contact.family_id is not None:
        siblings = list(
            session.exec(
                select(Contact).where(
                    Contact.family_id == contact.family_id, Contact.id != contact_id
                )
            ).all()
        )
    names = {u.id: u.display_name for u in session.exec(select(User)).all() if u.id is not None}
    assert contact.id is not None
    repeats = repeat_counts(session, [(contact.id, contact.child_id, contact.received_at)])
    return ContactDetail(
        contact, child, household, checks, moves, siblings, names, repeats[contact.id]
    )


def history(session: Session, contact_id: int) -> list[AuditEntry]:
    """Every audited change to one contact, oldest first."""
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.contact_id == contact_id)
            .order_by(col(AuditEntry.id))
        ).all()
    )


def earlier_contacts(
    session: Session,
    child_ids: Sequence[int],
    now: datetime,
    *,
    exclude_contact_id: int | None = None,
) -> list[EarlierContact]:
    """Earlier contacts about these children, flagging repeats within 12 months."""
    if not child_ids:
        return []
    stmt = (
        select(Contact)
        .where(col(Contact.child_id).in_(list(child_ids)))
        .order_by(col(Contact.received_at).desc())
    )
    if exclude_contact_id is not None:
        stmt = stmt.where(Contact.id != exclude_contact_id)
    out = []
    for c in session.exec(stmt).all():
        assert c.id is not None
        out.append(
            EarlierContact(
                id=c.id,
                reference=c.reference,
                received_at=c.received_at,
                state=c.state,
                level=c.level,
                next_step=c.next_step,
                concern=c.concern,
                within_12_months=is_repeat(c.received_at, now),
            )
        )
    return out


def repeat_counts(
    session: Session, contacts: Sequence[tuple[int, int, datetime]]
) -> dict[int, int]:
    """For each (contact id, child id, received at), how many earlier contacts about the
    child came in the 12 months before it: the repeats the manager's detail lists."""
    if not contacts:
        return {}
    children = sorted({child_id for _id, child_id, _at in contacts})
    by_child: dict[int, list[tuple[int, datetime]]] = {}
    stmt = select(col(Contact.child_id), col(Contact.id), col(Contact.received_at)).where(
        col(Contact.child_id).in_(children)
    )
    for child_id, other_id, received_at in session.exec(stmt).all():
        by_child.setdefault(child_id, []).append((int(other_id or 0), received_at))
    return {
        contact_id: sum(
            1
            for other_id, earlier_at in by_child.get(child_id, [])
            if other_id != contact_id and is_repeat(earlier_at, at)
        )
        for contact_id, child_id, at in contacts
    }
