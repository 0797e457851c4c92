"""Provides the screener's home: their open contacts, nearest deadline first, each clock ticking.

It is also the app's first frame: while the database opens the list waits, but a new
contact can be started at once (the intake holds what is typed until it can be saved).

Once filled, the list keeps itself current the way the manager's queue does: every few
seconds a thread worker asks the one-row queue signature and re-reads this screener's
rows only when it moved; rows change by key, the cursor stays on its contact, and a
contact returned by a manager or reassigned to this screener is announced once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from mash_tui.domain.states import is_returned, label_of, was_reassigned
from mash_tui.messages import RowsShown, ServicesReady, StoredDataChanged
from mash_tui.widgets import (
    Column,
    Literal,
    LiveRows,
    ServiceCaller,
    countdown_text,
    cut,
    lay_out,
    literal,
    live_table,
    poll_queue,
    selected_key,
    tick_countdowns,
)

from .commands import PaletteCommand, ScreenCommands

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.services import QueueRow, Services

# Time left comes first so it is never the column cut off on a narrow terminal; there the
# columns get these widths and the child's name takes the rest.
COLUMNS = (
    Column("left", "Time left", "Time left", 14),
    Column("ref", "Reference", "Reference", 12),
    Column("priority", "RAG", "RAG", 5),
    Column("child", "Child", "Child"),
    Column("state", "State", "State", 13),
    Column("level", "Level", "Level", 5),
)
LEGEND = "OVR = consent override waiting for a manager's authorisation"


@dataclass
class Loaded:
    """One read of the screener's list, with what the UI needs to tell them what is new."""

    rows: list[QueueRow]
    comments: dict[int, str]
    signature: Any
    asked: int  # which request this answers, so an older read never overwrites a newer one
    reassigned: set[int] = field(default_factory=set)  # new to the list and given by a manager


class MyContactsCommands(ScreenCommands):
    """The palette on My contacts: start, open and refresh."""

    def commands(self) -> list[PaletteCommand]:
        screen = self.screen
        assert isinstance(screen, MyContactsScreen)
        return [
            PaletteCommand("New contact", "Log a new contact (intake)", screen.action_new_contact),
            PaletteCommand(
                "Open contact", "Open the highlighted contact", screen.action_open_contact
            ),
            PaletteCommand("Refresh my contacts", "Read the list again", screen.action_reload),
        ]


class MyContactsScreen(ServiceCaller, Screen[None]):
    """Every open contact assigned to this screener, with a live countdown per row."""

    COMMANDS = {MyContactsCommands}
    BINDINGS = [
        Binding("n", "new_contact", "New contact"),
        Binding("enter", "open_contact", "Open", show=False),
        Binding("r", "reload", "Refresh"),
        Binding("d", "show_drafts", "Drafts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.live: LiveRows[QueueRow] = LiveRows(
            [column.key for column in COLUMNS], lambda row: row.reference, "ref"
        )
        self.narrow: bool | None = None  # laid out for a narrow terminal (None: not yet)
        self.child_width: int | None = None
        self.comments: dict[int, str] = {}
        self.loaded = False
        self.signature: Any = None  # the queue signature the shown rows were read at
        self.asked = 0  # requests for the list made so far
        self.applied = -1  # the newest request whose answer is shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="my-contacts-body"):
            yield Static(self._waiting_text(), id="my-summary")
            table: DataTable[Any] = DataTable(
                id="my-contacts", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Static(LEGEND, id="my-legend", markup=False)
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
        self._lay_out()
        self.query_one("#return-comment").display = False
        self.set_interval(1.0, self.tick)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    def on_resize(self) -> None:
        if self.narrow is not None and self._lay_out() and self.loaded:
            self.reload()  # every row again, in the new layout

    def _lay_out(self) -> bool:
        """Columns for the terminal's width; whether the layout changed (the rows went too)."""
        narrow = self.app.size.width < live_table.NARROW_BELOW
        if narrow == self.narrow:
            return False
        self.narrow = narrow
        table = self.query_one("#my-contacts", DataTable)
        room = self.app.size.width - 2  # the body's padding
        rest = lay_out(table, COLUMNS, room, narrow)
        self.child_width = rest if narrow else None
        self.live.shown.clear()
        self.query_one("#my-legend").display = narrow
        return True

    @property
    def rows(self) -> dict[str, QueueRow]:
        """The rows shown now, by key."""
        return self.live.shown

    # ------------------------------------------------------------------ data
    @on(ServicesReady)
    def _services_ready(self) -> None:
        """The database is open and the user known: fill the list."""
        self.query_one("#my-summary", Static).update(self._waiting_text())
        self.reload()

    @on(StoredDataChanged)
    def _stored_data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the list again (after a change), keeping the cursor on the same contact."""
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None:
            return
        known = self._known()
        self.asked += 1
        self.call_service(
            self._load, services, identity.login, known, self.asked, done=self._show, group="load"
        )

    def _start_polling(self) -> None:
        """Ask every few seconds whether anything moved, as often as the manager's queue does."""
        self.set_interval(live_table.REFRESH_SECONDS, self.poll)

    def poll(self) -> None:
        """A one-row query in a worker, and this screener's rows only when the queue moved."""
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None or not self.loaded:
            return
        login, known = identity.login, self._known()
        self.asked += 1
        asked = self.asked

        def load(services: Services) -> Loaded:
            return self._load(services, login, known, asked)

        poll_queue(self, services, self.signature, load, self._show, group="load")

    def _known(self) -> frozenset[str] | None:
        """The contacts already shown, or None before the first read (nothing is news then)."""
        return frozenset(self.rows) if self.loaded else None

    @staticmethod
    def _load(services: Services, login: str, known: frozenset[str] | None, asked: int) -> Loaded:
        signature = services.queue_signature()  # first, so a later change moves it again
        rows = services.queue(assigned_to=login, repeats=True)
        comments = {}
        for row in rows:
            if is_returned(row.state):
                comments[row.id] = services.get(row.id).return_comment
        loaded = Loaded(rows, comments, signature, asked)
        if known is not None:
            for row in rows:
                # Creating a contact assigns it to its author; any other arrival is a reassignment.
                if str(row.id) not in known and was_reassigned(
                    entry.action for entry in services.history(row.id)
                ):
                    loaded.reassigned.add(row.id)
        return loaded

    def _show(self, loaded: Loaded) -> None:
        if loaded.asked < self.applied:
            return  # an older read that finished after a newer one
        self.applied = loaded.asked
        rows = loaded.rows
        table = self.query_one("#my-contacts", DataTable)
        keep = self.selected_key()
        if self.loaded:
            self._announce(self.rows, loaded)
        self.comments = loaded.comments
        self.signature = loaded.signature
        fresh = {str(row.id): row for row in rows}
        now = self.mash.clock.now()
        self.live.sync(table, fresh, lambda row: self._cells(row, now))
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        returned = sum(1 for row in rows if is_returned(row.state))
        summary = f"{len(rows)} open contact{'s' if len(rows) != 1 else ''} assigned to you"
        if returned:
            summary += f"; {returned} returned by a manager (marked RETURNED)"
        repeats = sum(1 for row in rows if row.repeats)
        if repeats:
            summary += (
                f"; {repeats} about a child with an earlier contact in the 12 months before "
                "(marked REPEAT)"
            )
        if not rows:
            summary = "You have no open contacts. Press n to log a new one."
        self.query_one("#my-summary", Static).update(summary)
        self._show_comment()
        if not self.loaded:
            self.loaded = True
            self.post_message(RowsShown())
            self.call_after_refresh(self._start_polling)

    def _announce(self, before: dict[str, QueueRow], loaded: Loaded) -> None:
        """One toast per contact a manager has just returned to, or reassigned to, this screener."""
        for row in loaded.rows:
            old = before.get(str(row.id))
            if old is None and row.id in loaded.reassigned:
                also = " (returned: see the comment)" if is_returned(row.state) else ""
                message = f"{row.reference} reassigned to you by a manager{also}"
                self.mash.notify(message, title="Reassigned to you", timeout=10)
            elif old is not None and is_returned(row.state) and not is_returned(old.state):
                message = f"{row.reference} returned by a manager: see the comment"
                self.mash.notify(message, title="Returned", severity="warning", timeout=10)

    def _cells(self, row: QueueRow, now: datetime) -> tuple[Any, ...]:
        state = label_of(row.state)
        if row.override_pending:
            state += "+OVR" if self.narrow else " (consent override pending)"
        return (
            countdown_text(row.deadline_at, now, self.mash.warning_hours),
            Text(row.reference),
            Text(row.priority.upper()),
            self._child_cell(row),
            Text(state, style="bold" if is_returned(row.state) else ""),
            Text(str(row.level) if row.level is not None else "-"),
        )

    def _child_cell(self, row: QueueRow) -> Text:
        """The child's name as typed (cut to a narrow column), marked REPEAT when they had a
        contact in the year before; the mark is never the part cut off."""
        mark = "  REPEAT" if row.repeats else ""
        width = self.child_width
        cell = cut(literal(row.child_name), None if width is None else max(width - len(mark), 4))
        if mark:
            cell.append(mark, style="bold")
        return cell

    def tick(self) -> None:
        """Once a second: new countdown text in the existing cells, nothing rebuilt."""
        if not self.rows or not self.is_current:
            return
        table = self.query_one("#my-contacts", DataTable)
        deadlines = {key: (row.deadline_at, None) for key, row in self.rows.items()}
        tick_countdowns(table, deadlines, "left", self.mash.clock.now(), self.mash.warning_hours)

    # ------------------------------------------------------------------ selection
    def selected_key(self) -> str | None:
        """The row key under the cursor, so a reload can put the cursor back on it."""
        return selected_key(self.query_one("#my-contacts", DataTable))

    def selected_id(self) -> int | None:
        key = self.selected_key()
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
