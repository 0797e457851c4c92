"""Provides the manager's queue: every open contact, nearest deadline first, each clock ticking.

The table is built once and then changed by key: every second only the visible
countdown and age cells are rewritten (update_cell), and every few seconds a thread
worker reads the queue again so contacts logged by other screeners appear; rows are
added, removed or updated only where something changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Select, Static

from mash_tui.domain.clock import format_span
from mash_tui.domain.deadlines import ClockState, clock_state
from mash_tui.domain.states import ContactState, is_with_manager, label_of
from mash_tui.messages import RowsShown, StoredDataChanged
from mash_tui.widgets import (
    Column,
    LiveRows,
    Tick,
    countdown_text,
    cut,
    lay_out,
    literal,
    live_table,
    poll_queue,
    selected_key,
    short_reference,
    tick_countdowns,
)

from .commands import PaletteCommand, ScreenCommands
from .manager_actions import ManagerActions, Target

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.services import QueueRow, Services

# Time left comes second so it is never the column a narrow terminal cuts off. Below
# NARROW_BELOW columns the short headers and widths apply, explained by LEGEND.
COLUMNS = (
    Column("ref", "Reference", "Ref", 7),
    Column("left", "Time left", "Left", 14),
    Column("child", "Child", "Child"),
    Column("priority", "RAG", "RAG", 3),
    Column("screener", "Screener", "Screener", 9),
    Column("state", "State", "State", 13),
    Column("level", "Level", "Lvl", 3),
    Column("age", "Waiting", "Waiting", 7),
)
LEGEND = (
    "Ref = reference (MASH- left off)  Left = time left  Lvl = Level of Need  "
    "RAG = RED/AMB/GRN  OVR = consent override to authorise  Waiting = time since received"
)
NARROW_RAG = {"red": "RED", "amber": "AMB", "green": "GRN"}
PRIORITY_STYLES = {"red": "bold red", "amber": "bold yellow", "green": "green"}
OVERRIDE_FILTER = "override"  # the state filter's choice for rows whose override waits
STATE_CHOICES = [
    (state.label.capitalize(), state.value)
    for state in (
        ContactState.SCREENING,
        ContactState.AWAITING_AUTHORISATION,
        ContactState.RETURNED,
        ContactState.DRAFT,
    )
] + [("Override to authorise", OVERRIDE_FILTER)]
PRIORITY_CHOICES = [("Red", "red"), ("Amber", "amber"), ("Green", "green")]


def priority_text(priority: str, narrow: bool = False) -> Text:
    """The RAG word in capitals, coloured too, so it reads in any theme (RED/AMB/GRN if narrow)."""
    word = priority.upper()
    return Text(
        NARROW_RAG.get(priority, word) if narrow else word, style=PRIORITY_STYLES.get(priority, "")
    )


def state_text(row: QueueRow, narrow: bool = False) -> Text:
    """The contact's state, flagging an override that still needs a manager."""
    words = label_of(row.state)
    if row.override_pending:
        words += "+OVR" if narrow else " + override"
    bold = is_with_manager(row.state) or row.override_pending
    return Text(words, style="bold" if bold else "")


class ManagerCommands(ScreenCommands):
    """The palette on the manager's queue: the acts of oversight, the report, a refresh."""

    def commands(self) -> list[PaletteCommand]:
        screen = self.screen
        assert isinstance(screen, ManagerScreen)
        return [
            PaletteCommand(
                "Authorise contact", "Authorise the highlighted contact", screen.action_authorise
            ),
            PaletteCommand("Return contact", "Send it back with a comment", screen.action_return),
            PaletteCommand(
                "Authorise consent override",
                "Agree to share without consent",
                screen.action_override,
            ),
            PaletteCommand(
                "Reassign contact", "Give it to another screener", screen.action_reassign
            ),
            PaletteCommand(
                "Weekly report", "Timeliness figures for a week", screen.action_weekly_report
            ),
            PaletteCommand("Refresh queue", "Read the queue again", screen.action_reload),
        ]


class ManagerScreen(ManagerActions, Screen[None]):
    """Every open contact for the MASH manager, with filters and the acts of oversight."""

    CSS_PATH = "manager.tcss"
    COMMANDS = {ManagerCommands}
    BINDINGS = [
        Binding("enter", "open_contact", "Open", show=False),
        Binding("a", "authorise", "Authorise"),
        Binding("t", "return", "Return"),
        Binding("o", "override", "Override"),
        Binding("g", "reassign", "Reassign"),
        Binding("w", "toggle_urgent", "Late/soon only"),
        Binding("p", "weekly_report", "Weekly report"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: dict[str, QueueRow] = {}
        self.live: LiveRows[QueueRow] = LiveRows(
            [column.key for column in COLUMNS], self._sort_text, "ref"
        )
        self.narrow: bool | None = None  # laid out for a narrow terminal (None: not yet)
        self.child_width: int | None = None  # the child column's width when narrow
        self._screener_options: list[str] | None = None
        self.clock_states: dict[str, ClockState] = {}
        self.ages: dict[str, str] = {}
        self.lefts: dict[str, Text] = {}  # the countdown cell each row shows now
        self.signature: Any = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="mq-body"):
            yield Static("Loading the queue...", id="mq-summary", markup=False)
            with Horizontal(id="mq-filters"):
                yield Select(STATE_CHOICES, prompt="Any state", id="mq-state", compact=True)
                yield Select(PRIORITY_CHOICES, prompt="Any RAG", id="mq-priority", compact=True)
                yield Select([], prompt="Any screener", id="mq-screener", compact=True)
                yield Tick("Late/soon only (w)", id="mq-urgent", compact=True)
            table: DataTable[Any] = DataTable(id="mq-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(LEGEND, id="mq-legend", markup=False)
            with Horizontal(id="mq-buttons"):
                yield Button("Authorise", id="mq-authorise", variant="primary", compact=True)
                yield Button("Return", id="mq-return", compact=True)
                yield Button("Authorise override", id="mq-override", compact=True)
                yield Button("Reassign", id="mq-reassign", compact=True)
                yield Button("Open", id="mq-open", compact=True)
                yield Button("Weekly report", id="mq-report", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#mq-table", DataTable)
        self._lay_out()
        self.set_interval(1.0, self.tick)
        self.set_interval(live_table.REFRESH_SECONDS, self.poll)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    def on_resize(self) -> None:
        if self.narrow is not None and self._lay_out() and self.loaded:
            self.apply(self.mash.clock.now())  # every row again, in the new layout

    def _lay_out(self) -> bool:
        """Columns for the terminal's width; whether the layout changed (the rows went too)."""
        narrow = self.app.size.width < live_table.NARROW_BELOW
        if narrow == self.narrow:
            return False
        self.narrow = narrow
        table = self.query_one("#mq-table", DataTable)
        room = self.app.size.width - 2  # the body's padding
        rest = lay_out(table, COLUMNS, room, narrow)
        self.child_width = rest if narrow else None
        self.live.shown.clear()
        self.lefts.clear()
        self.ages.clear()
        self.query_one("#mq-legend").display = narrow
        return True

    def _sort_text(self, row: QueueRow) -> str:
        """The reference as the Ref column shows it, which is what the table sorts by."""
        return short_reference(row.reference, bool(self.narrow))

    @property
    def shown(self) -> dict[str, QueueRow]:
        """The rows the table shows now (after the filters), by key."""
        return self.live.shown

    @on(StoredDataChanged)
    def _stored_data_changed(self) -> None:
        self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Read the queue again in a thread worker (the UI thread never waits for SQL)."""
        services = self.mash.services
        if services is None:
            return
        self.call_service(self._load, services, done=self._loaded, group="manager-queue")

    def poll(self) -> None:
        """Every few seconds: a one-row query, and the full queue only when it changed."""
        services = self.mash.services
        if services is None or not self.loaded:
            return
        poll_queue(self, services, self.signature, self._load, self._loaded, group="manager-queue")

    @staticmethod
    def _load(services: Services) -> tuple[list[QueueRow], dict[str, str], Any]:
        signature = services.queue_signature()
        names = {u.username: u.display_name or u.username for u in services.screeners()}
        return services.queue(), names, signature

    def _loaded(self, loaded: tuple[list[QueueRow], dict[str, str], Any]) -> None:
        rows, names, self.signature = loaded
        picker = self.query_one("#mq-screener", Select)
        for r in rows:
            if r.assigned_to:
                names.setdefault(r.assigned_to, r.assigned_name)
        # People by the name the contact headers show; the login stays the value filtered on.
        options = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
        logins = [login for login, _name in options]
        if logins != self._screener_options:
            self._screener_options = logins
            current = picker.value
            picker.set_options([(literal(name), login) for login, name in options])
            if isinstance(current, str) and current in logins:
                picker.value = current
        now = self.mash.clock.now()
        fresh = {str(r.id): r for r in rows}
        for key in list(self.clock_states):
            if key not in fresh:
                del self.clock_states[key]
        for key, row in fresh.items():
            if key not in self.clock_states:
                self.clock_states[key] = self._state(row, now)
        self.all_rows = fresh
        self.apply(now)
        if not self.loaded:
            self.loaded = True
            self.post_message(RowsShown())

    # ------------------------------------------------------------------ filters
    def _state(self, row: QueueRow, now: datetime) -> ClockState:
        return clock_state(row.deadline_at, now, self.mash.warning_hours)

    def matches(self, row: QueueRow) -> bool:
        """Whether a row passes the filters chosen above the table."""
        state = self.query_one("#mq-state", Select).value
        priority = self.query_one("#mq-priority", Select).value
        screener = self.query_one("#mq-screener", Select).value
        if state == OVERRIDE_FILTER:
            if not row.override_pending:
                return False
        elif isinstance(state, str) and row.state != state:
            return False
        if isinstance(priority, str) and row.priority != priority:
            return False
        if isinstance(screener, str) and row.assigned_to != screener:
            return False
        if self.query_one("#mq-urgent", Checkbox).value:
            urgent = (ClockState.WARNING, ClockState.BREACHED)
            if self.clock_states.get(str(row.id)) not in urgent:
                return False
        return True

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filter_changed(self) -> None:
        if self.loaded:
            self.apply(self.mash.clock.now())

    def action_toggle_urgent(self) -> None:
        box = self.query_one("#mq-urgent", Checkbox)
        box.value = not box.value

    # ------------------------------------------------------------------ the table
    def cells(self, row: QueueRow, now: datetime) -> tuple[Any, ...]:
        narrow = bool(self.narrow)
        width = self.child_width
        return (
            Text(short_reference(row.reference, narrow)),
            countdown_text(row.deadline_at, now, self.mash.warning_hours),
            cut(literal(row.child_name), width),
            priority_text(row.priority, narrow),
            cut(literal(row.assigned_name or "-"), 9 if narrow else None),
            state_text(row, narrow),
            Text(str(row.level) if row.level is not None else "-"),
            Text(format_span(now - row.received_at)),
        )

    def apply(self, now: datetime) -> None:
        """Make the table show the filtered rows, changing only what differs (by row key)."""
        table = self.query_one("#mq-table", DataTable)
        wanted = [row for row in self.all_rows.values() if self.matches(row)]
        wanted.sort(key=lambda r: (r.deadline_at, r.id))
        keep = self.selected_key()
        changes = self.live.sync(
            table, {str(r.id): r for r in wanted}, lambda row: self.cells(row, now)
        )
        for key in changes.removed:
            self.ages.pop(key, None)
            self.lefts.pop(key, None)
        for key, cells in changes.written.items():
            self.lefts[key] = cells[1]
        if keep is not None and keep in self.shown:
            table.move_cursor(row=table.get_row_index(keep))
        self.show_summary(now)

    def show_summary(self, now: datetime) -> None:
        late = sum(1 for s in self.clock_states.values() if s == ClockState.BREACHED)
        soon = sum(1 for s in self.clock_states.values() if s == ClockState.WARNING)
        waiting = sum(1 for r in self.all_rows.values() if is_with_manager(r.state))
        overrides = sum(1 for r in self.all_rows.values() if r.override_pending)
        total = len(self.all_rows)
        text = (
            f"{total} open contact{'s' if total != 1 else ''}"
            f" ({len(self.shown)} shown): {late} LATE, {soon} due within "
            f"{self.mash.warning_hours:g}h (SOON), {waiting} awaiting authorisation, "
            f"{overrides} consent override{'s' if overrides != 1 else ''} to authorise"
        )
        if not total:
            text = "No open contacts: the queue is clear."
        self.query_one("#mq-summary", Static).update(text)

    def visible_keys(self) -> list[str]:
        """Row keys currently on screen, so a tick rewrites only what can be seen."""
        table = self.query_one("#mq-table", DataTable)
        top = max(0, int(table.scroll_y))
        height = max(1, table.size.height)
        return [
            str(row.key.value) for row in table.ordered_rows[top : top + height] if row.key.value
        ]

    def tick(self) -> None:
        """Once a second: countdown and age cells by update_cell, and crossing notifications."""
        if not self.all_rows:
            return
        now = self.mash.clock.now()
        crossed = self.check_crossings(now)
        if not self.is_current:
            return
        if crossed and self.query_one("#mq-urgent", Checkbox).value:
            self.apply(now)
        table = self.query_one("#mq-table", DataTable)
        visible = [k for k in self.visible_keys() if k in self.shown]
        deadlines = {k: (self.shown[k].deadline_at, None) for k in visible}
        tick_countdowns(table, deadlines, "left", now, self.mash.warning_hours, shown=self.lefts)
        with self.app.batch_update():
            for key in visible:
                age = format_span(now - self.shown[key].received_at)
                if self.ages.get(key) != age:
                    self.ages[key] = age
                    table.update_cell(key, "age", Text(age))
        if crossed:
            self.show_summary(now)

    def check_crossings(self, now: datetime) -> int:
        """Notify once when a contact comes within the warning window or passes its deadline."""
        crossed = 0
        for key, row in self.all_rows.items():
            state = self._state(row, now)
            before = self.clock_states.get(key)
            self.clock_states[key] = state
            if before is None or before == state:
                continue
            crossed += 1
            if state == ClockState.BREACHED:
                self.mash.notify(
                    f"{row.reference} has passed its deadline (LATE).",
                    title="Deadline passed",
                    severity="error",
                    timeout=10,
                )
            elif state == ClockState.WARNING:
                self.mash.notify(
                    f"{row.reference} is due within {self.mash.warning_hours:g} hours (SOON).",
                    title="Deadline near",
                    severity="warning",
                    timeout=10,
                )
        return crossed

    # ------------------------------------------------------------------ selection
    def selected_key(self) -> str | None:
        """The row key under the cursor, so a refresh can put the cursor back on it."""
        return selected_key(self.query_one("#mq-table", DataTable))

    def action_target(self) -> Target | None:
        key = self.selected_key()
        row = self.shown.get(key) if key is not None else None
        if row is None:
            return None
        return Target(
            row.id,
            row.reference,
            row.version,
            row.assigned_to,
            state=row.state,
            consent_outcome=row.consent_outcome,
            override_pending=row.override_pending,
        )

    def changed(self) -> None:
        self.reload()

    @on(DataTable.RowSelected, "#mq-table")
    def _row_selected(self) -> None:
        self.action_open_contact()

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#mq-open")
    def action_open_contact(self) -> None:
        from .manager_detail import ManagerDetailScreen

        target = self.action_target()
        if target is None:
            self.notify("Choose a contact first.")
            return
        self.app.push_screen(ManagerDetailScreen(target.id))

    @on(Button.Pressed, "#mq-authorise")
    def _authorise_button(self) -> None:
        self.action_authorise()

    @on(Button.Pressed, "#mq-return")
    def _return_button(self) -> None:
        self.action_return()

    @on(Button.Pressed, "#mq-override")
    def _override_button(self) -> None:
        self.action_override()

    @on(Button.Pressed, "#mq-reassign")
    def _reassign_button(self) -> None:
        self.action_reassign()

    @on(Button.Pressed, "#mq-report")
    def action_weekly_report(self) -> None:
        from .report import WeeklyReportScreen

        self.app.push_screen(WeeklyReportScreen())

    def action_reload(self) -> None:
        self.reload()

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]
