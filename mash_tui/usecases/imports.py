"""Provides the use-cases that make a batched import all-or-nothing: a run, its contacts, its undo.

An import writes its contacts in several transactions so other people can save between
them. Each batch records which contacts it wrote under the run; a run that fails part way
(or whose process was killed) is taken out again, contact by contact, each removal audited
in the importing manager's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select, update
from sqlmodel import col

from mash_tui.domain.errors import MashError
from mash_tui.domain.states import Role
from mash_tui.store.tables import (
    Child,
    Contact,
    Draft,
    Family,
    HouseholdMember,
    ImportRun,
    ImportRunContact,
    ImportRunState,
    PartnerCheck,
    Transition,
)
from mash_tui.usecases.tx import Tx

__all__ = [
    "STALE_AFTER",
    "clear_abandoned",
    "finish_run",
    "note_contacts",
    "start_run",
    "undo_run",
]

# A live import commits a batch every second or so; one silent this long was stopped.
STALE_AFTER = timedelta(minutes=10)


def _table(model: type) -> Table:
    """The Core table of a model, for set-based statements."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def start_run(tx: Tx, actor: str, source: str) -> int:
    """Record that a manager began importing a file; its batches are written under this run."""
    user = tx.person(actor, Role.MANAGER)
    run = ImportRun(
        id=tx.new_id(ImportRun),
        source=source[:255],
        username=user.username,
        state=ImportRunState.RUNNING,
        started_at=tx.now,
        updated_at=tx.now,
    )
    tx.session.add(run)
    assert run.id is not None
    tx.audit(user.username, "import_start", "import_run", str(run.id), None, None, {"file": source})
    return run.id


def note_contacts(tx: Tx, actor: str, run_id: int, contact_ids: Sequence[int]) -> None:
    """Record the contacts one batch wrote, in the same transaction that wrote them."""
    tx.person(actor, Role.MANAGER)
    # Written after the contacts themselves, with the transaction's other new rows.
    tx.insert(ImportRunContact, [{"contact_id": cid, "run_id": run_id} for cid in contact_ids])
    tx.session.execute(
        update(_table(ImportRun))
        .where(_table(ImportRun).c.id == run_id)
        .values(contacts=_table(ImportRun).c.contacts + len(contact_ids), updated_at=tx.now)
    )


def finish_run(tx: Tx, actor: str, run_id: int) -> None:
    """Mark a run written whole: from now on its contacts are ordinary contacts."""
    user = tx.person(actor, Role.MANAGER)
    run = _run(tx, run_id)
    run.state = ImportRunState.COMPLETE
    run.updated_at = tx.now
    tx.audit(
        user.username,
        "import_complete",
        "import_run",
        str(run_id),
        None,
        None,
        {"file": run.source, "contacts": run.contacts},
    )


def undo_run(tx: Tx, actor: str, run_id: int, why: str, limit: int = 1000) -> int:
    """Take out up to `limit` contacts the run wrote (each audited); 0 once none are left.

    Called again in fresh transactions until it returns 0, so an undo, like the import,
    never holds the writer lock for long. The last call marks the run undone.
    """
    user = tx.person(actor, Role.MANAGER)
    run = _run(tx, run_id)
    contacts = _table(Contact)
    linked = select(_table(ImportRunContact).c.contact_id).where(
        _table(ImportRunContact).c.run_id == run_id
    )
    found = tx.session.execute(
        select(contacts.c.id, contacts.c.reference, contacts.c.child_id, contacts.c.family_id)
        .where(contacts.c.id.in_(linked))
        .order_by(contacts.c.id)
        .limit(limit)
    ).all()
    if not found:
        run.state = ImportRunState.UNDONE
        run.updated_at = tx.now
        tx.audit(user.username, "import_undone", "import_run", str(run_id), None, None,
                 {"file": run.source, "contacts": run.contacts}, why)  # fmt: skip
        return 0
    ids = [row.id for row in found]
    tx.session.flush()
    for model in (HouseholdMember, PartnerCheck, Transition):
        tx.session.execute(delete(_table(model)).where(_table(model).c.contact_id.in_(ids)))
    # A draft typed against an imported contact keeps its text, without the link.
    drafts = _table(Draft)
    tx.session.execute(update(drafts).where(drafts.c.contact_id.in_(ids)).values(contact_id=None))
    tx.session.execute(delete(contacts).where(contacts.c.id.in_(ids)))
    # The audit keeps what was taken out; the link goes, as the id may be used again.
    links = _table(ImportRunContact)
    tx.session.execute(delete(links).where(links.c.contact_id.in_(ids)))
    children = {row.child_id for row in found}
    families = {row.family_id for row in found if row.family_id is not None}
    still_used = select(contacts.c.child_id).where(contacts.c.child_id.in_(children))
    tx.session.execute(
        delete(_table(Child)).where(
            _table(Child).c.id.in_(children), _table(Child).c.id.not_in(still_used)
        )
    )
    if families:
        in_use = select(contacts.c.family_id).where(contacts.c.family_id.in_(families))
        tx.session.execute(
            delete(_table(Family)).where(
                _table(Family).c.id.in_(families), _table(Family).c.id.not_in(in_use)
            )
        )
    for row in found:
        tx.audit(
            user.username,
            "import_undone",
            "contact",
            str(row.id),
            row.id,
            {"reference": row.reference, "import_run": run_id},
            None,
            why,
        )
    run.updated_at = tx.now
    return len(ids)


def clear_abandoned(tx: Tx, actor: str, now: datetime) -> list[int]:
    """The runs left running by a stopped import, to undo; refuse while another import is live."""
    tx.person(actor, Role.MANAGER)
    running = tx.session.execute(
        select(ImportRun).where(col(ImportRun.state) == ImportRunState.RUNNING)
    ).scalars()
    stale: list[int] = []
    for run in running:
        if now - run.updated_at < STALE_AFTER:
            raise MashError(
                f"{run.username} is importing {run.source} (last batch written "
                f"{int((now - run.updated_at).total_seconds())} s ago): try again when it "
                "has finished"
            )
        assert run.id is not None
        stale.append(run.id)
    return stale


def _run(tx: Tx, run_id: int) -> ImportRun:
    """The run, loaded in this transaction."""
    run = tx.session.get(ImportRun, run_id)
    if run is None:
        raise MashError(f"there is no import run {run_id}")
    return run
