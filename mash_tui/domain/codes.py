"""Reference code lists (contact sources, Annex A genders and ethnicities, factors)."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Code:
    """One coded value, with the text Annex A expects where it has one."""

    code: str
    label: str
    annex_a: str = ""


@cache
def _load() -> dict[str, tuple[Code, ...]]:
    """Read the shipped list once; it is package data, never the live database."""
    raw = tomllib.loads(files("mash_tui.data").joinpath("codes.toml").read_text("utf-8"))
    out: dict[str, tuple[Code, ...]] = {}
    for key, rows in raw.items():
        codes = []
        for index, row in enumerate(rows):
            annex = row.get("annex_a", "")
            if key == "ethnicities":
                annex = f"{string.ascii_lowercase[index]}) {row['code']}"
            codes.append(Code(row["code"], row["label"], annex))
        out[key] = tuple(codes)
    return out


def sources() -> tuple[Code, ...]:
    """Contact source codes from the children in need census."""
    return _load()["sources"]


def genders() -> tuple[Code, ...]:
    """Gender codes as Annex A writes them."""
    return _load()["genders"]


def ethnicities() -> tuple[Code, ...]:
    """Census ethnicity codes, lettered as Annex A writes them."""
    return _load()["ethnicities"]


def factors() -> tuple[Code, ...]:
    """Optional factor tags on a concern."""
    return _load()["factors"]


def lookup(kind: str, code: str) -> Code | None:
    """Find one code in a list by its code, or None when it is not a known value."""
    for item in _load()[kind]:
        if item.code == code:
            return item
    return None
