"""Provides the checks on a framework file: every problem found with the line and field it
came from, worded for the council officer editing the TOML.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from typing import Any

from mash_tui.domain.framework import NEXT_STEPS, Framework, FrameworkError, Level

_ID_MAX = 80  # Contact.framework_id column width.
_VERSION_MAX = 40  # Contact.framework_version column width.
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_TOP_KEYS = ("framework", "levels")
_FRAMEWORK_KEYS = ("id", "name", "version", "notice")
_LEVEL_KEYS = ("number", "name", "summary", "service_response", "descriptors", "next_steps")


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> FrameworkError:
    """Keep tomllib's position but say it in the same shape as every other problem."""
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    found = _AT_LINE.search(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[: found.start()]
    elif _AT_END.search(message):
        message = _AT_END.sub("", message)
        line = max(1, len(text.splitlines()))
        column = None
    message = getattr(exc, "msg", None) or message
    return FrameworkError(f"not valid TOML: {message}", source=source, line=line, column=column)


# --- validation -----------------------------------------------------------------------------

_Path = tuple[str | int, ...]


def _kind(value: object) -> str:
    """Name a TOML value's type the way someone editing the file would."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})" if len(value) <= 30 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a date or time ({value})"


def _field_name(path: _Path) -> str:
    """Show a value's place in the file, counting [[levels]] tables from 1."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


class FrameworkChecker:
    """Walk the parsed TOML, collecting every problem with the line it came from."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.positions = _locate(text)
        self.problems: list[FrameworkError] = []
        self.misplaced: set[_Path] = set()  # Level fields written under [levels.descriptors].

    def line(self, path: _Path) -> int | None:
        """The line that defines a value, or the nearest table around it."""
        for end in range(len(path), 0, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return None

    def fail(self, path: _Path, message: str) -> None:
        """Record one problem against a place in the file."""
        self.problems.append(
            FrameworkError(
                message, source=self.source, line=self.line(path), field=_field_name(path)
            )
        )

    def missing(self, path: _Path, message: str) -> None:
        """Report a missing field unless it was already reported as sitting in the wrong table."""
        if path not in self.misplaced:
            self.fail(path, message)

    def unknown_keys(self, table: dict[str, Any], path: _Path, allowed: Sequence[str]) -> None:
        """Refuse misspelt fields instead of silently ignoring them."""
        for key in table:
            if key not in allowed:
                self.fail(
                    (*path, key),
                    f"unknown field {key!r} (expected one of: {', '.join(allowed)})",
                )

    def table(self, parent: dict[str, Any], key: str, path: _Path) -> dict[str, Any] | None:
        """Fetch a required table."""
        value = parent.get(key)
        if value is None:
            self.fail((*path, key), f"missing [{_field_name((*path, key))}] table")
            return None
        if not isinstance(value, dict):
            self.fail((*path, key), f"must be a table, found {_kind(value)}")
            return None
        return value

    def text(
        self,
        parent: dict[str, Any],
        key: str,
        path: _Path,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> str:
        """Fetch a piece of text, stripped, insisting it is there when required."""
        full = (*path, key)
        if key not in parent:
            if required:
                self.missing(full, f"missing required field '{key}'")
            return ""
        value = parent[key]
        if not isinstance(value, str):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            hint = f' (put it in quotes: {key} = "{value}")' if numeric else ""
            self.fail(full, f"must be text, found {_kind(value)}{hint}")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(full, "must not be empty")
        if max_length is not None and len(value) > max_length:
            self.fail(full, f"is {len(value)} characters long; at most {max_length} allowed")
        return value

    def framework(self, raw: dict[str, Any]) -> Framework:
        """Check the whole document and build the framework, or raise every problem found."""
        self.unknown_keys(raw, (), _TOP_KEYS)
        path: _Path = ("framework",)
        ident = name = version = notice = ""
        head = self.table(raw, "framework", ())
        if head is not None:
            self.unknown_keys(head, path, _FRAMEWORK_KEYS)
            ident = self.text(head, "id", path, max_length=_ID_MAX)
            if ident and not _ID_PATTERN.fullmatch(ident):
                self.fail(
                    (*path, "id"),
                    f"{ident!r} is not a short identifier (use letters, digits, '.', '_' or"
                    " '-', no spaces)",
                )
            name = self.text(head, "name", path)
            version = self.text(head, "version", path, max_length=_VERSION_MAX)
            notice = self.text(head, "notice", path, required=False)
        levels = self.levels(raw)
        if self.problems:
            self.problems.sort(key=lambda p: (p.line is None, p.line or 0))
            first = self.problems[0]
            raise FrameworkError(
                first.message,
                source=first.source,
                line=first.line,
                field=first.field,
                problems=self.problems,
            )
        return Framework(
            id=ident,
            name=name,
            version=version,
            notice=notice,
            levels=tuple(sorted(levels, key=lambda lvl: lvl.number)),
            source=self.source,
        )

    def levels(self, raw: dict[str, Any]) -> list[Level]:
        """Check every [[levels]] table, then that the numbers run 1, 2, 3… once each."""
        value = raw.get("levels")
        if value is None:
            self.fail(("levels",), "no [[levels]] tables; a framework needs at least one level")
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(("levels",), f"must be [[levels]] tables, found {_kind(value)}")
            return []
        if not value:
            self.fail(("levels",), "is empty; a framework needs at least one level")
            return []
        built: list[Level] = []
        numbered: list[tuple[int, int]] = []  # (number, index in file)
        seen: dict[int, int] = {}
        for index, table in enumerate(value):
            level, number = self.level(table, ("levels", index))
            if number is not None:
                if number in seen:
                    where = self.line(("levels", seen[number], "number"))
                    also = f" (also at line {where})" if where else ""
                    self.fail(
                        ("levels", index, "number"), f"level number {number} is used twice{also}"
                    )
                else:
                    seen[number] = index
                    numbered.append((number, index))
            if level is not None:
                built.append(level)
        if numbered:
            count = len(numbered)
            for number, index in numbered:
                if number > count:
                    have = sorted(n for n, _ in numbered)
                    missing = sorted(set(range(1, max(have) + 1)) - set(have))
                    self.fail(
                        ("levels", index, "number"),
                        "levels must be numbered 1, 2, 3… with no gaps: found "
                        + ", ".join(map(str, have))
                        + " (missing "
                        + ", ".join(map(str, missing))
                        + ")",
                    )
                    break
        return built

    def level(self, table: dict[str, Any], path: _Path) -> tuple[Level | None, int | None]:
        """Check one level; return it when sound, and its number when that much is usable."""
        before = len(self.problems)
        self.unknown_keys(table, path, _LEVEL_KEYS)
        descriptors = self.descriptors(table, path)
        number = self.number(table, path)
        name = self.text(table, "name", path)
        summary = self.text(table, "summary", path)
        service_response = self.text(table, "service_response", path)
        next_steps = self.next_steps(table, path)
        if len(self.problems) > before or number is None:
            return None, number
        level = Level(
            number=number,
            name=name,
            summary=summary,
            service_response=service_response,
            descriptors=descriptors,
            next_steps=next_steps,
        )
        return level, number

    def number(self, table: dict[str, Any], path: _Path) -> int | None:
        """Fetch a level number: a whole number from 1 up."""
        full = (*path, "number")
        if "number" not in table:
            self.missing(full, "missing required field 'number'")
            return None
        value = table["number"]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(full, f"must be a whole number, found {_kind(value)}")
            return None
        if value < 1:
            self.fail(full, f"must be 1 or more, found {value}")
            return None
        return value

    def descriptors(self, table: dict[str, Any], path: _Path) -> dict[str, list[str]]:
        """Fetch the indicators by domain; optional, but never an empty list or blank line."""
        full = (*path, "descriptors")
        if "descriptors" not in table:
            return {}
        value = table["descriptors"]
        if not isinstance(value, dict):
            self.fail(full, f"must be a table of lists, found {_kind(value)}")
            return {}
        if not value:
            self.fail(full, "has no domains; add at least one, or remove the table")
            return {}
        out: dict[str, list[str]] = {}
        for domain, indicators in value.items():
            where = (*full, domain)
            if not domain.strip():
                self.fail(where, "domain name must not be empty")
                continue
            if domain in _LEVEL_KEYS:
                self.misplaced.add((*path, domain))
                self.fail(
                    where,
                    f"'{domain}' belongs to the level, not its descriptors: move it above the"
                    " [levels.descriptors] header",
                )
                continue
            if not isinstance(indicators, list):
                self.fail(where, f"must be a list of text, found {_kind(indicators)}")
                continue
            if not indicators:
                self.fail(where, "is an empty list; give at least one indicator")
                continue
            cleaned: list[str] = []
            for position, item in enumerate(indicators, start=1):
                if not isinstance(item, str):
                    self.fail(where, f"item {position} must be text, found {_kind(item)}")
                elif not item.strip():
                    self.fail(where, f"item {position} is empty")
                else:
                    cleaned.append(item.strip())
            out[domain.strip()] = cleaned
        return out

    def next_steps(self, table: dict[str, Any], path: _Path) -> tuple[str, ...]:
        """Fetch the next-step codes that fit the level; each must be a known code, once."""
        full = (*path, "next_steps")
        expected = ", ".join(NEXT_STEPS)
        if "next_steps" not in table:
            self.missing(full, f"missing required field 'next_steps' (codes: {expected})")
            return ()
        value = table["next_steps"]
        if not isinstance(value, list):
            self.fail(full, f"must be a list of codes, found {_kind(value)}")
            return ()
        if not value:
            self.fail(full, f"must list at least one next step (codes: {expected})")
            return ()
        codes: list[str] = []
        for item in value:
            if not isinstance(item, str):
                self.fail(full, f"must be a list of codes in quotes, found {_kind(item)}")
            elif item not in NEXT_STEPS:
                self.fail(full, f"unknown next step {item!r} (expected one of: {expected})")
            elif item in codes:
                self.fail(full, f"next step {item!r} is listed twice")
            else:
                codes.append(item)
        return tuple(codes)


# --- finding lines --------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _read_key(line: str, start: int) -> tuple[list[str], int] | None:
    """Read a dotted TOML key from a position, returning its parts and where it ends."""
    parts: list[str] = []
    i = start
    while True:
        while i < len(line) and line[i] in " \t":
            i += 1
        if i >= len(line):
            return None
        char = line[i]
        if char == '"':
            end = i + 1
            while end < len(line) and line[end] != '"':
                end += 2 if line[end] == "\\" else 1
            if end >= len(line):
                return None
            try:
                parts.append(tomllib.loads(f"k = {line[i : end + 1]}")["k"])
            except tomllib.TOMLDecodeError:
                return None
            i = end + 1
        elif char == "'":
            end = line.find("'", i + 1)
            if end < 0:
                return None
            parts.append(line[i + 1 : end])
            i = end + 1
        else:
            match = _BARE_KEY.match(line, i)
            if not match:
                return None
            parts.append(match.group())
            i = match.end()
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == ".":
            i += 1
            continue
        return parts, i


def _scan_value(line: str, i: int, depth: int, open_string: str | None) -> tuple[int, str | None]:
    """Follow strings and brackets to the end of a line, so continuation lines are not keys."""
    while i < len(line):
        if open_string is not None:
            close = line.find(open_string, i)
            if open_string == '"""':
                while close > 0 and _escaped(line, close):
                    close = line.find('"""', close + 1)
            if close < 0:
                return depth, open_string
            i = close + 3
            while i < len(line) and line[i] == open_string[0]:
                i += 1  # A closing delimiter may follow up to two quotes of content.
            open_string = None
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            open_string = line[i : i + 3]
            i += 3
        elif char == '"':
            i += 1
            while i < len(line) and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            i += 1
        elif char == "'":
            end = line.find("'", i + 1)
            i = len(line) if end < 0 else end + 1
        else:
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            i += 1
    return depth, open_string


def _escaped(line: str, index: int) -> bool:
    """Say whether the character at index is escaped by an odd run of backslashes."""
    count = 0
    while index - count - 1 >= 0 and line[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _locate(text: str) -> dict[_Path, int]:
    """Map each table and key path in valid TOML to the line that defines it.

    tomllib reports no positions for values, so this follows the file line by line:
    table headers, array-of-tables counts (the n-th ``[[levels]]``) and ``key =`` lines,
    skipping the inside of multi-line strings and arrays.
    """
    positions: dict[_Path, int] = {}
    counts: dict[_Path, int] = {}
    table: _Path = ()
    depth = 0
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None or depth > 0:
            depth, open_string = _scan_value(line, 0, depth, open_string)
            continue
        stripped = line.lstrip()
        offset = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            is_array = stripped.startswith("[[")
            read = _read_key(line, offset + (2 if is_array else 1))
            if read is None:
                continue
            parts = read[0]
            resolved: _Path = ()
            for position, part in enumerate(parts):
                resolved = (*resolved, part)
                if is_array and position == len(parts) - 1:
                    positions.setdefault(resolved, number)
                    index = counts.get(resolved, 0)
                    counts[resolved] = index + 1
                    resolved = (*resolved, index)
                elif resolved in counts:
                    resolved = (*resolved, counts[resolved] - 1)
                positions.setdefault(resolved, number)
            table = resolved
            continue
        read = _read_key(line, offset)
        if read is None:
            continue
        parts, end = read
        full = table
        for part in parts:
            full = (*full, part)
            positions.setdefault(full, number)
        if end < len(line) and line[end] == "=":
            depth, open_string = _scan_value(line, end + 1, 0, None)
    return positions
