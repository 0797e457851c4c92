"""Textual's own wiring: what travels as messages, what the palette offers, one draft writer."""

from __future__ import annotations

from mash_tui.screens.intake import ChildForm, IntakeScreen
from mash_tui.screens.manager import ManagerScreen
from textual.message import Message
from ui_support import SIZE, add_contact, make_app, palette_names, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.messages import Edited, RowsShown, ServicesReady
from mash_tui.services import Services
from mash_tui.widgets import DraftSlot


async def test_opening_the_database_is_told_to_screens_by_message(
    services: Services, clock: FrozenClock
) -> None:
    add_contact(services, clock)
    seen: list[Message] = []
    app = make_app(services)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
    assert any(isinstance(message, ServicesReady) for message in seen)
    shown = {id(message) for message in seen if isinstance(message, RowsShown)}
    assert len(shown) == 1  # the first fill only (seen once per node it bubbles through)


async def test_a_linked_child_tells_its_screen_by_message(services: Services) -> None:
    seen: list[Message] = []
    app = make_app(services)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        form = app.screen.query_one(ChildForm)
        form.post_message(Edited())
        await settle(pilot)
    assert any(isinstance(m, Edited) for m in seen)


async def test_manager_palette_has_the_acts_and_both_views(services: Services) -> None:
    app = make_app(services, "mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        names = palette_names(app)
    for name in ("Authorise contact", "Weekly report", "My contacts", "Manager view"):
        assert name in names


def test_a_draft_slot_keeps_one_draft_and_none_after_finishing(services: Services) -> None:
    slot = DraftSlot("intake")
    slot.write(services, "scr", {"concern": "first"})
    first = slot.draft_id
    slot.write(services, "scr", {"concern": "second"})
    assert slot.draft_id == first
    assert [d.payload for d in services.drafts("scr")] == [{"concern": "second"}]
    slot.finish()
    slot.write(services, "scr", {"concern": "too late"})
    assert [d.payload for d in services.drafts("scr")] == [{"concern": "second"}]
    slot.discard(services, "scr")
    assert services.drafts("scr") == []
    assert slot.draft_id is None
