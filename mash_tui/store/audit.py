"""Provides the append-only, hash-chained audit trail: snapshots, appending and verifying.

Every change is written here by whoever makes it; walking the chain finds an entry
altered, inserted or removed. A transaction keeps the chain's head while it holds the
writer lock and writes its entries together just before it commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, col, select

from mash_tui.domain.clock import UTC, ensure_utc
from mash_tui.store.bulk import insert_rows
from mash_tui.store.lock import Sequences, written
from mash_tui.store.tables import AuditEntry

__all__ = ["AuditCheck", "Chain", "audit_hash", "plain", "snapshot", "verify_chain"]

AUDIT_LOG: Table = AuditEntry.__table__  # type: ignore[attr-defined]

_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    """JSON-safe form of a value for the audit trail."""
    if type(value) in _AS_IS:  # most columns: answered without the isinstance chain
        return value
    if type(value) is datetime and value.tzinfo is UTC:  # already UTC: nothing to convert
        return value.isoformat()
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The audit's picture of a row: the named fields, or every column."""
    names = fields if fields is not None else _columns(type(obj))
    # A loaded or new row keeps its column values in __dict__; read them straight from there.
    values = obj.__dict__
    return {name: plain(values[name] if name in values else getattr(obj, name)) for name in names}


def _columns(model: type[Any]) -> tuple[str, ...]:
    """A table's column names, in order, worked out once per table."""
    names = _COLUMNS.get(model)
    if names is None:
        names = _COLUMNS[model] = tuple(model.__table__.columns.keys())
    return names


_COLUMNS: dict[type[Any], tuple[str, ...]] = {}


def audit_hash(entry: AuditEntry) -> str:
    """The chain link: a digest of the entry's content and the previous link."""
    return _digest(
        {
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
    )


def _digest(body: dict[str, Any]) -> str:
    """The SHA-256 of an entry's fields in one canonical JSON form."""
    return _sha(_canonical(body))


def _canonical(value: Any) -> str:
    """The one canonical JSON form the chain hashes."""
    if value is None:  # most entries' before: no need to run the encoder for it
        return "null"
    return _ENCODE(value)


def _stored(value: Any) -> str:
    """The text a JSON column stores for a value (SQLAlchemy's default encoding)."""
    return "null" if value is None else json.dumps(value)


_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _sha(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# The JSON string form `_canonical` gives a str (ensure_ascii=False).
_text: Any = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def _int_or_null(value: Any) -> str | None:
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return None


def _linked_digest(row: dict[str, Any], at: str, before: str, after: str) -> str:
    """`_digest` of an entry whose before and after are already in canonical form.

    The canonical form of the whole entry is its keys in sorted order, each value in
    canonical form, so it is built from the parts rather than encoding before and after
    a second time.
    """
    entry_id = _int_or_null(row["id"])
    contact_id = _int_or_null(row["contact_id"])
    texts = [row[k] for k in ("entity", "entity_id", "prev_hash", "reason", "username", "action")]
    if entry_id is None or contact_id is None or any(type(t) is not str for t in texts):
        return _digest({**row, "at": at, "before": json.loads(before), "after": json.loads(after)})
    data = (
        f'{{"action":{_text(row["action"])},"after":{after},"at":{_text(at)},'
        f'"before":{before},"contact_id":{contact_id},"entity":{_text(row["entity"])},'
        f'"entity_id":{_text(row["entity_id"])},"id":{entry_id},'
        f'"prev_hash":{_text(row["prev_hash"])},"reason":{_text(row["reason"])},'
        f'"username":{_text(row["username"])}}}'
    )
    return _sha(data)


class Chain:
    """The chain as one transaction extends it: its head read once, its new entries held.

    Callers hold the writer lock, so nobody else can append meanwhile; `write` must run
    before the transaction commits (the unit of work does it).
    """

    def __init__(self, session: Session, sequences: Sequences) -> None:
        self.session = session
        self.sequences = sequences
        self.head: str | None = None
        self.pending: list[dict[str, Any]] = []

    def append(
        self,
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
    ) -> int:
        """Add one hash-chained entry to those this transaction writes; returns its id."""
        if self.head is None:
            last = self.session.exec(
                select(AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)
            ).first()
            self.head = last or ""
        if type(at) is not datetime or at.tzinfo is not UTC:  # the unit of work's is UTC
            at = ensure_utc(at)
        before_json = _canonical(before)
        after_json = _canonical(after)
        row: dict[str, Any] = {
            "id": self.sequences.next("audit"),
            "at": at,
            "username": username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "contact_id": contact_id,
            "reason": reason,
            "prev_hash": self.head,
        }
        row["hash"] = self.head = _linked_digest(row, plain(at), before_json, after_json)
        # Stored as the JSON column would store them (their keys in the order given, which
        # the history shows); hashed in the canonical form.
        row["before"] = _stored(before)
        row["after"] = _stored(after)
        self.pending.append(row)
        return int(row["id"])

    def write(self) -> None:
        """Write the held entries in one statement (after the rows they describe)."""
        if self.pending:
            self.session.flush()
            insert_rows(self.session.connection(), AUDIT_LOG, self.pending, ("before", "after"))
            self.pending = []


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
