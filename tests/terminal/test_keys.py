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


# ---------------------------------------------------------------- the steps of a contact
STEP_TABS = {"consent": "1 Consent", "level": "2 Level of Need", "decision": "3 Decision"}


def step_shown(text: str) -> str | None:
    """The step whose tab is underlined (the bright stretch between the two half marks), as
    a person sees it, colour or not."""
    lines = text.splitlines()
    for index, line in enumerate(lines[:-1]):
        if STEP_TABS["consent"] in line and STEP_TABS["decision"] in line:
            rule = lines[index + 1]
            start = rule.find("\u2578") + 1  # left half mark, or the line's start
            end = rule.find("\u257a", start)
            end = len(rule) if end < 0 else end
            middle = (start + end) // 2
            for step, label in STEP_TABS.items():
                at = line.find(label)
                if at <= middle < at + len(label) + 2:
                    return step
    return None


STEP_KEYS = {"consent": "f5", "level": "f6", "decision": "f7"}

# Every multi-line box: its step, the Tabs from the step's first field, the step F6/F7 go to.
BOXES = (
    ("grounds", "consent", 4, "decision"),
    ("rationale", "consent", 6, "level"),
    ("rationale", "level", 3, "decision"),
    ("analysis", "decision", 1, "level"),
    ("sos_worried", "decision", 2, "level"),
    ("sos_working_well", "decision", 3, "level"),
    ("sos_needs_to_happen", "decision", 4, "level"),
)


@pytest.fixture
def open_contact(empty_team: tuple[str, Services]) -> tuple[str, Services, str]:
    """An open contact of the screener's, nothing screened yet."""
    from mash_tui.domain.clock import SystemClock
    from mash_tui.domain.inputs import ChildInput, IntakeInput

    url, services = empty_team
    [contact] = services.create_contact(
        "scr",
        IntakeInput(
            received_at=SystemClock().now(),
            referrer_name="Jo Teacher",
            referrer_agency="Hill Primary",
            source_code="2A",
            concern="Bruising noticed at school this morning.",
            children=[ChildInput("Ada", "Lovelace", None)],
        ),
    )
    return url, services, contact.reference


def showing(term: Terminal, step: str, what: str = "") -> str:
    """Wait until `step`'s tab is the one underlined."""
    return term.wait_until(lambda text: step_shown(text) == step, what or f"the {step} step")


def contact_draft(services: Services) -> dict[tuple[str, str], Any]:
    """Every step's typed values in the screener's draft of the contact, by (step, field)."""
    for draft in services.drafts("scr"):
        if draft.kind == "contact":
            return {
                (step, k): v
                for step in ("consent", "level", "decision")
                for k, v in draft.payload[step].items()
            }
    return {}


def test_f6_f7_from_inside_every_text_box_change_the_step_and_keep_the_text(
    open_contact: tuple[str, Services, str],
    tmp_path: Path,
    open_terminals: list[Terminal],
) -> None:
    url, services, reference = open_contact
    term = launch(open_terminals, tmp_path / "home", url, "scr")
    term.wait_for(reference)
    term.press("enter")
    term.wait_for(f"{reference}  Ada Lovelace")  # the contact is loaded
    term.wait_until(lambda text: step_shown(text) == "consent", "the consent step")
    term.press("down", "enter")  # consent refused: the override's boxes show
    shown = term.wait_for("Grounds")
    assert "f6" in shown.splitlines()[-1].lower()  # the footer offers the step keys

    typed: dict[tuple[str, str], str] = {}
    for number, (box, step, tabs, other) in enumerate(BOXES, 1):
        term.press(STEP_KEYS[step])
        showing(term, step)
        term.press(*["tab"] * tabs)
        words = f"Box {number} kept"  # short enough not to wrap in the narrowest box
        term.type(words, gap=0.01)
        typed[step, box] = words
        shown = term.wait_for(words)
        # still in the box: the footer keeps the step keys
        assert "f7" in shown.splitlines()[-1].lower(), shown
        term.press(STEP_KEYS[other])
        showing(term, other, f"F-key from {box} to {other}")
        term.type("Z")  # the next key must not overwrite a selection in the box left

    def all_kept() -> dict[tuple[str, str], Any] | None:
        draft = contact_draft(services)
        return draft if all(draft.get(key) == words for key, words in typed.items()) else None

    saved = eventually(
        all_kept, lambda: f"every box's text in the draft: {contact_draft(services)}"
    )
    for key, words in typed.items():
        assert saved[key] == words


def values_under(shown: str, label: str) -> str:
    """The text on the line under `label`, from the label's column to the next field's."""
    lines = shown.splitlines()
    for index, line in enumerate(lines[:-1]):
        at = line.find(label)
        if at >= 0:
            below = lines[index + 1][at:]
            return below.split("  ")[0].strip()
    raise AssertionError(f"no {label!r} on the screen:\n{shown}")


def test_focus_is_on_a_field_at_open_after_tab_and_after_ctrl_s_and_after_a_check(
    open_contact: tuple[str, Services, str],
    tmp_path: Path,
    open_terminals: list[Terminal],
) -> None:
    url, services, reference = open_contact
    term = launch(open_terminals, tmp_path / "home", url, "scr")
    term.wait_for(reference)
    term.press("enter")
    term.wait_for(f"{reference}  Ada Lovelace")  # the contact is loaded
    term.wait_until(lambda text: step_shown(text) == "consent", "the consent step")
    # Opened on the first field (the consent choice), not the tab strip: Enter picks "Given".
    term.press("enter")
    term.wait_for("(\u2022) Given")  # chosen, and it reads so without colour
    term.press("tab")
    term.type("Sam", gap=0.01)
    term.press("tab")
    term.type("Mum", gap=0.01)
    term.press("tab")
    term.type("phone", gap=0.01)
    shown = term.wait_until(lambda text: values_under(text, "How") == "phone", "the method")
    assert values_under(shown, "Sought by") == "Sam"
    assert values_under(shown, "Sought from") == "Mum"
    assert values_under(shown, "How") == "phone"

    # Ctrl+S saves consent and shows Level of Need with its first field focused.
    term.press("ctrl+s")
    term.wait_until(lambda text: step_shown(text) == "level", "the level step after Ctrl+S")
    term.type("neglect", gap=0.01)
    term.wait_until(lambda text: "neglect" in text, "the search typed on the step shown")

    # Log a partner check, then the step keys still work straight away.
    term.press("f5")
    term.wait_until(lambda text: step_shown(text) == "consent", "consent again")
    term.press("tab", "tab", "tab", "tab", "tab")  # outcome -> ... -> Save consent -> Agency
    term.type("Police", gap=0.01)
    term.press("tab", "tab")
    term.type("Records", gap=0.01)
    term.press("tab", "tab")
    term.type("Safety", gap=0.01)
    term.press("tab", "enter")  # the "Log partner check" button
    term.wait_for("Police: asked Records")
    term.press("f6")
    term.wait_until(lambda text: step_shown(text) == "level", "F6 right after logging a check")
    term.press("f7")
    term.wait_until(lambda text: step_shown(text) == "decision", "F7 after that")
    [contact] = services.queue()
    assert contact.reference == reference


# ---------------------------------------------------------------- without colour
def test_no_color_tells_chosen_and_ticked_from_not_by_their_glyphs(
    open_contact: tuple[str, Services, str],
    tmp_path: Path,
    open_terminals: list[Terminal],
) -> None:
    url, _services, reference = open_contact
    term = launch(open_terminals, tmp_path / "home", url, "scr", NO_COLOR="1")
    term.wait_for(reference)
    term.press("enter")
    shown = term.wait_for(f"{reference}  Ada Lovelace")
    shown = term.wait_for("( ) Given")
    assert "( ) Refused" in shown and "(\u2022)" not in shown  # nothing chosen yet
    term.press("down", "enter")
    shown = term.wait_for("(\u2022) Refused")
    assert "( ) Given" in shown and "( ) Not sought" in shown


# ---------------------------------------------------------------- read only leaves no draft
def test_looking_at_a_read_only_contact_leaves_no_draft(
    open_contact: tuple[str, Services, str],
    tmp_path: Path,
    open_terminals: list[Terminal],
) -> None:
    from mash_tui.domain.inputs import ConsentInput, DecisionInput, LevelInput

    url, services, reference = open_contact
    [row] = services.queue()
    cid = row.id
    c = services.detail(cid).contact
    c = services.record_consent("scr", cid, c.version, ConsentInput("given", "Sam", "Mum", "phone"))
    c = services.set_level("scr", cid, c.version, LevelInput(2, "Emerging needs at home."))
    c = services.record_decision(
        "scr", cid, c.version, DecisionInput("early_help", "a", "b", "c", "d", 6)
    )
    services.submit("scr", cid, c.version)

    term = launch(open_terminals, tmp_path / "home", url, "scr")
    term.wait_for(reference)
    term.press("enter")
    term.wait_for("read only")
    term.press("f6")
    showing(term, "level")
    term.press("escape")  # leave: the moment a draft would be written
    term.wait_for("New contact (n)")  # back on My contacts
    term.close()
    assert services.drafts("scr") == []
