"""Linking a known child fills the form from the record and keeps what was typed differently."""

from __future__ import annotations

from datetime import date, timedelta

from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.intake_children import ChildForm
from test_ui_intake import fill_valid, open_intake, submit
from textual.widgets import Input, Select
from ui_support import click, make_app, set_input, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.services import Services

SIZE = (100, 32)


def known_child(services: Services, clock: FrozenClock) -> int:
    """Ava Jones, known to be female and White British, at 1 High Street."""
    [c] = services.create_contact(
        "scr",
        IntakeInput(
            received_at=clock.now() - timedelta(days=30),
            source_code="2A",
            concern="Bruising seen at school.",
            children=[
                ChildInput(
                    "Ava",
                    "Jones",
                    date(2016, 9, 3),
                    gender="F",
                    ethnicity="WBRI",
                    address="1 High Street",
                    school="Oak Primary",
                )
            ],
            referrer_name="Ms Head",
        ),
    )
    return c.child_id


async def test_linking_fills_from_the_record_and_stores_the_new_school(
    services: Services, clock: FrozenClock
) -> None:
    child_id = known_child(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app, "Ava", "Jones")
        set_input(app, "#c0-school", "Elm Academy")  # she has moved school
        await pilot.pause()
        form = app.screen.query_one(ChildForm)
        form.lookup()
        await settle(pilot)
        [link] = [b for b in app.screen.query(".link") if b.name == str(child_id)]
        await click(pilot, link)
        await settle(pilot)
        # The record's details where nothing was said; what was typed stays.
        assert app.screen.query_one("#c0-gender", Select).value == "F"
        assert app.screen.query_one("#c0-ethnicity", Select).value == "WBRI"
        assert app.screen.query_one("#c0-address", Input).value == "1 High Street"
        assert app.screen.query_one("#c0-school", Input).value == "Elm Academy"
        note = str(app.screen.query_one("#c0-linked").render())
        assert "school" in note and "updated" in note
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)
    with services.read() as session:
        from mash_tui.store.tables import Child

        child = session.get(Child, child_id)
        assert child is not None
        assert (child.school, child.gender, child.ethnicity) == ("Elm Academy", "F", "WBRI")
        assert child.address == "1 High Street"
    assert services.verify_audit("mgr").ok
