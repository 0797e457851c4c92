"""Provides `mash-tui report weekly` and `mash-tui export annex-a`: figures out of the system, audited."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from mash_tui.cli_common import CliError
from mash_tui.domain.clock import OutOfRange, parse_day
from mash_tui.domain.states import Role

if TYPE_CHECKING:
    from mash_tui.runtime import Runtime

FORMAT_HELP = "table (default, to the terminal), csv, xlsx, md or json"


def register(sub: Any) -> None:
    """Add the report and export commands to the main parser's sub-commands."""
    report = sub.add_parser("report", help="timeliness reports").add_subparsers(
        metavar="REPORT", required=True
    )
    weekly = report.add_parser(
        "weekly",
        help="weekly timeliness figures for an ISO week (see docs/reports.md)",
        description="Weekly timeliness figures for one ISO week (Monday to Sunday, UK time), "
        "with the trend over the 12 weeks to it. Every figure is defined in docs/reports.md.",
    )
    weekly.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the ISO week, e.g. 2026-W47 (default: the last complete week)",
    )
    weekly.add_argument("--format", metavar="FORMAT", help=FORMAT_HELP)
    weekly.add_argument(
        "--output",
        metavar="PATH",
        help="write to this file (required for xlsx; the format follows the extension "
        "when --format is not given)",
    )
    weekly.set_defaults(handler=cmd_report_weekly)

    export = sub.add_parser("export", help="inspection data sets").add_subparsers(
        metavar="WHAT", required=True
    )
    annex = export.add_parser(
        "annex-a",
        help="Ofsted Annex A List 1 (contacts) for a period, as .xlsx or .csv",
        description="One row per child per contact received in the period, with Annex A's "
        "exact headers and coded values. The file type follows the extension of --output.",
    )
    annex.add_argument(
        "--from", dest="first", metavar="DATE", required=True, help="first day (dd/mm/yyyy)"
    )
    annex.add_argument(
        "--to", dest="last", metavar="DATE", required=True, help="last day, included"
    )
    annex.add_argument("--output", metavar="PATH", required=True, help="a .xlsx or .csv file")
    annex.set_defaults(handler=cmd_export_annex_a)


def _day(text: str, option: str) -> date:
    """A day option read by the one date parser, refused in the words of this command."""
    try:
        day = parse_day(text)
    except OutOfRange as exc:
        raise CliError(str(exc)) from None
    except ValueError:
        day = None
    if day is None:
        raise CliError(f"{option} '{text}' is not a date: use dd/mm/yyyy, e.g. 16/11/2026")
    return day


def _choose_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one the output file's extension names, else a table."""
    from mash_tui.queries.weekly_formats import FORMATS, SUFFIX_FORMATS

    listed = ", ".join(FORMATS[:-1]) + " or " + FORMATS[-1]
    if args.format is not None:
        fmt = str(args.format).strip().lower()
        if fmt not in FORMATS:
            raise CliError(f"unknown format '{args.format}': use {listed}")
        return fmt
    if args.output:
        from pathlib import Path

        suffix = Path(args.output).suffix.lower()
        if suffix not in SUFFIX_FORMATS:
            raise CliError(
                f"cannot tell the format from '{Path(args.output).name}': add --format ({listed})"
            )
        return SUFFIX_FORMATS[suffix]
    return "table"


def cmd_report_weekly(rt: Runtime, args: argparse.Namespace) -> int:
    """Print or write the weekly timeliness report and audit that it left the system."""
    from mash_tui.exports import ExportError, stage_bytes
    from mash_tui.queries.weekly import IsoWeek, weekly_summary
    from mash_tui.queries.weekly_formats import weekly_bytes

    fmt = _choose_format(args)
    if fmt == "xlsx" and not args.output:
        raise CliError("xlsx needs a file: add --output PATH")
    services = rt.services()
    login = rt.acting_login()
    services.require(login, Role.REPORTING)
    now = services.clock.now()
    try:
        week = IsoWeek.parse(args.week) if args.week else IsoWeek.containing(now).shift(-1)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if week.start > now:
        raise CliError(f"{week.label} has not started yet: choose a week up to this one")
    summary = weekly_summary(services, week)
    if summary.is_empty:
        raise CliError(
            f"no contacts were received or decided in {week.label} "
            f"({week.monday:%d/%m/%Y} to {week.sunday:%d/%m/%Y}): nothing to report"
        )
    data = weekly_bytes(summary, fmt)
    staged = None
    destination = "stdout"
    if args.output:
        try:
            staged = stage_bytes(args.output, data)
        except ExportError as exc:
            raise CliError(str(exc)) from None
        destination = str(staged.target)
    detail = {
        "week": week.label,
        "format": fmt,
        "output": destination,
        "received": summary.count("received"),
        "decided": summary.count("decided"),
    }
    try:
        services.record_export(login, "weekly_report", detail, staged)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    if staged is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    if args.output:
        print(f"wrote the {week.label} weekly report ({fmt}) to {destination}")
    return 0


def cmd_export_annex_a(rt: Runtime, args: argparse.Namespace) -> int:
    """Write Ofsted Annex A List 1 for a period and audit that it left the system."""
    from mash_tui.exports import ExportError, stage_bytes
    from mash_tui.queries.annex_a import annex_a_bytes, annex_a_format, annex_a_rows, period_bounds

    first = _day(args.first, "--from")
    last = _day(args.last, "--to")
    try:
        period_bounds(first, last)
        fmt = annex_a_format(args.output)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    services = rt.services()
    login = rt.acting_login()
    services.require(login, Role.REPORTING)
    rows = annex_a_rows(services, first, last)
    if not rows:
        raise CliError(
            f"no contacts were received from {first:%d/%m/%Y} to {last:%d/%m/%Y}: nothing to export"
        )
    try:
        staged = stage_bytes(args.output, annex_a_bytes(rows, args.output))
        path = staged.target
        services.record_export(
            login,
            "annex_a_list_1",
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "format": fmt,
                "output": str(path),
                "rows": len(rows),
            },
            staged,
        )
    except ExportError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {len(rows)} Annex A List 1 rows ({first:%d/%m/%Y} to {last:%d/%m/%Y}) to {path}")
    return 0
