"""Provides the writing of files that leave the system: atomic, owner-only, without names.

Every export goes through :func:`write_atomic`: the bytes go to a temporary file in
the destination folder (created with mode 0600), are flushed to disk, and only then
replace the destination with ``os.replace``. A reader therefore sees the old file or
the new one, never half of one, and nobody but the owner can open it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "ExportError",
    "Sheet",
    "csv_bytes",
    "write_atomic",
    "write_bytes",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]

FILE_MODE = 0o600


class ExportError(Exception):
    """An export that cannot be written, said in one line a person can act on."""


# ---------------------------------------------------------------- atomic writing
SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def is_database_file(path: Path) -> bool:
    """Whether a file is a SQLite database or one of its side files, which an export must never
    replace (an export over the live database would destroy every record in it)."""
    for suffix in SQLITE_SIDE_FILES:
        if path.name.endswith(suffix) and is_database_file(
            path.with_name(path.name[: -len(suffix)])
        ):
            return True
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder, give a file name")
    if path.exists() and is_database_file(path):
        raise ExportError(f"cannot write {path}: it is a database file; choose another file name")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"cannot write {path}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: {parent} is not a folder")


class StagedFile:
    """An export written in full to an owner-only temporary file beside its target, not yet
    in place: `publish` renames it into place, `discard` removes it."""

    def __init__(self, target: Path, temp: str) -> None:
        self.target = target
        self._temp = temp
        self.published = False

    def publish(self) -> Path:
        try:
            os.replace(self._temp, self.target)
        except OSError as exc:
            self.discard()
            raise ExportError(f"cannot write {self.target}: {_reason(exc)}") from exc
        self.published = True
        return self.target

    def discard(self) -> None:
        """Remove the temporary file; if it was already published, remove the export too."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.target if self.published else self._temp)


def stage(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> StagedFile:
    """Write through a 0600 temporary file in the target's folder, ready to be renamed."""
    target = Path(path).expanduser()
    _check_destination(target)
    try:
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from exc
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {target}: {_reason(exc)}") from exc
        raise
    return StagedFile(target, temp_name)


def stage_bytes(path: str | os.PathLike[str], data: bytes) -> StagedFile:
    """Ready-made bytes, staged beside their target."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return stage(path, write)


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Write through a 0600 temporary file in the same folder, then rename it into place."""
    return stage(path, write).publish()


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ready-made bytes atomically with owner-only permissions."""
    return stage_bytes(path, data).publish()


# ---------------------------------------------------------------- CSV and XLSX
def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with one header row (the exports hold codes and numbers, no free text)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _csv_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Path:
    return write_bytes(path, csv_bytes(header, rows))


@dataclass
class Sheet:
    """One worksheet: a title, a header row and the rows under it."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=list)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook; dates are real dates shown as dd/mm/yyyy, text is never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = True
    for sheet in sheets:
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        first = False
        ws.title = sheet.title[:31]
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_xlsx_value(v) for v in row])
        columns = ws.iter_cols(1, len(sheet.header))
        for column, width in zip(columns, _widths(sheet), strict=False):
            ws.column_dimensions[column[0].column_letter].width = width
            for cell in column[1:]:
                if isinstance(cell.value, datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(sheet: Sheet) -> list[int]:
    if sheet.widths:
        return list(sheet.widths)
    out = []
    for index, title in enumerate(sheet.header):
        longest = max(
            [len(str(title))]
            + [len(_shown(row[index])) for row in sheet.rows[:200] if index < len(row)]
        )
        out.append(min(60, max(8, longest + 2)))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, datetime | date):
        return "00/00/0000 00:00"
    return "" if value is None else str(value)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: write the Europe/London wall time people read.
        from mash_tui.domain.clock import to_local

        return to_local(value).replace(tzinfo=None)
    return value


def write_xlsx(path: str | os.PathLike[str], sheets: Sequence[Sheet]) -> Path:
    return write_bytes(path, xlsx_bytes(sheets))
