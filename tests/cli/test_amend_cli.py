"""`mash-tui contacts amend`: a manager's amendment of an authorised contact from the command line."""

from __future__ import annotations

import pytest
from team_support import authorised, cid, submitted

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services


def run(
    database_url: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("MASH_TUI_USER", login)
    code = main(["--database", database_url, "contacts", "amend", *args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_manager_amends_with_a_reason_and_the_history_keeps_before_and_after(
    services: Services,
    database_url: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    c = authorised(services, "scr")
    code, out, err = run(
        database_url, clock, monkeypatch, capsys, "mgr", c.reference.lower(),
        "--field", "sos_scale", "--value", "4",
        "--field", "concern", "--value", "Bruise on the left arm seen in PE.",
        "--reason", "Corrected after the school's written referral",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"amended {c.reference}: concern, sos_scale (version {c.version + 1})\n"
    entry = services.history(cid(c))[-1]
    assert entry.action == "amend" and entry.username == "mgr"
    assert entry.reason == "Corrected after the school's written referral"
    assert entry.before == {"concern": c.concern, "sos_scale": 6}
    assert entry.after == {"concern": "Bruise on the left arm seen in PE.", "sos_scale": 4}


@pytest.mark.parametrize(
    ("login", "args", "message"),
    [
        ("scr", ("--field", "concern", "--value", "x", "--reason", "a good reason"),
         "only a manager can do this; you are a screener"),
        ("mgr", ("--field", "concern", "--value", "x", "--reason", "short"),
         "give the reason for the amendment"),
        ("mgr", ("--field", "concern", "--reason", "a good reason"),
         "give one --value for each --field (1 field, 0 values)"),
        ("mgr", ("--field", "colour", "--value", "red", "--reason", "a good reason"),
         "'colour' cannot be amended: choose one of"),
        ("mgr", ("--field", "sos_scale", "--value", "lots", "--reason", "a good reason"),
         "the safety scale is a whole number from 0 to 10, not 'lots'"),
        ("mgr", ("--reason", "a good reason"),
         "say what to change: --field NAME --value TEXT (repeat for more fields)"),
    ],
)  # fmt: skip
def test_bad_amendments_get_one_line_and_change_nothing(
    services: Services,
    database_url: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    login: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    c = authorised(services, "scr")
    code, out, err = run(database_url, clock, monkeypatch, capsys, login, c.reference, *args)
    assert (code, out) == (1, "")
    assert err.startswith(f"mash-tui: {message}") and err.count("\n") == 1
    assert services.get(cid(c)).version == c.version


def test_an_open_contact_is_edited_not_amended(
    services: Services,
    database_url: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    c = submitted(services, "scr")
    code, _, err = run(
        database_url, clock, monkeypatch, capsys, "mgr", c.reference,
        "--field", "concern", "--value", "x", "--reason", "a good reason",
    )  # fmt: skip
    assert (code, err) == (
        1,
        f"mash-tui: {c.reference} is still open: edit it instead of amending\n",
    )
    code, _, err = run(
        database_url, clock, monkeypatch, capsys, "mgr", "MASH-9999999",
        "--field", "concern", "--value", "x", "--reason", "a good reason",
    )  # fmt: skip
    assert (code, err) == (1, "mash-tui: there is no contact MASH-9999999\n")
