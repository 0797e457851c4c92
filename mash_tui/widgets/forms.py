"""Provides labelled form fields with inline errors, and the mapping of rule errors onto them."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from mash_tui.widgets.text import literal


class FormField(Vertical):
    """A label, one input widget and the inline error that belongs to it."""

    def __init__(
        self, label: str, widget: Widget, *, key: str, hint: str = "", **kwargs: Any
    ) -> None:
        super().__init__(classes="field", **kwargs)
        self.key = key
        self.label_text = label
        self.hint = hint
        self.widget = widget
        self._value_at_error: object = None

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label", markup=False)
        yield self.widget
        if self.hint:
            yield Static(self.hint, classes="field-hint", markup=False)
        yield Static("", classes="field-error", markup=False)

    def on_mount(self) -> None:
        if hasattr(self.widget, "compact"):
            self.widget.compact = True  # labels above carry the structure; borders cost rows

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)

    def set_error(self, message: str | None) -> None:
        """Show (or clear) the message under the field; the typed value is untouched."""
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(literal(message or ""))
        self._value_at_error = self._value() if message else None

    def _value(self) -> object:
        widget = self.widget  # Input and Select have .value, TextArea .text, others neither
        if hasattr(widget, "value"):
            return widget.value
        return getattr(widget, "text", None)

    def _edited(self) -> None:
        """Once the person changes the value, the message about the old value goes."""
        if self.has_class("-invalid") and self._value() != self._value_at_error:
            self.set_error(None)

    # Handlers by name, so importing this module does not import TextArea and Select
    # before the first frame.
    def on_input_changed(self) -> None:
        self._edited()

    def on_text_area_changed(self) -> None:
        self._edited()

    def on_select_changed(self) -> None:
        self._edited()


# Widgets a person types into or chooses with; never containers, buttons or the tab strip.
FIELD_TYPES = ("Input", "TextArea", "Select", "RadioSet", "SelectionList", "OptionList", "Checkbox")


def is_field(widget: Widget) -> bool:
    """Whether the widget takes what a person types or chooses."""
    return any(cls.__name__ in FIELD_TYPES for cls in type(widget).__mro__)


def first_field(container: Widget) -> Widget | None:
    """The first field shown in `container` that can take focus now, in the form's order."""
    for widget in container.query("*"):
        if not (widget.focusable and is_field(widget)):
            continue
        node: Widget | None = widget
        while node is not None and node is not container:
            if not node.display:
                break
            node = node.parent if isinstance(node.parent, Widget) else None
        else:
            return widget
    return None


def focus_now(widget: Widget | None) -> None:
    """Focus `widget` at once (Widget.focus() waits its turn, so keys typed meanwhile go to
    the field that had focus before)."""
    if widget is not None:
        widget.screen.set_focus(widget)


def field_rows(fields: list[Widget], columns: int = 2) -> list[Horizontal]:
    """Lay fields out in rows of equal columns (Grid cannot size rows of auto-height fields)."""
    rows = []
    for start in range(0, len(fields), columns):
        chunk = list(fields[start : start + columns])
        chunk += [Static("", classes="field filler") for _ in range(columns - len(chunk))]
        rows.append(Horizontal(*chunk, classes="row"))
    return rows


class FormMixin:
    """Maps service error keys (e.g. `children[0].date_of_birth`) to the fields that show them."""

    def field_map(self) -> dict[str, FormField]:
        """Every FormField under this widget, by key."""
        assert isinstance(self, Widget)
        return {f.key: f for f in self.query(FormField)}

    def clear_errors(self) -> None:
        for form_field in self.field_map().values():
            form_field.set_error(None)
        assert isinstance(self, Widget)
        for banner in self.query(".form-error"):
            if isinstance(banner, Static):
                banner.update("")
                banner.display = False

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Put each message on its field; return the messages no field could show."""
        self.clear_errors()
        fields = self.field_map()
        leftover: list[str] = []
        first: FormField | None = None
        for key, message in errors.items():
            target = fields.get(key)
            if target is None and "." in key:
                target = fields.get(key.rsplit(".", 1)[0])
            if target is None:
                leftover.append(message)
                continue
            target.set_error(message)
            order = list(fields.values())
            if first is None or order.index(target) < order.index(first):
                first = target  # the highest on the form, whatever order the rules ran in
        assert isinstance(self, Widget)
        banners = list(self.query(".form-error"))
        if leftover and banners and isinstance(banners[0], Static):
            banners[0].update(literal("\n".join(leftover)))
            banners[0].display = True
            leftover = []
            if first is None:
                banners[0].scroll_visible()  # a refusal about the whole form, shown where it is
        if first is not None:
            first.widget.focus()
            first.scroll_visible()
        return leftover
