"""Text from a file or a person never reaches the terminal raw: no forged lines, no escapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_import_csv

from mash_tui.cli import main
from mash_tui.cli_common import printable
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services

HOSTILE = "03/09/2016\nrow 999, column concern: all fine here\x1b]0;owned\x07\x1b[2J"


def test_printable_escapes_controls_and_keeps_names() -> None:
    assert printable("Zoë Łukasiewicz-Ó Súilleabháin") == "Zoë Łukasiewicz-Ó Súilleabháin"
    assert printable("a\nb") == "a\\nb"
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("x\u202ey") == "x\\u202ey"
    assert printable("\x9b") == "\\x9b"  # a C1 control, the 8-bit escape introducer


def test_import_problems_quote_cells_on_one_line_each(
    services: Services,
    tmp_path: Path,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = dict(
        received_at="16/11/2026 09:00",
        referrer_name="Jo Teacher",
        source_code="2A",
        concern="A concern.",
        child_first_name="Ada",
        child_last_name="Lovelace",
        child_date_of_birth=HOSTILE,
    )
    path = write_import_csv(tmp_path / "hostile\x1b[31m.csv", [row])
    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    url = services.engine.url.render_as_string(hide_password=False)
    assert main(["--database", url, "import", "contacts", str(path)], clock=clock) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("mash-tui: nothing imported from ")
    assert all(line.startswith("row ") for line in lines[1:])
    assert not any(line.startswith("row 999") for line in lines)
    assert any("child_date_of_birth" in line for line in lines[1:])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("received_at", "31/12/9999 23:59"),
        ("received_at", "0001-01-01T00:30:00+05:00"),
        ("child_expected_date", "01/01/0001"),
    ],
)
def test_instants_out_of_range_in_a_file_are_problem_lines(
    column: str,
    value: str,
    services: Services,
    tmp_path: Path,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = dict(
        received_at="16/11/2026 09:00",
        referrer_name="Jo Teacher",
        source_code="2A",
        concern="A concern.",
        child_first_name="",
        child_last_name="Unborn",
        child_unborn="yes",
        child_expected_date="01/02/2027",
    )
    row[column] = value
    path = write_import_csv(tmp_path / "range.csv", [row])
    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    url = services.engine.url.render_as_string(hide_password=False)
    assert main(["--database", url, "import", "contacts", str(path)], clock=clock) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any(
        line.startswith(f"row 2, column {column}:") and "out of range" in line
        for line in err.splitlines()
    ), err
