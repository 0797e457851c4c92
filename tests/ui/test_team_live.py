"""The live team view: what one screener saves reaches a manager's queue without a restart.

First at the service level (a second engine sees a commit at once), then through the
manager's screen, which re-reads the queue in a thread worker every few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from mash_tui.screens.manager import ManagerScreen
from team_support import cid, create, submitted

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.runtime import Runtime
from mash_tui.services import QueueRow, Services
from mash_tui.store.engine import make_engine
from mash_tui.widgets import live_table

SIZE = (110, 32)
# The screen polls every few seconds; a test waits at most this long for a change to show.
WAIT_SECONDS = 5.0
POLL_FOR_TESTS = 0.5


@pytest.fixture
def screener(database_url: str, services: Services, clock: FrozenClock) -> Iterator[Services]:
    """A screener's own copy of mash-tui: a separate engine on the same database."""
    engine = make_engine(database_url)
    yield Services(engine, clock)
    engine.dispose()


def by_reference(rows: list[QueueRow]) -> dict[str, QueueRow]:
    return {row.reference: row for row in rows}


# ---------------------------------------------------------------- service level
def test_new_contact_is_in_another_engines_queue_at_once(
    services: Services, screener: Services
) -> None:
    assert services.queue() == []
    c = create(screener, "scr")
    row = by_reference(services.queue())[c.reference]
    assert (row.assigned_to, row.state, row.priority) == ("scr", "screening", "amber")


def test_changes_are_in_another_engines_queue_at_once(
    services: Services, screener: Services, clock: FrozenClock
) -> None:
    c = create(screener, "scr")
    clock.advance(timedelta(seconds=1))
    c = screener.update_contact("scr", cid(c), c.version, {"priority": "red"})
    row = by_reference(services.queue())[c.reference]
    assert (row.priority, row.deadline_at, row.version) == ("red", c.deadline_at, c.version)
    c = screener.reassign("admin", cid(c), c.version, "scr2")
    assert by_reference(services.queue())[c.reference].assigned_to == "scr2"
    assert by_reference(services.queue(assigned_to="scr2")).keys() == {c.reference}


def test_authorised_contact_leaves_every_queue_at_once(
    services: Services, screener: Services
) -> None:
    c = submitted(screener, "scr")
    assert by_reference(services.queue())[c.reference].state == "awaiting_authorisation"
    screener.authorise("admin", cid(c), c.version)
    assert c.reference not in by_reference(services.queue())


def test_queue_signature_moves_when_another_engine_writes(
    services: Services, screener: Services, clock: FrozenClock
) -> None:
    """The cheap question the live screen asks every few seconds changes with each save."""
    first = services.queue_signature()
    c = create(screener, "scr")
    second = services.queue_signature()
    assert second != first
    clock.advance(timedelta(seconds=1))
    screener.update_contact("scr", cid(c), c.version, {"priority": "green"})
    assert services.queue_signature() != second


# ---------------------------------------------------------------- through the manager's screen
def shown(app: MashApp) -> dict[str, list[str]]:
    """The manager's table as text, keyed by reference."""
    screen = app.screen
    if not isinstance(screen, ManagerScreen) or not screen.query("#mq-table"):
        return {}
    table: Any = screen.query_one("#mq-table")
    rows = [[str(cell) for cell in table.get_row(row.key)] for row in table.ordered_rows]
    return {row[0]: row for row in rows}


async def wait_until(
    pilot: Any, app: MashApp, condition: Any, limit: float = WAIT_SECONDS
) -> float:
    """Pause in small steps until the condition holds; how long it took, or fail."""
    waited = 0.0
    while not condition(shown(app)):
        if waited >= limit:
            raise AssertionError(f"not shown within {limit:g} s: {shown(app)}")
        await pilot.pause(0.1)
        waited += 0.1
    return waited


@pytest.fixture
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll every half second instead of every few, so the test takes a second, not ten."""
    assert live_table.REFRESH_SECONDS <= WAIT_SECONDS
    monkeypatch.setattr(live_table, "REFRESH_SECONDS", POLL_FOR_TESTS)


async def test_manager_screen_shows_another_screeners_work_without_restart(
    database_url: str,
    services: Services,
    screener: Services,
    clock: FrozenClock,
    quick_poll: None,
) -> None:
    early = create(screener, "scr")
    # The manager's app opens the database itself, like a separate copy of mash-tui.
    app = MashApp(Runtime(database_url, clock=clock), "mgr")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, app, lambda rows: early.reference in rows)

        # A new contact from a screener elsewhere appears.
        clock.advance(timedelta(seconds=1))
        new = create(screener, "scr2")
        await wait_until(pilot, app, lambda rows: new.reference in rows)
        assert shown(app)[new.reference][3:6] == ["AMBER", "Priya Screener", "screening"]

        # A change to it (now red) is shown in place.
        clock.advance(timedelta(seconds=1))
        new = screener.update_contact("scr2", cid(new), new.version, {"priority": "red"})
        await wait_until(pilot, app, lambda rows: rows.get(new.reference, [""] * 4)[3] == "RED")

        # Authorised elsewhere: it leaves the queue.
        clock.advance(timedelta(seconds=1))
        done = submitted(screener, "scr")
        await wait_until(pilot, app, lambda rows: done.reference in rows)
        clock.advance(timedelta(seconds=1))
        screener.authorise("admin", cid(done), done.version)
        await wait_until(pilot, app, lambda rows: done.reference not in rows)
        assert set(shown(app)) == {early.reference, new.reference}


async def test_default_refresh_shows_a_new_contact_within_seconds(
    database_url: str, services: Services, screener: Services, clock: FrozenClock
) -> None:
    """With the shipped polling interval, not a test one: one refresh period plus a little."""
    app = MashApp(Runtime(database_url, clock=clock), "mgr")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, app, lambda rows: isinstance(app.screen, ManagerScreen) and app.screen.loaded
        )
        await pilot.app.workers.wait_for_complete()
        new = create(screener, "scr")
        waited = await wait_until(
            pilot,
            app,
            lambda rows: new.reference in rows,
            limit=live_table.REFRESH_SECONDS + 2,
        )
        assert waited <= live_table.REFRESH_SECONDS + 2
