"""A council's shared PostgreSQL server, driven the way docs/team.md tells them to.

Runs only when MASH_TUI_TEST_POSTGRES_URL names a server (scripts/run-tests starts a
throwaway one); on the SQLite pass these tests are skipped with that reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from team_support import authorised, cid, create

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services
from mash_tui.store.engine import current_revision, make_engine, upgrade

PG_ENV = "MASH_TUI_TEST_POSTGRES_URL"
needs_postgres = pytest.mark.skipif(
    not os.environ.get(PG_ENV), reason=f"needs a PostgreSQL server: set {PG_ENV}"
)


def run(
    url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main(["--database", url, *args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


@needs_postgres
def test_council_setup_from_an_empty_database(
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """db upgrade, the first manager, a screener, a disabled leaver, then audit verify."""
    assert database_url.startswith("postgresql+psycopg://")
    code, out, err = run(database_url, clock, capsys, "db", "upgrade")
    assert (code, err) == (0, "")
    assert out.startswith("database at revision ") and "postgresql+psycopg://" in out
    # Upgrading again is harmless.
    assert run(database_url, clock, capsys, "db", "upgrade")[0] == 0

    monkeypatch.setenv("MASH_TUI_USER", "lead")
    assert run(database_url, clock, capsys, "users", "add", "lead", "--role", "manager") == (
        0,
        "added lead (manager)\n",
        "",
    )
    assert run(database_url, clock, capsys, "users", "add", "sam", "--name", "Sam S") == (
        0,
        "added sam (screener)\n",
        "",
    )
    assert run(database_url, clock, capsys, "users", "add", "leaver")[0] == 0
    assert run(database_url, clock, capsys, "users", "disable", "leaver") == (
        0,
        "disabled leaver\n",
        "",
    )
    code, out, _ = run(database_url, clock, capsys, "users", "list")
    assert out.splitlines() == [
        "lead\tmanager\tactive\tlead",
        "leaver\tscreener\tdisabled\tleaver",
        "sam\tscreener\tactive\tSam S",
    ]
    monkeypatch.setenv("MASH_TUI_USER", "sam")
    assert run(database_url, clock, capsys, "users", "add", "pal") == (
        1,
        "",
        "mash-tui: only a manager can do this; you are a screener\n",
    )
    monkeypatch.setenv("MASH_TUI_USER", "leaver")
    assert run(database_url, clock, capsys, "users", "add", "pal") == (
        1,
        "",
        "mash-tui: the mash-tui account 'leaver' is disabled\n",
    )
    monkeypatch.setenv("MASH_TUI_USER", "lead")  # checking the trail is a manager's job
    assert run(database_url, clock, capsys, "audit", "verify") == (
        0,
        "4 audit entries verified\n",
        "",
    )


@needs_postgres
def test_console_script_with_the_environment_variable(database_url: str) -> None:
    """What a council types: MASH_TUI_DATABASE_URL set once, then plain commands."""
    env = {
        **os.environ,
        "MASH_TUI_DATABASE_URL": database_url,
        "MASH_TUI_USER": "lead",
    }
    env.pop(PG_ENV, None)

    def mash(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mash_tui.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    upgraded = mash("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    added = mash("users", "add", "lead", "--role", "manager")
    assert (added.returncode, added.stdout, added.stderr) == (0, "added lead (manager)\n", "")
    listed = mash("users", "list")
    assert listed.stdout == "lead\tmanager\tactive\tlead\n"
    verified = mash("audit", "verify")
    assert (verified.returncode, verified.stdout) == (0, "1 audit entries verified\n")


@needs_postgres
def test_upgrade_output_hides_the_password(
    database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test server trusts loopback, so any password is accepted and must not be shown.
    url = sa.engine.make_url(database_url).set(password="s3cret-pw")
    code, out, err = run(url.render_as_string(hide_password=False), clock, capsys, "db", "upgrade")
    assert code == 0, err
    assert "s3cret-pw" not in out and "***" in out


@needs_postgres
def test_schema_is_the_same_alembic_head(engine: sa.Engine) -> None:
    assert engine.dialect.name == "postgresql"
    assert current_revision(engine) is not None
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("contacts")}
    # Instants are stored with their time zone on PostgreSQL.
    assert isinstance(columns["received_at"]["type"], sa.DateTime)
    assert columns["received_at"]["type"].timezone is True


@pytest.fixture
def far_away_session(database_url: str, engine: sa.Engine) -> Iterator[sa.Engine]:
    """An engine whose sessions run in a New Zealand time zone, like a misconfigured server."""
    other = sa.create_engine(database_url, connect_args={"options": "-c timezone=Pacific/Auckland"})
    yield other
    other.dispose()


@needs_postgres
def test_instants_survive_a_server_in_another_time_zone(
    services: Services, far_away_session: sa.Engine, clock: FrozenClock
) -> None:
    c = authorised(services)
    elsewhere = Services(far_away_session, clock)
    with far_away_session.connect() as conn:
        assert conn.execute(sa.text("SHOW timezone")).scalar() == "Pacific/Auckland"
    seen = elsewhere.get(cid(c))
    assert seen.received_at == c.received_at == clock.now() - timedelta(hours=1)
    assert seen.authorised_at == c.authorised_at == clock.now()
    assert seen.received_at.utcoffset() == timedelta(0)
    # A write from that session lands on the same instant too.
    d = create(elsewhere, "scr")
    assert services.get(cid(d)).received_at == clock.now() - timedelta(hours=1)
    assert elsewhere.verify_audit("mgr").ok and services.verify_audit("mgr").ok


@needs_postgres
def test_upgrade_through_the_library_on_a_fresh_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert "audit_log" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_unreachable_server_is_one_line(
    clock: FrozenClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong port on loopback: one line and exit 1, whatever the environment has."""
    monkeypatch.setenv("MASH_TUI_USER", "lead")
    url = "postgresql+psycopg://mash@127.0.0.1:1/mash"
    for args in (("users", "list"), ("db", "upgrade")):
        code, out, err = run(url, clock, capsys, *args)
        assert (code, out) == (1, "")
        assert err.startswith("mash-tui: ") and err.count("\n") == 1
        assert "Traceback" not in err
