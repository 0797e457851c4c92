"""Provides the command palette entries of the screens: one small provider per screen.

Each screen lists its provider in `COMMANDS`, so Textual's palette asks it only while
that screen is showing; the App's own entries come from `MashApp.get_system_commands`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteCommand:
    """One command palette entry: what it says, what it does."""

    name: str
    help: str
    callback: Callable[[], Any]


class ScreenCommands(Provider):
    """The palette over a screen's own entries; a subclass says which entries its screen has."""

    def commands(self) -> list[PaletteCommand]:
        """The entries for the screen under the palette."""
        raise NotImplementedError

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.name, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(command.name), command.callback, help=command.help
                )
