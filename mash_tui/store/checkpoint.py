"""Provides the audit chain's anchor outside the database: checkpoints of its head.

A hash chain shows an entry altered in place, but someone who owns the tables can delete
the newest entries, or rewrite an entry and re-hash everything after it, and the chain
still links. A checkpoint written elsewhere (a file the database cannot reach, or the
system log) remembers which entry was the head and its hash at a moment; a later check
finds the chain shorter than a checkpoint saw (truncated) or an entry's hash changed
since (a rebuilt tail).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from mash_tui.domain.clock import ensure_utc
from mash_tui.store.tables import AuditEntry

FILE_MODE = 0o600


@dataclass(frozen=True)
class Head:
    """The newest audit entry at a moment: its number and hash, and when it was seen."""

    id: int
    hash: str
    at: str  # ISO instant, UTC

    def line(self) -> str:
        """One JSON line, the form a checkpoint file and the system log hold."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def read_head(session: Session, now: datetime) -> Head | None:
    """The chain's head now, or None for an empty trail."""
    entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    if entry is None or entry.id is None:
        return None
    return Head(entry.id, entry.hash, ensure_utc(now).isoformat())


def append_checkpoint(path: Path, head: Head) -> None:
    """Add a head to a checkpoint file (created owner-only), flushed to disk before returning."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        os.write(fd, (head.line() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_checkpoints(path: Path) -> list[Head]:
    """Every head a checkpoint file holds; a line that is not one is an error naming it."""
    heads: list[Head] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                heads.append(Head(int(raw["id"]), str(raw["hash"]), str(raw["at"])))
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{path} line {number} is not an audit checkpoint") from None
    return heads


def against_checkpoints(session: Session, heads: list[Head]) -> str | None:
    """The first way the stored chain disagrees with the checkpoints, or None if it agrees."""
    if not heads:
        return None
    newest = session.exec(select(col(AuditEntry.id)).order_by(col(AuditEntry.id).desc())).first()
    for head in sorted(heads, key=lambda h: h.id):
        if newest is None or newest < head.id:
            last = "no entries" if newest is None else f"entry {newest}"
            return (
                f"the audit trail ends at {last}, but the checkpoint of {head.at} saw entry "
                f"{head.id}: entries were removed"
            )
        entry = session.get(AuditEntry, head.id)
        if entry is None or entry.hash != head.hash:
            return (
                f"audit entry {head.id} is not the one the checkpoint of {head.at} saw: "
                "the trail was rewritten from there"
            )
    return None
