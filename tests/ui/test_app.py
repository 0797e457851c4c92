"""The app shell: start-up off the UI thread, who the user is, and the live list of contacts."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from conftest import T0
from mash_tui.screens.manager import ManagerScreen
from mash_tui.screens.my_contacts import MyContactsScreen
from mash_tui.screens.start import FirstRunScreen, NotAllowedScreen
from rich.text import Text
from textual.widgets import Button, DataTable, Input
from ui_support import SIZE, add_contact, make_app, palette_names, settle

from mash_tui.app import MashApp
from mash_tui.domain.clock import FrozenClock
from mash_tui.runtime import Runtime
from mash_tui.services import Services


def test_first_paint_imports_no_database_code() -> None:
    """The app, its start screen and the screener's screens load without SQLAlchemy."""
    code = (
        "import sys\n"
        "import mash_tui.app, mash_tui.screens.start, mash_tui.screens.my_contacts\n"
        "import mash_tui.screens.intake, mash_tui.screens.contact, mash_tui.screens.drafts\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'alembic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


async def test_first_run_creates_database_and_first_manager(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    app = MashApp(Runtime(url, clock=FrozenClock(T0)), "newboss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert "newboss" in str(app.screen.query_one("#first-run-login").render())
        app.screen.query_one("#display-name", Input).value = "Nia Boss"
        await pilot.click("#create")
        await settle(pilot)
        assert app.identity is not None
        assert (app.identity.login, app.identity.role) == ("newboss", "manager")
        assert app.sub_title == "Nia Boss (manager)"
    assert app.services is not None
    assert [u.username for u in app.services.list_users()] == ["newboss"]


async def test_unknown_login_gets_a_clear_screen(services: Services) -> None:
    app = make_app(services, "stranger")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NotAllowedScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "mash-tui users add stranger" in text
        assert "no mash-tui user record" in text
        assert app.identity is None


async def test_disabled_login_is_refused(services: Services) -> None:
    services.set_user_active("mgr", "scr2", False)
    app = make_app(services, "scr2")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NotAllowedScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "disabled" in text
        assert "mash-tui users enable scr2" in text


async def test_screener_lands_on_my_contacts(services: Services, clock: FrozenClock) -> None:
    add_contact(services, clock, first="Ada")
    add_contact(services, clock, login="scr2", first="Other")
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "screener"
        screen = app.screen
        assert isinstance(screen, MyContactsScreen)
        table = screen.query_one("#my-contacts", DataTable)
        assert table.row_count == 1  # only contacts assigned to this screener
        assert [str(c) for c in table.get_column("child")] == ["Ada Lovelace"]


async def test_countdown_ticks_update_cells_without_rebuilding(
    services: Services, clock: FrozenClock
) -> None:
    red = add_contact(services, clock, first="Red", priority="red", received_hours_ago=1)
    amber = add_contact(services, clock, first="Amber", received_hours_ago=1)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyContactsScreen)
        table = screen.query_one("#my-contacts", DataTable)
        assert str(table.get_cell(str(red.id), "left")) == "SOON 3h 00m"
        assert str(table.get_cell(str(amber.id), "left")) == "ok   23h 00m"

        calls: list[str] = []
        original_clear, original_add = table.clear, table.add_row

        def counting_clear(*args: Any, **kwargs: Any) -> Any:
            calls.append("clear")
            return original_clear(*args, **kwargs)

        def counting_add(*args: Any, **kwargs: Any) -> Any:
            calls.append("add")
            return original_add(*args, **kwargs)

        table.clear = counting_clear
        table.add_row = counting_add

        clock.advance(seconds=1)
        screen.tick()
        await pilot.pause()
        assert str(table.get_cell(str(red.id), "left")) == "SOON 2h 59m"
        assert str(table.get_cell(str(amber.id), "left")) == "ok   22h 59m"

        clock.advance(hours=4)
        screen.tick()
        await pilot.pause()
        late = table.get_cell(str(red.id), "left")
        assert isinstance(late, Text)
        assert late.plain == "LATE by 1h 00m"
        assert "reverse" in str(late.style)  # readable without colour
        assert str(table.get_cell(str(amber.id), "left")) == "ok   18h 59m"
        assert calls == []  # ticks never clear or re-add rows


async def test_returned_contact_shows_managers_comment(
    services: Services, clock: FrozenClock
) -> None:
    from ui_support import RATIONALE

    from mash_tui.domain.inputs import ConsentInput, DecisionInput, LevelInput

    contact = add_contact(services, clock)
    cid = contact.id
    assert cid is not None
    c = services.record_consent(
        "scr", cid, contact.version, ConsentInput("given", "scr", "Mum", "phone")
    )
    c = services.set_level(
        "scr", cid, c.version, LevelInput(2, "Some worries that early help can meet.")
    )
    c = services.record_decision(
        "scr", cid, c.version, DecisionInput("early_help", RATIONALE, "w", "ww", "n", 6)
    )
    c = services.submit("scr", cid, c.version)
    services.return_contact("mgr", cid, c.version, "Please add the school's [b]view[/b] first.")
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#my-contacts", DataTable)
        assert "RETURNED" in str(table.get_cell(str(c.id), "state"))
        comment = screen.query_one("#return-comment")
        assert comment.display
        assert "Please add the school's [b]view[/b] first." in str(comment.render())


async def test_manager_mode_opens_the_manager_view_and_f2_goes_back(services: Services) -> None:
    app = make_app(services, "mgr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.current_mode == "manager"
        assert isinstance(app.screen, ManagerScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyContactsScreen)


async def test_screener_cannot_open_manager_view(services: Services) -> None:
    app = make_app(services, "scr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.current_mode == "screener"


async def test_database_problem_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-folder"
    bad.write_text("x")
    app = MashApp(Runtime(f"sqlite:///{bad}/db.sqlite"), "scr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#start-status").render())
        assert status.startswith("mash-tui cannot open the database:")
        assert "Traceback" not in status


async def test_palette_lists_screen_commands(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = palette_names(app)
        assert "New contact" in names
        assert "Unsaved drafts" in names
        assert "Manager view" not in names  # a screener has no manager view
        await pilot.press("ctrl+p")
        await pilot.press(*"new contact")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        from mash_tui.screens.intake import IntakeScreen

        assert isinstance(app.screen, IntakeScreen)


def test_head_revision_constant_is_alembics_head(engine: Any) -> None:
    """The start-up's one-query check cannot drift from the packaged migrations."""
    from alembic.script import ScriptDirectory

    from mash_tui.store.engine import HEAD_REVISION, alembic_config, at_head

    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    assert at_head(engine)


def test_fast_revision_check_still_sees_an_old_or_empty_database(tmp_path: Path) -> None:
    from sqlalchemy import text

    from mash_tui.store.engine import at_head, make_engine, needs_upgrade, upgrade

    eng = make_engine(f"sqlite:///{tmp_path}/old.db")
    assert not at_head(eng)  # no alembic_version table at all
    assert needs_upgrade(eng)
    upgrade(eng)
    assert at_head(eng) and not needs_upgrade(eng)
    with eng.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    assert not at_head(eng)
    eng.dispose()


# ---------------------------------------------------------------- before the database is open


class GatedRuntime(Runtime):
    """A runtime whose services wait until the test opens the gate, as a slow database would."""

    def __init__(self, services: Services, gate: threading.Event) -> None:
        super().__init__(clock=services.clock)
        self._ready = services
        self._gate = gate

    def services(self) -> Services:
        if not self._gate.wait(timeout=60):  # never hang the suite if a test fails first
            raise RuntimeError("gate never opened")
        return self._ready


def gated(services: Services) -> tuple[threading.Event, Runtime]:
    """A runtime that holds the start-up worker until the test opens the gate."""
    gate = threading.Event()
    return gate, GatedRuntime(services, gate)


async def type_into(pilot: Any, selector: str, text: str) -> None:
    """Focus a field and type into it key by key, as a person would."""
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text)


async def test_new_contact_can_be_typed_before_the_database_opens(
    services: Services, clock: FrozenClock
) -> None:
    from mash_tui.screens.intake import IntakeScreen

    add_contact(services, clock, first="Ada")
    gate, factory = gated(services)
    app = MashApp(factory, "scr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shell = app.screen
        assert isinstance(shell, MyContactsScreen)  # the first frame is the screener's shell
        assert not app.ready
        assert "Opening the database" in str(shell.query_one("#my-summary").render())
        assert shell.query_one("#my-contacts", DataTable).row_count == 0

        await pilot.press("n")
        await pilot.pause()
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.query_one("#intake-waiting").display
        assert intake.query_one("#create", Button).disabled
        await type_into(pilot, "#referrer_name", "Jo Teacher")
        await type_into(pilot, "#c0-first_name", "Ada")
        await type_into(pilot, "#c0-last_name", "Lovelace")
        await pilot.press("tab")  # leaving a field tries a draft save: it must wait, not drop
        await pilot.press("ctrl+s")  # nothing to create with yet: a note, nothing lost
        await pilot.pause()
        assert app.screen is intake
        assert intake.query_one("#referrer_name", Input).value == "Jo Teacher"
        assert len(services.queue(assigned_to="scr")) == 1
        assert services.drafts("scr") == []

        gate.set()
        await settle(pilot)
        assert app.ready and app.screen is intake
        assert not intake.query_one("#intake-waiting").display
        assert not intake.query_one("#create", Button).disabled
        assert intake.query_one("#c0-first_name", Input).value == "Ada"
        [draft] = services.drafts("scr")  # saved as soon as the database opened
        assert draft.kind == "intake"
        assert draft.payload["referrer_name"] == "Jo Teacher"
        assert draft.payload["children"][0]["last_name"] == "Lovelace"
        matches = str(intake.query_one("#c0-matches-title").render())
        assert "Known children" in matches  # the lookup ran once it could

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is shell
        table = shell.query_one("#my-contacts", DataTable)
        assert [str(c) for c in table.get_column("child")] == ["Ada Lovelace"]


async def test_intake_left_before_the_database_opens_becomes_a_draft(
    services: Services, clock: FrozenClock
) -> None:
    gate, factory = gated(services)
    app = MashApp(factory, "scr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "#referrer_name", "Early Bird")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MyContactsScreen)
        gate.set()
        await settle(pilot)
        [draft] = services.drafts("scr")
        assert draft.payload["referrer_name"] == "Early Bird"


async def test_refused_login_gets_the_refusal_screen_over_a_started_intake(
    services: Services, clock: FrozenClock
) -> None:
    gate, factory = gated(services)
    app = MashApp(factory, "stranger")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "#c0-first_name", "Ada")
        await type_into(pilot, "#c0-last_name", "Lovelace")
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, NotAllowedScreen)
        assert app.identity is None and not app.ready
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "mash-tui users add stranger" in text


async def test_first_run_carries_on_to_the_started_intake(tmp_path: Path) -> None:
    from mash_tui.screens.intake import IntakeScreen

    from mash_tui.store.engine import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/first.db")
    upgrade(engine)
    clock = FrozenClock(T0)
    fresh = Services(engine, clock)
    gate, factory = gated(fresh)
    app = MashApp(factory, "newboss")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await type_into(pilot, "#referrer_name", "Jo Teacher")
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await type_into(pilot, "#display-name", "Nia Boss")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is intake  # a manager now, but still on the intake they started
        assert app.current_mode == "screener"
        assert intake.query_one("#referrer_name", Input).value == "Jo Teacher"
        assert not intake.query_one("#create", Button).disabled
        [draft] = fresh.drafts("newboss")
        assert draft.payload["referrer_name"] == "Jo Teacher"
    engine.dispose()


async def test_a_start_up_problem_is_shown_as_written(services: Services) -> None:
    """A path or URL with brackets in it must neither break the error screen nor be styled."""
    from mash_tui.screens.start import StartScreen

    problem = "no such folder /srv/[/]mash [red]x[/red]"
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(StartScreen(problem=problem))
        await pilot.pause()
        shown = app.screen.query_one("#start-status").render()
        assert f"cannot open the database: {problem}" in str(shown)
