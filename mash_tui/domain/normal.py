"""Provides one stored form for what people type in several ways: digits from any script
or keyboard (full-width, Arabic-Indic, Devanagari…) become ASCII digits, so an NHS number
or a date typed either way is checked, stored and found as the same value."""

from __future__ import annotations

import unicodedata


def ascii_digits(text: str) -> str:
    """The text in NFKC form with every decimal digit written 0-9."""
    folded = unicodedata.normalize("NFKC", text)
    if folded.isascii():
        return folded
    out = []
    for char in folded:
        value = unicodedata.decimal(char, None)
        out.append(str(value) if value is not None else char)
    return "".join(out)


def nhs_number(text: str) -> str:
    """An NHS number as stored and looked up: ASCII digits, no spaces."""
    return ascii_digits(text).replace(" ", "")
