"""Keys at a person's speed and faster, through a real terminal: every key lands where the
screen said it would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from terminal import Terminal, base_env, eventually, values_below

from mash_tui.runtime import Runtime
from mash_tui.services import Services

pytestmark = pytest.mark.terminal

FAST = 0.01  # seconds between keys: a fast typist, a paste tool or a text expander


@pytest.fixture
def open_terminals() -> Iterator[list[Terminal]]:
    """Every terminal a test opens is closed, pass or fail."""
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


@pytest.fixture
def empty_team(tmp_path: Path) -> tuple[str, Services]:
    """A SQLite team file with a manager and a screener and no contacts yet."""
    url = f"sqlite:///{tmp_path}/team.db"
    services = Runtime(url).services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Sam Screener", "screener")
    return url, services


def launch(
    opened: list[Terminal],
    home: Path,
    url: str,
    login: str,
    size: tuple[int, int] = (100, 32),
    **extra: str,
) -> Terminal:
    """The installed mash-tui for `login` on `url`, with its folders under `home`."""
    env = base_env(home)
    env.update(MASH_TUI_DATABASE_URL=url, MASH_TUI_USER=login, **extra)
    term = Terminal([], env, size=size)
    opened.append(term)
    return term


def referrer(services: Services) -> dict[str, Any] | None:
    """The referrer fields of the screener's one intake draft, once it has all five."""
    for draft in services.drafts("scr"):
        fields = {k: v for k, v in draft.payload.items() if k.startswith("referrer_")}
        if all(fields.values()):
            return fields
    return None


def test_fast_typing_puts_every_value_in_its_own_field(
    empty_team: tuple[str, Services], tmp_path: Path, open_terminals: list[Terminal]
) -> None:
    url, services = empty_team
    term = launch(open_terminals, tmp_path / "home", url, "scr")
    term.wait_for("no open contacts")
    term.press("n")
    received = values_below(term.wait_for("When it came in"), "Received (UK time)")[0]
    term.press("tab", "tab", "tab", gap=0.3)  # received -> priority -> source -> name
    term.press(*"AAA", "tab", *"BBB", "tab", *"CCC", "tab", *"DDD", "tab", *"EEE", gap=FAST)

    shown = term.wait_until(lambda text: "EEE" in text, "the last value on the screen")
    assert values_below(shown, "Referrer's name") == ["AAA", "BBB"]
    assert values_below(shown, "Role") == ["CCC", "DDD"]
    assert values_below(shown, "Email") == ["EEE"]
    assert values_below(shown, "Received (UK time)")[0] == received

    saved = eventually(
        lambda: referrer(services),
        lambda: (
            f"a draft with all five referrer fields: {[d.payload for d in services.drafts('scr')]}"
        ),
    )
    assert saved == {
        "referrer_name": "AAA",
        "referrer_agency": "BBB",
        "referrer_role": "CCC",
        "referrer_phone": "DDD",
        "referrer_email": "EEE",
    }
    [draft] = services.drafts("scr")
    assert draft.payload["received_at"] == received
