"""Provides the widgets every screen shares: literal text, countdowns, form fields with inline
errors, modals, draft autosave, live tables, and service calls off the UI thread.

Nothing here imports SQLAlchemy: screens stay cheap to import before the first paint.
"""

from __future__ import annotations

from mash_tui.widgets.autosave import DraftAutosave, DraftSlot
from mash_tui.widgets.calls import ServiceCaller, widget_report
from mash_tui.widgets.choices import Choice, Choices, Tick
from mash_tui.widgets.countdown import (
    STATE_COLOURS,
    STATE_STYLES,
    CountdownLabel,
    countdown_text,
    tick_countdowns,
)
from mash_tui.widgets.forms import (
    FormField,
    FormMixin,
    field_rows,
    first_field,
    focus_now,
    is_field,
)
from mash_tui.widgets.live_table import (
    Column,
    LiveRows,
    RowChanges,
    cut,
    lay_out,
    poll_queue,
    selected_key,
    short_reference,
)
from mash_tui.widgets.modals import ConfirmModal, ErrorModal
from mash_tui.widgets.text import Literal, literal

__all__ = [
    "STATE_COLOURS",
    "STATE_STYLES",
    "Choice",
    "Choices",
    "Column",
    "ConfirmModal",
    "CountdownLabel",
    "DraftAutosave",
    "DraftSlot",
    "ErrorModal",
    "FormField",
    "FormMixin",
    "Literal",
    "LiveRows",
    "RowChanges",
    "ServiceCaller",
    "Tick",
    "countdown_text",
    "cut",
    "field_rows",
    "first_field",
    "focus_now",
    "is_field",
    "lay_out",
    "literal",
    "poll_queue",
    "selected_key",
    "short_reference",
    "tick_countdowns",
    "widget_report",
]
