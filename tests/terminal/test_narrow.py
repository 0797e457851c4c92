"""At 80x24, the manager's queue and My contacts show every column, each state in full words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from terminal import Terminal, base_env

from mash_tui.domain.clock import SystemClock
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.runtime import Runtime

pytestmark = pytest.mark.terminal

SIZE = (80, 24)
RATIONALE = (
    "The father refused consent but the school reports fresh bruising and the "
    "child says she is frightened to go home tonight"
)


@pytest.fixture
def team(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """Open contacts in every state a screener's list shows: screening, override, with
    a manager, returned; the child names long enough to need the room."""
    url = f"sqlite:///{tmp_path}/team.db"
    services = Runtime(url).services()
    services.add_user(None, "mgr", "Mary Manager", "manager")
    services.add_user("mgr", "scr", "Samantha Screener-Jones", "screener")
    now = SystemClock().now()
    made: dict[str, str] = {}
    for key, first, hours in (
        ("screening", "Ada", 30),
        ("override", "Zoë", 2),
        ("waiting", "Maximilian", 3),
        ("returned", "Bo", 4),
    ):
        [c] = services.create_contact(
            "scr",
            IntakeInput(
                received_at=now - timedelta(hours=hours),
                referrer_name="Jo Teacher",
                source_code="2A",
                concern="Bruising noticed at school this morning.",
                children=[ChildInput(first, "Łukasiewicz-Ó Súilleabháin", None)],
                priority="red" if key == "override" else "amber",
            ),
        )
        made[key] = c.reference
        cid = c.id or 0
        if key == "override":
            services.record_consent(
                "scr",
                cid,
                c.version,
                ConsentInput("refused", "Sam", "Dad", "phone", "Risk", "s47", RATIONALE),
            )
        if key in ("waiting", "returned"):
            c = services.record_consent(
                "scr", cid, c.version, ConsentInput("given", "Sam", "Mum", "phone")
            )
            c = services.set_level("scr", cid, c.version, LevelInput(3, "Several unmet needs."))
            c = services.record_decision(
                "scr",
                cid,
                c.version,
                DecisionInput("early_help", "Family will engage.", "Bruise.", "School.", "EH.", 6),
            )
            c = services.submit("scr", cid, c.version)
            if key == "returned":
                services.return_contact("mgr", cid, c.version, "Say who sought consent.")
    return url, made


@pytest.fixture
def opened() -> Iterator[list[Terminal]]:
    terms: list[Terminal] = []
    yield terms
    for term in terms:
        term.close()


def start(opened: list[Terminal], tmp_path: Path, url: str, login: str) -> Terminal:
    env = base_env(tmp_path / "home")
    env.update(MASH_TUI_DATABASE_URL=url, MASH_TUI_USER=login)
    term = Terminal([], env, size=SIZE)
    opened.append(term)
    return term


def line_of(shown: str, reference: str) -> str:
    return next(line for line in shown.splitlines() if reference in line)


def test_manager_queue_at_80x24_shows_every_column(
    team: tuple[str, dict[str, str]], tmp_path: Path, opened: list[Terminal]
) -> None:
    url, made = team
    term = start(opened, tmp_path, url, "mgr")
    # Narrow, the Ref column leaves off the "MASH-" every reference starts with (see LEGEND).
    made = {key: reference.removeprefix("MASH-") for key, reference in made.items()}
    # The rows and the legend under them: the whole queue painted, not a frame half way.
    shown = term.wait_until(
        lambda t: all(r in t for r in made.values()) and "Waiting = time since" in t,
        "the queue's rows and its legend",
    )
    header = next(line for line in shown.splitlines() if "Ref" in line and "Left" in line)
    for title in ("Ref", "Left", "Child", "RAG", "Screener", "State", "Lvl", "Waiting"):
        assert title in header, (title, header)
    assert "screening" in line_of(shown, made["screening"])
    assert "with manager" in line_of(shown, made["waiting"])
    assert "RETURNED" in line_of(shown, made["returned"])
    assert "screening+OVR" in line_of(shown, made["override"])
    assert "Samantha" in line_of(shown, made["screening"])
    assert "Lvl = Level of Need" in shown  # the legend for the abbreviations
    assert "OVR = consent override to authorise" in shown
    waiting = line_of(shown, made["waiting"]).split()
    assert waiting[-3:] == ["3", "3h", "00m"]  # level and time waiting, both on screen


def test_my_contacts_at_80x24_shows_every_column(
    team: tuple[str, dict[str, str]], tmp_path: Path, opened: list[Terminal]
) -> None:
    url, made = team
    term = start(opened, tmp_path, url, "scr")
    shown = term.wait_until(
        lambda t: all(r in t for r in made.values()) and "OVR = consent override" in t,
        "the screener's rows and the legend",
    )
    header = next(line for line in shown.splitlines() if "Reference" in line)
    for title in ("Time left", "Reference", "RAG", "Child", "State", "Level"):
        assert title in header, (title, header)
    assert "with manager" in line_of(shown, made["waiting"])
    assert "RETURNED" in line_of(shown, made["returned"])
    assert "screening+OVR" in line_of(shown, made["override"])
    assert "OVR = consent override waiting" in shown
    assert line_of(shown, made["waiting"]).rstrip().endswith("3")  # the level, not cut off
