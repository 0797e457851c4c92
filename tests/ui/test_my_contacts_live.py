"""The screener's live list: a manager's return or reassignment shows without pressing r.

Like the manager's queue (tests/test_team_live.py), My contacts polls the queue signature
on the manager's interval; here the screener's app opens the database itself while a
second Services (the manager's copy of mash-tui) acts on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from mash_tui.screens.my_contacts import MyContactsScreen
from sqlalchemy import event
from team_support import cid, create, submitted
from ui_support import make_app, settle

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.runtime import Runtime
from mash_tui.services import Services
from mash_tui.store.engine import make_engine
from mash_tui.widgets import live_table

SIZE = (110, 32)
POLL_FOR_TESTS = 0.5
# Shorter than the shipped interval, so only the patched (shared) interval can pass in time.
WAIT_SECONDS = 3.0
COMMENT = "Please record who sought consent and when."


@pytest.fixture
def manager(database_url: str, services: Services, clock: FrozenClock) -> Iterator[Services]:
    """The manager's own copy of mash-tui: a separate engine on the same database."""
    engine = make_engine(database_url)
    yield Services(engine, clock)
    engine.dispose()


@pytest.fixture
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll every half second: the setting the manager's queue uses, patched in one place."""
    assert live_table.REFRESH_SECONDS > WAIT_SECONDS
    monkeypatch.setattr(live_table, "REFRESH_SECONDS", POLL_FOR_TESTS)


def screen_of(app: MashApp) -> MyContactsScreen | None:
    screen = app.screen
    if isinstance(screen, MyContactsScreen) and screen.loaded:
        return screen
    return None


def shown(app: MashApp) -> dict[str, list[str]]:
    """The screener's table as text, keyed by reference."""
    screen = screen_of(app)
    if screen is None:
        return {}
    table: Any = screen.query_one("#my-contacts")
    rows = [[str(cell) for cell in table.get_row(row.key)] for row in table.ordered_rows]
    return {row[1]: row for row in rows}


def order(app: MashApp) -> list[str]:
    return list(shown(app))


def cursor_reference(app: MashApp) -> str:
    screen = screen_of(app)
    assert screen is not None
    contact_id = screen.selected_id()
    assert contact_id is not None
    return screen.rows[str(contact_id)].reference


def record_notices(app: MashApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notice the app raises from now on, in order, as it is raised (the toasts
    themselves expire in real time); each is still shown as usual."""
    seen: list[str] = []
    show = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(message)
        show(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return seen


async def wait_until(pilot: Any, app: MashApp, condition: Any) -> None:
    """Pause in small steps until the condition holds (never pressing r), or fail."""
    waited = 0.0
    while not condition(shown(app)):
        if waited >= WAIT_SECONDS:
            raise AssertionError(f"not shown within {WAIT_SECONDS:g} s: {shown(app)}")
        await pilot.pause(0.1)
        waited += 0.1


async def test_returned_contact_shows_and_is_announced_once(
    database_url: str,
    services: Services,
    manager: Services,
    clock: FrozenClock,
    quick_poll: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = submitted(services, "scr")
    old = manager.return_contact("mgr", cid(old), old.version, "Returned before the app opened.")
    clock.advance(timedelta(minutes=1))
    waiting = submitted(services, "scr")
    clock.advance(timedelta(minutes=1))
    later = create(services, "scr")
    app = MashApp(Runtime(database_url, clock=clock), "scr")
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, app, lambda rows: len(rows) == 3)
        assert order(app) == [old.reference, waiting.reference, later.reference]
        assert shown(app)[waiting.reference][4] == "with manager"
        await pilot.press("down")
        assert cursor_reference(app) == waiting.reference

        clock.advance(timedelta(seconds=1))
        manager.return_contact("mgr", cid(waiting), waiting.version, COMMENT)
        await wait_until(pilot, app, lambda rows: rows[waiting.reference][4] == "RETURNED")

        message = f"{waiting.reference} returned by a manager: see the comment"
        assert notices == [message]  # the one returned before opening is not news
        assert cursor_reference(app) == waiting.reference
        screen = screen_of(app)
        assert screen is not None
        assert str(screen.query_one("#return-comment").render()) == (
            f"Returned by your manager: {COMMENT}"
        )
        summary = str(screen.query_one("#my-summary").render())
        assert summary.endswith("2 returned by a manager (marked RETURNED)")

        # Another change re-reads the list; the return is not announced a second time.
        clock.advance(timedelta(seconds=1))
        elsewhere = create(manager, "scr2")
        signature = screen.signature
        await wait_until(pilot, app, lambda rows: screen.signature != signature)
        assert elsewhere.reference not in shown(app)
        assert notices == [message]


async def test_reassigned_contact_appears_above_without_moving_the_cursor(
    database_url: str,
    services: Services,
    manager: Services,
    clock: FrozenClock,
    quick_poll: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = create(services, "scr")
    clock.advance(timedelta(minutes=1))
    second = create(services, "scr")
    clock.advance(timedelta(minutes=1))
    theirs = create(services, "scr2", priority="red")  # due sooner than anything of scr's
    app = MashApp(Runtime(database_url, clock=clock), "scr")
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, app, lambda rows: len(rows) == 2)
        await pilot.press("down")
        assert cursor_reference(app) == second.reference

        clock.advance(timedelta(seconds=1))
        theirs = manager.reassign("mgr", cid(theirs), theirs.version, "scr")
        await wait_until(pilot, app, lambda rows: theirs.reference in rows)
        assert order(app) == [theirs.reference, first.reference, second.reference]
        assert shown(app)[theirs.reference][2] == "RED"
        assert cursor_reference(app) == second.reference
        assert notices == [f"{theirs.reference} reassigned to you by a manager"]

        # The screener's own new contact (saved from another copy) appears with no toast.
        clock.advance(timedelta(seconds=1))
        mine = create(manager, "scr")
        await wait_until(pilot, app, lambda rows: mine.reference in rows)
        assert notices == [f"{theirs.reference} reassigned to you by a manager"]

        # Taken away again: the row goes, the cursor stays on its contact.
        clock.advance(timedelta(seconds=1))
        manager.reassign("mgr", cid(theirs), theirs.version, "scr2")
        await wait_until(pilot, app, lambda rows: theirs.reference not in rows)
        assert cursor_reference(app) == second.reference


async def test_poll_reads_the_list_only_when_the_queue_moved(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Driven by hand (the timer set an hour away): an idle poll is one cheap query."""
    monkeypatch.setattr(live_table, "REFRESH_SECONDS", 3600.0)
    create(services, "scr")
    app = make_app(services)
    notices = record_notices(app, monkeypatch)
    statements: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", executed)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = screen_of(app)
            assert screen is not None
            statements.clear()
            services.queue_signature()
            signature_only = list(statements)
            statements.clear()
            screen.poll()
            await settle(pilot)
            assert statements == signature_only  # the queue signature, and nothing else
            assert notices == []

            clock.advance(timedelta(seconds=1))
            added = create(services, "scr")
            statements.clear()
            screen.poll()
            await settle(pilot)
            # The queue moved: this screener's rows are read again.
            assert len(statements) > len(signature_only)
            assert added.reference in shown(app)
            statements.clear()
            screen.poll()
            await settle(pilot)
            assert statements == signature_only
    finally:
        event.remove(services.engine, "before_cursor_execute", executed)
