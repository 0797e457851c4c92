"""Provides ticks and choices that read without colour: [x] / [ ] and (•) / ( ).

Textual's own Checkbox and RadioButton show the same mark ticked or not and tell them
apart only by its colour, which is lost in monochrome and under NO_COLOR.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox, RadioButton, RadioSet


class _Marks:
    """A toggle drawn as three characters whose middle one says whether it is on."""

    ON = "x"
    OFF = " "
    LEFT = "["
    RIGHT = "]"

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")  # type: ignore[attr-defined]
        plain = Style(foreground=style.foreground, background=style.background, bold=True)
        mark = self.ON if self.value else self.OFF  # type: ignore[attr-defined]
        return Content.assemble((self.LEFT + mark + self.RIGHT, plain))


class Tick(_Marks, Checkbox):
    """A checkbox shown as [x] when ticked and [ ] when not."""


class Choice(_Marks, RadioButton):
    """A radio button shown as (•) when chosen and ( ) when not."""

    ON = "\u2022"
    LEFT = "("
    RIGHT = ")"


class Choices(RadioSet):
    """A radio set whose Enter or Space chooses the highlighted option, or the first when
    none is highlighted yet (Textual's does nothing until an arrow key is pressed)."""

    def action_toggle_button(self) -> None:
        if self._selected is None:
            pressed = self.pressed_index
            self._selected = pressed if pressed >= 0 else 0
        super().action_toggle_button()
