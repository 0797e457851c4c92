"""Shared fixtures: a real database (SQLite file, or PostgreSQL when asked), a frozen clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services

# The instant every test starts at unless it moves the clock: a Tuesday in GMT.
T0 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)

# Set by .ci/run for the second pass of the suite, e.g.
# postgresql+psycopg://mash@127.0.0.1:54329/postgres
PG_ENV = "MASH_TUI_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever touches the real user's data folder or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("MASH_TUI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MASH_TUI_THRESHOLDS", raising=False)
    monkeypatch.delenv("MASH_TUI_USER", raising=False)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new schema on the PostgreSQL server."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield f"sqlite:///{tmp_path}/test.db"
        return
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    from mash_tui.store.engine import make_engine, upgrade

    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def services(engine: Engine, clock: FrozenClock) -> Services:
    """Services on a migrated database with a manager 'mgr' and screeners 'scr' and 'scr2'."""
    svc = Services(engine, clock)
    svc.add_user(None, "mgr", "Mary Manager", "manager")
    svc.add_user("mgr", "scr", "Sam Screener", "screener")
    svc.add_user("mgr", "scr2", "Priya Screener", "screener")
    svc.add_user("mgr", "admin", "Ada Admin", "admin")
    return svc
