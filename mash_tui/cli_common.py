"""Provides what every command shares: the user-error type and date arguments."""

from __future__ import annotations

import argparse
import unicodedata
from datetime import date

from mash_tui.domain.clock import parse_day
from mash_tui.domain.errors import first_line

__all__ = ["CliError", "first_line", "parse_date", "printable"]


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


# Invisible characters that reorder the text around them (a line could be made to read
# as something it does not say).
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | frozenset(
    "\u2066\u2067\u2068\u2069"
)


def printable(text: str) -> str:
    """Text from a file or a person made safe for one terminal line: every control
    character (newlines, escape sequences, bidi overrides) shown as an escape, never sent."""
    out = []
    for char in text:
        if char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
