"""The store: Alembic builds exactly the schema the models describe, with safe SQLite settings."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from mash_tui.db import current_revision, make_engine, needs_upgrade, upgrade


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert not needs_upgrade(engine)
    assert current_revision(engine) == "0001"


def test_indexes_for_queue_and_reports(engine: Engine) -> None:
    names = {ix["name"] for ix in inspect(engine).get_indexes("contacts")}
    assert {"ix_contacts_open_deadline", "ix_contacts_received", "ix_contacts_authorised"} <= names


def test_sqlite_pragmas(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path}/p.db")
    upgrade(eng)
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == "0001"
