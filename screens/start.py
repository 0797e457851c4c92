"""Provides the screens shown before the work starts: opening, first run, refused login."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, LoadingIndicator, Static

from mash_tui.domain.errors import first_line
from mash_tui.domain.states import Role
from mash_tui.widgets import FormField, FormMixin, Literal, ServiceCaller

if TYPE_CHECKING:
    from mash_tui.app import MashApp


class StartScreen(Screen[None]):
    """The app's frame with a status line: shown when the database cannot be opened."""

    def __init__(self, problem: str | None = None) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start-box", classes="panel"):
            yield Static("mash-tui", classes="title")
            yield Static("Opening the database...", id="start-status", markup=False)
            yield LoadingIndicator(id="start-spinner")
        yield Footer()

    def on_mount(self) -> None:
        if self.problem is not None:
            self.show_problem(self.problem)

    def show_problem(self, message: str) -> None:
        """Say why the app cannot open, and how to leave."""
        self.query_one("#start-spinner").display = False
        status = self.query_one("#start-status", Static)
        status.update(f"mash-tui cannot open the database: {message}\n\nPress Ctrl+Q to quit.")
        status.add_class("-error")


class FirstRunScreen(ServiceCaller, FormMixin, Screen[None]):
    """A database with no users yet: offer to make this login its first manager."""

    BINDINGS = [Binding("ctrl+s", "create", "Create manager")]

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="first-run", classes="panel"):
            yield Static("Welcome to mash-tui", classes="title")
            yield Literal(
                "This database has no users yet. The first person becomes its manager: "
                "they can add screeners later with `mash-tui users add LOGIN`."
            )
            yield Literal(f"Your login: {self.login}", id="first-run-login")
            yield FormField(
                "Your name as colleagues will see it",
                Input(placeholder="e.g. Alex Morgan", id="display-name"),
                key="display_name",
            )
            yield Static("", classes="form-error")
            yield Button("Create me as manager", id="create", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#display-name", Input).focus()

    @on(Input.Submitted, "#display-name")
    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        app: MashApp = self.app  # type: ignore[assignment]
        services = app.services
        assert services is not None
        name = self.query_one("#display-name", Input).value
        self.call_service(
            services.add_user,
            None,
            self.login,
            name,
            Role.MANAGER,
            done=self._created,
            failed=self._failed,
        )

    def _created(self, user: Any) -> None:
        from mash_tui.domain.identity import Identity

        app: MashApp = self.app  # type: ignore[assignment]
        self.app.pop_screen()
        app.enter(Identity(user.username, user.display_name, user.role))

    def _failed(self, exc: BaseException) -> None:
        from mash_tui.domain.errors import ValidationFailed

        errors = exc.errors if isinstance(exc, ValidationFailed) else {"": first_line(exc)}
        if "username" in errors:
            errors = {"": errors["username"], **errors}
        self.show_errors({k: v for k, v in errors.items() if k != "username"})


class NotAllowedScreen(Screen[None]):
    """A login with no active record: say so, and say how to fix it."""

    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, login: str, reason: str) -> None:
        super().__init__()
        self.login = login
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="not-allowed", classes="panel -error"):
            yield Static("You cannot use mash-tui yet", classes="title")
            yield Literal(self.reason, id="not-allowed-reason")
            yield Literal(
                "To fix it, a manager runs:\n\n"
                f"    mash-tui users add {self.login}\n\n"
                f"(or `mash-tui users enable {self.login}` for a disabled account), "
                "then you start mash-tui again."
            )
            yield Button("Quit", id="quit", variant="error")
        yield Footer()

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()
