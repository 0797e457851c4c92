"""Provides the queue of open contacts, nearest deadline first, and a cheap signature to poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mash_tui.domain.states import override_pending
from mash_tui.queries.detail import repeat_counts
from mash_tui.store.lock import written
from mash_tui.store.tables import Child, Contact, User

__all__ = ["QueueRow", "queue", "queue_signature"]


@dataclass
class QueueRow:
    """One open contact as the queue shows it."""

    id: int
    reference: str
    child_name: str
    priority: str
    state: str
    level: int | None
    assigned_to: str
    received_at: datetime
    deadline_at: datetime
    version: int
    consent_outcome: str | None
    override_pending: bool
    child_id: int = 0
    # Earlier contacts about the child in the 12 months before (read when asked for).
    repeats: int = 0
    assigned_name: str = ""  # the screener's display name, as the contact headers show it


def queue_signature(session: Session) -> tuple[int, int]:
    """How many contacts are open and how many audited changes exist (cheap to poll).

    Every change to a contact (and to a user) appends an audit entry under the writer
    lock, so a new, edited, moved or closed contact moves the audit counter; unlike a
    timestamp it does not depend on the clocks of the screeners' machines agreeing.
    """
    count = session.exec(
        select(func.count()).select_from(Contact).where(col(Contact.is_open).is_(True))
    ).one()
    return int(count), written(session, "audit")


def queue(
    session: Session,
    *,
    assigned_to: str | None = None,
    limit: int = 2000,
    repeats: bool = False,
) -> list[QueueRow]:
    """Open contacts, nearest deadline first: one indexed query of only the shown columns
    (and, with `repeats`, one more for how many are repeat contacts)."""
    stmt = (
        sa_select(
            col(Contact.id),
            col(Contact.reference),
            col(Child.first_name),
            col(Child.last_name),
            col(Contact.priority),
            col(Contact.state),
            col(Contact.level),
            col(User.username),
            col(User.display_name),
            col(Contact.received_at),
            col(Contact.deadline_at),
            col(Contact.version),
            col(Contact.consent_outcome),
            col(Contact.override_authorised_by_id),
            col(Contact.child_id),
        )
        .join(Child, col(Child.id) == col(Contact.child_id))
        .outerjoin(User, col(User.id) == col(Contact.assigned_to_id))
        .where(col(Contact.is_open).is_(True))
        .order_by(col(Contact.deadline_at), col(Contact.id))
        .limit(limit)
    )
    if assigned_to is not None:
        stmt = stmt.where(col(User.username) == assigned_to)
    rows = [
        QueueRow(
            id=cid,
            reference=reference,
            child_name=f"{first} {last}".strip(),
            priority=priority,
            state=state,
            level=level,
            assigned_to=username or "",
            assigned_name=display_name or username or "",
            received_at=received_at,
            deadline_at=deadline_at,
            version=version,
            consent_outcome=consent,
            override_pending=override_pending(consent, authorised_by),
            child_id=child_id,
        )
        for (
            cid,
            reference,
            first,
            last,
            priority,
            state,
            level,
            username,
            display_name,
            received_at,
            deadline_at,
            version,
            consent,
            authorised_by,
            child_id,
        ) in session.execute(stmt).all()
    ]
    if repeats:
        counts = repeat_counts(session, [(r.id, r.child_id, r.received_at) for r in rows])
        for row in rows:
            row.repeats = counts[row.id]
    return rows
