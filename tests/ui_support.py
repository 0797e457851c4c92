"""Helpers shared by the screener UI tests (no tests here): build the app, let workers settle."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mash_tui.screens.commands import ScreenCommands
from textual import events
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.runtime import Runtime
from mash_tui.services import Services
from mash_tui.widgets import FormField

SIZE = (100, 32)


class SteadyApp(MashApp):
    """The app with a cursor that never blinks, so snapshots and Pilot runs repeat exactly."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False


def make_app(services: Services, login: str = "scr") -> MashApp:
    """The app on the test database and frozen clock, never the user's own files."""
    return SteadyApp(Runtime.around(services), login, False)


def palette_names(app: MashApp) -> list[str]:
    """Every command palette entry for the screen showing: its own, then the App's."""
    names: list[str] = []
    for provider in app.screen.COMMANDS:
        if isinstance(provider, type) and issubclass(provider, ScreenCommands):
            names += [command.name for command in provider(app.screen).commands()]
    return names + [command.title for command in app.get_system_commands(app.screen)]


async def settle(pilot: Pilot[Any], rounds: int = 8) -> None:
    """Let workers finish and their results reach the UI thread (no sleeping)."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


def errors_on(app: MashApp) -> dict[str, str]:
    """Every inline field error showing on the current screen."""
    return {f.key: f.error for f in app.screen.query(FormField) if f.error}


def set_input(app: MashApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, Input).value = value


def set_area(app: MashApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, TextArea).load_text(value)


def set_select(app: MashApp, selector: str, value: Any) -> None:
    app.screen.query_one(selector, Select).value = value


def add_contact(
    services: Services,
    clock: FrozenClock,
    *,
    login: str = "scr",
    first: str = "Ada",
    last: str = "Lovelace",
    priority: str = "amber",
    received_hours_ago: float = 1.0,
) -> Any:
    """A contact logged through the service layer, received some hours before now."""
    intake = IntakeInput(
        received_at=clock.now() - timedelta(hours=received_hours_ago),
        source_code="2A",
        concern="Bruising noticed at school on Monday morning.",
        children=[ChildInput(first, last)],
        referrer_name="Jo Teacher",
        priority=priority,
    )
    return services.create_contact(login, intake)[0]


RATIONALE = (
    "Mother refused consent but the child disclosed a serious injury at school, so "
    "sharing with police and health is needed to keep the child safe today."
)


async def click(pilot: Pilot[Any], selector: str | Widget) -> None:
    """Click a widget the way a person would: scrolled into view first."""
    widget = pilot.app.screen.query_one(selector) if isinstance(selector, str) else selector
    for ancestor in widget.ancestors:
        if isinstance(ancestor, ScrollableContainer):
            offset = widget.region.y - ancestor.region.y - ancestor.region.height // 2
            ancestor.scroll_to(y=ancestor.scroll_y + offset, animate=False, immediate=True)
    await settle(pilot)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.click(widget)
    await settle(pilot)


def ident(row: Any) -> int:
    """The id of a stored row (always set once saved)."""
    value = row.id
    assert isinstance(value, int)
    return value
