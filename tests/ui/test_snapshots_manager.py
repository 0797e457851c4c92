"""Snapshots of the manager's screens: frozen clock, fixed terminal, fixed data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from builders import AS_AT, build_w47, make_contact, utc
from ui_support import make_app, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput
from mash_tui.services import Services

SIZE = (130, 36)
Snap = Callable[..., bool]


@pytest.fixture
def manager_data(services: Services, clock: FrozenClock) -> Services:
    """The W47 fixture plus two contacts due soon, seen at noon on Wednesday 25 November."""
    build_w47(services, clock)
    make_contact(
        services,
        clock,
        utc(2026, 11, 25, 9),
        priority="red",
        consent=None,
        step=None,
        child=ChildInput("[b]Lou[/b]", "Reed"),
    )
    make_contact(services, clock, utc(2026, 11, 24, 14), consent=None, step=None)
    clock.set(AS_AT)
    return services


def test_manager_queue(snap_compare: Snap, manager_data: Services) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot)

    app = make_app(manager_data, login="mgr")
    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_manager_queue_at_80x24(snap_compare: Snap, manager_data: Services) -> None:
    """The smallest terminal a manager might use: filters, buttons and time left all fit."""

    async def ready(pilot: Any) -> None:
        await settle(pilot)

    app = make_app(manager_data, login="mgr")
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_manager_contact_detail(snap_compare: Snap, manager_data: Services) -> None:
    async def open_first(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(manager_data, login="mgr")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_first)


def test_weekly_report_screen(snap_compare: Snap, manager_data: Services) -> None:
    async def open_report(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    app = make_app(manager_data, login="mgr")
    assert snap_compare(app, terminal_size=(150, 40), run_before=open_report)


def test_weekly_report_screen_at_80x24(snap_compare: Snap, manager_data: Services) -> None:
    """On a small terminal the counts come first, the trend one key away."""

    async def open_report(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    app = make_app(manager_data, login="mgr")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_report)
