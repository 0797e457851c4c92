"""Acts that cannot succeed say why at once, and a draft is discarded only when asked twice."""

from __future__ import annotations

from typing import Any

from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.drafts import DraftsModal
from mash_tui.screens.manager import OVERRIDE_FILTER, ManagerScreen
from team_support import submitted
from test_manager import move_to, notes, queue, table_rows
from textual.widgets import Select
from ui_support import SIZE, make_app, settle

from mash_tui.services import Services
from mash_tui.widgets import ConfirmModal

__all__ = ["queue"]  # the queue fixture, shared with the manager's tests


async def manager_queue(pilot: Any) -> ManagerScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ManagerScreen)
    return screen


async def test_authorise_on_a_contact_still_in_screening_says_why_at_once(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await manager_queue(pilot)
        await move_to(pilot, screen, queue["late"].reference)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen  # no Authorise dialog for a decision not yet made
        assert (
            f"{queue['late'].reference} has not been submitted for authorisation yet: "
            "its screener is still working on it."
        ) in notes(app)
    assert services.get(queue["late"].id).state == "screening"


async def test_override_key_on_a_row_without_one_waiting_says_so_at_once(
    services: Services, queue: dict[str, Any]
) -> None:
    c = services.get(queue["override"].id)
    services.authorise_override("mgr", c.id or 0, c.version)
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await manager_queue(pilot)
        await move_to(pilot, screen, queue["override"].reference)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is screen  # no question whose answer is bound to be refused
        assert (
            f"{queue['override'].reference} has its consent override authorised already."
            in notes(app)
        )
        await move_to(pilot, screen, queue["late"].reference)
        await pilot.press("o")
        assert f"{queue['late'].reference} has no consent override to authorise." in notes(app)
        assert app.screen is screen


async def test_queue_marks_and_filters_the_rows_whose_override_waits(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await manager_queue(pilot)
        override = queue["override"].reference
        marked = [r[0] for r in table_rows(screen) if "override" in r[5]]
        assert marked == [override]
        picker = screen.query_one("#mq-state", Select)
        assert ("Override to authorise", OVERRIDE_FILTER) in [
            (str(label), value) for label, value in picker._options
        ]
        picker.value = OVERRIDE_FILTER
        await settle(pilot)
        assert [r[0] for r in table_rows(screen)] == [override]


async def test_saving_a_read_only_contact_says_it_is_read_only(services: Services) -> None:
    c = submitted(services)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ContactScreen(c.id or 0))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"{c.reference} is read only: it is with a manager for authorisation." in notes(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert (
            notes(app).count(f"{c.reference} is read only: it is with a manager for authorisation.")
            == 2
        )
    assert services.get(c.id or 0).version == c.version


async def test_discarding_a_draft_asks_first(services: Services) -> None:
    payload = {"referrer_name": "Jo Teacher", "children": [{"first_name": "Ada"}]}
    services.save_draft("scr", "intake", payload)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DraftsModal)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert isinstance(app.screen, DraftsModal)
        assert len(services.drafts("scr")) == 1
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert services.drafts("scr") == []
