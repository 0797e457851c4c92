"""Provides the offer of what was typed before a crash, a closed terminal or a walk away."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from mash_tui.domain.clock import format_local
from mash_tui.uistate import draft_title
from mash_tui.widgets import ConfirmModal, ServiceCaller, literal

if TYPE_CHECKING:
    from mash_tui.app import MashApp


class DraftsModal(ServiceCaller, ModalScreen[None]):
    """Unsaved work, newest first: restore it, throw it away, or decide later."""

    BINDINGS = [
        Binding("enter", "restore", "Restore", show=False),
        Binding("delete,x", "discard", "Discard"),
        Binding("escape", "later", "Later"),
    ]

    def __init__(self, drafts: list[Any]) -> None:
        super().__init__(classes="modal")
        self.drafts = {str(d.id): d for d in drafts}

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="drafts-dialog"):
            yield Static("You have unsaved work", classes="dialog-title")
            yield Static(
                "mash-tui kept this as you typed. Restore it to carry on where you left off.",
                classes="dialog-text",
            )
            table: DataTable[Any] = DataTable(id="drafts-table", cursor_type="row")
            yield table
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore (Enter)", id="restore", variant="primary")
                yield Button("Discard (x)", id="discard", variant="error")
                yield Button("Later (Esc)", id="later")

    def on_mount(self) -> None:
        table = self.query_one("#drafts-table", DataTable)
        table.add_column("Saved", key="saved")
        table.add_column("What", key="what")
        for key, draft in self.drafts.items():
            table.add_row(
                Text(format_local(draft.updated_at)),
                literal(draft_title(draft.kind, draft.payload)),
                key=key,
            )
        table.focus()

    def _selected(self) -> Any:
        table = self.query_one("#drafts-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.drafts.get(str(key))

    @on(DataTable.RowSelected)
    @on(Button.Pressed, "#restore")
    def action_restore(self) -> None:
        draft = self._selected()
        if draft is None:
            return
        self.dismiss(None)
        if draft.kind == "intake":
            from mash_tui.screens.intake import IntakeScreen

            self.app.push_screen(IntakeScreen(payload=draft.payload, draft_id=draft.id))
        elif draft.contact_id is not None:
            from mash_tui.screens.contact import ContactScreen

            self.app.push_screen(
                ContactScreen(draft.contact_id, payload=draft.payload, draft_id=draft.id)
            )

    @on(Button.Pressed, "#discard")
    def action_discard(self) -> None:
        draft = self._selected()
        services = self.mash.services
        identity = self.mash.identity
        if draft is None or services is None or identity is None:
            return
        login = identity.login

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    services.discard_draft, login, draft.id, done=lambda _: self._gone(draft.id)
                )

        title = draft_title(draft.kind, draft.payload)
        self.app.push_screen(
            ConfirmModal(
                f"Discard this draft ({title})? What it holds cannot be brought back.",
                yes="Discard (y)",
                no="Keep (n)",
            ),
            answered,
        )

    def _gone(self, draft_id: int) -> None:
        table = self.query_one("#drafts-table", DataTable)
        table.remove_row(str(draft_id))
        self.drafts.pop(str(draft_id), None)
        self.notify("Draft discarded.")
        if not self.drafts:
            self.dismiss(None)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(None)
