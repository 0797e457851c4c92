"""The command line: help for every command, one-line errors with exit 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.store.engine import HEAD_REVISION

COMMANDS = [
    [],
    ["run"],
    ["db", "upgrade"],
    ["demo"],
    ["import", "contacts"],
    ["users", "add"],
    ["users", "list"],
    ["users", "disable"],
    ["audit", "verify"],
    ["children", "find"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "usage: mash-tui" in capsys.readouterr().out


def test_db_upgrade_and_users(
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["--database", database_url, "db", "upgrade"], clock=clock) == 0
    assert f"revision {HEAD_REVISION}" in capsys.readouterr().out
    monkeypatch.setenv("MASH_TUI_USER", "boss")
    assert (
        main(["--database", database_url, "users", "add", "boss", "--role", "manager"], clock=clock)
        == 0
    )
    assert (
        main(
            ["--database", database_url, "users", "add", "sam", "--name", "Sam Screener"],
            clock=clock,
        )
        == 0
    )
    assert main(["--database", database_url, "users", "list"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "boss\tmanager\tactive" in out and "sam\tscreener\tactive\tSam Screener" in out
    monkeypatch.setenv("MASH_TUI_USER", "sam")
    assert main(["--database", database_url, "users", "disable", "boss"], clock=clock) == 1
    err = capsys.readouterr().err
    assert err == "mash-tui: only a manager can do this; you are a screener\n"


def test_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", "nonsense://", "users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mash-tui: ") and err.count("\n") == 1


def test_missing_import_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--database", f"sqlite:///{tmp_path}/x.db", "import", "contacts", "/no/such.csv"])
        == 1
    )
    assert capsys.readouterr().err == "mash-tui: no such file: /no/such.csv\n"


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["demo", "--until", "31/02/2026"])
    assert done.value.code == 1
    [line] = capsys.readouterr().err.splitlines()  # one line, no usage block
    assert line.startswith("mash-tui demo: argument --until: ")
    assert "is not a date" in line


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mash_tui.cli",
            "--database",
            f"sqlite:///{tmp_path}/y.db",
            "users",
            "disable",
            "x",
        ],
        capture_output=True,
        text=True,
        env={"MASH_TUI_USER": "nobody", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "mash-tui: 'nobody' has no mash-tui user record; ask a manager to run `mash-tui users add nobody`"
    )


def test_council_deadline_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mash_tui.config import deadline_policy
    from mash_tui.domain.deadlines import Timescale

    settings = tmp_path / "settings.toml"
    settings.write_text('[deadlines]\nred = "2h"\ngreen = "3wd"\nwarning_hours = 2\n')
    monkeypatch.setenv("MASH_TUI_SETTINGS", str(settings))
    policy = deadline_policy()
    assert policy.red == Timescale(hours=2) and policy.green == Timescale(working_days=3)
    assert policy.warning_hours == 2
    settings.write_text('[deadlines]\ngren = "3wd"\n')
    assert main(["--database", f"sqlite:///{tmp_path}/z.db", "users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mash-tui: {settings}: Unknown deadline setting(s) gren")


def test_first_user_defaults_to_manager_and_verify_needs_one(
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "boss")
    assert main(["--database", database_url, "users", "add", "boss"], clock=clock) == 0
    assert main(["--database", database_url, "users", "add", "sam"], clock=clock) == 0
    assert capsys.readouterr().out == "added boss (manager)\nadded sam (screener)\n"
    monkeypatch.setenv("MASH_TUI_USER", "sam")
    assert main(["--database", database_url, "audit", "verify"], clock=clock) == 1
    assert capsys.readouterr().err == (
        "mash-tui: only a manager or a reporting (performance and quality-assurance) officer "
        "can do this; you are a screener\n"
    )
    monkeypatch.setenv("MASH_TUI_USER", "nobody")
    assert main(["--database", database_url, "users", "list"], clock=clock) == 1
    assert "'nobody' has no mash-tui user record" in capsys.readouterr().err
