"""An open contact keeps up with the record: no refusal, box or status left once it is untrue.

The screener's contact screen polls the queue signature like My contacts does; these tests
call its poll directly (no waiting on the interval) after a manager acts through the service
layer, as the manager's own copy of mash-tui would.
"""

from __future__ import annotations

from typing import Any

from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.steps import ConsentForm, DecisionForm, LevelForm
from test_ui_steps import banner, choose_outcome, fill_decision, open_contact, prepared
from textual.widgets import Static
from ui_support import RATIONALE, SIZE, add_contact, errors_on, ident, make_app, set_area, settle
from ui_support import set_input as put

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ConsentInput, LevelInput
from mash_tui.services import Services


def override_status(screen: Any) -> str:
    return str(screen.query_one(ConsentForm).query_one("#override-status", Static).render())


async def test_consent_first_refusal_goes_once_consent_is_saved(
    services: Services, clock: FrozenClock
) -> None:
    c = add_contact(services, clock)
    c = services.set_level("scr", ident(c), c.version, LevelInput(2, "Emerging needs at home."))
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, ident(c))
        await pilot.press("f7")
        fill_decision(app, "early_help")
        await pilot.press("ctrl+s")
        await settle(pilot)
        decision = app.screen.query_one(DecisionForm)
        assert "consent to share was sought and given first" in banner(decision)
        await pilot.press("f5")
        choose_outcome(app, "given")
        put(app, "#sought_by", "Sam")
        put(app, "#sought_from", "Mum")
        put(app, "#method", "phone")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert services.get(ident(c)).consent_outcome == "given"
        assert banner(decision) == ""
        assert not decision.query_one(".form-error").display
        assert decision.payload()["next_step"] == "early_help"  # typed text untouched


async def test_justification_box_goes_when_the_next_step_fits(
    services: Services, clock: FrozenClock
) -> None:
    contact = prepared(services, clock, level=4)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f7")
        fill_decision(app, "nfa")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen.query_one(DecisionForm)
        assert "mismatch_justification" in errors_on(app)
        assert form.query_one("#justify").display
        form.query_one("#next_step").value = "strategy_s47"  # fits Level 4
        await settle(pilot)
        assert not form.query_one("#justify").display
        assert "mismatch_justification" not in errors_on(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors_on(app) == {}
    assert services.get(contact.id).next_step == "strategy_s47"


async def test_override_authorised_elsewhere_shows_and_the_next_save_goes_through(
    services: Services, clock: FrozenClock
) -> None:
    c = add_contact(services, clock)
    c = services.record_consent(
        "scr",
        ident(c),
        c.version,
        ConsentInput("refused", "Sam", "Dad", "phone", "Risk of harm", "s47", RATIONALE),
    )
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_contact(pilot, ident(c))
        assert "WAITING" in override_status(screen)
        await pilot.press("f7")
        fill_decision(app, "early_help")
        await pilot.press("ctrl+s")
        await settle(pilot)
        decision = screen.query_one(DecisionForm)
        assert "manager must authorise the override" in banner(decision)
        # The manager authorises the override on the version this screen holds.
        services.authorise_override("mgr", ident(c), c.version)
        screen.poll()
        await settle(pilot)
        assert "WAITING" not in override_status(screen)
        assert "AUTHORISED" in override_status(screen)
        assert banner(decision) == ""
        assert decision.payload()["next_step"] == "early_help"
        # The screener's next save is not refused as "changed by someone else".
        await pilot.press("f6")
        screen.query_one(LevelForm).choose(2)
        set_area(app, "#level_rationale", "Emerging needs that one agency can meet.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert "changed by someone else" not in str(screen.query_one("#contact-banner").render())
        assert errors_on(app) == {}
    assert services.get(ident(c)).level == 2


async def test_a_contact_returned_while_open_becomes_editable(
    services: Services, clock: FrozenClock
) -> None:
    from team_support import submitted

    c = submitted(services)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_contact(pilot, ident(c))
        assert "read only" in str(screen.query_one("#contact-banner").render())
        services.return_contact("mgr", ident(c), c.version, "Please say who sought consent.")
        screen.poll()
        await settle(pilot)
        assert not screen.query_one("#contact-banner").display
        assert not screen.query_one("#save-consent").disabled
        assert "Please say who sought consent." in str(screen.query_one("#ch-returned").render())


async def test_signs_of_safety_questions_are_whole_at_80x24(
    services: Services, clock: FrozenClock
) -> None:
    contact = prepared(services, clock, level=2)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f7")
        await settle(pilot)
        worried = next(
            f for f in app.screen.query(".sos .field") if getattr(f, "key", "") == "sos_worried"
        )
        label = worried.query_one(".field-label")
        lines = [strip.text for strip in label.render_lines(label.region.reset_offset)]
        assert " ".join(" ".join(lines).split()) == "What are we worried about?"
        assert label.region.right <= worried.region.right  # inside its column, not cut off
