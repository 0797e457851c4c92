"""Level of Need frameworks as versioned data, loaded from TOML that a council can replace.

A framework is read from a TOML file (one ships as package data in
``mash_tui.thresholds``; a council points mash-tui at its own). Every problem in
the file becomes a :class:`FrameworkError` that names the file, the line and the
field, so the person editing it can find and fix it without reading Python.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path

from mash_tui.domain.framework import NEXT_STEPS, Framework, FrameworkError, Level
from mash_tui.domain.levels_check import FrameworkChecker, syntax_error

__all__ = [
    "NEXT_STEPS",
    "Framework",
    "FrameworkError",
    "Level",
    "builtin_names",
    "load_builtin",
    "load_framework",
    "parse_framework",
]

_PACKAGE = "mash_tui.thresholds"


def load_framework(path: str | Path) -> Framework:
    """Read a council's own framework file, turning every problem into a FrameworkError."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError("file not found", source=str(file)) from None
    except IsADirectoryError:
        raise FrameworkError("is a folder, not a TOML file", source=str(file)) from None
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            f"is not UTF-8 text (byte {exc.start}); save it as UTF-8", source=str(file)
        ) from None
    except OSError as exc:
        raise FrameworkError(f"cannot read file: {exc.strerror or exc}", source=str(file)) from None
    return parse_framework(text, str(file))


def builtin_names() -> list[str]:
    """List the frameworks shipped with mash-tui, the default first."""
    stems = {
        Path(entry.name).stem
        for entry in files(_PACKAGE).iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }
    return sorted(stems, key=lambda stem: (stem != "default", stem))


def load_builtin(name: str = "default") -> Framework:
    """Load a shipped framework by file stem, for councils that have not supplied their own yet."""
    stem = name.removesuffix(".toml")
    names = builtin_names()
    if stem not in names:
        raise FrameworkError(
            f"unknown built-in framework {name!r} (expected one of: {', '.join(names)})"
        )
    return _load_builtin(stem)


@cache
def _load_builtin(stem: str) -> Framework:
    """Parse a shipped file once; frameworks are immutable so sharing is safe."""
    text = files(_PACKAGE).joinpath(f"{stem}.toml").read_text(encoding="utf-8")
    return parse_framework(text, f"builtin:{stem}.toml")


def parse_framework(text: str, source: str) -> Framework:
    """Parse and check framework TOML, naming the line and field of every problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(exc, text, source) from None
    return FrameworkChecker(text, source).framework(raw)
