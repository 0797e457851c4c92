"""Files that leave the system: written atomically, readable only by their owner, without names.

Every export goes through :func:`write_atomic`: the bytes go to a temporary file in
the destination folder (created with mode 0600), are flushed to disk, and only then
replace the destination with ``os.replace``. A reader therefore sees the old file or
the new one, never half of one, and nobody but the owner can open it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from mash_tui.domain.clock import format_local

if TYPE_CHECKING:
    from mash_tui.queries.weekly import WeeklySummary

__all__ = [
    "FORMATS",
    "ExportError",
    "Sheet",
    "bar",
    "csv_bytes",
    "weekly_csv",
    "weekly_json",
    "weekly_markdown",
    "weekly_sheets",
    "weekly_table",
    "write_atomic",
    "write_csv",
    "write_weekly",
    "write_xlsx",
    "xlsx_bytes",
]

FILE_MODE = 0o600
FORMATS = ("table", "csv", "xlsx", "md", "json")
SUFFIX_FORMATS = {
    ".txt": "table",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".json": "json",
}
BLOCKS = " ▁▂▃▄▅▆▇█"
SPLIT_PHRASES = {
    "next_step": "next step",
    "level": "Level of Need",
    "source": "contact source",
    "priority": "RAG priority",
}


class ExportError(Exception):
    """An export that cannot be written, said in one line a person can act on."""


# ---------------------------------------------------------------- atomic writing
def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder, give a file name")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"cannot write {path}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: {parent} is not a folder")


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Write through a 0600 temporary file in the same folder, then rename it into place."""
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
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {target}: {_reason(exc)}") from exc
        raise
    return target


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ready-made bytes atomically with owner-only permissions."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return write_atomic(path, write)


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


# ---------------------------------------------------------------- the weekly report
def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def bar(value: float, top: float, width: int = 20) -> str:
    """A horizontal bar of block characters, value/top of the full width."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(width * 8 * min(value, top) / top)
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


SECTIONS: list[tuple[str, list[str]]] = [
    ("Contacts in and out", ["received", "decided", "open_at_start", "open_at_end"]),
    (
        "Timeliness of the contacts decided this week",
        [
            "decided_within_target",
            "decided_over_target",
            "decided_within_deadline",
            "breached_deadline",
        ],
    ),
    (
        "Still open at the end of the week",
        ["open_past_deadline", "open_within_deadline"],
    ),
    (
        "Contacts received this week, as they stood at the report time",
        [
            "cohort.decided",
            "cohort.decided_within_target",
            "cohort.breached_deadline",
            "cohort.open",
            "cohort.open_past_deadline",
        ],
    ),
    (
        "Consent and management oversight (contacts decided this week)",
        [
            "consent.given",
            "consent.refused",
            "consent.not_sought",
            "consent.not_recorded",
            "overrides",
            "overrides_with_rationale",
            "overrides_authorised",
            "management_authorised",
        ],
    ),
    ("Repeat contacts", ["repeat_contacts"]),
]


def _of_text(summary: WeeklySummary, of: str | None) -> str:
    if of is None:
        return ""
    return f"of {summary.figures[of].label.lower()}" if of in summary.figures else f"of {of}"


def _heading(summary: WeeklySummary) -> list[str]:
    week = summary.week
    state = "complete" if summary.complete else "in progress"
    return [
        f"Weekly timeliness {week.label}: Monday {week.monday:%d/%m/%Y} 00:00 to "
        f"Sunday {week.sunday:%d/%m/%Y} 24:00 (UK time, {week.hours:g} hours)",
        f"As at {format_local(summary.as_at)} ({state}); target {summary.target_hours:g} hours "
        "from receipt to authorisation",
    ]


def weekly_rows(summary: WeeklySummary) -> list[tuple[str, str, str, Any, str, str]]:
    """Every figure as (section, key, label, value, percent, of): the CSV and XLSX summary."""
    rows: list[tuple[str, str, str, Any, str, str]] = []
    for section, keys in SECTIONS:
        for key in keys:
            fig = summary.figures[key]
            rows.append((section, key, fig.label, fig.count, _pct(fig.percent), fig.of or ""))
        if section.startswith("Timeliness"):
            rows.append(
                (
                    section,
                    "hours.median",
                    "Median hours to decision",
                    summary.median_hours,
                    "",
                    "decided",
                )
            )
            rows.append(
                (
                    section,
                    "hours.p90",
                    "90th percentile hours to decision",
                    summary.p90_hours,
                    "",
                    "decided",
                )
            )

    for dimension, split_rows in summary.splits.items():
        section = f"Decided this week by {SPLIT_PHRASES[dimension]}"
        for row in split_rows:
            rows.append((section, row.key, row.label, row.decided, "", "decided"))
            rows.append(
                (
                    section,
                    f"{row.key}.within_target",
                    f"{row.label}: within target",
                    row.within_target,
                    _pct(row.within_target_percent),
                    row.key,
                )
            )
            rows.append(
                (
                    section,
                    f"{row.key}.breached_deadline",
                    f"{row.label}: past deadline",
                    row.breached_deadline,
                    "",
                    row.key,
                )
            )
    return rows


CSV_HEADER = ("section", "key", "figure", "value", "percent", "of")
LATE_HEADER = (
    "Reference",
    "Priority",
    "Status",
    "Received",
    "Deadline",
    "Authorised",
    "Hours taken",
    "Hours past deadline",
    "Over target",
    "Past deadline",
)
TREND_HEADER = (
    "Week",
    "Received",
    "Decided",
    "Decided within target",
    "Within target %",
    "Decided past deadline",
    "Open past deadline at week end",
)


def weekly_csv(summary: WeeklySummary) -> bytes:
    return csv_bytes(CSV_HEADER, weekly_rows(summary))


def weekly_sheets(summary: WeeklySummary) -> list[Sheet]:
    """Summary, late contacts (references only) and the trend, one sheet each."""
    heading = _heading(summary)
    summary_rows: list[Sequence[Any]] = [
        (section, key, label, value, percent, of)
        for section, key, label, value, percent, of in weekly_rows(summary)
    ]
    late_rows: list[Sequence[Any]] = [
        (
            late.reference,
            late.priority,
            late.status,
            late.received_at,
            late.deadline_at,
            late.authorised_at,
            late.hours_taken,
            late.hours_past_deadline,
            "yes" if late.over_target else "no",
            "yes" if late.breached_deadline else "no",
        )
        for late in summary.late
    ]
    trend_rows: list[Sequence[Any]] = [
        (
            p.week,
            p.received,
            p.decided,
            p.decided_within_target,
            p.within_target_percent,
            p.breached_deadline,
            p.open_past_deadline,
        )
        for p in summary.trend
    ]
    return [
        Sheet(
            "Summary",
            CSV_HEADER,
            [(heading[0], "", "", "", "", ""), (heading[1], "", "", "", "", ""), *summary_rows],
        ),
        Sheet("Late contacts", LATE_HEADER, late_rows),
        Sheet("Trend", TREND_HEADER, trend_rows),
    ]


def weekly_json(summary: WeeklySummary) -> bytes:
    return (json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _text_table(header: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int]) -> list[str]:
    cells = [[str(h) for h in header]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return out


def _figure_table_rows(summary: WeeklySummary, keys: Sequence[str]) -> list[list[Any]]:
    rows = []
    for key in keys:
        fig = summary.figures[key]
        rows.append([fig.label, fig.count, _pct(fig.percent), _of_text(summary, fig.of)])
    return rows


def weekly_table(summary: WeeklySummary) -> str:
    """The report as plain text for a terminal: sections, splits, late contacts and the trend."""
    from mash_tui.queries.weekly import SPLITS

    lines = [*_heading(summary), ""]
    for section, keys in SECTIONS:
        lines.append(section)
        rows = _figure_table_rows(summary, keys)
        if section.startswith("Timeliness"):
            rows.append(["Median hours to decision", _hours(summary.median_hours), "", ""])
            rows.append(["90th percentile hours to decision", _hours(summary.p90_hours), "", ""])
        lines += ["  " + x for x in _text_table(["Figure", "Count", "%", "Of"], rows, {1, 2})]
        lines.append("")
    for dimension, split_rows in summary.splits.items():
        lines.append(f"Decided this week by {SPLIT_PHRASES[dimension]}")
        table = [
            [
                r.label,
                r.decided,
                r.within_target,
                _pct(r.within_target_percent),
                r.breached_deadline,
            ]
            for r in split_rows
        ]
        if not table:
            table = [["(none decided)", "", "", "", ""]]
        lines += [
            "  " + x
            for x in _text_table(
                [SPLITS[dimension], "Decided", "Within target", "%", "Past deadline"],
                table,
                {1, 2, 3, 4},
            )
        ]
        lines.append("")
    lines.append("Late contacts (decided over target or past deadline; open past deadline)")
    late_rows = [
        [
            x.reference,
            x.priority,
            x.status,
            format_local(x.received_at),
            format_local(x.deadline_at),
            format_local(x.authorised_at),
            _hours(x.hours_taken),
            _hours(x.hours_past_deadline),
        ]
        for x in summary.late
    ] or [["(none)", "", "", "", "", "", "", ""]]
    lines += [
        "  " + x
        for x in _text_table(
            [
                "Reference",
                "RAG",
                "Status",
                "Received",
                "Deadline",
                "Authorised",
                "Hours",
                "Past deadline",
            ],
            late_rows,
            {6, 7},
        )
    ]
    if summary.trend:
        lines += ["", f"Trend over {len(summary.trend)} weeks (bar: decided within target %)"]
        trend_rows = [
            [
                p.week,
                p.received,
                p.decided,
                _pct(p.within_target_percent),
                p.breached_deadline,
                p.open_past_deadline,
                bar(p.within_target_percent or 0.0, 100.0),
            ]
            for p in summary.trend
        ]
        lines += [
            "  " + x
            for x in _text_table(
                ["Week", "Received", "Decided", "Within target", "Past deadline", "Open late", ""],
                trend_rows,
                {1, 2, 3, 4, 5},
            )
        ]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int]) -> list[str]:
    out = ["| " + " | ".join(_md_escape(h) for h in header) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    for row in rows:
        out.append("| " + " | ".join(_md_escape("" if v is None else str(v)) for v in row) + " |")
    return out


def weekly_markdown(summary: WeeklySummary) -> str:
    """The report as Markdown for a briefing paper."""
    from mash_tui.queries.weekly import SPLITS

    heading = _heading(summary)
    lines = [
        f"# Weekly timeliness {summary.week.label}",
        "",
        heading[0] + ".",
        heading[1] + ".",
        "",
    ]
    for section, keys in SECTIONS:
        lines += [f"## {section}", ""]
        rows = _figure_table_rows(summary, keys)
        if section.startswith("Timeliness"):
            rows.append(["Median hours to decision", _hours(summary.median_hours), "", ""])
            rows.append(["90th percentile hours to decision", _hours(summary.p90_hours), "", ""])
        lines += _md_table(["Figure", "Count", "%", "Of"], rows, {1, 2})
        lines.append("")
    for dimension, split_rows in summary.splits.items():
        lines += [f"## Decided this week by {SPLIT_PHRASES[dimension]}", ""]
        lines += _md_table(
            [SPLITS[dimension], "Decided", "Within target", "%", "Past deadline"],
            [
                [
                    r.label,
                    r.decided,
                    r.within_target,
                    _pct(r.within_target_percent),
                    r.breached_deadline,
                ]
                for r in split_rows
            ]
            or [["(none decided)", "", "", "", ""]],
            {1, 2, 3, 4},
        )
        lines.append("")
    lines += ["## Late contacts", ""]
    lines += _md_table(
        [
            "Reference",
            "RAG",
            "Status",
            "Received",
            "Deadline",
            "Authorised",
            "Hours",
            "Past deadline",
        ],
        [
            [
                x.reference,
                x.priority,
                x.status,
                format_local(x.received_at),
                format_local(x.deadline_at),
                format_local(x.authorised_at),
                _hours(x.hours_taken),
                _hours(x.hours_past_deadline),
            ]
            for x in summary.late
        ]
        or [["(none)", "", "", "", "", "", "", ""]],
        {6, 7},
    )
    if summary.trend:
        lines += ["", f"## Trend over {len(summary.trend)} weeks", ""]
        lines += _md_table(
            ["Week", "Received", "Decided", "Within target", "Past deadline", "Open late"],
            [
                [
                    p.week,
                    p.received,
                    p.decided,
                    _pct(p.within_target_percent),
                    p.breached_deadline,
                    p.open_past_deadline,
                ]
                for p in summary.trend
            ],
            {1, 2, 3, 4, 5},
        )
    return "\n".join(lines) + "\n"


def weekly_bytes(summary: WeeklySummary, fmt: str) -> bytes:
    """The report in one of FORMATS, as the bytes of the file."""
    if fmt == "table":
        return weekly_table(summary).encode("utf-8")
    if fmt == "csv":
        return weekly_csv(summary)
    if fmt == "xlsx":
        return xlsx_bytes(weekly_sheets(summary))
    if fmt == "md":
        return weekly_markdown(summary).encode("utf-8")
    if fmt == "json":
        return weekly_json(summary)
    raise ExportError(f"unknown format '{fmt}': use {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")


def write_weekly(summary: WeeklySummary, fmt: str, path: str | os.PathLike[str]) -> Path:
    """Write the weekly report to a file, atomically and owner-only."""
    return write_bytes(path, weekly_bytes(summary, fmt))
