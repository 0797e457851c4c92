"""Provides a Level of Need framework as data: its levels, descriptors and the next steps
each level usually leads to, with the error a council editor sees for a bad file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mash_tui.domain.states import NEXT_STEPS

__all__ = ["NEXT_STEPS", "Framework", "FrameworkError", "Level"]


class FrameworkError(ValueError):
    """A framework file that cannot be used, explained in one line a council editor can act on."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        line: int | None = None,
        column: int | None = None,
        field: str = "",
        problems: Sequence[FrameworkError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.field = field
        self.problems: tuple[FrameworkError, ...] = tuple(problems) or (self,)

    def __str__(self) -> str:
        where = Path(self.source).name if self.source else ""
        if self.line is not None:
            where = f"{where} line {self.line}".strip()
            if self.column is not None:
                where += f", column {self.column}"
        parts = [part for part in (where, self.field, self.message) if part]
        text = ": ".join(parts)
        if len(self.problems) > 1:
            more = len(self.problems) - 1
            text += f" (and {more} more problem{'s' if more > 1 else ''})"
        return text


@dataclass(frozen=True)
class Level:
    """One level of need: what it looks like, who leads, and which next steps usually follow."""

    number: int
    name: str
    summary: str
    service_response: str
    descriptors: dict[str, list[str]] = field(hash=False)
    next_steps: tuple[str, ...]

    def fits(self, next_step: str) -> bool:
        """Say whether a next step sits with this level, so a mismatch can demand a reason."""
        return next_step in self.next_steps

    def _haystack(self) -> Iterable[str]:
        """Every piece of text a screener might search for."""
        yield self.name
        yield self.summary
        yield self.service_response
        for domain, indicators in self.descriptors.items():
            yield domain
            yield from indicators


@dataclass(frozen=True)
class Framework:
    """A council's Level of Need guidance as data; contacts keep its id and version."""

    id: str
    name: str
    version: str
    notice: str
    levels: tuple[Level, ...]
    source: str

    def level(self, number: int) -> Level:
        """Find a level by number, refusing clearly when a stored level is not in this framework."""
        for candidate in self.levels:
            if candidate.number == number:
                return candidate
        numbers = ", ".join(str(lvl.number) for lvl in self.levels)
        raise FrameworkError(
            f"framework '{self.id}' version {self.version} has no level {number!r}"
            f" (its levels are {numbers})"
        )

    def search(self, text: str) -> list[Level]:
        """Find the levels whose wording mentions the text, to help a screener pick one."""
        needle = " ".join(text.split()).casefold()
        if not needle:
            return list(self.levels)
        return [
            lvl
            for lvl in self.levels
            if any(needle in " ".join(part.split()).casefold() for part in lvl._haystack())
        ]
