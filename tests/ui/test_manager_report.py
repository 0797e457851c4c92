"""The weekly report screen: figures, trend chart, week choice and drill-down to a contact."""

from __future__ import annotations

from typing import Any

from builders import AS_AT, Made, build_w47
from mash_tui.screens.manager import ManagerScreen
from mash_tui.screens.manager_detail import ManagerDetailScreen
from mash_tui.screens.report import DrilldownScreen, WeeklyReportScreen, trend_chart
from ui_support import make_app, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.queries.weekly import TrendPoint
from mash_tui.services import Services


def figure_rows(screen: WeeklyReportScreen) -> dict[str, list[str]]:
    table: Any = screen.query_one("#wr-figures")
    return {
        str(row.key.value): [str(c) for c in table.get_row(row.key)] for row in table.ordered_rows
    }


async def test_report_screen_figures_trend_and_drilldown(
    services: Services, clock: FrozenClock
) -> None:
    made: dict[str, Made] = build_w47(services, clock)
    clock.set(AS_AT)
    app = make_app(services, login="mgr")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WeeklyReportScreen)
        assert screen.query_one("#wr-week").value == "2026-W47"
        rows = figure_rows(screen)
        assert rows["received"] == ["8", "", "  Contacts received"]
        assert rows["decided_within_target"][:2] == ["4", "66.7%"]
        assert rows["by_priority.red"][:2] == ["1", "100.0%"]
        trend = str(screen.query_one("#wr-trend").render())
        last = trend.splitlines()[-1]
        assert last.split() == ["2026-W47", "66.7%", "█" * 13 + "▃", "6", "3", "2"]
        assert len(trend.splitlines()) == 13
        table: Any = screen.query_one("#wr-figures")
        table.move_cursor(row=table.get_row_index("breached_deadline"))
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrilldownScreen)
        listed: Any = drill.query_one("#dd-table")
        assert [str(listed.get_row_at(i)[0]) for i in range(listed.row_count)] == [
            made[n].reference for n in "ACG"
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ManagerDetailScreen)
        assert app.screen.contact_id == made["A"].id
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen


async def test_week_choice_and_a_bad_week(services: Services, clock: FrozenClock) -> None:
    build_w47(services, clock)
    clock.set(AS_AT)
    app = make_app(services, login="mgr")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        app.push_screen(WeeklyReportScreen("2026-W47"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WeeklyReportScreen)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert figure_rows(screen)["received"][0] == "1"  # week 46: only A
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.week is not None and screen.week.label == "2026-W48"
        await pilot.press("right_square_bracket")  # week 49 has not started on 25 Nov
        await settle(pilot)
        assert screen.week.label == "2026-W48"
        box: Any = screen.query_one("#wr-week")
        box.value = "2026-W60"
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        error = str(screen.query_one("#wr-error").render())
        assert (
            error
            == "'2026-W60' is not an ISO week: 2026 has 53 weeks (use YYYY-Www, e.g. 2026-W47)"
        )


async def test_at_80x24_the_figures_and_the_trend_take_turns(
    services: Services, clock: FrozenClock
) -> None:
    """On a small terminal the counts are on screen first; v swaps in the 12-week trend."""
    build_w47(services, clock)
    clock.set(AS_AT)
    app = make_app(services, login="mgr")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(WeeklyReportScreen("2026-W47"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WeeklyReportScreen)
        table: Any = screen.query_one("#wr-figures")
        side = screen.query_one("#wr-side")
        assert table.display and not side.display
        count, percent, figure = table.columns.values()
        assert count.width + percent.width + figure.width <= table.size.width  # nothing cut
        assert figure_rows(screen)["received"][0] == "8"
        await pilot.press("v")
        await pilot.pause()
        assert side.display and not table.display
        assert side.region.width > 60
        await pilot.press("v")
        await pilot.pause()
        assert table.display and not side.display
        assert table.has_focus


def test_trend_chart_draws_a_bar_with_numbers() -> None:
    chart = trend_chart(
        [TrendPoint("2026-W46", 3, 2, 1, 1, 0), TrendPoint("2026-W47", 0, 0, 0, 0, 2)], width=10
    ).plain.splitlines()
    assert chart[1] == "2026-W46   50.0% █████             2     1          0"
    assert chart[0] == "Week      Within target      Decided  Late  Open late"
    assert chart[2] == "2026-W47       -                   0     0          2"
