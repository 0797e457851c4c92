"""Widgets every screen shares: literal text, labelled fields with inline errors, the live
countdown, modals, and the helper that runs service calls off the UI thread.

Nothing here imports SQLAlchemy: screens stay cheap to import before the first paint.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Label, Static

from mash_tui.domain.deadlines import ClockState
from mash_tui.domain.errors import MashError
from mash_tui.uistate import countdown

if TYPE_CHECKING:
    from textual.events import DescendantBlur
    from textual.timer import Timer

    from mash_tui.app import MashApp

T = TypeVar("T")

STATE_STYLES: dict[ClockState, str] = {
    ClockState.WITHIN: "",
    ClockState.WARNING: "bold",
    ClockState.BREACHED: "bold reverse",
    ClockState.STOPPED: "dim",
}
STATE_COLOURS: dict[ClockState, str] = {
    ClockState.WITHIN: "green",
    ClockState.WARNING: "yellow",
    ClockState.BREACHED: "red",
    ClockState.STOPPED: "",
}


def literal(text: object, style: str = "") -> Text:
    """User text as a Rich Text that is never read as markup."""
    return Text(str(text), style=style, no_wrap=False)


class Literal(Static):
    """A Static for text people typed: shown exactly as typed, never as markup."""

    def __init__(self, text: object = "", **kwargs: Any) -> None:
        super().__init__(literal(text), markup=False, **kwargs)

    def set_text(self, text: object) -> None:
        """Replace the text, still literally."""
        self.update(literal(text))


def countdown_text(
    deadline: datetime,
    now: datetime,
    warning_hours: float,
    stopped_at: datetime | None = None,
    *,
    minutes: bool = False,
) -> Text:
    """A countdown cell: word plus HH:MM:SS (or whole minutes), styled to read in any theme."""
    shown = countdown(deadline, now, warning_hours, stopped_at, minutes=minutes)
    style = f"{STATE_STYLES[shown.state]} {STATE_COLOURS[shown.state]}".strip()
    return Text(shown.cell, style=style)


def tick_countdowns(
    table: DataTable[Any],
    deadlines: Mapping[str, tuple[datetime, datetime | None]],
    column_key: str,
    now: datetime,
    warning_hours: float,
    *,
    minutes: bool = False,
    shown: dict[str, Text] | None = None,
) -> int:
    """Refresh only the countdown cells of a table, by row key, without rebuilding it.

    Given `shown` (the last cell per row), a cell whose text and style are unchanged is
    left alone: every update_cell repaints the whole DataTable, so skipping them is what
    keeps an idle queue cheap.
    """
    updated = 0
    with table.app.batch_update():
        for row_key, (deadline, stopped) in deadlines.items():
            cell = countdown_text(deadline, now, warning_hours, stopped, minutes=minutes)
            if shown is not None and shown.get(row_key) == cell:
                continue
            try:
                table.update_cell(row_key, column_key, cell)
            except Exception:  # the row left the table between ticks
                continue
            if shown is not None:
                shown[row_key] = cell
            updated += 1
    return updated


class CountdownLabel(Static):
    """A contact's time left, ticking every second from the app's clock."""

    def __init__(
        self,
        deadline: datetime | None = None,
        stopped_at: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__("", markup=False, **kwargs)
        self.deadline = deadline
        self.stopped_at = stopped_at

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def set_deadline(self, deadline: datetime | None, stopped_at: datetime | None = None) -> None:
        """Point the countdown at another deadline (after a priority or time change)."""
        self.deadline = deadline
        self.stopped_at = stopped_at
        self.tick()

    def tick(self) -> None:
        """Recompute from the clock; the label, not the screen, is what changes."""
        app: MashApp = self.app  # type: ignore[assignment]
        if self.deadline is None:
            self.update("")
            return
        shown = countdown(self.deadline, app.clock.now(), app.warning_hours, self.stopped_at)
        for state in ClockState:
            self.set_class(state == shown.state, f"-{state.value}")
        self.update(Text(f"{shown.word} {shown.long}"))


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


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question before something that cannot be undone."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="modal")
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Literal(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="primary")
                yield Button(self.no, id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ErrorModal(ModalScreen[None]):
    """A failure a person can act on, in one or two plain lines (never a traceback)."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -error"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Literal(self.message, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="error")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


def edited(widget: Widget) -> None:
    """Tell the screen that something changed that no input event reported (for drafts)."""
    changed = getattr(widget.screen, "_changed", None)
    if callable(changed):
        changed()


def first_line(exc: BaseException) -> str:
    """One line for a person: the error's own message, never a traceback."""
    text = getattr(exc, "message", None) or str(exc).strip() or type(exc).__name__
    return str(text).splitlines()[0]


class DraftAutosave:
    """Typed text kept as a draft: shortly after the last keystroke, when focus leaves a
    field, and again a little later when a save fails.

    A screen mixes this in, calls `schedule_draft()` when anything is edited and
    provides `save_draft()`, which writes in a worker and passes `draft_failed` as its
    failure handler.
    """

    DRAFT_DELAY = 0.7  # seconds after the last keystroke
    DRAFT_RETRY = 3.0  # seconds before a failed save is tried again
    _draft_timer: Timer | None = None
    _last_saved: dict[str, Any] | None = None

    def save_draft(self) -> None:
        raise NotImplementedError

    def schedule_draft(self) -> None:
        assert isinstance(self, Widget)
        self.stop_drafts()
        self._draft_timer = self.set_timer(self.DRAFT_DELAY, self.save_draft)

    def stop_drafts(self) -> None:
        """No pending save (the work is finished or is being saved now)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if self._draft_timer is not None:
            self.stop_drafts()
            self.save_draft()

    def draft_failed(self, exc: BaseException) -> None:
        assert isinstance(self, Widget)
        self._last_saved = None  # so the retry writes even if nothing else is typed
        self.notify(f"Draft not saved yet, trying again: {first_line(exc)}", severity="warning")
        self.set_timer(self.DRAFT_RETRY, self.save_draft)


class ServiceCaller:
    """Runs a service call in a thread worker and hands the result back on the UI thread."""

    def call_service(
        self,
        fn: Callable[..., T],
        *args: Any,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        group: str = "service",
        **kwargs: Any,
    ) -> None:
        """Call `fn(*args, **kwargs)` off the UI thread; `done` or `failed` runs on the UI thread."""
        assert isinstance(self, Widget)
        widget = self
        app = widget.app

        def job() -> None:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                handler = failed or widget_report(widget)
                _deliver(app, handler, exc)
            else:
                if done is not None:
                    _deliver(app, done, result)

        widget.run_worker(job, thread=True, group=group, exit_on_error=False)


def _deliver(app: Any, callback: Callable[[Any], None], value: Any) -> None:
    """Hand a value back to the UI thread, unless the app has already gone."""
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(callback, value)


def widget_report(widget: Widget) -> Callable[[BaseException], None]:
    """The default failure handler: a notification for refusals, a modal for the unexpected."""

    def report(exc: BaseException) -> None:
        if isinstance(exc, MashError):
            widget.notify(first_line(exc), title="Not saved", severity="error", timeout=8)
        else:
            widget.app.push_screen(ErrorModal("Something went wrong", first_line(exc)))

    return report
