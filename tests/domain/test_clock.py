"""Tests for mash_tui.domain.clock: the injectable clock and UK-time display and input across BST/GMT."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mash_tui.domain.clock import (
    LONDON,
    UTC,
    Clock,
    FrozenClock,
    SystemClock,
    ensure_utc,
    format_duration,
    format_hms,
    format_left,
    format_local,
    local_date,
    local_to_utc,
    parse_local,
    to_local,
)

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A UTC instant, for brevity."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- Clocks -----------------------------------------------------------------------------


def test_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
    assert isinstance(SystemClock(), Clock)


def test_frozen_clock_stays_put_and_converts_to_utc() -> None:
    clock = FrozenClock(datetime(2026, 7, 1, 10, 0, tzinfo=LONDON))
    assert clock.now() == utc(2026, 7, 1, 9, 0)
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()
    assert isinstance(clock, Clock)


def test_frozen_clock_refuses_naive() -> None:
    with pytest.raises(ValueError, match="must include a time zone"):
        FrozenClock(datetime(2026, 7, 1, 10, 0))
    clock = FrozenClock(utc(2026, 7, 1, 10))
    with pytest.raises(ValueError, match="must include a time zone"):
        clock.set(datetime(2026, 7, 1, 10, 0))


def test_frozen_clock_set_and_advance() -> None:
    clock = FrozenClock(utc(2026, 3, 28, 12))
    clock.advance(hours=2)
    assert clock.now() == utc(2026, 3, 28, 14)
    clock.advance(timedelta(minutes=30))
    assert clock.now() == utc(2026, 3, 28, 14, 30)
    clock.advance(timedelta(hours=1), minutes=15)
    assert clock.now() == utc(2026, 3, 28, 15, 45)
    clock.advance(days=-1)
    assert clock.now() == utc(2026, 3, 27, 15, 45)
    clock.set(datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == utc(2026, 1, 1, 7, 0)
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError):
        clock.advance()


def test_frozen_clock_advances_across_the_march_change_in_elapsed_time() -> None:
    clock = FrozenClock(local_to_utc(datetime(2026, 3, 29, 0, 30)))
    clock.advance(hours=1)
    assert format_local(clock.now()) == "29/03/2026 02:30"


# --- Conversions ------------------------------------------------------------------------


def test_ensure_utc() -> None:
    assert ensure_utc(datetime(2026, 6, 1, 12, tzinfo=LONDON)) == utc(2026, 6, 1, 11)
    assert ensure_utc(utc(2026, 6, 1, 11)).tzinfo is UTC
    with pytest.raises(ValueError, match="must include a time zone"):
        ensure_utc(datetime(2026, 6, 1, 12))


def test_to_local_winter_and_summer() -> None:
    winter = to_local(utc(2026, 1, 15, 12))
    summer = to_local(utc(2026, 7, 15, 12))
    assert (winter.hour, winter.utcoffset()) == (12, timedelta(0))
    assert (summer.hour, summer.utcoffset()) == (13, timedelta(hours=1))
    assert local_date(utc(2026, 7, 15, 23, 30)).isoformat() == "2026-07-16"
    with pytest.raises(ValueError):
        to_local(datetime(2026, 1, 15, 12))


def test_local_to_utc_normal_times() -> None:
    assert local_to_utc(datetime(2026, 1, 15, 9, 0)) == utc(2026, 1, 15, 9, 0)
    assert local_to_utc(datetime(2026, 7, 15, 9, 0)) == utc(2026, 7, 15, 8, 0)
    assert local_to_utc(datetime(2026, 7, 15, 9, 0)).tzinfo is UTC
    # An aware value is already an instant.
    assert local_to_utc(utc(2026, 7, 15, 9)) == utc(2026, 7, 15, 9)


def test_local_to_utc_march_gap_is_refused_with_a_human_message() -> None:
    with pytest.raises(ValueError) as info:
        local_to_utc(datetime(2026, 3, 29, 1, 30))
    assert str(info.value) == "01:30 on 29/03/2026 does not exist in UK time (clocks go forward)"
    with pytest.raises(ValueError, match="01:00 on 29/03/2026 does not exist"):
        local_to_utc(datetime(2026, 3, 29, 1, 0))
    # Either side of the gap is fine: 00:59 GMT and 02:00 BST are one minute apart.
    before = local_to_utc(datetime(2026, 3, 29, 0, 59))
    after = local_to_utc(datetime(2026, 3, 29, 2, 0))
    assert before == utc(2026, 3, 29, 0, 59)
    assert after == utc(2026, 3, 29, 1, 0)
    assert after - before == timedelta(minutes=1)


def test_local_to_utc_october_repeated_hour_takes_the_first_bst_occurrence() -> None:
    first = local_to_utc(datetime(2026, 10, 25, 1, 30))
    assert first == utc(2026, 10, 25, 0, 30)
    assert local_to_utc(datetime(2026, 10, 25, 1, 30, fold=1)) == first
    assert local_to_utc(datetime(2026, 10, 25, 2, 0)) == utc(2026, 10, 25, 2, 0)
    # Both occurrences display the same wall time.
    assert format_local(utc(2026, 10, 25, 0, 30)) == "25/10/2026 01:30"
    assert format_local(utc(2026, 10, 25, 1, 30)) == "25/10/2026 01:30"


# --- Formatting and parsing -------------------------------------------------------------


def test_format_local() -> None:
    assert format_local(None) == ""
    assert format_local(utc(2026, 1, 5, 9, 7, 3)) == "05/01/2026 09:07"
    assert format_local(utc(2026, 1, 5, 9, 7, 3), with_seconds=True) == "05/01/2026 09:07:03"
    assert format_local(utc(2026, 3, 29, 12)) == "29/03/2026 13:00"
    assert format_local(utc(2026, 7, 31, 23, 30)) == "01/08/2026 00:30"
    with pytest.raises(ValueError):
        format_local(datetime(2026, 1, 5, 9, 7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29/03/2026 14:30", utc(2026, 3, 29, 13, 30)),
        ("29/03/2026 14:30:15", utc(2026, 3, 29, 13, 30, 15)),
        ("15/01/2026 14:30", utc(2026, 1, 15, 14, 30)),
        ("2026-01-15 14:30", utc(2026, 1, 15, 14, 30)),
        ("2026-07-15T14:30", utc(2026, 7, 15, 13, 30)),
        ("2026-07-15T14:30:45", utc(2026, 7, 15, 13, 30, 45)),
        ("2026-07-15 14:30:45", utc(2026, 7, 15, 13, 30, 45)),
        ("15/07/2026", utc(2026, 7, 14, 23, 0)),
        ("15/01/2026", utc(2026, 1, 15, 0, 0)),
        ("2026-01-15", utc(2026, 1, 15, 0, 0)),
        ("  5/1/2026 9:05  ", utc(2026, 1, 5, 9, 5)),
        ("2026-07-15T14:30:00+00:00", utc(2026, 7, 15, 14, 30)),
        ("2026-07-15T14:30:00Z", utc(2026, 7, 15, 14, 30)),
        ("25/10/2026 01:30", utc(2026, 10, 25, 0, 30)),
    ],
)
def test_parse_local_accepted_forms(text: str, expected: datetime) -> None:
    parsed = parse_local(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date and time as dd/mm/yyyy HH:MM"),
        ("   ", "Enter a date and time as dd/mm/yyyy HH:MM"),
        ("tomorrow", "'tomorrow' is not a date and time: use dd/mm/yyyy HH:MM"),
        ("01/03/26 10:00", "is not a date and time: use dd/mm/yyyy HH:MM"),
        ("03-29-2026 10:00", "is not a date and time: use dd/mm/yyyy HH:MM"),
        ("29/03/2026 10", "is not a date and time: use dd/mm/yyyy HH:MM"),
        ("31/02/2026 10:00", "is not a real date and time (day is out of range for month)"),
        ("29/13/2026 10:00", "is not a real date and time"),
        ("29/03/2026 24:00", "is not a real date and time"),
        ("29/03/2026 10:60", "is not a real date and time"),
        ("29/03/2026 01:30", "01:30 on 29/03/2026 does not exist in UK time (clocks go forward)"),
        ("2026-03-29T01:15", "01:15 on 29/03/2026 does not exist in UK time"),
    ],
)
def test_parse_local_bad_input_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_local(text)
    shown = str(info.value)
    assert message in shown
    assert "\n" not in shown


def test_parse_local_message_is_one_line_and_short_for_odd_input() -> None:
    with pytest.raises(ValueError) as info:
        parse_local("line one\nline two " + "x" * 200)
    shown = str(info.value)
    assert "\n" not in shown
    assert len(shown) < 160
    assert "dd/mm/yyyy HH:MM" in shown


# --- Durations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "0h 00m"),
        (timedelta(hours=3, minutes=5), "3h 05m"),
        (timedelta(hours=23, minutes=59, seconds=59), "23h 59m"),
        (timedelta(hours=24), "24h 00m"),
        (timedelta(hours=99, minutes=59), "99h 59m"),
        (timedelta(hours=100), "4d 04h"),
        (timedelta(days=3, hours=5, minutes=59), "77h 59m"),
        (timedelta(days=4, hours=5, minutes=59), "4d 05h"),
        (timedelta(hours=-1, minutes=-20), "-1h 20m"),
        (timedelta(seconds=-30), "-0h 00m"),
        (timedelta(seconds=59), "0h 00m"),
        (-timedelta(hours=120), "-5d 00h"),
    ],
)
def test_format_duration(delta: timedelta, expected: str) -> None:
    assert format_duration(delta) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "00:00:00"),
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999), "23:59:59"),
        (timedelta(seconds=-5), "-00:00:05"),
        (timedelta(seconds=-5, microseconds=-500_000), "-00:00:05"),
        (timedelta(microseconds=-1), "-00:00:00"),
        (timedelta(hours=123, seconds=7), "123:00:07"),
        (-timedelta(hours=25, minutes=1), "-25:01:00"),
    ],
)
def test_format_hms(delta: timedelta, expected: str) -> None:
    assert format_hms(delta) == expected


# --- Properties -------------------------------------------------------------------------

aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=st.sampled_from(
        [UTC, LONDON, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
    ),
)


def _in_repeated_hour(instant: datetime) -> bool:
    """Whether the instant's London wall time also occurs an hour earlier or later (October)."""
    local = to_local(instant).replace(tzinfo=None)
    # Compare offsets: == between datetimes in one zone compares wall times and ignores fold.
    return (
        local.replace(fold=0, tzinfo=LONDON).utcoffset()
        != local.replace(fold=1, tzinfo=LONDON).utcoffset()
    )


@PROPERTY
@given(aware_datetimes)
def test_parse_format_round_trip_to_the_minute(instant: datetime) -> None:
    text = format_local(instant)
    parsed = parse_local(text)
    truncated = ensure_utc(instant).replace(second=0, microsecond=0)
    assert format_local(parsed) == text
    if _in_repeated_hour(instant):
        # The second (GMT) 01:xx of the October change reads back as the first (BST) one.
        assert parsed in (truncated, truncated - timedelta(hours=1))
    else:
        assert parsed == truncated


@PROPERTY
@given(aware_datetimes)
def test_parse_format_round_trip_with_seconds(instant: datetime) -> None:
    text = format_local(instant, with_seconds=True)
    parsed = parse_local(text)
    assert format_local(parsed, with_seconds=True) == text
    if not _in_repeated_hour(instant):
        assert parsed == ensure_utc(instant).replace(microsecond=0)


@PROPERTY
@given(aware_datetimes)
def test_to_local_is_the_same_instant(instant: datetime) -> None:
    local = to_local(instant)
    assert ensure_utc(local) == ensure_utc(instant)  # same-zone == compares wall times
    assert ensure_utc(local).tzinfo is UTC
    assert local.utcoffset() in (timedelta(0), timedelta(hours=1))


@PROPERTY
@given(st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=30)))
def test_duration_formats_agree_on_sign_and_size(delta: timedelta) -> None:
    hms = format_hms(delta)
    short = format_duration(delta)
    assert hms.startswith("-") == (delta < timedelta(0)) == short.startswith("-")
    hours, minutes, seconds = (int(part) for part in hms.lstrip("-").split(":"))
    size = abs(delta)
    assert timedelta(hours=hours, minutes=minutes, seconds=seconds) <= size
    assert size - timedelta(hours=hours, minutes=minutes, seconds=seconds) < timedelta(seconds=1)
    if hours < 100:
        assert short.lstrip("-") == f"{hours}h {minutes:02d}m"


@pytest.mark.parametrize(
    "text",
    [
        "31/12/9999 23:59",
        "01/01/0001 00:00",
        "0001-01-01T00:30:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_instants_outside_the_supported_years_are_one_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="out of range: use a year from 1900 to 9998"):
        parse_local(text)


def test_days_outside_the_supported_years_are_one_clear_message() -> None:
    from mash_tui.domain.clock import parse_day

    with pytest.raises(ValueError, match="out of range"):
        parse_day("01/01/0001")
    assert parse_day("03/09/2016") == date(2016, 9, 3)


@pytest.mark.parametrize(
    ("delta", "minutes", "seconds"),
    [
        (timedelta(hours=5, minutes=23, seconds=11), "5h 23m", "5h 23m 11s"),
        (-timedelta(hours=6, minutes=38, seconds=5), "by 6h 38m", "by 6h 38m 05s"),
        (timedelta(seconds=30), "<1m", "0h 00m 30s"),
        (-timedelta(microseconds=1), "by <1m", "by 0h 00m 00s"),
        (timedelta(hours=123, minutes=4), "5d 03h", "5d 03h"),
    ],
)
def test_format_left(delta: timedelta, minutes: str, seconds: str) -> None:
    assert (format_left(delta), format_left(delta, seconds=True)) == (minutes, seconds)
