"""Provides literal text: what people typed, shown exactly as typed and never read as markup."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


def literal(text: object, style: str = "") -> Text:
    """User text as a Rich Text, so square brackets in a name are never taken for markup."""
    return Text(str(text), style=style, no_wrap=False)


class Literal(Static):
    """A Static for text people typed: shown exactly as typed, never as markup."""

    def __init__(self, text: object = "", **kwargs: Any) -> None:
        super().__init__(literal(text), markup=False, **kwargs)

    def set_text(self, text: object) -> None:
        """Replace the text, still literally, so an update cannot smuggle markup in."""
        self.update(literal(text))
