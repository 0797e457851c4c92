"""Consent, Level of Need and decision in the app: each error inline, then submission."""

from __future__ import annotations

from typing import Any

from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.steps import ConsentForm, DecisionForm, LevelForm
from textual.widgets import OptionList, RadioButton
from ui_support import (
    RATIONALE,
    SIZE,
    add_contact,
    click,
    errors_on,
    ident,
    make_app,
    set_area,
    set_input,
    set_select,
    settle,
)

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ConsentInput, LevelInput
from mash_tui.services import Services


async def open_contact(pilot: Any, contact_id: int) -> ContactScreen:
    await settle(pilot)
    screen = ContactScreen(contact_id)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def choose_outcome(app: MashApp, outcome: str) -> None:
    app.screen.query_one(f"#outcome-{outcome}", RadioButton).value = True


def step_errors(app: MashApp, form: type) -> dict[str, str]:
    return {
        k: v for k, v in errors_on(app).items() if app.screen.query_one(form).field_map().get(k)
    }


def banner(form: Any) -> str:
    return str(form.query_one(".form-error").render())


def prepared(services: Services, clock: FrozenClock, *, level: int | None = None) -> Any:
    """A contact with consent given (and a level, if asked) so later steps can be tested."""
    c = add_contact(services, clock)
    c = services.record_consent(
        "scr", c.id, c.version, ConsentInput("given", "Sam", "Mum", "phone")
    )
    if level is not None:
        c = services.set_level(
            "scr", ident(c), c.version, LevelInput(level, "Needs fit this level well.")
        )
    return c


# ---------------------------------------------------------------------- consent
async def test_consent_needs_an_outcome(services: Services, clock: FrozenClock) -> None:
    contact = add_contact(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "given, refused or not sought" in errors_on(app)["outcome"]


async def test_consent_given_needs_who_whom_and_how(services: Services, clock: FrozenClock) -> None:
    contact = add_contact(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        choose_outcome(app, "given")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert set(errors_on(app)) == {"sought_by", "sought_from", "method"}
        set_input(app, "#sought_by", "Sam Screener")
        set_input(app, "#sought_from", "Mother")
        set_input(app, "#method", "phone")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors_on(app) == {}
        assert app.screen.query_one("#steps").active == "step-level"  # type: ignore[attr-defined]
    assert services.get(contact.id).consent_outcome == "given"


async def test_refused_consent_needs_grounds_basis_and_rationale_then_waits(
    services: Services, clock: FrozenClock
) -> None:
    contact = add_contact(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        assert not app.screen.query_one("#override").display
        choose_outcome(app, "refused")
        await pilot.pause()
        assert app.screen.query_one("#override").display
        set_input(app, "#sought_by", "Sam Screener")
        set_input(app, "#sought_from", "Father")
        set_input(app, "#method", "in person")
        set_area(app, "#rationale", "too risky")
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = errors_on(app)
        assert set(errors) == {"grounds", "lawful_basis", "rationale"}
        assert "8 words" in errors["rationale"]
        assert app.screen.query_one("#rationale").text == "too risky"  # type: ignore[attr-defined]
        set_area(app, "#grounds", "Risk of significant harm if the family is alerted.")
        set_input(app, "#lawful_basis", "Children Act 1989 s47")
        set_area(app, "#rationale", RATIONALE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors_on(app) == {}
        status = str(app.screen.query_one("#override-status").render())
        assert "WAITING for a manager's authorisation" in status
    stored = services.get(contact.id)
    assert stored.consent_outcome == "refused"
    assert stored.override_authorised_by_id is None


async def test_partner_checks_are_logged_with_errors_inline(
    services: Services, clock: FrozenClock
) -> None:
    contact = add_contact(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await click(pilot, "#log-check")
        assert set(errors_on(app)) == {"check_agency", "check_requested", "check_purpose"}
        set_input(app, "#check_agency", "Police")
        set_input(app, "#check_requested", "Any call-outs to the address?")
        set_input(app, "#check_purpose", "Assess risk at home")
        set_input(app, "#check_checked_at", "17/11/2026 12:00")
        await click(pilot, "#log-check")
        assert errors_on(app) == {"check_checked_at": "the check cannot be in the future"}
        set_input(app, "#check_checked_at", "")
        set_input(app, "#check_shared", "Two call-outs in October")
        await click(pilot, "#log-check")
        assert errors_on(app) == {}
        listed = str(app.screen.query_one("#checks-list").render())
        assert "Police" in listed and "Two call-outs in October" in listed
    [check] = services.detail(contact.id).partner_checks
    assert check.agency == "Police"


# ---------------------------------------------------------------------- level of need
async def test_level_needs_a_choice_and_a_rationale(services: Services, clock: FrozenClock) -> None:
    contact = prepared(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f6")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "choose a Level of Need" in errors_on(app)["level"]
        levels = app.screen.query_one("#levels", OptionList)
        levels.focus()
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one(LevelForm).chosen == 3
        set_area(app, "#level_rationale", "short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "explain why" in errors_on(app)["rationale"]
        set_area(app, "#level_rationale", "Several agencies are needed to meet complex needs.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors_on(app) == {}
    stored = services.get(contact.id)
    assert stored.level == 3
    assert (stored.framework_id, stored.framework_version) == (
        services.framework.id,
        services.framework.version,
    )


async def test_level_descriptors_show_and_search_filters(
    services: Services, clock: FrozenClock
) -> None:
    contact = prepared(services, clock)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f6")
        await settle(pilot)
        form = app.screen.query_one(LevelForm)
        line = str(form.query_one("#framework-line").render())
        assert services.framework.id in line and services.framework.version in line
        levels = form.query_one("#levels", OptionList)
        assert levels.option_count == len(services.framework.levels)
        text = str(form.query_one("#level-text").render())
        assert services.framework.levels[0].summary.split()[0] in text
        set_input(app, "#level-search", "zzz-not-a-word")
        await settle(pilot)
        assert levels.option_count == 0
        word = "safeguarding"
        set_input(app, "#level-search", word)
        await settle(pilot)
        assert levels.option_count == len(services.framework.search(word)) > 0
        # Typed key by key, as a person would: the panel must not keep an earlier level.
        form.query_one("#level-search").focus()
        set_input(app, "#level-search", "")
        await settle(pilot)
        await pilot.press(*"bruis")
        await settle(pilot)
        assert levels.option_count == 0
        assert str(form.query_one("#level-text").render()) == "No level mentions that."


# ---------------------------------------------------------------------- decision
async def test_decision_shows_each_missing_field(services: Services, clock: FrozenClock) -> None:
    contact = prepared(services, clock, level=2)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert set(errors_on(app)) == {
            "next_step",
            "analysis",
            "sos_worried",
            "sos_working_well",
            "sos_needs_to_happen",
            "sos_scale",
        }
        set_input(app, "#sos_scale", "11")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "0 to 10" in errors_on(app)["sos_scale"]


def fill_decision(app: MashApp, step: str) -> None:
    set_select(app, "#next_step", step)
    set_area(app, "#analysis", "The school's account and police checks agree.")
    set_area(app, "#sos_worried", "Bruising with no explanation.")
    set_area(app, "#sos_working_well", "Child attends school every day.")
    set_area(app, "#sos_needs_to_happen", "Family support worker visit this week.")
    set_input(app, "#sos_scale", "6")


async def test_level_and_step_that_do_not_fit_need_a_justification(
    services: Services, clock: FrozenClock
) -> None:
    contact = prepared(services, clock, level=4)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f7")
        fill_decision(app, "nfa")
        await pilot.pause()
        form = app.screen.query_one(DecisionForm)
        assert form.query_one("#justify").display
        assert "does not usually lead to" in str(form.query_one("#fit-note").render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "justify" in errors_on(app)["mismatch_justification"]
        set_area(app, "#mismatch_justification", RATIONALE)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not isinstance(app.screen, ContactScreen)
    assert services.get(contact.id).state == "awaiting_authorisation"


async def test_refused_consent_blocks_the_decision_until_authorised(
    services: Services, clock: FrozenClock
) -> None:
    c = add_contact(services, clock)
    c = services.record_consent(
        "scr",
        ident(c),
        c.version,
        ConsentInput("refused", "Sam", "Dad", "phone", "Risk of harm", "s47", RATIONALE),
    )
    c = services.set_level(
        "scr", ident(c), c.version, LevelInput(2, "Emerging needs at home noted.")
    )
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, ident(c))
        await pilot.press("f7")
        fill_decision(app, "early_help")
        await pilot.press("ctrl+t")
        await settle(pilot)
        form = app.screen.query_one(DecisionForm)
        assert "manager must authorise the override" in banner(form)
        assert form.payload()["next_step"] == "early_help"  # typed text kept
    assert services.get(ident(c)).state == "screening"


async def test_a_refused_submission_is_shown_on_screen_at_80x24(
    services: Services, clock: FrozenClock
) -> None:
    """The refusal banner sits above a long form: it is scrolled into view, not left hidden."""
    c = add_contact(services, clock)
    c = services.record_consent(
        "scr",
        ident(c),
        c.version,
        ConsentInput("refused", "Sam", "Dad", "phone", "Risk of harm", "s47", RATIONALE),
    )
    c = services.set_level(
        "scr", ident(c), c.version, LevelInput(2, "Emerging needs at home noted.")
    )
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contact(pilot, ident(c))
        await pilot.press("f7")
        fill_decision(app, "early_help")
        form = app.screen.query_one(DecisionForm)
        form.query_one("#sos_scale").focus()
        form.scroll_end(animate=False)  # where someone who has just typed the scale is
        await pilot.pause()
        assert form.scroll_y > 0
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.pause()
        box = form.query_one(".form-error")
        assert "manager must authorise the override" in banner(form)
        assert box in app.screen._compositor.visible_widgets  # on screen, not scrolled away


async def test_full_contact_from_intake_to_submission(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        set_input(app, "#referrer_name", "Jo Teacher")
        set_select(app, "#source_code", "2A")
        set_select(app, "#priority", "red")
        set_input(app, "#c0-first_name", "Zoë")
        set_input(app, "#c0-last_name", "Łukasiewicz-Ó Súilleabháin")
        set_area(app, "#concern", "Child said she is scared to go home.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert "SOON 4h 00m 00s left" in str(screen.query_one("#ch-countdown").render())

        choose_outcome(app, "given")
        set_input(app, "#sought_by", "Sam Screener")
        set_input(app, "#sought_from", "Mother")
        set_input(app, "#method", "phone")
        await pilot.press("ctrl+s")
        await settle(pilot)

        screen.query_one("#levels", OptionList).focus()
        await pilot.press("down", "down", "down", "enter")
        set_area(app, "#level_rationale", "Disclosure of fear of harm at home needs s47 enquiry.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#steps").active == "step-decision"

        fill_decision(app, "strategy_s47")
        await click(pilot, "#submit")
        assert not isinstance(app.screen, ContactScreen)
    [row] = services.queue(assigned_to="scr")
    contact = services.get(row.id)
    assert contact.state == "awaiting_authorisation"
    assert (contact.level, contact.next_step, contact.sos_scale) == (4, "strategy_s47", 6)
    assert services.drafts("scr") == []


async def test_read_only_once_with_a_manager(services: Services, clock: FrozenClock) -> None:
    from mash_tui.domain.inputs import DecisionInput

    c = prepared(services, clock, level=2)
    c = services.record_decision(
        "scr", c.id, c.version, DecisionInput("early_help", "a", "b", "c", "d", 5)
    )
    c = services.submit("scr", ident(c), c.version)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, ident(c))
        assert "read only" in str(app.screen.query_one("#contact-banner").render())
        assert app.screen.query_one("#submit").disabled


async def test_unsaved_step_text_comes_back_as_a_draft(
    services: Services, clock: FrozenClock
) -> None:
    contact = prepared(services, clock, level=2)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_contact(pilot, contact.id)
        await pilot.press("f7")
        set_area(app, "#sos_worried", "[b]Unexplained[/b] bruising")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
    [draft] = services.drafts("scr")
    assert draft.contact_id == contact.id
    assert draft.payload["decision"]["sos_worried"] == "[b]Unexplained[/b] bruising"

    again = make_app(services)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # restore from the drafts offer
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, ContactScreen)
        assert screen.query_one(DecisionForm).payload()["sos_worried"] == (
            "[b]Unexplained[/b] bruising"
        )
        assert screen.query_one(ConsentForm).payload()["outcome"] == "given"
