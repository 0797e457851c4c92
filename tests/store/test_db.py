"""The store: Alembic builds exactly the schema the models describe, with safe SQLite settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services
from mash_tui.store.engine import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    needs_upgrade,
    upgrade,
)


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert not needs_upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION


def test_indexes_for_queue_and_reports(engine: Engine) -> None:
    names = {ix["name"] for ix in inspect(engine).get_indexes("contacts")}
    assert {
        "ix_contacts_open_deadline",
        "ix_contacts_received",
        "ix_contacts_authorised_span",
    } <= names


def test_sqlite_pragmas(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path}/p.db")
    upgrade(eng)
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION


def test_upgrade_from_the_first_schema_keeps_data_and_guards_the_trail(
    database_url: str, clock: FrozenClock
) -> None:
    """A database made by 0.1 (revision 0001) upgrades in place; 0002 can be taken back."""
    eng = make_engine(database_url)
    try:
        upgrade(eng, "0001")
        svc = Services(eng, clock)
        svc.add_user(None, "mgr", "Mary Manager", "manager")
        with eng.begin() as conn:  # no guard yet at 0001
            conn.execute(text("UPDATE audit_log SET reason = reason WHERE id = 1"))
        assert needs_upgrade(eng)

        upgrade(eng)
        assert current_revision(eng) == HEAD_REVISION
        assert [u.username for u in svc.list_users()] == ["mgr"]
        assert svc.verify_audit("mgr").ok
        with pytest.raises(DatabaseError, match="append-only"), eng.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))

        command.downgrade(alembic_config(eng), "0001")
        with eng.begin() as conn:
            conn.execute(text("UPDATE audit_log SET reason = reason WHERE id = 1"))
        assert current_revision(eng) == "0001"
    finally:
        eng.dispose()


def test_the_rules_know_every_typed_column_width() -> None:
    from mash_tui.domain.widths import WIDTHS

    tables = SQLModel.metadata.tables
    for table, columns in WIDTHS.items():
        for name, width in columns.items():
            column_type = tables[table].columns[name].type
            assert getattr(column_type, "length", None) == width, (table, name)
