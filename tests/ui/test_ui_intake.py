"""Intake in the app: every field error shown inline, typed text kept, names shown literally."""

from __future__ import annotations

from typing import Any

import pytest
from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.intake import ChildForm, IntakeScreen
from mash_tui.screens.my_contacts import MyContactsScreen
from textual.widgets import Checkbox, DataTable, Input, SelectionList
from ui_support import (
    SIZE,
    add_contact,
    click,
    errors_on,
    make_app,
    set_area,
    set_input,
    set_select,
    settle,
)

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services


async def open_intake(pilot: Any) -> IntakeScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def fill_valid(app: MashApp, first: str = "Ada", last: str = "Lovelace") -> None:
    set_input(app, "#referrer_name", "Jo Teacher")
    set_input(app, "#referrer_agency", "Hill Primary")
    set_select(app, "#source_code", "2A")
    set_input(app, "#c0-first_name", first)
    set_input(app, "#c0-last_name", last)
    set_input(app, "#c0-date_of_birth", "03/09/2016")
    set_area(app, "#concern", "Bruising noticed on the child's arm at school this morning.")


async def submit(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_typed_intake_creates_a_contact_and_opens_consent(
    services: Services, clock: FrozenClock
) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        assert screen.query_one("#received_at", Input).value == "17/11/2026 10:00"
        # Keyboard only: type into the referrer's name and the child's names.
        screen.query_one("#referrer_name", Input).focus()
        await pilot.press(*"Jo Teacher")
        screen.query_one("#c0-first_name", Input).focus()
        await pilot.press(*"Ada")
        await pilot.press("tab")
        await pilot.press(*"Lovelace")
        set_select(app, "#source_code", "2A")
        set_area(app, "#concern", "Bruising noticed at school.")
        screen.query_one("#factors", SelectionList).select("neglect")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)
    [row] = services.queue(assigned_to="scr")
    assert row.child_name == "Ada Lovelace"
    contact = services.get(row.id)
    assert contact.referrer_name == "Jo Teacher"
    assert contact.factors == ["neglect"]
    assert services.drafts("scr") == []  # the draft goes once the contact exists


@pytest.mark.parametrize(
    ("setup", "key", "fragment"),
    [
        (lambda app: set_input(app, "#received_at", "yesterday"), "received_at", "not a date"),
        (lambda app: set_input(app, "#received_at", "18/11/2026 10:00"), "received_at", "future"),
        (lambda app: set_select(app, "#source_code", None), "source_code", "contact source"),
        (lambda app: set_input(app, "#referrer_name", ""), "referrer_name", "referrer"),
        (
            lambda app: set_input(app, "#referrer_email", "jo-at-school"),
            "referrer_email",
            "email",
        ),
        (lambda app: set_input(app, "#c0-first_name", ""), "children[0].first_name", "first name"),
        (lambda app: set_input(app, "#c0-last_name", " "), "children[0].last_name", "last name"),
        (
            lambda app: set_input(app, "#c0-date_of_birth", "31/02/2016"),
            "children[0].date_of_birth",
            "dd/mm/yyyy",
        ),
        (
            lambda app: set_input(app, "#c0-date_of_birth", "01/01/2027"),
            "children[0].date_of_birth",
            "future",
        ),
        (
            lambda app: set_input(app, "#c0-nhs_number", "12345"),
            "children[0].nhs_number",
            "10 digits",
        ),
        (lambda app: set_area(app, "#concern", "   "), "concern", "concern"),
    ],
)
async def test_each_intake_error_shows_on_its_field_and_keeps_the_text(
    services: Services, setup: Any, key: str, fragment: str
) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        if key == "source_code":
            from textual.widgets import Select

            set_select(app, "#source_code", Select.NULL)
        else:
            setup(app)
        before = app.screen.payload()  # type: ignore[attr-defined]
        await submit(pilot)
        assert isinstance(app.screen, IntakeScreen)
        errors = errors_on(app)
        assert list(errors) == [key]
        assert fragment in errors[key]
        assert app.screen.payload() == before  # nothing typed is lost
    assert services.queue() == []


async def test_several_errors_focus_the_highest_and_each_goes_once_edited(
    services: Services,
) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        fill_valid(app)
        set_area(app, "#concern", "  ")
        set_input(app, "#c0-date_of_birth", "31/02/2016")
        set_input(app, "#received_at", "18/11/2026 10:00")
        await submit(pilot)
        assert set(errors_on(app)) == {"received_at", "children[0].date_of_birth", "concern"}
        assert screen.focused is screen.query_one("#received_at", Input)  # top of the form
        set_input(app, "#received_at", "17/11/2026 09:00")
        await pilot.pause()
        assert set(errors_on(app)) == {"children[0].date_of_birth", "concern"}
        set_area(app, "#concern", "Now described.")
        await pilot.pause()
        assert set(errors_on(app)) == {"children[0].date_of_birth"}


async def test_unborn_child_needs_an_expected_date(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        set_input(app, "#c0-date_of_birth", "")
        app.screen.query_one("#c0-unborn", Checkbox).value = True
        await submit(pilot)
        assert "expected date" in errors_on(app)["children[0].expected_date"]
        set_input(app, "#c0-expected_date", "01/02/2027")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)


async def test_fixing_an_error_clears_it(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        set_input(app, "#c0-nhs_number", "12")
        await submit(pilot)
        assert list(errors_on(app)) == ["children[0].nhs_number"]
        assert app.focused is app.screen.query_one("#c0-nhs_number")
        set_input(app, "#c0-nhs_number", "943 476 5919")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)


MARKUP_NAMES = [
    ("[bold]x[/bold]", "[@click=app.quit]y[/]"),
    ("Zoë", "Łukasiewicz-Ó Súilleabháin"),
    ("A" * 60, "B" * 60),
]


@pytest.mark.parametrize(("first", "last"), MARKUP_NAMES)
async def test_names_are_shown_exactly_as_typed(services: Services, first: str, last: str) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app, first, last)
        set_input(app, "#referrer_name", "[red]Jo[/red]")
        await submit(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        title = str(screen.query_one("#ch-title").render())
        assert f"{first} {last}" in title
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running  # the [@click=app.quit] name did nothing
        home = app.screen
        assert isinstance(home, MyContactsScreen)
        table = home.query_one("#my-contacts", DataTable)
        [cell] = list(table.get_column("child"))
        assert str(cell) == f"{first} {last}"
        assert cell.spans == []  # no markup was applied
    [row] = services.queue()
    assert row.child_name == f"{first} {last}"
    assert len(row.child_name) == len(first) + len(last) + 1
    assert services.get(row.id).referrer_name == "[red]Jo[/red]"


async def test_siblings_become_linked_contacts(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert len(app.screen.query(ChildForm)) == 2
        await submit(pilot)
        assert "children[1].first_name" in errors_on(app)
        set_input(app, "#c1-first_name", "Byron")
        set_input(app, "#c1-last_name", "Lovelace")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)
    rows = services.queue()
    assert sorted(r.child_name for r in rows) == ["Ada Lovelace", "Byron Lovelace"]
    families = {services.get(r.id).family_id for r in rows}
    assert len(families) == 1 and None not in families


async def test_removing_a_sibling_keeps_the_others(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        await pilot.press("ctrl+b")
        await settle(pilot)
        set_input(app, "#c1-first_name", "Byron")
        await pilot.press("ctrl+b")
        await settle(pilot)
        set_input(app, "#c2-first_name", "Cleo")
        await click(pilot, "#c1-remove")
        await settle(pilot)
        names = [c["first_name"] for c in app.screen.payload()["children"]]  # type: ignore[attr-defined]
        assert names == ["Ada", "Cleo"]


async def test_household_members_are_recorded(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        set_input(app, "#h0-relationship", "Mother")
        await submit(pilot)
        assert "name" in errors_on(app)["household[0].name"]
        set_input(app, "#h0-name", "Mary Lovelace")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)
    [row] = services.queue()
    [member] = services.detail(row.id).household
    assert (member.name, member.relationship) == ("Mary Lovelace", "Mother")


async def test_earlier_contacts_show_and_the_child_can_be_linked(
    services: Services, clock: FrozenClock
) -> None:
    earlier = add_contact(services, clock, first="Ada", received_hours_ago=24 * 30)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        set_input(app, "#c0-first_name", "ada")
        set_input(app, "#c0-last_name", "LOVELACE")
        await pilot.pause()  # the change events start the debounce timer...
        form = app.screen.query_one(ChildForm)
        form.lookup()  # ...which an explicit lookup replaces
        await settle(pilot)
        text = str(app.screen.query_one("#c0-earlier").render())
        assert "REPEAT CONTACT" in text
        assert earlier.reference in text
        [link] = [b for b in app.screen.query(".link") if b.name == str(earlier.child_id)]
        await click(pilot, link)
        await settle(pilot)
        assert form.linked_id == earlier.child_id
        assert "Linked to known child" in str(app.screen.query_one("#c0-linked").render())
        fill_valid(app, "ada", "LOVELACE")
        await submit(pilot)
        assert isinstance(app.screen, ContactScreen)
    rows = services.queue()
    assert len(rows) == 2
    assert {services.get(r.id).child_id for r in rows} == {earlier.child_id}


async def test_leaving_keeps_a_draft_that_is_offered_back(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        fill_valid(app, "Zoë", "[b]Ó[/b]")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyContactsScreen)
    [draft] = services.drafts("scr")
    assert draft.kind == "intake"
    assert draft.payload["children"][0]["last_name"] == "[b]Ó[/b]"

    again = make_app(services)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from mash_tui.screens.drafts import DraftsModal

        assert isinstance(again.screen, DraftsModal)
        await pilot.press("enter")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.payload() == draft.payload


async def test_d_on_my_contacts_offers_the_drafts(services: Services) -> None:
    """The footer's Drafts key opens the drafts window (and says so when there are none)."""
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["No unsaved drafts."]
        await open_intake(pilot)
        fill_valid(app, "Zoë", "Ó")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyContactsScreen)
        await pilot.press("d")
        await settle(pilot)
        from mash_tui.screens.drafts import DraftsModal

        assert isinstance(app.screen, DraftsModal)


async def test_notifications_show_typed_text_literally(services: Services) -> None:
    """A toast that quotes something typed (a name, an error) never runs it as markup."""
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.notify("Saved [@click=app.quit]y[/] and [bold]x[/bold]", markup=True)
        await pilot.pause()
        [toast] = list(app._notifications)
        assert toast.markup is False
        assert toast.message == "Saved [@click=app.quit]y[/] and [bold]x[/bold]"
        assert app.is_running
