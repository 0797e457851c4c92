"""Nothing typed is lost: the installed `mash-tui` in a real terminal, killed with SIGKILL
mid-intake, offers the draft back at the next start with every field as it was typed."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from mash_tui.screens.drafts import DraftsModal
from mash_tui.screens.intake import IntakeScreen
from ui_support import SIZE, settle

from mash_tui.runtime import Runtime
from mash_tui.services import Services
from mash_tui.store.engine import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).parents[1] / "terminal"))
from terminal import Terminal, base_env, eventually, values_below

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

NAME = "Jo [b]Crash[/b] Teacher"  # markup-looking text must come back as typed
AGENCY = "Zoë's School"


def start(url: str, home: Path) -> Terminal:
    env = base_env(home)
    env.update(MASH_TUI_DATABASE_URL=url, MASH_TUI_USER="scr")
    return Terminal([], env, size=SIZE)


async def test_draft_survives_kill_9_and_is_offered_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crash.db"
    engine = make_engine(url)
    upgrade(engine)
    services = Services(engine)
    services.add_user(None, "boss", "Bo Boss", "manager")
    services.add_user("boss", "scr", "Sam Screener", "screener")

    term = start(url, tmp_path / "home")
    try:
        term.wait_for("no open contacts")
        term.press("n")
        term.wait_for("When it came in")  # only the intake screen says this
        # received -> priority -> source -> referrer's name, then the agency: typed
        # straight on, at a typist's pace, with no pause after moving between fields.
        term.press("tab", "tab", "tab")
        term.type(NAME)
        term.press("tab")
        term.type(AGENCY)
        term.wait_until(lambda text: AGENCY in text, "the agency on the screen")

        def saved() -> Any:
            for draft in services.drafts("scr"):
                p = draft.payload
                if p.get("referrer_name") == NAME and p.get("referrer_agency") == AGENCY:
                    return draft
            return None

        eventually(
            saved,
            lambda: (
                f"the draft to reach the database (drafts: {[d.payload for d in services.drafts('scr')]})"
            ),
        )
    finally:
        term.process.kill(signal.SIGKILL)
        term.process.wait()
    assert term.process.signalstatus == signal.SIGKILL

    [draft] = services.drafts("scr")
    assert draft.kind == "intake"
    payload = draft.payload
    assert payload["referrer_name"] == NAME
    assert payload["referrer_agency"] == AGENCY

    # The next start, in a real terminal again: the draft is offered and comes back.
    again = start(url, tmp_path / "home")
    try:
        again.wait_for("You have unsaved work")
        again.press("enter")
        shown = again.wait_until(lambda text: NAME in text, "the restored referrer's name")
        assert values_below(shown, "Referrer's name") == [NAME, AGENCY]
    finally:
        again.close()

    from mash_tui.app import MashApp

    app = MashApp(Runtime.around(Services(make_engine(url))), "scr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DraftsModal)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.payload() == payload  # every field, exactly as it was typed
        from textual.widgets import Input

        assert screen.query_one("#referrer_name", Input).value == NAME
