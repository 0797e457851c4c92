"""Provides the countdowns: a table cell, a ticking label, and the per-second cell refresh."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, cast

from rich.text import Text
from textual.widgets import DataTable, Static

from mash_tui.domain.clock import Clock
from mash_tui.domain.deadlines import ClockState
from mash_tui.uistate import countdown

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


class Clocked(Protocol):
    """What a countdown needs from the app: one clock and the warning window."""

    @property
    def clock(self) -> Clock: ...

    @property
    def warning_hours(self) -> float: ...


def countdown_text(
    deadline: datetime,
    now: datetime,
    warning_hours: float,
    stopped_at: datetime | None = None,
) -> Text:
    """A countdown cell: the word and the whole minutes left, styled to read in any theme."""
    shown = countdown(deadline, now, warning_hours, stopped_at)
    style = f"{STATE_STYLES[shown.state]} {STATE_COLOURS[shown.state]}".strip()
    return Text(shown.cell, style=style)


def tick_countdowns(
    table: DataTable[Any],
    deadlines: Mapping[str, tuple[datetime, datetime | None]],
    column_key: str,
    now: datetime,
    warning_hours: float,
    *,
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
            cell = countdown_text(deadline, now, warning_hours, stopped)
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
        app = cast(Clocked, self.app)
        if self.deadline is None:
            self.update("")
            return
        shown = countdown(self.deadline, app.clock.now(), app.warning_hours, self.stopped_at)
        for state in ClockState:
            self.set_class(state == shown.state, f"-{state.value}")
        self.update(Text(f"{shown.word} {shown.long}"))
