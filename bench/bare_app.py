"""A bare Textual app with the same widgets as the screener's first usable screen.

It is the yardstick for bench/startup.py: no database, no SQLAlchemy, just Textual
painting a header, a summary line, a table with the same columns and rows, the
button bar and the footer. It exits as soon as its first frame is on screen.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Static

COLUMNS = ("Time left", "Reference", "RAG", "Child", "State", "Level")


class BareApp(App[None]):
    """Same widgets, no work: the fastest this screen can possibly appear."""

    TITLE = "mash-tui"

    def __init__(self, rows: int = 20, exit_on_ready: bool = True) -> None:
        super().__init__()
        self.rows = rows
        self.exit_on_ready = exit_on_ready

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(f"{self.rows} open contacts assigned to you")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("")
            with Horizontal():
                yield Button("New contact (n)", variant="primary")
                yield Button("Open (Enter)")
                yield Button("Refresh (r)")
                yield Button("Drafts (d)")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label)
        for n in range(self.rows):
            table.add_row(
                "ok   23:00:00", f"MASH-{n + 1:07d}", "AMBER", f"Child {n}", "screening", "-"
            )

    def on_ready(self) -> None:
        if self.exit_on_ready:
            self.exit()


if __name__ == "__main__":
    BareApp().run()
