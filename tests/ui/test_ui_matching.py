"""The intake's known-children lookup in the app: a child found under another spelling,
with the reason shown beside the match."""

from __future__ import annotations

from datetime import date, timedelta

from mash_tui.screens.intake import ChildForm, IntakeScreen
from textual.widgets import Button
from ui_support import SIZE, make_app, set_input, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.services import Services

ZOE = ("Zoë", "Łukasiewicz-Ó Súilleabháin")


def known_zoe(services: Services, clock: FrozenClock) -> int:
    [contact] = services.create_contact(
        "scr",
        IntakeInput(
            received_at=clock.now() - timedelta(days=40),
            source_code="2A",
            concern="Bruising noticed at school on Monday morning.",
            children=[ChildInput(*ZOE, date(2017, 4, 3))],
            referrer_name="Jo Teacher",
        ),
    )
    return int(contact.child_id)


async def test_a_child_typed_without_accents_is_found_with_the_reason(
    services: Services, clock: FrozenClock
) -> None:
    child_id = known_zoe(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        set_input(app, "#c0-first_name", "ZOE")
        set_input(app, "#c0-last_name", "lukasiewicz")
        set_input(app, "#c0-date_of_birth", "03/04/2017")
        await pilot.pause()
        form = app.screen.query_one(ChildForm)
        form.lookup()
        await settle(pilot)
        [link] = [b for b in app.screen.query(".link") if b.name == str(child_id)]
        assert isinstance(link, Button)
        label = str(link.label)
        assert "Zoë Łukasiewicz-Ó Súilleabháin" in label  # shown as recorded
        assert "same date of birth, same first name" in label
        assert "surname starts with the letters typed" in label
        title = str(app.screen.query_one("#c0-matches-title").render())
        assert "likeliest first" in title
        # A surname changed since: date of birth and first name still find her.
        set_input(app, "#c0-last_name", "Kowalska")
        await pilot.pause()
        form.lookup()
        await settle(pilot)
        [link] = [b for b in app.screen.query(".link") if b.name == str(child_id)]
        assert "but a different surname" in str(link.label)
