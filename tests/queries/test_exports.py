"""Atomic, owner-only export files, and the text renderings of the weekly report."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import BinaryIO

import pytest
from openpyxl import load_workbook

from mash_tui.exports import (
    ExportError,
    Sheet,
    csv_bytes,
    write_atomic,
    write_bytes,
    write_xlsx,
)
from mash_tui.queries.weekly_formats import bar


def test_write_is_owner_only_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "out.txt", b"figures\n")
    assert path.read_bytes() == b"figures\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old,complete\n")

    def half_then_fail(handle: BinaryIO) -> None:
        handle.write(b"new,half")
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_an_os_error_while_writing_becomes_one_line(tmp_path: Path) -> None:
    def full_disk(handle: BinaryIO) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError) as err:
        write_atomic(tmp_path / "x.csv", full_disk)
    assert str(err.value) == f"cannot write {tmp_path / 'x.csv'}: no space left on device"
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as err:
        write_bytes(tmp_path / "nope" / "x.csv", b"")
    assert str(err.value) == (
        f"cannot write {tmp_path / 'nope' / 'x.csv'}: the folder {tmp_path / 'nope'} does not exist"
    )


def test_csv_keeps_formula_like_text_as_text() -> None:
    data = csv_bytes(["a", "b", "c"], [["=HYPERLINK(1)", "-3", None]])
    assert data.decode() == "a,b,c\r\n'=HYPERLINK(1),-3,\r\n"


def test_xlsx_text_starting_with_equals_is_not_a_formula(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [Sheet("S", ["a"], [["=1+1"], [2]])])
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["A3"].value == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("value", "top", "width", "shown"),
    [
        (0, 100, 10, ""),
        (100, 100, 10, "██████████"),
        (50, 100, 10, "█████"),
        (55, 100, 10, "█████▄"),
        (150, 100, 4, "████"),
        (5, 0, 10, ""),
    ],
)
def test_bar_uses_eighth_blocks(value: float, top: float, width: int, shown: str) -> None:
    assert bar(value, top, width) == shown
