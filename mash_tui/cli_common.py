"""Provides what every command shares: the user-error type and date arguments."""

from __future__ import annotations

import argparse
from datetime import date

from mash_tui.domain.clock import parse_day
from mash_tui.domain.errors import first_line

__all__ = ["CliError", "first_line", "parse_date"]


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


def parse_date(text: str) -> date:
    """An argparse type for a day given as dd/mm/yyyy or yyyy-mm-dd."""
    try:
        day = parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if day is None:
        raise argparse.ArgumentTypeError("a date is needed: use dd/mm/yyyy")
    return day
