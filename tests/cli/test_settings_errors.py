"""A broken council settings.toml is one line naming the problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ('[deadlines]\nred = "99999999999h"\n', "red"),
        ('[deadlines]\ngreen = "99999999wd"\n', "green"),
        ("[deadlines]\ntarget_hours = 1e300\n", "target_hours"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
        ("a = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ],
    ids=["huge-hours", "huge-working-days", "huge-target", "nested-tables", "nested-arrays"],
)
def test_a_broken_setting_is_one_line(
    settings: str,
    fragment: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clock: FrozenClock,
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(settings, "utf-8")
    monkeypatch.setenv("MASH_TUI_SETTINGS", str(path))
    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    url = f"sqlite:///{tmp_path}/s.db"
    code = main(["--database", url, "users", "add", "mgr", "--role", "manager"], clock=clock)
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("mash-tui: ") and fragment in err
    assert "Traceback" not in err
