"""The screener's home: their open contacts, nearest deadline first, each clock ticking.

It is also the app's first frame: while the database opens the list waits, but a new
contact can be started at once (the intake holds what is typed until it can be saved).
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
from textual.widgets import Button, DataTable, Footer, Header, Static

from mash_tui.uistate import STATE_NAMES
from mash_tui.widgets import Literal, ServiceCaller, countdown_text, literal, tick_countdowns

if TYPE_CHECKING:
    from mash_tui.app import MashApp, PaletteCommand
    from mash_tui.services import QueueRow

# Time left comes first so it is never the column cut off on a narrow terminal.
COLUMNS = (
    ("left", "Time left"),
    ("ref", "Reference"),
    ("priority", "RAG"),
    ("child", "Child"),
    ("state", "State"),
    ("level", "Level"),
)


class MyContactsScreen(ServiceCaller, Screen[None]):
    """Every open contact assigned to this screener, with a live countdown per row."""

    BINDINGS = [
        Binding("n", "new_contact", "New contact"),
        Binding("enter", "open_contact", "Open", show=False),
        Binding("r", "reload", "Refresh"),
        Binding("d", "show_drafts", "Drafts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, QueueRow] = {}
        self.comments: dict[int, str] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="my-contacts-body"):
            yield Static(self._waiting_text(), id="my-summary")
            table: DataTable[Any] = DataTable(
                id="my-contacts", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Literal("", id="return-comment", classes="returned")
            with Horizontal(classes="button-bar"):
                yield Button("New contact (n)", id="new", variant="primary")
                yield Button("Open (Enter)", id="open")
                yield Button("Refresh (r)", id="refresh")
                yield Button("Drafts (d)", id="drafts")
        yield Footer()

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]

    def _waiting_text(self) -> str:
        if self.mash.ready:
            return "Loading your contacts..."
        return (
            "Opening the database... your contacts appear here when it is open. "
            "You can start a new contact now (n)."
        )

    def on_mount(self) -> None:
        table = self.query_one("#my-contacts", DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.query_one("#return-comment").display = False
        self.set_interval(1.0, self.tick)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    # ------------------------------------------------------------------ data
    def services_ready(self) -> None:
        """The database is open and the user known: fill the list."""
        self.query_one("#my-summary", Static).update(self._waiting_text())
        self.reload()

    def reload(self) -> None:
        """Read the list again (after a change), keeping the cursor on the same contact."""
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None:
            return
        self.call_service(self._load, services, identity.login, done=self._show, group="load")

    @staticmethod
    def _load(services: Any, login: str) -> tuple[list[QueueRow], dict[int, str]]:
        rows = services.queue(assigned_to=login)
        comments = {}
        for row in rows:
            if row.state == "returned":
                comments[row.id] = services.get(row.id).return_comment
        return rows, comments

    def _show(self, loaded: tuple[list[QueueRow], dict[int, str]]) -> None:
        rows, comments = loaded
        table = self.query_one("#my-contacts", DataTable)
        keep = None
        if table.row_count and table.cursor_row >= 0:
            try:
                keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            except Exception:
                keep = None
        self.comments = comments
        new_keys = [str(row.id) for row in rows]
        now = self.mash.clock.now()
        with self.app.batch_update():
            if new_keys != list(self.rows):
                table.clear()
                for row in rows:
                    table.add_row(*self._cells(row, now), key=str(row.id))
            else:
                for row in rows:
                    for (key, _label), value in zip(COLUMNS, self._cells(row, now), strict=True):
                        table.update_cell(str(row.id), key, value)
            self.rows = {str(row.id): row for row in rows}
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        returned = sum(1 for row in rows if row.state == "returned")
        summary = f"{len(rows)} open contact{'s' if len(rows) != 1 else ''} assigned to you"
        if returned:
            summary += f"; {returned} returned by a manager (marked RETURNED)"
        if not rows:
            summary = "You have no open contacts. Press n to log a new one."
        self.query_one("#my-summary", Static).update(summary)
        self._show_comment()
        if not self.loaded:
            self.loaded = True
            self.mash.became_usable()

    def _cells(self, row: QueueRow, now: datetime) -> tuple[Any, ...]:
        state = STATE_NAMES.get(row.state, row.state)
        if row.override_pending:
            state += " (consent override pending)"
        return (
            countdown_text(row.deadline_at, now, self.mash.warning_hours),
            Text(row.reference),
            Text(row.priority.upper()),
            literal(row.child_name),
            Text(state, style="bold" if row.state == "returned" else ""),
            Text(str(row.level) if row.level is not None else "-"),
        )

    def tick(self) -> None:
        """Once a second: new countdown text in the existing cells, nothing rebuilt."""
        if not self.rows or not self.is_current:
            return
        table = self.query_one("#my-contacts", DataTable)
        deadlines = {key: (row.deadline_at, None) for key, row in self.rows.items()}
        tick_countdowns(table, deadlines, "left", self.mash.clock.now(), self.mash.warning_hours)

    # ------------------------------------------------------------------ selection
    def selected_id(self) -> int | None:
        table = self.query_one("#my-contacts", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    @on(DataTable.RowHighlighted, "#my-contacts")
    def _show_comment(self) -> None:
        box = self.query_one("#return-comment", Literal)
        contact_id = self.selected_id()
        comment = self.comments.get(contact_id) if contact_id is not None else None
        if comment is not None:
            box.set_text(f"Returned by your manager: {comment}")
            box.display = True
        else:
            box.display = False

    @on(DataTable.RowSelected, "#my-contacts")
    def _row_selected(self) -> None:
        self.action_open_contact()

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#new")
    def action_new_contact(self) -> None:
        from mash_tui.screens.intake import IntakeScreen

        self.app.push_screen(IntakeScreen())

    @on(Button.Pressed, "#open")
    def action_open_contact(self) -> None:
        from mash_tui.screens.contact import ContactScreen

        contact_id = self.selected_id()
        if contact_id is None:
            self.notify("No contact selected.")
            return
        self.app.push_screen(ContactScreen(contact_id))

    @on(Button.Pressed, "#refresh")
    def action_reload(self) -> None:
        if not self.mash.ready:
            self.mash.not_ready()
            return
        self.reload()

    def action_show_drafts(self) -> None:
        self.mash.show_drafts()

    @on(Button.Pressed, "#drafts")
    def _drafts(self) -> None:
        self.action_show_drafts()

    def palette_commands(self) -> list[PaletteCommand]:
        from mash_tui.app import PaletteCommand

        return [
            PaletteCommand("New contact", "Log a new contact (intake)", self.action_new_contact),
            PaletteCommand(
                "Open contact", "Open the highlighted contact", self.action_open_contact
            ),
            PaletteCommand("Refresh my contacts", "Read the list again", self.action_reload),
        ]
