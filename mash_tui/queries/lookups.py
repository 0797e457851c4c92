"""Provides the small look-ups the forms need: known children, people, a person's drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mash_tui.domain import normal
from mash_tui.store.tables import Child, Contact, Draft, User

__all__ = [
    "contact_key",
    "contacts_received",
    "drafts",
    "find_children",
    "has_users",
    "screeners",
    "users",
]


def find_children(
    session: Session,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    nhs_number: str = "",
) -> list[Child]:
    """Children already known by identifier, or by name and date of birth."""
    conditions: list[Any] = []
    nhs = normal.nhs_number(nhs_number)
    if nhs:
        conditions.append(col(Child.nhs_number) == nhs)
    if last_name.strip() and (first_name.strip() or date_of_birth):
        name_match: list[Any] = [func.lower(Child.last_name) == last_name.strip().lower()]
        if first_name.strip():
            name_match.append(func.lower(Child.first_name) == first_name.strip().lower())
        if date_of_birth is not None:
            name_match.append(col(Child.date_of_birth) == date_of_birth)
        conditions.append(and_(*name_match))
    if not conditions:
        return []
    return list(session.exec(select(Child).where(or_(*conditions)).limit(20)).all())


def has_users(session: Session) -> bool:
    """Whether anyone has a user record yet (a first run has none)."""
    return session.exec(select(func.count()).select_from(User)).one() > 0


def users(session: Session) -> list[User]:
    """Every user record, active or not, by login."""
    return list(session.exec(select(User).order_by(col(User.username))).all())


def screeners(session: Session) -> list[User]:
    """Active users a contact can be assigned to."""
    return list(
        session.exec(
            select(User).where(col(User.active).is_(True)).order_by(col(User.username))
        ).all()
    )


def drafts(session: Session, user_id: int | None) -> list[Draft]:
    """One person's saved drafts, newest first."""
    return list(
        session.exec(
            select(Draft).where(Draft.user_id == user_id).order_by(col(Draft.updated_at).desc())
        ).all()
    )


ContactKey = tuple[datetime, str, str, str]


def contact_key(received_at: datetime, concern: str, first_name: str, last_name: str) -> ContactKey:
    """What makes two contacts the same one: the child, the receipt and the concern."""
    return (received_at, concern.strip(), first_name.lower(), last_name.lower())


def contacts_received(session: Session, start: datetime, end: datetime) -> dict[ContactKey, str]:
    """The contacts received between two instants, by what makes them the same, to references."""
    stmt = (
        sa_select(
            col(Contact.reference),
            col(Contact.received_at),
            col(Contact.concern),
            col(Child.first_name),
            col(Child.last_name),
        )
        .join(Child, col(Child.id) == col(Contact.child_id))
        .where(col(Contact.received_at) >= start, col(Contact.received_at) <= end)
    )
    return {
        contact_key(at, concern, first, last): reference
        for reference, at, concern, first, last in session.execute(stmt)
    }
