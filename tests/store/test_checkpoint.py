"""The audit chain's head anchored outside the database: truncation and rebuilt tails show.

Each attack is first shown to pass `audit verify` on its own (the chain still links), then
to fail against a checkpoint taken before it.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from team_support import authorised, drop_audit_guard

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.exports import stage_bytes
from mash_tui.services import Services
from mash_tui.store.audit import audit_hash
from mash_tui.store.checkpoint import read_checkpoints
from mash_tui.store.tables import AuditEntry


def cli(services: Services, clock: FrozenClock, *args: str) -> int:
    url = services.engine.url.render_as_string(hide_password=False)
    return main(["--database", url, *args], clock=clock)


@pytest.fixture
def as_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "mgr")


def newest_id(services: Services) -> int:
    with services.read() as session:
        found = session.exec(select(col(AuditEntry.id)).order_by(col(AuditEntry.id).desc())).first()
    assert found is not None
    return found


def test_checkpoint_file_holds_the_head_owner_only(
    services: Services,
    clock: FrozenClock,
    tmp_path: Path,
    as_manager: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    authorised(services)
    path = tmp_path / "checkpoints.jsonl"
    assert cli(services, clock, "audit", "checkpoint", "--file", str(path)) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [head] = read_checkpoints(path)
    assert head.id == newest_id(services)
    assert json.loads(path.read_text())["hash"] == head.hash
    assert cli(services, clock, "audit", "verify", "--checkpoint", str(path)) == 0
    assert "agrees with 1 checkpoint" in capsys.readouterr().out


def test_truncating_the_trail_passes_alone_and_fails_against_a_checkpoint(
    services: Services,
    clock: FrozenClock,
    tmp_path: Path,
    as_manager: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    authorised(services)
    # The newest entries removed are exports: entries about contacts would also show in
    # the contacts themselves no longer matching their trail (audit_rows).
    for rows in (1, 2, 3):
        services.record_export("mgr", "annex_a", {"rows": rows})
    path = tmp_path / "checkpoints.jsonl"
    assert cli(services, clock, "audit", "checkpoint", "--file", str(path)) == 0
    head = newest_id(services)
    keep = head - 3
    with services.engine.begin() as conn:  # as the owner: guard off, newest entries gone
        drop_audit_guard(conn)
        conn.execute(sa.text("DELETE FROM audit_log WHERE id > :keep"), {"keep": keep})
        conn.execute(
            sa.text("UPDATE counters SET value = :keep WHERE name = 'audit'"), {"keep": keep}
        )
    assert services.verify_audit("mgr").ok  # the shortened chain still links
    capsys.readouterr()
    assert cli(services, clock, "audit", "verify", "--checkpoint", str(path)) == 1
    err = capsys.readouterr().err
    # the check made just before is itself recorded, one entry past what was kept
    assert f"ends at entry {keep + 1}" in err and f"saw entry {head}" in err


def test_a_rebuilt_tail_passes_alone_and_fails_against_a_checkpoint(
    services: Services,
    clock: FrozenClock,
    tmp_path: Path,
    as_manager: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    authorised(services)
    path = tmp_path / "checkpoints.jsonl"
    assert cli(services, clock, "audit", "checkpoint", "--file", str(path)) == 0
    victim = 3
    with services.engine.begin() as conn:
        drop_audit_guard(conn)
    with services.read() as session:  # rewrite one entry, then re-hash every one after it
        entries = list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))))
        prev = ""
        for entry in entries:
            if entry.id == victim:
                entry.reason = "nothing happened here"
            entry.prev_hash = prev
            entry.hash = audit_hash(entry)
            prev = entry.hash
            session.add(entry)
        session.commit()
    assert services.verify_audit("mgr").ok  # a rebuilt chain links again
    capsys.readouterr()
    assert cli(services, clock, "audit", "verify", "--checkpoint", str(path)) == 1
    assert "the trail was rewritten" in capsys.readouterr().err


def test_an_export_whose_audit_fails_leaves_no_file(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "w.json"
    staged = stage_bytes(target, b"{}")
    with pytest.raises(Exception, match="no mash-tui user record"):
        services.record_export("nobody", "weekly_report", {"output": str(target)}, staged)
    assert not target.exists()
    assert list(folder.iterdir()) == []  # nor a temporary file beside it
    with services.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


def test_an_export_that_cannot_be_put_in_place_leaves_no_audit_entry(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    staged = stage_bytes(folder / "w.json", b"{}")
    (folder / "w.json").mkdir()  # something now stands where the file must go
    with pytest.raises(Exception, match="cannot write"):
        services.record_export("mgr", "weekly_report", {"output": "w.json"}, staged)
    with services.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all() == []
    assert services.verify_audit("mgr").ok
