"""The app and the command line run on one composition root, so they honour the same settings.

A council's settings.toml with working-day and non-default hour timescales must give a
contact typed in the app the same deadline as the same contact imported from the command
line, and the app's report screen must give the same figures as `mash-tui report weekly`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from builders import AS_AT, build_w47, write_import_csv
from mash_tui.screens.contact import ContactScreen
from mash_tui.screens.intake import IntakeScreen
from mash_tui.screens.manager import ManagerScreen
from mash_tui.screens.report import WeeklyReportScreen
from ui_support import SIZE, set_area, set_input, set_select, settle

from mash_tui.app import MashApp
from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.runtime import Runtime
from mash_tui.store.tables import Contact

# Tuesday 17/11/2026 09:30 (GMT): three working days on is Friday 20/11 09:30.
RECEIVED_LOCAL = "17/11/2026 09:30"
DUE_GREEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

COUNCIL_SETTINGS = """
[deadlines]
red = "2h"
amber = "6h"
green = "3wd"
warning_hours = 1
target_hours = 4
"""


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A council settings file that differs from every default."""
    path = tmp_path / "settings.toml"
    path.write_text(COUNCIL_SETTINGS, "utf-8")
    monkeypatch.setenv("MASH_TUI_SETTINGS", str(path))
    return path


def people(rt: Runtime) -> None:
    services = rt.services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Sam Screener", "screener")


def import_row(tmp_path: Path) -> Path:
    """The same Green contact as the one typed in the app, as an import file."""
    row = dict(
        received_at=RECEIVED_LOCAL,
        referrer_name="Jo Teacher",
        referrer_agency="Hill Primary",
        source_code="2A",
        concern="Bruising noticed on the child's arm at school this morning.",
        priority="green",
        screener="scr",
        child_first_name="Bea",
        child_last_name="Imported",
        child_date_of_birth="03/09/2016",
    )
    return write_import_csv(tmp_path / "one.csv", [row])


async def test_app_and_import_give_the_same_deadline_under_council_settings(
    council: Path,
    database_url: str,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people(Runtime(database_url, clock=clock))

    app = MashApp(Runtime(database_url, clock=clock), "scr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        set_input(app, "#received_at", RECEIVED_LOCAL)
        set_input(app, "#referrer_name", "Jo Teacher")
        set_input(app, "#referrer_agency", "Hill Primary")
        set_select(app, "#source_code", "2A")
        set_select(app, "#priority", "green")
        set_input(app, "#c0-first_name", "Ada")
        set_input(app, "#c0-last_name", "Typed")
        set_input(app, "#c0-date_of_birth", "03/09/2016")
        set_area(app, "#concern", "Bruising noticed on the child's arm at school this morning.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)

    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    assert (
        main(
            ["--database", database_url, "import", "contacts", str(import_row(tmp_path))],
            clock=clock,
        )
        == 0
    )

    services = Runtime(database_url, clock=clock).services()
    by_child = {row.child_name: services.get(row.id) for row in services.queue()}
    typed: Contact = by_child["Ada Typed"]
    imported: Contact = by_child["Bea Imported"]
    assert typed.deadline_at == imported.deadline_at == DUE_GREEN


def screen_figures(screen: WeeklyReportScreen) -> dict[str, list[str]]:
    table: Any = screen.query_one("#wr-figures")
    return {
        str(row.key.value): [str(c) for c in table.get_row(row.key)] for row in table.ordered_rows
    }


async def test_report_screen_and_cli_agree_under_a_council_target(
    council: Path,
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rt = Runtime(database_url, clock=clock)
    people(rt)
    build_w47(rt.services(), clock)
    clock.set(AS_AT)

    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    code = main(
        ["--database", database_url, "report", "weekly", "--week", "2026-W47", "--format", "json"],
        clock=clock,
    )
    assert code == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["target_hours"] == 4

    app = MashApp(Runtime(database_url, clock=clock), "mgr")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerScreen)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WeeklyReportScreen)
        shown = screen_figures(screen)

    within = cli["figures"]["decided_within_target"]
    assert shown["decided_within_target"][:2] == [str(within["count"]), f"{within['percent']:.1f}%"]
    # Under the default 24 hours four of the six decisions were in time (66.7 %): the
    # council's 4 hours must give fewer, in both front ends.
    assert within["count"] < 4
