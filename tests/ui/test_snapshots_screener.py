"""Snapshots of the screener's screens with a frozen clock at fixed terminal sizes."""

from __future__ import annotations

from typing import Any

from mash_tui.screens.contact import ContactScreen
from textual.pilot import Pilot
from textual.widgets import OptionList, RadioButton
from ui_support import (
    RATIONALE,
    SIZE,
    add_contact,
    ident,
    make_app,
    set_area,
    set_input,
    set_select,
    settle,
)

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ConsentInput, LevelInput
from mash_tui.services import Services


def three_contacts(services: Services, clock: FrozenClock) -> list[Any]:
    """One on time, one near its deadline, one past it, with one name full of markup."""
    return [
        add_contact(services, clock, first="Zoë", last="Łukasiewicz-Ó Súilleabháin"),
        add_contact(services, clock, first="[bold]x[/bold]", last="Smith", priority="red"),
        add_contact(services, clock, first="Sam", last="Late", received_hours_ago=25),
    ]


def test_my_contacts(snap_compare: Any, services: Services, clock: FrozenClock) -> None:
    three_contacts(services, clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_my_contacts_at_80x24(snap_compare: Any, services: Services, clock: FrozenClock) -> None:
    three_contacts(services, clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=(80, 24))


def test_intake_blank(snap_compare: Any, services: Services) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_intake_errors_at_80x24(snap_compare: Any, services: Services) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        set_input(pilot.app, "#received_at", "18/11/2026 09:00")  # type: ignore[arg-type]
        set_input(pilot.app, "#referrer_name", "[@click=app.quit]Jo[/]")  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await settle(pilot)
        pilot.app.screen.query_one("#intake-form").scroll_home(animate=False)
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=(80, 24))


def test_consent_refused_waiting(snap_compare: Any, services: Services, clock: FrozenClock) -> None:
    c = add_contact(services, clock, first="Zoë", last="Ó Súilleabháin")
    services.record_consent(
        "scr",
        ident(c),
        c.version,
        ConsentInput("refused", "Sam", "Dad", "phone", "Risk of harm", "s47", RATIONALE),
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ContactScreen(ident(c)))
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_consent_errors(snap_compare: Any, services: Services, clock: FrozenClock) -> None:
    c = add_contact(services, clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ContactScreen(ident(c)))
        await settle(pilot)
        pilot.app.screen.query_one("#outcome-not_sought", RadioButton).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_level_of_need(snap_compare: Any, services: Services, clock: FrozenClock) -> None:
    c = add_contact(services, clock)
    services.record_consent(
        "scr", ident(c), c.version, ConsentInput("given", "Sam", "Mum", "phone")
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ContactScreen(ident(c)))
        await settle(pilot)
        await pilot.press("f6")
        pilot.app.screen.query_one("#levels", OptionList).focus()
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_decision_needs_justification(
    snap_compare: Any, services: Services, clock: FrozenClock
) -> None:
    c = add_contact(services, clock)
    c = services.record_consent(
        "scr", ident(c), c.version, ConsentInput("given", "Sam", "Mum", "phone")
    )
    services.set_level("scr", ident(c), c.version, LevelInput(4, "Serious harm was disclosed."))

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await settle(pilot)
        await app.push_screen(ContactScreen(ident(c)))
        await settle(pilot)
        await pilot.press("f7")
        set_select(app, "#next_step", "nfa")
        set_area(app, "#analysis", "Police and school accounts agree.")
        set_input(app, "#sos_scale", "3")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)


def test_returned_contact_at_80x24(
    snap_compare: Any, services: Services, clock: FrozenClock
) -> None:
    from mash_tui.domain.inputs import DecisionInput

    c = add_contact(services, clock, first="Ada")
    c = services.record_consent(
        "scr", ident(c), c.version, ConsentInput("given", "Sam", "Mum", "phone")
    )
    c = services.set_level("scr", ident(c), c.version, LevelInput(2, "Emerging needs at home."))
    c = services.record_decision(
        "scr", ident(c), c.version, DecisionInput("early_help", "a", "b", "c", "d", 6)
    )
    c = services.submit("scr", ident(c), c.version)
    services.return_contact("mgr", ident(c), c.version, "Add the school's view, please.")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ContactScreen(ident(c)))
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=(80, 24))


def test_first_run(snap_compare: Any, engine: Any, clock: FrozenClock) -> None:
    app = make_app(Services(engine, clock), "newboss")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_not_allowed(snap_compare: Any, services: Services) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(
        make_app(services, "stranger"), run_before=run_before, terminal_size=(80, 24)
    )


def test_drafts_offered(snap_compare: Any, services: Services) -> None:
    services.save_draft(
        "scr",
        "intake",
        {"received_at": "17/11/2026 09:30", "children": [{"first_name": "Zoë", "last_name": "Ó"}]},
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=run_before, terminal_size=SIZE)
