"""The manager's queue, contact detail and acts of oversight, driven through the real app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from builders import make_contact, utc
from mash_tui.screens.manager import ManagerScreen
from mash_tui.screens.manager_actions import AmendModal, NoteModal, ReassignModal, ReturnModal
from mash_tui.screens.manager_detail import ManagerDetailScreen
from ui_support import SIZE, make_app, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, ConsentInput
from mash_tui.domain.levels import NEXT_STEPS
from mash_tui.domain.states import ContactState
from mash_tui.services import Services

NOW = utc(2026, 11, 17, 10)


@pytest.fixture
def queue(services: Services, clock: FrozenClock) -> dict[str, Any]:
    """Open contacts at 10:00: one late, one due soon, one waiting, one with an override."""
    made = {
        # Received 09:00 on Monday: amber, due 09:00 today -> LATE by an hour.
        "late": make_contact(services, clock, utc(2026, 11, 16, 9), consent=None, step=None),
        # Red received 07:00: due 11:00 -> SOON (inside the 4-hour window).
        "soon": make_contact(
            services, clock, utc(2026, 11, 17, 7), priority="red", consent=None, step=None
        ),
        # Decided and submitted: waits for the manager, due 20:00 today.
        "waiting": make_contact(services, clock, utc(2026, 11, 16, 20)),
        # Consent refused; the override is not yet authorised.
        "override": make_contact(
            services,
            clock,
            utc(2026, 11, 17, 8),
            consent=None,
            step=None,
            child=ChildInput("[bold]Zed[/bold]", "[@click=app.quit]Q[/]"),
        ),
    }
    c = services.get(made["override"].id)
    services.record_consent(
        "scr",
        c.id or 0,
        c.version,
        ConsentInput(
            "refused",
            "scr",
            "father",
            "phone",
            grounds="Risk of significant harm",
            lawful_basis="Children Act 1989 s47",
            rationale="Father refused but the police report of violence at home means sharing "
            "with health and school is needed to protect the child now",
        ),
    )
    clock.set(NOW)
    return made


async def open_manager(services: Services) -> tuple[Any, Any]:
    app = make_app(services, login="mgr")
    return app, app.run_test(size=SIZE)


def table_rows(screen: ManagerScreen) -> list[list[str]]:
    table = screen.query_one("#mq-table")
    return [[str(cell) for cell in table.get_row(row.key)] for row in table.ordered_rows]


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_queue_lists_every_open_contact_nearest_deadline_first(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        rows = table_rows(screen)
        assert [r[0] for r in rows] == [
            queue["late"].reference,
            queue["soon"].reference,
            queue["waiting"].reference,
            queue["override"].reference,
        ]
        late, soon, waiting, override = rows
        assert late[3:6] == ["AMBER", "Sam Screener", "screening"]  # names, as headers show
        assert (late[7], late[1]) == ("25h 00m", "LATE by 1h 00m")
        assert soon[3] == "RED" and soon[1] == "SOON 1h 00m"
        assert override[2] == "[bold]Zed[/bold] [@click=app.quit]Q[/]"  # shown literally
        assert override[5] == "screening + override"
        assert waiting[5] == "with manager" and waiting[6] == "3"
        assert waiting[1] == "ok   10h 00m"
        summary = str(screen.query_one("#mq-summary").render())
        assert summary.startswith("4 open contacts (4 shown): 1 LATE, 1 due within 4h (SOON)")


async def test_countdowns_tick_by_cell_and_crossings_notify(
    services: Services, queue: dict[str, Any], clock: FrozenClock
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        table = screen.query_one("#mq-table")
        rows_before = dict(table.rows)
        first_key = table.ordered_rows[0].key
        cell = table.get_cell(first_key, "left")
        clock.advance(seconds=1)
        screen.tick()
        await pilot.pause()
        # Whole minutes: within the minute the cell is not touched at all (no repaint) ...
        assert table.get_cell(first_key, "left") is cell
        clock.advance(seconds=59)
        screen.tick()
        await pilot.pause()
        # ... and at the next minute it moves on, by update_cell.
        assert str(table.get_cell(first_key, "left")) == "LATE by 1h 01m"
        # No row added, removed or drawn anew by a tick.
        assert all(row is rows_before[key] for key, row in table.rows.items())
        assert table.rows.keys() == rows_before.keys()
        assert notes(app) == []
        clock.advance(seconds=-59)  # back to 10:00:01
        # An hour later the red one (due 11:00) breaches.
        clock.advance(hours=1)
        screen.tick()
        await pilot.pause()
        assert f"{queue['soon'].reference} has passed its deadline (LATE)." in notes(app)
        # At 16:30 the waiting contact (due 20:00) comes inside the 4-hour window.
        clock.set(utc(2026, 11, 17, 16, 30))
        screen.tick()
        await pilot.pause()
        assert f"{queue['waiting'].reference} is due within 4 hours (SOON)." in notes(app)


async def test_refresh_adds_contacts_from_other_screeners_by_key(
    services: Services, queue: dict[str, Any], clock: FrozenClock
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        table = screen.query_one("#mq-table")
        before = {row.key.value: row for row in table.ordered_rows}
        new = make_contact(
            services, clock, NOW - timedelta(minutes=30), priority="red", consent=None, step=None
        )
        clock.set(NOW)
        services.reassign("mgr", new.id, services.get(new.id).version, "scr2")
        screen.poll()  # what the 5-second timer calls
        await settle(pilot)
        rows = table_rows(screen)
        assert len(rows) == 5
        assert rows[2][0] == new.reference and rows[2][4] == "Priya Screener"  # red: due 13:30
        after = {row.key.value: row for row in table.ordered_rows}
        assert all(after[key] is before[key] for key in before)  # the old rows were kept
        signature = screen.signature
        screen.poll()  # nothing changed since: the rows are not read again
        await settle(pilot)
        assert screen.signature == signature
        assert {row.key.value: row for row in table.ordered_rows} == after


async def test_filters_by_priority_screener_state_and_urgency(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        screen.query_one("#mq-priority").value = "red"
        await pilot.pause()
        assert [r[0] for r in table_rows(screen)] == [queue["soon"].reference]
        screen.query_one("#mq-priority").clear()
        screen.query_one("#mq-state").value = "awaiting_authorisation"
        await pilot.pause()
        assert [r[0] for r in table_rows(screen)] == [queue["waiting"].reference]
        screen.query_one("#mq-state").clear()
        await pilot.press("w")
        await pilot.pause()
        assert [r[0] for r in table_rows(screen)] == [
            queue["late"].reference,
            queue["soon"].reference,
        ]
        await pilot.press("w")
        screen.query_one("#mq-screener").value = "scr2"
        await pilot.pause()
        assert table_rows(screen) == []
        assert "(0 shown)" in str(screen.query_one("#mq-summary").render())


async def move_to(pilot: Any, screen: ManagerScreen, reference: str) -> None:
    table = screen.query_one("#mq-table")
    index = [r[0] for r in table_rows(screen)].index(reference)
    table.move_cursor(row=index)
    await pilot.pause()


async def test_authorise_from_the_queue(services: Services, queue: dict[str, Any]) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        await move_to(pilot, screen, queue["waiting"].reference)
        await pilot.press("a")
        await settle(pilot)
        waiting = services.get(queue["waiting"].id)
        question = str(app.screen.query_one(".dialog-text").render())
        assert f"Next step: {NEXT_STEPS[waiting.next_step or '']}" in question
        assert f"Level of Need: {waiting.level}" in question
        assert " ".join(waiting.analysis.split()) in question  # what is being authorised
        rule = str(app.screen.query_one("#note-rule").render())
        assert rule.startswith("A note is optional here")  # on time, level and step fit
        await pilot.press("ctrl+s")
        await settle(pilot)
        contact = services.get(queue["waiting"].id)
        assert contact.state == ContactState.AUTHORISED
        assert contact.authorised_at == NOW
        entry = services.history(queue["waiting"].id)[-1]
        assert (entry.username, entry.action, entry.at) == ("mgr", "authorise", NOW)
        assert queue["waiting"].reference not in [r[0] for r in table_rows(screen)]
        assert f"{queue['waiting'].reference} authorised: it has left the MASH." in notes(app)


async def test_refusal_is_shown_in_the_services_words(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        # What the queue can tell is refused at once (tests/ui/test_dialogs.py); what only
        # the service can tell, such as another manager acting first, comes back in its words.
        waiting = services.get(queue["waiting"].id)
        await move_to(pilot, screen, waiting.reference)
        await pilot.press("a")
        await settle(pilot)
        services.return_contact("admin", waiting.id or 0, waiting.version, "Another look, please.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, NoteModal):  # the refusal comes inline, the note kept
            shown = str(app.screen.query_one("#note-error").render())
        else:
            shown = " ".join(notes(app))
        assert (
            f"{waiting.reference} was changed by someone else while you were working; "
            "your text is kept: reload the contact and save again"
        ) in shown
        assert services.get(waiting.id or 0).state == ContactState.RETURNED


async def test_return_keeps_the_comment_until_it_is_accepted(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        await move_to(pilot, screen, queue["waiting"].reference)
        await pilot.press("t")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ReturnModal)
        await pilot.press("n", "o", "ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        error = str(modal.query_one("#return-error").render())
        assert error == "say what needs to change before it can be authorised"
        assert modal.query_one("#return-text").text == "no"  # type: ignore[attr-defined]
        modal.query_one("#return-text").load_text("Add the school's account of the injury")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        contact = services.get(queue["waiting"].id)
        assert contact.state == ContactState.RETURNED
        assert contact.return_comment == "Add the school's account of the injury"
        assert services.history(contact.id or 0)[-1].username == "mgr"


async def test_override_and_reassign_from_the_queue(
    services: Services, queue: dict[str, Any]
) -> None:
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        await move_to(pilot, screen, queue["override"].reference)
        await pilot.press("o")
        await settle(pilot)
        question = str(app.screen.query_one(".dialog-text").render())
        assert "Grounds: Risk of significant harm" in question
        await pilot.press("ctrl+s")
        await settle(pilot)
        contact = services.get(queue["override"].id)
        assert contact.override_authorised_at == NOW
        assert "screening + override" not in [r[5] for r in table_rows(screen)]
        await move_to(pilot, screen, queue["override"].reference)
        await pilot.press("g")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ReassignModal)
        modal.query_one("#reassign-to").value = "scr2"
        await pilot.click("#send")
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        assert services.history(queue["override"].id)[-1].action == "reassign"
        row = next(r for r in table_rows(screen) if r[0] == queue["override"].reference)
        assert row[4] == "Priya Screener"


async def test_contact_detail_shows_record_earlier_contacts_and_history(
    services: Services, queue: dict[str, Any], clock: FrozenClock
) -> None:
    again = make_contact(
        services,
        clock,
        NOW - timedelta(minutes=10),
        child_id=queue["override"].child_id,
        consent=None,
        step=None,
    )
    clock.set(NOW)
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ManagerDetailScreen(again.id))
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ManagerDetailScreen)
        assert str(detail.query_one("#md-title").render()) == (
            f"{again.reference}  [bold]Zed[/bold] [@click=app.quit]Q[/]"
        )
        earlier = detail.query_one("#md-earlier")
        first = [str(c) for c in earlier.get_row_at(0)]
        assert first[0] == queue["override"].reference and first[-1] == "yes (repeat)"
        heads = [str(w.render()) for w in detail.query("#md-history > .md-when")]
        assert heads == ["17/11/2026 09:50:00  Created  by scr"]
        created = str(detail.query("#md-history > .md-what").first().render())
        assert "State: screening\n" in created and "Screener: Sam Screener\n" in created
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one("#reassign-to").value = "scr2"  # type: ignore[attr-defined]
        await pilot.click("#send")
        await settle(pilot)
        assert app.screen is detail
        heads = [str(w.render()) for w in detail.query("#md-history > .md-when")]
        assert heads[1:] == ["17/11/2026 10:00:00  Reassigned  by mgr"]
        whats = [str(w.render()) for w in detail.query("#md-history > .md-what")]
        assert whats[1:] == ["Screener: Sam Screener → Priya Screener"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ManagerScreen)


async def test_a_return_comment_is_shown_once_in_the_history(
    services: Services, queue: dict[str, Any]
) -> None:
    waiting = services.get(queue["waiting"].id)
    comment = "Add what the father said about the injury, please."
    services.return_contact("mgr", waiting.id or 0, waiting.version, comment)
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ManagerDetailScreen(waiting.id or 0))
        await settle(pilot)
        whats = [str(w.render()) for w in app.screen.query("#md-history > .md-what")]
        assert whats[-1].count(comment) == 1
        assert "Returned with: " + comment in whats[-1]


def test_queue_signature_changes_when_an_open_contact_changes(
    services: Services, queue: dict[str, Any], clock: FrozenClock
) -> None:
    first = services.queue_signature()
    assert first[0] == 4
    clock.advance(minutes=5)
    contact = services.get(queue["late"].id)
    services.reassign("mgr", contact.id or 0, contact.version, "scr2")
    assert services.queue_signature() == (4, first[1] + 1)  # one audited change
    # A save stamped with a clock behind the last one still moves the signature.
    clock.advance(minutes=-30)
    contact = services.get(queue["late"].id)
    services.update_contact("scr2", contact.id or 0, contact.version, {"priority": "red"})
    assert services.queue_signature() == (4, first[1] + 2)
    clock.advance(minutes=5)
    waiting = services.get(queue["waiting"].id)
    services.authorise("mgr", waiting.id or 0, waiting.version)
    assert services.queue_signature()[0] == 3


def test_authorise_question_says_whether_sharing_without_consent_was_authorised() -> None:
    from mash_tui.screens.manager_actions import decision_summary

    from mash_tui.domain.states import ConsentOutcome, NextStep
    from mash_tui.store.tables import Contact

    contact = Contact(
        child_id=1,
        entered_by_id=1,
        source_code="2A",
        reference="MASH-0000007",
        level=4,
        next_step=NextStep.STRATEGY_S47,
        analysis="Police and school accounts agree.",
        sos_scale=2,
        consent_outcome=ConsentOutcome.NOT_SOUGHT,
    )
    assert decision_summary(contact).splitlines()[-1] == (
        "Consent: not sought; sharing without consent NOT authorised"
    )
    contact.override_authorised_at = NOW
    assert decision_summary(contact).endswith("sharing without consent authorised")
    contact.consent_outcome = ConsentOutcome.GIVEN
    assert decision_summary(contact).endswith("Consent: given")
    assert "Next step: Strategy discussion (s47)" in decision_summary(contact)


async def test_a_late_decision_cannot_be_authorised_without_the_managers_note(
    services: Services, clock: FrozenClock, queue: dict[str, Any]
) -> None:
    """The rule is said before typing, the refusal inline, and the note typed is kept."""
    clock.set(utc(2026, 11, 17, 21))  # "waiting" was due at 20:00
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ManagerScreen)
        await move_to(pilot, screen, queue["waiting"].reference)
        await pilot.press("a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, NoteModal)
        rule = str(modal.query_one("#note-rule").render())
        assert rule.startswith("A note is required because it is past its deadline (")
        await pilot.press("o", "k", "ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        error = str(modal.query_one("#note-error").render())
        assert error.startswith("write a note for the record (10 characters or more)")
        assert modal.query_one("#note-text").text == "ok"  # type: ignore[attr-defined]
        modal.query_one("#note-text").load_text("Late: the police check came back at 20:30.")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        contact = services.get(queue["waiting"].id)
        assert contact.state == ContactState.AUTHORISED
        assert contact.authorisation_note == "Late: the police check came back at 20:30."
        assert services.history(queue["waiting"].id)[-1].reason == contact.authorisation_note


async def test_a_manager_amends_an_authorised_contact_from_its_detail(
    services: Services, clock: FrozenClock, queue: dict[str, Any]
) -> None:
    waiting = services.get(queue["waiting"].id)
    services.authorise("mgr", waiting.id or 0, waiting.version)
    app = make_app(services, login="mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ManagerDetailScreen(queue["waiting"].id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AmendModal)
        modal.query_one("#amend-field").value = "sos_scale"
        await settle(pilot)
        assert modal.query_one("#amend-value").value == "5"
        modal.query_one("#amend-value").value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal  # no reason yet: refused inline, values kept
        assert str(modal.query_one("#amend-error").render()) == "give the reason for the amendment"
        modal.query_one("#amend-reason").value = "Scale mistyped; agreed with the screener"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ManagerDetailScreen)
        contact = services.get(queue["waiting"].id)
        assert contact.sos_scale == 3
        entry = services.history(queue["waiting"].id)[-1]
        assert (entry.action, entry.reason, entry.before, entry.after) == (
            "amend",
            "Scale mistyped; agreed with the screener",
            {"sos_scale": 5},
            {"sos_scale": 3},
        )
        history = " ".join(str(w.render()) for w in app.screen.query(".md-what"))
        assert "Reason: Scale mistyped; agreed with the screener" in history
