"""Provides live tables: rows kept equal to a fresh read by key, and the cheap "did it move" poll.

A DataTable repaints whole on every change, so a list that refreshes every few seconds
changes only the rows and cells that differ, inside one batch update, and reads
everything again only when the one-row queue signature says somebody changed something.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from rich.text import Text
from textual.widgets import DataTable

from mash_tui.widgets.calls import ServiceCaller

if TYPE_CHECKING:
    from mash_tui.services import Services

REFRESH_SECONDS = 5.0  # how often a live list asks whether the queue moved
NARROW_BELOW = 100  # terminals narrower than this get the short headers and computed widths
SCROLLBAR = 2  # room kept for the vertical scrollbar a long list shows
R = TypeVar("R")
T = TypeVar("T")


@dataclass
class RowChanges:
    """What one sync changed: rows removed, and the cells written for rows added or changed."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    written: dict[str, Sequence[Any]] = field(default_factory=dict)

    @property
    def membership(self) -> bool:
        """Whether rows came or went (not just changed)."""
        return bool(self.removed or self.added)


@dataclass
class LiveRows(Generic[R]):
    """The rows a DataTable shows, by key; `sync` changes only what differs."""

    columns: Sequence[str]
    reference: Callable[[R], str]  # the text of `sort_column`, used to put rows in order
    sort_column: str
    shown: dict[str, R] = field(default_factory=dict)

    def sync(
        self,
        table: DataTable[Any],
        wanted: Mapping[str, R],
        draw: Callable[[R], Sequence[Any]],
    ) -> RowChanges:
        """Make the table show `wanted`, in its order, keeping every row that did not change."""
        changes = RowChanges()
        with table.app.batch_update():
            for key in list(self.shown):
                if key not in wanted:
                    table.remove_row(key)
                    del self.shown[key]
                    changes.removed.append(key)
            for key, row in wanted.items():
                old = self.shown.get(key)
                if old is None:
                    drawn = draw(row)
                    table.add_row(*drawn, key=key)
                    changes.added.append(key)
                    changes.written[key] = drawn
                elif old != row:
                    drawn = draw(row)
                    for column, new_cell, old_cell in zip(
                        self.columns, drawn, draw(old), strict=True
                    ):
                        if new_cell != old_cell:
                            table.update_cell(key, column, new_cell)
                    changes.written[key] = drawn
                self.shown[key] = row
            order = list(wanted)
            if [str(r.key.value) for r in table.ordered_rows] != order:
                position = {self.reference(wanted[k]): i for i, k in enumerate(order)}
                table.sort(self.sort_column, key=lambda ref: position.get(str(ref), 0))
        return changes


@dataclass(frozen=True)
class Column:
    """A live table's column: its header on a wide terminal and, on a narrow one, a short
    header (explained in the screen's legend) and a content width; width 0 takes the rest."""

    key: str
    label: str
    short: str
    width: int = 0


def cut(text: Text, width: int | None) -> Text:
    """A cell's text cut to a narrow column's width with an ellipsis (whole when wide)."""
    if width is not None and text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
    return text


def short_reference(reference: str, narrow: bool) -> str:
    """The reference as a narrow list shows it: its number, without the 'MASH-' every one has."""
    return reference.removeprefix("MASH-") if narrow else reference


def lay_out(table: DataTable[Any], columns: Sequence[Column], room: int, narrow: bool) -> int:
    """Make the table's columns for the room it has; returns the flexible column's width.

    On a narrow terminal every column gets a fixed width (its content and one space) so
    that together they fit `room` and none is pushed off screen; the flexible column (the
    child's name) takes what is left, and its text is cut to that width with an ellipsis.
    Wide terminals keep Textual's own widths and padding. The rows go with the columns.
    """
    table.clear(columns=True)
    if not narrow:
        table.cell_padding = 1
        for column in columns:
            table.add_column(column.label, key=column.key)
        return 0
    table.cell_padding = 0
    fixed = sum(column.width + 1 for column in columns if column.width)
    rest = max(8, room - SCROLLBAR - fixed - 1)
    for column in columns:
        table.add_column(column.short, key=column.key, width=(column.width or rest) + 1)
    return rest


def selected_key(table: DataTable[Any]) -> str | None:
    """The row key under the cursor, so a reload can put the cursor back on it."""
    if not table.row_count:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None
    return str(key) if key is not None else None


def poll_queue(
    caller: ServiceCaller,
    services: Services,
    seen: object,
    load: Callable[[Services], T],
    done: Callable[[T], None],
    *,
    group: str,
) -> None:
    """In a thread worker, ask the one-row queue signature and read everything only if it moved.

    `seen` is the signature the caller last showed; `load` runs in the worker and `done`
    on the UI thread, and neither runs when nobody changed anything.
    """

    def check(services: Services) -> T | None:
        return None if services.queue_signature() == seen else load(services)

    def apply(loaded: T | None) -> None:
        if loaded is not None:
            done(loaded)

    caller.call_service(check, services, done=apply, group=group)
