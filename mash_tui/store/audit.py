"""Provides the append-only, hash-chained audit trail: snapshots, appending and verifying.

Every change is written here by whoever makes it; walking the chain finds an entry
altered, inserted or removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from mash_tui.domain.clock import ensure_utc
from mash_tui.store.lock import Sequences, written
from mash_tui.store.tables import AuditEntry

__all__ = ["AuditCheck", "append", "audit_hash", "plain", "snapshot", "verify_chain"]


def plain(value: Any) -> Any:
    """JSON-safe form of a value for the audit trail."""
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The audit's picture of a row: the named fields, or every column."""
    names = fields if fields is not None else [c.name for c in obj.__table__.columns]
    return {name: plain(getattr(obj, name)) for name in names}


def audit_hash(entry: AuditEntry) -> str:
    """The chain link: a digest of the entry's content and the previous link."""
    body = {
        "id": entry.id,
        "at": plain(entry.at),
        "username": entry.username,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "contact_id": entry.contact_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def append(
    session: Session,
    sequences: Sequences,
    *,
    at: datetime,
    username: str,
    action: str,
    entity: str,
    entity_id: str = "",
    contact_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one hash-chained entry (callers hold the writer lock)."""
    seq = sequences.next("audit")
    prev = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    entry = AuditEntry(
        id=seq,
        at=at,
        username=username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        contact_id=contact_id,
        before=before,
        after=after,
        reason=reason,
        prev_hash=prev.hash if prev else "",
    )
    entry.hash = audit_hash(entry)
    session.add(entry)
    return entry


@dataclass
class AuditCheck:
    """The result of walking the hash chain."""

    ok: bool
    entries: int
    first_bad_id: int | None = None
    message: str = ""


def verify_chain(session: Session) -> AuditCheck:
    """Walk the chain; report the first entry altered, inserted or removed.

    Safe while others are working: entries committed during the walk are neither
    mistaken for removals nor for forgeries.
    """
    prev_hash = ""
    expected_id = 1
    count = 0
    # Every entry numbered up to here was committed before the walk began.
    written_before = written(session, "audit")
    for entry in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))):
        count += 1
        assert entry.id is not None
        if entry.id != expected_id:
            return AuditCheck(
                False, count, expected_id, f"audit entry {expected_id} is missing (removed)"
            )
        if entry.prev_hash != prev_hash:
            if entry.id > 1 and audit_hash(entry) == entry.hash:
                # This entry is intact, so the one before it was rewritten and re-hashed.
                bad = entry.id - 1
                return AuditCheck(
                    False,
                    count,
                    bad,
                    f"audit entry {bad} was altered and re-hashed "
                    f"(entry {entry.id} no longer links to it)",
                )
            return AuditCheck(
                False, count, entry.id, f"audit entry {entry.id} does not follow its predecessor"
            )
        if audit_hash(entry) != entry.hash:
            return AuditCheck(False, count, entry.id, f"audit entry {entry.id} was altered")
        prev_hash = entry.hash
        expected_id = entry.id + 1
    if expected_id <= written_before:
        return AuditCheck(
            False, count, expected_id, f"audit entry {expected_id} is missing (removed)"
        )
    # Read after the walk, so every genuine entry seen is numbered at or below it.
    written_after = written(session, "audit")
    if expected_id - 1 > written_after:
        forged = written_after + 1
        return AuditCheck(
            False, count, forged, f"audit entry {forged} was not written by mash-tui (inserted)"
        )
    return AuditCheck(True, count, None, f"{count} audit entries verified")
