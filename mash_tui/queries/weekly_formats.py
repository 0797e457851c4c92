"""Provides the weekly report in every export format (table, csv, xlsx, md, json), from the registry.

Each format walks the same sections, figures and splits (``figures.SECTIONS`` and
``figures.SPLITS``), so a figure added to the registry appears in all of them. The
bytes are written by ``mash_tui.exports``: atomically, owner-only, without names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import format_local
from mash_tui.exports import ExportError, Sheet, csv_bytes, xlsx_bytes
from mash_tui.queries.figures import HOURS_SECTION, SECTIONS, SPLITS

if TYPE_CHECKING:
    from mash_tui.queries.weekly import WeeklySummary

__all__ = [
    "FORMATS",
    "SUFFIX_FORMATS",
    "bar",
    "weekly_bytes",
    "weekly_csv",
    "weekly_json",
    "weekly_markdown",
    "weekly_rows",
    "weekly_sheets",
    "weekly_table",
]

FORMATS = ("table", "csv", "xlsx", "md", "json")
SUFFIX_FORMATS = {
    ".txt": "table",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".json": "json",
}
BLOCKS = " ▁▂▃▄▅▆▇█"
CSV_HEADER = ("section", "key", "figure", "value", "percent", "of")
FIGURE_HEADER = ("Figure", "Count", "%", "Of")
SPLIT_COLUMNS = ("Decided", "Within target", "%", "Past deadline")
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
LATE_TEXT_HEADER = (
    "Reference",
    "RAG",
    "Status",
    "Received",
    "Deadline",
    "Authorised",
    "Hours",
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
TREND_TEXT_HEADER = ("Week", "Received", "Decided", "Within target", "Past deadline", "Open late")


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


def _heading(summary: WeeklySummary) -> list[str]:
    week = summary.week
    state = "complete" if summary.complete else "in progress"
    return [
        f"Weekly timeliness {week.label}: Monday {week.monday:%d/%m/%Y} 00:00 to "
        f"Sunday {week.sunday:%d/%m/%Y} 24:00 (UK time, {week.hours:g} hours)",
        f"As at {format_local(summary.as_at)} ({state}); target {summary.target_hours:g} hours "
        "from receipt to authorisation",
    ]


def _hours_figures(summary: WeeklySummary) -> list[tuple[str, str, float | None]]:
    """The two hours-to-decision figures shown with the timeliness section."""
    return [
        ("hours.median", "Median hours to decision", summary.median_hours),
        ("hours.p90", "90th percentile hours to decision", summary.p90_hours),
    ]


# ---------------------------------------------------------------- CSV and XLSX
def weekly_rows(summary: WeeklySummary) -> list[tuple[str, str, str, Any, str, str]]:
    """Every figure as (section, key, label, value, percent, of): the CSV and XLSX summary."""
    rows: list[tuple[str, str, str, Any, str, str]] = []
    for section, keys in SECTIONS:
        for key in keys:
            fig = summary.figures[key]
            rows.append((section, key, fig.label, fig.count, _pct(fig.percent), fig.of or ""))
        if section == HOURS_SECTION.title:
            for key, label, value in _hours_figures(summary):
                rows.append((section, key, label, value, "", "decided"))
    for dimension, split_rows in summary.splits.items():
        section = f"Decided this week by {SPLITS[dimension].phrase}"
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


def weekly_csv(summary: WeeklySummary) -> bytes:
    return csv_bytes(CSV_HEADER, weekly_rows(summary))


def weekly_sheets(summary: WeeklySummary) -> list[Sheet]:
    """Summary, late contacts (references only) and the trend, one sheet each."""
    heading = _heading(summary)
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
    blank = ("", "", "", "", "")
    return [
        Sheet(
            "Summary",
            CSV_HEADER,
            [(heading[0], *blank), (heading[1], *blank), *weekly_rows(summary)],
        ),
        Sheet("Late contacts", LATE_HEADER, late_rows),
        Sheet("Trend", TREND_HEADER, trend_rows),
    ]


def weekly_json(summary: WeeklySummary) -> bytes:
    return (json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- text and Markdown
Block = tuple[str, Sequence[str], list[list[Any]], set[int]]


def _of_text(summary: WeeklySummary, of: str | None) -> str:
    if of is None:
        return ""
    return f"of {summary.figures[of].label.lower()}" if of in summary.figures else f"of {of}"


def _blocks(summary: WeeklySummary) -> list[Block]:
    """The figure sections and the splits as (title, header, rows, right-aligned columns)."""
    blocks: list[Block] = []
    for section, keys in SECTIONS:
        rows: list[list[Any]] = []
        for key in keys:
            fig = summary.figures[key]
            rows.append([fig.label, fig.count, _pct(fig.percent), _of_text(summary, fig.of)])
        if section == HOURS_SECTION.title:
            rows += [[label, _hours(value), "", ""] for _, label, value in _hours_figures(summary)]
        blocks.append((section, FIGURE_HEADER, rows, {1, 2}))
    for dimension, split_rows in summary.splits.items():
        table = [
            [
                r.label,
                r.decided,
                r.within_target,
                _pct(r.within_target_percent),
                r.breached_deadline,
            ]
            for r in split_rows
        ] or [["(none decided)", "", "", "", ""]]
        split = SPLITS[dimension]
        title = f"Decided this week by {split.phrase}"
        blocks.append((title, (split.title, *SPLIT_COLUMNS), table, {1, 2, 3, 4}))
    return blocks


def _late_rows(summary: WeeklySummary) -> list[list[Any]]:
    return [
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


def _trend_rows(summary: WeeklySummary, with_bar: bool) -> list[list[Any]]:
    return [
        [
            p.week,
            p.received,
            p.decided,
            _pct(p.within_target_percent),
            p.breached_deadline,
            p.open_past_deadline,
            *([bar(p.within_target_percent or 0.0, 100.0)] if with_bar else []),
        ]
        for p in summary.trend
    ]


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
    return ["  " + text for text in out]


def weekly_table(summary: WeeklySummary) -> str:
    """The report as plain text for a terminal: sections, splits, late contacts and the trend."""
    lines = [*_heading(summary), ""]
    for title, header, rows, right in _blocks(summary):
        lines += [title, *_text_table(header, rows, right), ""]
    lines.append("Late contacts (decided over target or past deadline; open past deadline)")
    lines += _text_table(LATE_TEXT_HEADER, _late_rows(summary), {6, 7})
    if summary.trend:
        lines += ["", f"Trend over {len(summary.trend)} weeks (bar: decided within target %)"]
        header = (*TREND_TEXT_HEADER, "")
        lines += _text_table(header, _trend_rows(summary, with_bar=True), {1, 2, 3, 4, 5})
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
    heading = _heading(summary)
    lines = [
        f"# Weekly timeliness {summary.week.label}",
        "",
        f"{heading[0]}.",
        f"{heading[1]}.",
        "",
    ]
    for title, header, rows, right in _blocks(summary):
        lines += [f"## {title}", "", *_md_table(header, rows, right), ""]
    lines += ["## Late contacts", ""]
    lines += _md_table(LATE_TEXT_HEADER, _late_rows(summary), {6, 7})
    if summary.trend:
        lines += ["", f"## Trend over {len(summary.trend)} weeks", ""]
        lines += _md_table(TREND_TEXT_HEADER, _trend_rows(summary, with_bar=False), {1, 2, 3, 4, 5})
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
