"""`mash-tui report weekly` and `mash-tui export annex-a` from the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from builders import AS_AT, Made, build_w47
from openpyxl import load_workbook

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services


@pytest.fixture
def w47(services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> dict[str, Made]:
    made = build_w47(services, clock)
    clock.set(AS_AT)
    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    return made


def run(database_url: str, clock: FrozenClock, *args: str) -> int:
    return main(["--database", database_url, *args], clock=clock)


def exports(services: Services) -> list[tuple[str, str, dict[str, object] | None]]:
    from mash_tui.store.tables import AuditEntry

    with services.read() as session:
        from sqlmodel import select

        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()
        return [(r.username, r.entity, r.after) for r in rows]


def test_help_for_report_and_export(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["report", "weekly"], ["export", "annex-a"]):
        with pytest.raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0
        assert "usage: mash-tui" in capsys.readouterr().out


def test_weekly_table_to_stdout_is_audited(
    database_url: str,
    clock: FrozenClock,
    services: Services,
    w47: dict[str, Made],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(database_url, clock, "report", "weekly", "--week", "2026-W47") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(
        "Weekly timeliness 2026-W47: Monday 16/11/2026 00:00 to Sunday 22/11/2026 24:00"
    )
    assert "Decided within the target hours" in out
    assert "Amy" not in out and "Smith" not in out  # aggregate output carries no names
    assert w47["K"].reference in out  # late contacts by reference
    [(who, what, detail)] = exports(services)
    head = detail.pop("audit_head") if detail else None
    assert (who, what, detail) == (
        "mgr",
        "weekly_report",
        {
            "week": "2026-W47",
            "format": "table",
            "output": "stdout",
            "received": 8,
            "decided": 6,
        },
    )
    assert head == newest_before_export(services)


def newest_before_export(services: Services) -> dict[str, object]:
    """The audit head as it stood just before the export entry was appended."""
    from sqlmodel import col, select

    from mash_tui.store.tables import AuditEntry

    with services.read() as session:
        entry = session.exec(
            select(AuditEntry).order_by(col(AuditEntry.id).desc()).offset(1).limit(1)
        ).one()
    return {"id": entry.id, "hash": entry.hash}


def test_default_week_is_the_last_complete_one(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 25 Nov 2026 is in week 48, so the default is week 47.
    assert run(database_url, clock, "report", "weekly", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == "2026-W47"
    assert data["figures"]["received"]["count"] == 8
    assert data["figures"]["decided_within_target"] == {
        "label": "Decided within the target hours",
        "count": 4,
        "of": "decided",
        "percent": 66.7,
    }
    assert data["hours_to_decision"] == {"count": 6, "median": 18.0, "p90": 50.5}
    assert all(data["reconciliation"].values())
    assert len(data["trend"]) == 12


@pytest.mark.parametrize("fmt", ["csv", "md", "json", "table", "xlsx"])
def test_every_format_writes_an_owner_only_file(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / f"week.{fmt}"
    assert (
        run(
            database_url,
            clock,
            "report",
            "weekly",
            "--week",
            "2026-W47",
            "--format",
            fmt,
            "--output",
            str(path),
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert (out, err) == (f"wrote the 2026-W47 weekly report ({fmt}) to {path}\n", "")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left


def test_xlsx_has_a_summary_and_late_contacts_by_reference(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
) -> None:
    path = tmp_path / "week.xlsx"
    assert (
        run(database_url, clock, "report", "weekly", "--week", "2026-W47", "--output", str(path))
        == 0
    )
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Late contacts", "Trend"]
    summary = {row[1]: row[3] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["received"] == 8
    assert summary["breached_deadline"] == 3
    assert summary["hours.median"] == 18.0
    assert summary["by_priority.red"] == 1
    late = list(book["Late contacts"].iter_rows(values_only=True))
    assert late[0][:3] == ("Reference", "Priority", "Status")
    assert [row[0] for row in late[1:]] == [w47[n].reference for n in "ACGKE"]
    assert [row[6] for row in late[1:]] == [71.0, 6.0, 30.0, 136.0, 28.0]
    names = {"Amy", "Smith", "Hal", "Jones", "Jo", "Brown"}
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not names & {str(v) for v in row}


def test_csv_lists_every_figure(
    database_url: str, clock: FrozenClock, w47: dict[str, Made], tmp_path: Path
) -> None:
    import csv

    path = tmp_path / "week.csv"
    assert (
        run(database_url, clock, "report", "weekly", "--week", "2026-W47", "--output", str(path))
        == 0
    )
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["section", "key", "figure", "value", "percent", "of"]
    values = {row[1]: (row[3], row[4]) for row in rows[1:]}
    assert values["decided_within_target"] == ("4", "66.7%")
    assert values["open_past_deadline"] == ("2", "66.7%")
    assert values["hours.p90"] == ("50.5", "")
    assert values["repeat_contacts"] == ("2", "25.0%")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--week", "2026-W60"],
            "mash-tui: '2026-W60' is not an ISO week: 2026 has 53 weeks (use YYYY-Www, e.g. 2026-W47)",
        ),
        (["--week", "soon"], "mash-tui: 'soon' is not an ISO week: use YYYY-Www, e.g. 2026-W47"),
        (
            ["--week", "0001-W01"],
            "mash-tui: '0001-W01' is out of range: use a year from 1900 to 9998",
        ),
        (
            ["--week", "2026-W47", "--format", "pdf"],
            "mash-tui: unknown format 'pdf': use table, csv, xlsx, md or json",
        ),
        (
            ["--week", "2026-W47", "--format", "xlsx"],
            "mash-tui: xlsx needs a file: add --output PATH",
        ),
        (
            ["--week", "2026-W30"],
            "mash-tui: no contacts were received or decided in 2026-W30 (20/07/2026 to 26/07/2026): nothing to report",
        ),
        (
            ["--week", "2026-W50"],
            "mash-tui: 2026-W50 has not started yet: choose a week up to this one",
        ),
        (
            ["--week", "2026-W47", "--output", "/nonexistent/dir/w.csv"],
            "mash-tui: cannot write /nonexistent/dir/w.csv: the folder /nonexistent/dir does not exist",
        ),
        (
            ["--week", "2026-W47", "--output", "week.pdf"],
            "mash-tui: cannot tell the format from 'week.pdf': add --format (table, csv, xlsx, md or json)",
        ),
    ],
)
def test_bad_report_arguments_get_one_line_and_exit_1(
    database_url: str,
    clock: FrozenClock,
    services: Services,
    w47: dict[str, Made],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert run(database_url, clock, "report", "weekly", *args) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", message + "\n")
    assert exports(services) == []


def test_unwritable_folder_is_refused(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        path = locked / "w.json"
        assert run(database_url, clock, "report", "weekly", "--output", str(path)) == 1
        assert capsys.readouterr().err == f"mash-tui: cannot write {path}: permission denied\n"
    finally:
        locked.chmod(0o700)


def test_a_folder_or_a_file_in_the_way_is_refused(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        run(database_url, clock, "report", "weekly", "--format", "md", "--output", str(tmp_path))
        == 1
    )
    assert capsys.readouterr().err == (
        f"mash-tui: cannot write {tmp_path}: it is a folder, give a file name\n"
    )
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    target = blocker / "w.md"
    assert run(database_url, clock, "report", "weekly", "--output", str(target)) == 1
    assert capsys.readouterr().err == (
        f"mash-tui: cannot write {target}: {blocker} is not a folder\n"
    )


def test_unknown_login_is_refused_before_anything_is_written(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "stranger")
    path = tmp_path / "w.json"
    assert run(database_url, clock, "report", "weekly", "--output", str(path)) == 1
    err = capsys.readouterr().err
    assert err.startswith("mash-tui: 'stranger' has no mash-tui user record")
    assert not path.exists()


def test_existing_file_is_replaced_with_owner_only_permissions(
    database_url: str,
    clock: FrozenClock,
    w47: dict[str, Made],
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.json"
    path.write_text("old")
    path.chmod(0o644)
    assert run(database_url, clock, "report", "weekly", "--output", str(path)) == 0
    assert json.loads(path.read_text())["week"] == "2026-W47"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
