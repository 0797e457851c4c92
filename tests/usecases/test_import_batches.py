"""A batched import: other people save between batches, and a run that fails is taken out whole."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import ImportFailed, MashError
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.importer import import_csv
from mash_tui.services import Services
from mash_tui.store.tables import (
    AuditEntry,
    Child,
    Contact,
    Family,
    ImportRun,
    ImportRunState,
    Transition,
)
from mash_tui.usecases import imports
from mash_tui.usecases import intake as intake_cases

GOOD = Path(__file__).parent.parent / "data" / "contacts_good.csv"


def _counts(services: Services) -> tuple[int, ...]:
    """Every table an import writes contact data to."""
    with services.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Contact, Child, Family, Transition)
        )


def _audit(services: Services) -> list[AuditEntry]:
    with services.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))))


def _runs(services: Services) -> list[ImportRun]:
    with services.read() as session:
        return list(session.scalars(select(ImportRun).order_by(col(ImportRun.id))))


def test_another_person_saves_between_batches(services: Services) -> None:
    written: list[int] = []

    def someone_else_saves(count: int) -> None:
        # Run while the import is between batches: this save needs the writer lock.
        written.append(count)
        services.add_user("mgr", f"new{count}", f"New starter {count}", "screener")

    assert import_csv(services, "mgr", GOOD, batch_rows=2, between=someone_else_saves) == 6
    # Between rows 2-4 (a single child and two siblings, never split), 5-6 and 7.
    assert written == [3, 5]
    entries = _audit(services)
    imported = [e.id or 0 for e in entries if e.action == "import"]
    added = [e.id or 0 for e in entries if e.action == "create" and e.entity == "user"]
    assert len(imported) == 6
    # The other person's saves landed in the middle of the import, not after it.
    assert sum(imported[0] < a < imported[-1] for a in added) == 2
    (run,) = _runs(services)
    assert run.state == ImportRunState.COMPLETE and run.contacts == 6
    assert run.username == "mgr" and run.source == "contacts_good.csv"
    assert services.verify_audit("mgr").ok


def test_a_batch_refused_part_way_takes_out_what_the_run_wrote(services: Services) -> None:
    before = _counts(services)

    def disable_a_decider(count: int) -> None:
        # Row 6 was decided by 'admin'; disabling them now makes the second batch refused.
        if count == 3:
            services.set_user_active("mgr", "admin", False)

    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", GOOD, batch_rows=2, between=disable_a_decider)
    assert caught.value.problems == [(6, "(whole row)", "the mash-tui account 'admin' is disabled")]
    assert _counts(services) == before
    (run,) = _runs(services)
    assert run.state == ImportRunState.UNDONE and run.contacts == 3
    undone = [e for e in _audit(services) if e.action == "import_undone"]
    assert [e.entity for e in undone] == ["contact"] * 3 + ["import_run"]
    assert {e.username for e in undone} == {"mgr"}
    assert "import of contacts_good.csv stopped" in undone[0].reason
    assert services.verify_audit("mgr").ok
    # The file imports whole once the person is enabled again.
    services.set_user_active("mgr", "admin", True)
    assert import_csv(services, "mgr", GOOD) == 6


def test_an_interrupted_import_is_taken_out(services: Services) -> None:
    before = _counts(services)

    def interrupted(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_csv(services, "mgr", GOOD, batch_rows=2, between=interrupted)
    assert _counts(services) == before
    (run,) = _runs(services)
    assert run.state == ImportRunState.UNDONE
    assert services.verify_audit("mgr").ok


def _abandoned_run(services: Services) -> int:
    """What a killed import leaves: one committed batch under a run that never finished."""
    intake = IntakeInput(
        received_at=services.clock.now() - timedelta(hours=1),
        source_code="2A",
        concern="Worry reported about the child's care at home.",
        children=[ChildInput("Amy", "Smith", date(2016, 5, 4), gender="F", ethnicity="WBRI")],
        referrer_name="A Referrer",
    )
    with services.unit_of_work() as tx:
        run_id = imports.start_run(tx, "mgr", "half.csv")
        made = intake_cases.create_contact(tx, "scr", intake)
        imports.note_contacts(tx, "mgr", run_id, [c.id for c in made if c.id is not None])
    return run_id


def test_a_killed_import_is_taken_out_by_the_next_one(
    services: Services, clock: FrozenClock
) -> None:
    before = _counts(services)
    _abandoned_run(services)
    assert _counts(services) != before
    started = clock.now()

    # While that run might still be alive, a second import is refused, and writes nothing.
    clock.set(started + timedelta(minutes=5))
    with pytest.raises(MashError, match=r"mgr is importing half\.csv"):
        import_csv(services, "mgr", GOOD)

    # Once it has been silent longer than any live import is, it is taken out first.
    clock.set(started + imports.STALE_AFTER + timedelta(seconds=1))
    assert import_csv(services, "mgr", GOOD) == 6
    first, second = _runs(services)
    assert first.state == ImportRunState.UNDONE
    assert second.state == ImportRunState.COMPLETE
    with services.read() as session:
        references = {c.reference for c in session.scalars(select(Contact))}
    assert len(references) == 6 and "MASH-0000001" not in references
    assert services.verify_audit("mgr").ok
