"""The installed program in a real pseudo-terminal: what a person sees and types."""

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


@pytest.fixture
def team(tmp_path: Path) -> tuple[str, list[str]]:
    """A SQLite team file with a manager, a screener and two open contacts of the screener's."""
    url = f"sqlite:///{tmp_path}/team.db"
    services = Runtime(url).services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Sam Screener", "screener")
    now = SystemClock().now()
    references = []
    for first, hours in (("Ada", 1), ("Zoë", 3)):
        [contact] = services.create_contact(
            "scr",
            IntakeInput(
                received_at=now - timedelta(hours=hours),
                referrer_name="Jo Teacher",
                referrer_agency="Hill Primary",
                source_code="2A",
                concern="Bruising noticed at school this morning.",
                children=[ChildInput(first, "Łukasiewicz", None)],
            ),
        )
        references.append(contact.reference)
    return url, references


@pytest.fixture
def open_terminals() -> Iterator[list[Terminal]]:
    """Every terminal a test opens is closed, pass or fail."""
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def start(
    opened: list[Terminal],
    tmp_path: Path,
    url: str,
    login: str,
    size: tuple[int, int],
    **extra: str,
) -> Terminal:
    env = base_env(tmp_path / "home")
    env.update(MASH_TUI_DATABASE_URL=url, MASH_TUI_USER=login, **extra)
    term = Terminal([], env, size=size)
    opened.append(term)
    return term


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_screener_sees_their_contacts_and_quits_cleanly(
    team: tuple[str, list[str]],
    tmp_path: Path,
    open_terminals: list[Terminal],
    size: tuple[int, int],
) -> None:
    url, references = team
    term = start(open_terminals, tmp_path, url, "scr", size)
    shown = term.wait_until(
        lambda text: all(ref in text for ref in references), "both contacts listed"
    )
    assert "Zoë Łukasiewicz" in shown  # names exactly as typed, through a real terminal
    assert "Traceback" not in shown
    term.press("ctrl+q")
    assert term.process.wait() == 0


def test_manager_lands_on_the_queue_and_f2_f3_switch_views(
    team: tuple[str, list[str]], tmp_path: Path, open_terminals: list[Terminal]
) -> None:
    url, references = team
    term = start(open_terminals, tmp_path, url, "mgr", (100, 32))
    term.wait_until(lambda text: all(ref in text for ref in references), "the queue's rows")
    term.press("f2")
    term.wait_for("My contacts")
    term.press("f3")
    shown = term.wait_until(
        lambda text: all(ref in text for ref in references), "the queue again after F3"
    )
    assert "Traceback" not in shown


def test_no_color_shows_the_same_words(
    team: tuple[str, list[str]], tmp_path: Path, open_terminals: list[Terminal]
) -> None:
    url, references = team
    term = start(open_terminals, tmp_path, url, "scr", (80, 24), NO_COLOR="1")
    shown = term.wait_until(lambda text: references[0] in text, "the list without colour")
    assert "Zoë Łukasiewicz" in shown
