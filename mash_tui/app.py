"""Provides the Textual app: a hub that opens the database off the UI thread and hands over to modes.

The screener mode (My contacts, intake, consent, Level of Need, decision) and the manager
mode (`mash_tui.screens.manager`) are screens imported when first shown. SQLAlchemy and
SQLModel are imported only inside the start-up worker so the first paint never waits
for them: the app opens on the screener's My contacts shell at once, a new contact can be
typed straight away, and whatever needs the database waits until `ready` (every open
screen is sent `ServicesReady` when that happens).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from mash_tui.domain.clock import Clock
from mash_tui.domain.deadlines import DeadlinePolicy
from mash_tui.domain.errors import first_line
from mash_tui.domain.identity import Identity
from mash_tui.messages import ServicesReady, StoredDataChanged
from mash_tui.runtime import Runtime
from mash_tui.widgets import DraftSlot

if TYPE_CHECKING:
    from mash_tui.services import Services


@dataclass
class BootResult:
    """What the start-up worker found: the services, and who (if anyone) may come in."""

    services: Services | None = None
    outcome: str = "failed"  # ready | first_run | refused | failed
    message: str = ""
    identity: Identity | None = None
    drafts: list[Any] = field(default_factory=list)


def _screener_screen() -> Screen[None]:
    """The screener's mode, imported when first shown (not before the first frame)."""
    from mash_tui.screens.my_contacts import MyContactsScreen

    return MyContactsScreen()


def _manager_screen() -> Screen[None]:
    """The manager's mode, imported when first shown (not before the first frame)."""
    from mash_tui.screens.manager import ManagerScreen

    return ManagerScreen()


class MashApp(App[int]):
    """mash-tui: the MASH screener's and manager's terminal app."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute, so subclasses find it
    TITLE = "mash-tui"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "screener": _screener_screen,
        "manager": _manager_screen,
    }
    DEFAULT_MODE = "screener"  # the first frame is the screener's shell (most users screen)
    DEMO_CONTACTS = 300  # how many contacts `--demo` puts in an empty database
    BINDINGS = [
        Binding("f2", "switch_view('screener')", "My contacts"),
        Binding("f3", "switch_view('manager')", "Manager view"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Tab moves focus the moment it is read, in order with the keys around it. Left to
        # the Screen's own binding, a Tab travels up through every container's message
        # queue before focus moves, and the characters typed after it (already forwarded
        # to the field that still has focus) land in the field before: "BBBCCCDDD" in one.
        Binding("tab", "move_focus(1)", show=False, priority=True),
        Binding("shift+tab", "move_focus(-1)", show=False, priority=True),
    ]

    def __init__(
        self, runtime: Runtime | None = None, username: str = "", demo: bool = False
    ) -> None:
        super().__init__()
        self.runtime = runtime or Runtime()
        self.login = username
        self.demo = demo
        self.clock: Clock = self.runtime.clock
        self.services: Services | None = None
        self.identity: Identity | None = None
        self.policy = DeadlinePolicy()
        self._unsaved: list[tuple[str, dict[str, Any]]] = []

    # ------------------------------------------------------------------ start-up
    @property
    def warning_hours(self) -> float:
        return self.policy.warning_hours

    @property
    def ready(self) -> bool:
        """Whether the database is open and the user known, so screens may read and write."""
        return self.services is not None and self.identity is not None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast as plain text: messages may carry names people typed."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    @on(events.Ready)
    def _first_frame_shown(self) -> None:
        """Open the database once the first frame is up, so its imports do not delay it."""
        self.open_database()

    @work(thread=True, exclusive=True, group="boot", exit_on_error=False)
    def open_database(self) -> None:
        """Build the engine and services, migrate if needed, and find out who this is."""
        result = BootResult()
        try:
            result = self._boot()
        except Exception as exc:  # shown as a message, never a traceback
            result = BootResult(outcome="failed", message=first_line(exc))
        self.call_from_thread(self._booted, result)

    def _boot(self) -> BootResult:
        from mash_tui.domain.errors import UnknownUser

        services = self.runtime.services()
        if not self.login:  # a shared server: who is acting is the server's to say
            self.login = self.runtime.acting_login()
        result = BootResult(services=services)
        if not services.has_users():
            result.outcome = "first_run"
            return result
        try:
            user = services.identify(self.login)
        except UnknownUser as exc:
            result.outcome = "refused"
            result.message = first_line(exc)
            return result
        result.identity = Identity(user.username, user.display_name, user.role)
        result.drafts = services.drafts(self.login)
        result.outcome = "ready"
        return result

    def _booted(self, result: BootResult) -> None:
        from mash_tui.screens.start import FirstRunScreen, NotAllowedScreen, StartScreen

        if result.services is not None:
            self.services = result.services
            self.policy = result.services.policy
        if result.outcome == "ready" and result.identity is not None:
            self.enter(result.identity, result.drafts)
        elif result.outcome == "first_run":
            self.push_screen(FirstRunScreen(self.login))
        elif result.outcome == "refused":
            self.push_screen(NotAllowedScreen(self.login, result.message))
        else:
            self.push_screen(StartScreen(problem=result.message))

    def enter(self, identity: Identity, drafts: Iterable[Any] = ()) -> None:
        """Open the user's own view, then offer back anything left unsaved."""
        self.identity = identity
        self.sub_title = f"{identity.display_name} ({identity.role})"
        self.refresh_bindings()  # F2/F3 depend on who this is
        # Someone who started work on the shell while the database opened stays with it.
        busy = self.current_mode == "screener" and len(self.screen_stack) > 1
        if identity.is_manager and not busy:
            self.switch_mode("manager")
        else:
            self.switch_mode("screener")
            if busy and identity.is_manager:
                self.notify("The manager view is on F3.")
        self.tell_screens(ServicesReady)
        self._save_unsaved()
        pending = list(drafts)
        if pending and busy:  # never pop a window up over someone typing
            count = len(pending)
            self.notify(
                f"You have {count} unsaved draft{'s' if count != 1 else ''} from before: "
                "press d on My contacts to see them."
            )
        elif pending:
            self.call_after_refresh(self.offer_drafts, pending)
        if self.demo:
            self.load_demo()

    def tell_screens(self, message_type: type[Message]) -> None:
        """Post a fresh message of this kind to every open screen, in every mode."""
        for mode in self.MODES:
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:
                continue  # a mode not opened yet has no screens
            for screen in stack:
                screen.post_message(message_type())

    def keep_unsaved(self, kind: str, payload: dict[str, Any]) -> None:
        """Hold work left before the database opened; it is saved as a draft once it is."""
        self._unsaved.append((kind, payload))

    def _save_unsaved(self) -> None:
        if self._unsaved and self.services is not None and self.identity is not None:
            held, self._unsaved = self._unsaved, []
            self._write_unsaved(self.services, self.identity.login, held)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _write_unsaved(
        self, services: Services, login: str, held: list[tuple[str, dict[str, Any]]]
    ) -> None:
        if self._write_held(services, login, held):
            self.call_from_thread(
                self.notify, "What you typed before the database opened is kept as a draft (d)."
            )

    def _write_held(
        self, services: Services, login: str, held: list[tuple[str, dict[str, Any]]]
    ) -> bool:
        """Save held work as drafts (in a worker); what fails stays held for the next try."""
        for index, (kind, payload) in enumerate(held):
            try:
                DraftSlot(kind).write(services, login, payload)
            except Exception as exc:
                self.call_from_thread(self._unsaved.extend, held[index:])
                self.call_from_thread(
                    self.notify, f"Draft not saved yet: {first_line(exc)}", severity="warning"
                )
                return False
        return True

    def not_ready(self) -> None:
        """Say why an action that needs the database does nothing yet."""
        self.notify("Still opening the database: this works as soon as it is open.")

    def offer_drafts(self, drafts: list[Any]) -> None:
        """Put unsaved work in front of the person before anything else."""
        from mash_tui.screens.drafts import DraftsModal

        self.push_screen(DraftsModal(drafts))

    @work(thread=True, group="demo", exit_on_error=False)
    def load_demo(self) -> None:
        """Fill an empty database with demo contacts, so a first look has something to show."""
        from mash_tui.demo import generate

        services = self.services
        if services is None or services.queue(limit=1):
            return
        try:
            summary = generate(
                services, contacts=self.DEMO_CONTACTS, seed=1, until=None, login=self.login
            )
        except Exception as exc:
            self.call_from_thread(self.notify, first_line(exc), title="Demo data", severity="error")
            return
        self.call_from_thread(
            self.notify, str(summary).splitlines()[0] if summary else "Demo data loaded"
        )
        self.call_from_thread(self.tell_screens, StoredDataChanged)

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move_focus":
            return not self._focused_takes_tab()
        if action == "switch_view":
            if self.identity is None:
                return False
            if parameters and parameters[0] == "manager":
                return self.identity.is_manager
        return True

    def _focused_takes_tab(self) -> bool:
        """Whether the focused widget, or a container of it below the screen, binds Tab
        itself (then Tab goes to it the ordinary way)."""
        node = self.focused
        screen = self.screen
        while node is not None and node is not screen:
            if any(key in node._bindings.key_to_bindings for key in ("tab", "shift+tab")):
                return True
            node = node.parent  # type: ignore[assignment]
        return False

    def action_move_focus(self, direction: int) -> None:
        """Focus the next (1) or previous (-1) field now, before the next key is handled."""
        if direction > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_switch_view(self, mode: str) -> None:
        if self.identity is None:
            return
        if mode == "manager" and not self.identity.is_manager:
            self.notify("Only managers can open the manager view.", severity="warning")
            return
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, then the views and drafts open to this person."""
        yield from super().get_system_commands(screen)
        if self.identity is None:
            return
        yield SystemCommand(
            "My contacts",
            "Your open contacts and their clocks",
            partial(self.action_switch_view, "screener"),
        )
        if self.identity.is_manager:
            yield SystemCommand(
                "Manager view",
                "Contacts waiting for authorisation",
                partial(self.action_switch_view, "manager"),
            )
        yield SystemCommand(
            "Unsaved drafts", "Offer back work saved as you typed", self.show_drafts
        )

    def show_drafts(self) -> None:
        """Fetch this person's drafts and offer them."""
        services = self.services
        if services is None or self.identity is None:
            self.not_ready()
            return
        held, self._unsaved = self._unsaved, []
        self._fetch_drafts(services, self.identity.login, held)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _fetch_drafts(
        self, services: Services, login: str, held: list[tuple[str, dict[str, Any]]]
    ) -> None:
        self._write_held(services, login, held)
        try:
            drafts = services.drafts(login)
        except Exception as exc:
            self.call_from_thread(self.notify, first_line(exc), severity="error")
            return
        if drafts:
            self.call_from_thread(self.offer_drafts, drafts)
        else:
            self.call_from_thread(self.notify, "No unsaved drafts.")
