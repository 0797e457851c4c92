"""An export pointed at a database file is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import AS_AT, build_w47

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.exports import is_database_file
from mash_tui.runtime import Runtime


@pytest.mark.parametrize(
    "command",
    [
        ["report", "weekly", "--week", "2026-W47", "--format", "json", "--output"],
        ["export", "annex-a", "--from", "01/11/2026", "--to", "30/11/2026", "--output"],
    ],
    ids=["weekly", "annex-a"],
)
def test_the_live_database_is_never_replaced(
    command: list[str],
    tmp_path: Path,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "live.csv"  # a name an export would otherwise accept
    url = f"sqlite:///{db}"
    services = Runtime(url, clock=clock).services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Sam Screener", "screener")
    build_w47(services, clock)
    clock.set(AS_AT)
    monkeypatch.setenv("MASH_TUI_USER", "mgr")

    code = main(["--database", url, *command, str(db)], clock=clock)

    err = capsys.readouterr().err
    assert code == 1
    assert "is a database file" in err and len(err.strip().splitlines()) == 1
    fresh = Runtime(url, clock=clock).services()
    assert fresh.verify_audit("mgr").ok
    assert len(fresh.queue()) == len(services.queue())


def test_database_side_files_count_as_the_database(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    db.write_bytes(b"SQLite format 3\x00" + bytes(100))
    for side in ("team.db-wal", "team.db-shm", "team.db-journal"):
        (tmp_path / side).write_bytes(b"\x00" * 32)
        assert is_database_file(tmp_path / side)
    (tmp_path / "notes.csv-wal").write_bytes(b"x")
    assert is_database_file(db)
    assert not is_database_file(tmp_path / "notes.csv-wal")
    assert not is_database_file(tmp_path / "missing.db")
