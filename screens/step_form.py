"""Provides the base of the screening steps: a form that reads, fills and saves one step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.widgets import (
    Input,
    Select,
    TextArea,
)

from mash_tui.widgets import FormMixin

if TYPE_CHECKING:
    from mash_tui.services import ContactDetail, Services


def text_area(id: str) -> TextArea:
    """A wrapped text box with no line numbers: prose, not code."""
    return TextArea("", id=id, soft_wrap=True, show_line_numbers=False)


def select_value(select: Select[Any]) -> Any:
    """A Select's value, or "" when nothing is chosen, as the payloads expect."""
    return "" if select.value is Select.NULL else select.value


class StepForm(FormMixin, VerticalScroll):
    """A step of screening: read its typed values, fill them back, and save them."""

    step = ""
    title = ""
    can_focus = False  # Tab goes to the step's fields, never to the pane that scrolls them

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def fill(self, payload: dict[str, Any]) -> None:
        raise NotImplementedError

    def fill_from(self, detail: ContactDetail) -> None:
        raise NotImplementedError

    def build(self) -> tuple[Any, dict[str, str]]:
        raise NotImplementedError

    def save(
        self, services: Services, login: str, contact_id: int, version: int, value: Any
    ) -> Any:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for button in self.query(".save-step"):
            button.disabled = read_only

    def set_input(self, id: str, value: Any) -> None:
        self.query_one(f"#{id}", Input).value = "" if value is None else str(value)

    def set_area(self, id: str, value: Any) -> None:
        self.query_one(f"#{id}", TextArea).load_text("" if value is None else str(value))
