"""A repeat contact is flagged where the screener works: on My contacts and on the
contact's header, in a real pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from terminal import Terminal, base_env

from mash_tui.domain.clock import SystemClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.runtime import Runtime

pytestmark = pytest.mark.terminal


def contact(child: ChildInput, received_days_ago: float) -> IntakeInput:
    return IntakeInput(
        received_at=SystemClock().now() - timedelta(days=received_days_ago),
        referrer_name="Jo Teacher",
        referrer_agency="Hill Primary",
        source_code="2A",
        concern="Bruising noticed at school this morning.",
        children=[child],
    )


@pytest.fixture
def repeat(tmp_path: Path) -> tuple[str, str, str]:
    """A child seen 40 days ago (by another screener) and again today (by 'scr')."""
    url = f"sqlite:///{tmp_path}/team.db"
    services = Runtime(url).services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Sam Screener", "screener")
    services.add_user("mgr", "scr2", "Kim Screener", "screener")
    [earlier] = services.create_contact("scr2", contact(ChildInput("Zoë", "Nowak"), 40))
    [again] = services.create_contact(
        "scr", contact(ChildInput("x", "x", existing_child_id=earlier.child_id), 0.05)
    )
    [first] = services.create_contact("scr", contact(ChildInput("Ada", "Lovelace"), 0.1))
    return url, again.reference, first.reference


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def line_with(text: str, needle: str) -> str:
    return next((line for line in text.splitlines() if needle in line), "")


def test_the_repeat_flag_is_on_my_contacts_and_the_contact_header(
    repeat: tuple[str, str, str], tmp_path: Path, terminals: list[Terminal]
) -> None:
    url, again, first = repeat
    env = base_env(tmp_path / "home")
    env.update(MASH_TUI_DATABASE_URL=url, MASH_TUI_USER="scr")
    term = Terminal([], env, size=(100, 32))
    terminals.append(term)
    shown = term.wait_until(lambda text: again in text and first in text, "both contacts")
    assert "REPEAT" in line_with(shown, again)  # the child had a contact 40 days before
    assert "REPEAT" not in line_with(shown, first)
    assert "1 about a child with an earlier contact" in shown
    # The repeat contact is due later than Ada's (received later), so it is the second row.
    term.press("down", "enter")
    header = term.wait_for("REPEAT: 1 earlier in 12 months")
    assert again in line_with(header, "REPEAT: 1 earlier")
    assert "Traceback" not in header
    term.press("ctrl+q")
    assert term.process.wait() == 0
