"""`mash-tui children find`: ranked children with the reason, json for scripts, one-line errors."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.services import Services


@pytest.fixture
def known(services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("MASH_TUI_USER", "scr")
    for number, child in enumerate(
        [
            ChildInput("Zoë", "Łukasiewicz-Ó Súilleabháin", date(2017, 4, 3), postcode="mt1 1ab"),
            ChildInput("Zoe", "Lucas", date(2016, 2, 2), nhs_number="9434765919"),
            ChildInput("Tom", "Evil\x1b[31mName", date(2015, 1, 1)),
        ]
    ):
        services.create_contact(
            "scr",
            IntakeInput(
                received_at=clock.now() - timedelta(days=3, hours=number),
                source_code="2A",
                concern=f"Concern number {number} raised by the school.",
                children=[child],
                referrer_name="Jo Teacher",
            ),
        )
    return services


def run(url: str, clock: FrozenClock, *args: str) -> int:
    return main(["--database", url, "children", "find", *args], clock=clock)


def test_one_ranked_child_a_line_with_the_reason(
    known: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(database_url, clock, "--name", "zoe lukasiewicz", "--dob", "03/04/2017") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == [
        "1",
        "CH0000001",
        "Zoë Łukasiewicz-Ó Súilleabháin",
        "03/04/2017",
        "-",
        "MT1 1AB",
        "same date of birth, same first name, surname starts with the letters typed",
    ]
    assert all(not line.startswith("2\tCH0000001") for line in lines)


def test_json_for_scripts(
    known: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(database_url, clock, "--nhs", "943 476 5919", "--format", "json") == 0
    [child] = json.loads(capsys.readouterr().out)
    assert child["child_id"] == "CH0000002"
    assert child["reason"] == "same NHS number"
    assert child["date_of_birth"] == "2016-02-02"
    assert child["rank"] == 1
    assert (
        run(database_url, clock, "--name", "Zoe", "--postcode", "MT1 1AB", "--format", "json") == 0
    )
    assert json.loads(capsys.readouterr().out) == []  # one word is a surname: no "Zoe" surname


def test_control_characters_in_a_name_are_escaped(
    known: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(database_url, clock, "--name", "Tom Evil", "--dob", "01/01/2015") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Evil\\x1b[31mName" in out
    assert (
        run(database_url, clock, "--name", "Tom Evil", "--format", "json", "--dob", "01/01/2015")
        == 0
    )
    assert "\x1b" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say who to look for"),
        (["--name", "Hughes"], "say who to look for"),
        (["--nhs", "12345"], "not a valid NHS number"),
        (["--nhs", "9434765918"], "not a valid NHS number"),
        (["--name", "Zoe Lucas", "--dob", "31/02/2017"], "--dob"),
        (["--name", "Zoe Lucas", "--format", "xml"], "--format"),
    ],
)
def test_bad_input_is_one_line_on_stderr(
    known: Services,
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    try:
        code = run(database_url, clock, *args)
    except SystemExit as done:  # argparse's own refusals
        code = int(done.code or 0)
    assert code == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_login_without_a_record_is_refused(
    known: Services,
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "stranger")
    assert run(database_url, clock, "--nhs", "9434765919") == 1
    assert "stranger" in capsys.readouterr().err
