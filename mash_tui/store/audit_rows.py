"""Provides the check that each contact's row is what its audit trail says it should be.

The chain proves the trail was not edited; this proves the contacts were not edited
around it. Replaying a contact's entries (its creation with every column, then each
change's new values) gives the value every audited column should have now; a column
whose row value differs was changed without an audit entry, for example with SQL while
the database's triggers were dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from mash_tui.store.audit import snapshot
from mash_tui.store.tables import AuditEntry, Contact

__all__ = ["RowDifference", "contact_differences"]

# Moved on by every save as bookkeeping, never an audited value of their own.
_BOOKKEEPING = frozenset({"version", "updated_at"})
# Only columns are compared: some entries also say where a change came from (a file).
_COLUMNS = frozenset(Contact.__table__.columns.keys()) - _BOOKKEEPING  # type: ignore[attr-defined]
_BATCH = 2000


@dataclass(frozen=True)
class RowDifference:
    """One contact whose row disagrees with its audit trail, and in which columns."""

    reference: str
    columns: tuple[str, ...]

    def line(self) -> str:
        return f"{self.reference} differs from its audit trail: {', '.join(self.columns)}"


def contact_differences(engine: Engine) -> list[RowDifference]:
    """Every contact whose current row differs from its replayed audit trail, in id order.

    Read in one snapshot (repeatable read), so contacts saved during the check are seen
    either wholly before or wholly after, never half-way; memory is bounded by batch.
    """
    found: list[RowDifference] = []
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            # The driver leaves plain reads outside any transaction; one explicit read
            # transaction is one snapshot of the WAL file for the whole check.
            session.connection().exec_driver_sql("BEGIN")
        for low, high in _id_ranges(session):
            found.extend(_compare(session, low, high))
    return found


def _id_ranges(session: Session) -> Iterator[tuple[int, int]]:
    top = session.exec(select(func.max(Contact.id))).one() or 0
    for low in range(1, top + 1, _BATCH):
        yield low, low + _BATCH - 1


def _compare(session: Session, low: int, high: int) -> Iterator[RowDifference]:
    expected: dict[str, dict[str, Any]] = {}
    entries = session.exec(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.after)
        .where(col(AuditEntry.entity) == "contact")
        .where(col(AuditEntry.contact_id).between(low, high))
        .order_by(col(AuditEntry.id))
    )
    for entity_id, action, after in entries:
        values = expected.setdefault(entity_id, {})
        if action == "create":
            values.clear()
        values.update(after or {})
    contacts = session.exec(
        select(Contact).where(col(Contact.id).between(low, high)).order_by(col(Contact.id))
    )
    for contact in contacts:
        trail = expected.get(str(contact.id))
        if trail is None:
            yield RowDifference(contact.reference, ("no audit entry at all",))
            continue
        now = snapshot(contact, [name for name in trail if name in _COLUMNS])
        changed = tuple(name for name, value in now.items() if trail[name] != value)
        if changed:
            yield RowDifference(contact.reference, changed)
