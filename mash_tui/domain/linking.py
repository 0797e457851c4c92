"""Provides what linking a contact to a known child does with the details typed about them.

The known record fills whatever was left blank (or at its "not stated" default); a detail
typed that differs from the record is kept and becomes the record's new value, so nothing
typed about the child is dropped. Names stay as recorded: a different spelling is how the
child was found, not a correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mash_tui.domain import normal

__all__ = ["CHILD_DETAILS", "UNSTATED", "merge_known_child"]

# The details of a child that a contact may bring news of.
CHILD_DETAILS = (
    "date_of_birth",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "school",
    "nhs_number",
)
# What a form shows before anyone has said: not news about the child.
UNSTATED: dict[str, str] = {"gender": "U", "ethnicity": "NOBT"}


def _same(name: str, typed: Any, known: Any) -> bool:
    if name == "postcode":
        return str(typed).replace(" ", "").upper() == str(known).replace(" ", "").upper()
    if name == "nhs_number":
        return normal.nhs_number(str(typed)) == normal.nhs_number(str(known))
    return str(typed).strip() == str(known).strip()


def _blank(name: str, value: Any) -> bool:
    return value is None or str(value).strip() in ("", UNSTATED.get(name, ""))


def merge_known_child(
    known: Mapping[str, Any], typed: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the record fills in (left blank when typed), and what typed differs from it."""
    fill: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    for name in CHILD_DETAILS:
        mine, theirs = typed.get(name), known.get(name)
        if _blank(name, mine):
            if not _blank(name, theirs):
                fill[name] = theirs
        elif _blank(name, theirs) or not _same(name, mine, theirs):
            changed[name] = mine
    return fill, changed
