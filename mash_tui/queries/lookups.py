"""Provides the small look-ups the forms need: known children, people, a person's drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mash_tui.domain import matching
from mash_tui.store.tables import Child, Contact, Draft, User

__all__ = [
    "ChildMatch",
    "contact_key",
    "contacts_received",
    "drafts",
    "find_children",
    "has_users",
    "screeners",
    "users",
]


@dataclass(frozen=True)
class ChildMatch:
    """A known child who may be the one typed, with how well and why."""

    child: Child
    score: int
    reason: str


# How many rows each way of looking may bring back before the ranking.
PER_WAY = 200
_CANDIDATE_COLUMNS = (
    col(Child.id),
    col(Child.first_key),
    col(Child.last_key),
    col(Child.last_tail_key),
    col(Child.first_sound),
    col(Child.last_sound),
    col(Child.date_of_birth),
    col(Child.nhs_number),
    col(Child.postcode_key),
)


def _starts(column: Any, key: str) -> Any:
    low, high = matching.prefix_bounds(key)
    return and_(column >= low, column < high)


def _ways(q: matching.ChildQuery) -> list[Any]:
    """One indexed condition per way a child may be found; each is one index range."""
    ways: list[Any] = []
    if q.nhs:
        ways.append(col(Child.nhs_number) == q.nhs)
    first_like = None
    if q.first:
        first_like = or_(
            _starts(col(Child.first_key), q.first[: matching.PREFIX_MIN]),
            col(Child.first_sound) == q.first_sound,
        )
    if q.last:
        extra = first_like if first_like is not None else true()
        if q.date_of_birth is not None and first_like is None:
            extra = col(Child.date_of_birth) == q.date_of_birth
        ways.append(and_(_starts(col(Child.last_key), q.last), extra))
        parts = sorted({q.last, *q.parts})
        ways.append(and_(col(Child.last_tail_key).in_(parts), extra))
        if len(q.parts) > 1:
            ways.append(and_(col(Child.last_key).in_(q.parts), extra))
        if q.last_sound:
            ways.append(and_(col(Child.last_sound) == q.last_sound, extra))
        if q.first:  # a typo further into the surname
            ways.append(
                and_(col(Child.first_key) == q.first, _starts(col(Child.last_key), q.last[:2]))
            )
    if q.date_of_birth is not None and (q.first or q.last):
        # Everyone born that day (a few hundred among a million children), ranked by name:
        # a surname changed, a first name spelt another way.
        ways.append(col(Child.date_of_birth) == q.date_of_birth)
    if q.post and (q.first or q.last):
        ways.append(col(Child.postcode_key) == q.post)
    return ways


def find_children(
    session: Session, query: matching.ChildQuery, limit: int = 20
) -> list[ChildMatch]:
    """Children already known who may be the one typed, likeliest first, each with why."""
    if not query.is_searchable():
        return []
    found: dict[int, matching.Candidate] = {}
    connection = session.connection()  # plain rows: no ORM work for a few hundred candidates
    for way in _ways(query):
        for row in connection.execute(sa_select(*_CANDIDATE_COLUMNS).where(way).limit(PER_WAY)):
            child_id = int(row[0] or 0)
            if child_id not in found:
                found[child_id] = matching.Candidate(child_id, *row[1:])
    ranked = matching.rank(query, list(found.values()), limit)
    if not ranked:
        return []
    ids = [m.child_id for m in ranked]
    rows = {c.id: c for c in session.exec(select(Child).where(col(Child.id).in_(ids))).all()}
    return [ChildMatch(rows[m.child_id], m.score, m.reason) for m in ranked]


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
