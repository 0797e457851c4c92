"""The oversight rules: settings, when a manager's note is required, amendable fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mash_tui.domain.deadlines import DeadlinePolicy, Timescale
from mash_tui.domain.oversight import (
    AMENDABLE_LABELS,
    OversightPolicy,
    check_note,
    note_reasons,
    parse_amendment,
)
from mash_tui.domain.rules import AMENDABLE_FIELDS

RECEIVED = datetime(2026, 11, 16, 9, tzinfo=UTC)


def test_self_authorisation_is_off_unless_the_council_says_true() -> None:
    assert OversightPolicy.from_mapping({}) == OversightPolicy(False)
    assert OversightPolicy.from_mapping({"allow_self_authorisation": True}).allow_self_authorisation
    with pytest.raises(ValueError, match="is not true or false"):
        OversightPolicy.from_mapping({"allow_self_authorisation": "yes"})
    with pytest.raises(ValueError, match="Unknown oversight setting"):
        OversightPolicy.from_mapping({"allow_self_authorise": True})


def test_a_broken_oversight_setting_stops_start_up_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mash_tui.runtime import Runtime, StartupError

    settings = tmp_path / "settings.toml"
    settings.write_text('[oversight]\nallow_self_authorisation = "yes"\n')
    monkeypatch.setenv("MASH_TUI_SETTINGS", str(settings))
    with pytest.raises(StartupError, match="allow_self_authorisation: 'yes' is not true or false"):
        Runtime().oversight()
    settings.write_text("[oversight]\nallow_self_authorisation = true\n")
    assert Runtime().oversight().allow_self_authorisation


def test_a_note_is_required_late_past_target_or_for_a_mismatch() -> None:
    policy = DeadlinePolicy(red=Timescale(hours=4))
    red_deadline = RECEIVED + timedelta(hours=4)
    on_time = note_reasons(
        now=RECEIVED + timedelta(hours=3),
        received_at=RECEIVED,
        deadline_at=red_deadline,
        policy=policy,
    )
    assert on_time == []
    late = note_reasons(
        now=RECEIVED + timedelta(hours=25),
        received_at=RECEIVED,
        deadline_at=red_deadline,
        policy=policy,
        mismatch="Level 4 does not usually lead to 'No further action': justify it",
    )
    assert late[0].startswith("it is past its deadline (")
    assert late[1:] == [
        "it has taken longer than the 24-hour target",
        "Level 4 does not usually lead to 'No further action'",
    ]
    assert check_note("", []) == {}
    assert "it is past" in check_note("short", late[:1])["note"]
    assert check_note("Late: police check came back today.", late) == {}


def test_every_amendable_field_has_words_and_a_parser() -> None:
    assert set(AMENDABLE_LABELS) == set(AMENDABLE_FIELDS)
    assert parse_amendment("sos_scale", " 4 ") == 4
    assert parse_amendment("factors", "neglect; domestic_abuse;") == ["neglect", "domestic_abuse"]
    assert parse_amendment("received_at", "16/11/2026 09:00") == RECEIVED
    with pytest.raises(ValueError, match="cannot be amended"):
        parse_amendment("state", "open")
