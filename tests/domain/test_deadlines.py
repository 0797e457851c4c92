"""Tests for mash_tui.domain.deadlines: RAG timescales, England working days and clock states."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mash_tui.domain.clock import LONDON, UTC, format_local, local_to_utc, to_local
from mash_tui.domain.deadlines import (
    ClockState,
    DeadlinePolicy,
    Priority,
    Timescale,
    add_working_days,
    bank_holidays,
    clock_state,
    deadline_for,
    hours_between,
    is_working_day,
    next_working_day,
    target_deadline,
    time_left,
    within_target,
)

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A UTC instant, for brevity."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def uk(text: str) -> datetime:
    """A UK wall time written 'yyyy-mm-dd HH:MM', as a UTC instant."""
    return local_to_utc(datetime.fromisoformat(text))


# --- Priority and timescales ------------------------------------------------------------


def test_priority_values_and_parse() -> None:
    assert [p.value for p in Priority] == ["red", "amber", "green"]
    assert Priority("red") is Priority.RED
    assert Priority.parse(" Amber ") is Priority.AMBER
    assert Priority.parse(Priority.GREEN) is Priority.GREEN
    with pytest.raises(ValueError, match="Unknown priority 'blue': use one of red, amber, green"):
        Priority.parse("blue")


def test_timescale_describe_and_code() -> None:
    assert Timescale(hours=4).describe() == "4 hours"
    assert Timescale(hours=1).describe() == "1 hour"
    assert Timescale(hours=1.5).describe() == "1.5 hours"
    assert Timescale(working_days=1).describe() == "1 working day"
    assert Timescale(working_days=3).describe() == "3 working days"
    assert Timescale(hours=24).code() == "24h"
    assert Timescale(hours=0.5).code() == "0.5h"
    assert Timescale(working_days=3).code() == "3wd"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"hours": 4, "working_days": 1},
        {"hours": 0},
        {"hours": -1},
        {"hours": float("inf")},
        {"hours": float("nan")},
        {"working_days": 0},
        {"working_days": -2},
        {"working_days": 1.5},
        {"working_days": True},
        {"hours": "4"},
    ],
)
def test_timescale_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Timescale(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", Timescale(hours=4)),
        ("24h", Timescale(hours=24)),
        ("1.5h", Timescale(hours=1.5)),
        ("4 hours", Timescale(hours=4)),
        (" 24 H ", Timescale(hours=24)),
        ("1wd", Timescale(working_days=1)),
        ("3wd", Timescale(working_days=3)),
        ("3 working days", Timescale(working_days=3)),
        ("1 Working Day", Timescale(working_days=1)),
        (6, Timescale(hours=6)),
        (Timescale(working_days=2), Timescale(working_days=2)),
    ],
)
def test_timescale_parse(text: object, expected: Timescale) -> None:
    assert Timescale.parse(text) == expected
    assert Timescale.parse(expected.code()) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4", "not understood: use hours like '4h' or working days like '3wd'"),
        ("4d", "not understood"),
        ("soon", "not understood"),
        ("1.5wd", "working days must be a whole number"),
        ("0h", "must be more than 0"),
        ("0wd", "must be 1 or more"),
        (None, "not understood"),
        (True, "not understood"),
    ],
)
def test_timescale_parse_refuses(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Timescale.parse(value)


def test_default_policy() -> None:
    policy = DeadlinePolicy()
    assert policy.timescale(Priority.RED) == Timescale(hours=4)
    assert policy.timescale("amber") == Timescale(hours=24)
    assert policy.timescale("Green") == Timescale(hours=24)
    assert policy.target_hours == 24.0
    assert policy.warning_hours == 4.0
    with pytest.raises(ValueError, match="Unknown priority"):
        policy.timescale("purple")


def test_policy_from_mapping() -> None:
    policy = DeadlinePolicy.from_mapping(
        {"red": "4h", "amber": "24h", "green": "3wd", "warning_hours": 2}
    )
    assert policy == DeadlinePolicy(
        red=Timescale(hours=4),
        amber=Timescale(hours=24),
        green=Timescale(working_days=3),
        target_hours=24.0,
        warning_hours=2.0,
    )
    assert DeadlinePolicy.from_mapping({}) == DeadlinePolicy()
    assert DeadlinePolicy.from_mapping({"target_hours": "48h"}).target_hours == 48.0
    assert DeadlinePolicy.from_mapping(policy.to_mapping()) == policy


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"red": "four hours"}, "Deadline setting red: Timescale 'four hours' not understood"),
        ({"green": "2.5wd"}, "Deadline setting green: .* whole number"),
        ({"gren": "3wd"}, "Unknown deadline setting\\(s\\) gren: use red, amber, green"),
        ({"warning_hours": "soon"}, "Deadline setting warning_hours: 'soon' is not a number"),
        ({"warning_hours": -1}, "warning_hours must be 0 or more"),
        ({"target_hours": 0}, "target_hours must be more than 0"),
        ({"target_hours": True}, "not a number of hours"),
    ],
)
def test_policy_from_mapping_refuses(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DeadlinePolicy.from_mapping(mapping)


# --- Working days -----------------------------------------------------------------------


def test_bank_holidays_2026_from_the_holidays_package() -> None:
    # Dates as the `holidays` package gives them for England; Boxing Day 2026 is a
    # Saturday, so the substitute bank holiday is Monday 28 December.
    assert sorted(bank_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),  # Friday
        date(2026, 12, 26),  # Saturday (a weekend anyway)
        date(2026, 12, 28),  # Boxing Day (substitute day)
    ]


def test_one_off_bank_holidays_are_known() -> None:
    assert not is_working_day(date(2022, 9, 19))  # State funeral of Queen Elizabeth II
    assert not is_working_day(date(2023, 5, 8))  # Coronation of King Charles III


def test_is_working_day() -> None:
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2026, 12, 27))  # Sunday
    assert not is_working_day(date(2026, 12, 28))  # substitute Boxing Day
    assert is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert is_working_day(date(2026, 4, 7))
    with pytest.raises(TypeError):
        is_working_day(utc(2026, 4, 7, 12))


def test_next_working_day() -> None:
    assert next_working_day(date(2026, 1, 9)) == date(2026, 1, 12)  # Fri -> Mon
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)


def test_friday_afternoon_plus_one_working_day_is_monday_afternoon() -> None:
    friday = uk("2026-01-09 15:00")
    assert date(2026, 1, 9).weekday() == 4
    assert add_working_days(friday, 1) == uk("2026-01-12 15:00")
    assert add_working_days(friday, 3) == uk("2026-01-14 15:00")


def test_saturday_start_counts_from_monday_and_ends_at_midnight() -> None:
    saturday = uk("2026-01-10 11:20")
    assert date(2026, 1, 10).weekday() == 5
    result = add_working_days(saturday, 1)
    assert result == uk("2026-01-13 00:00")  # Tuesday 00:00, the end of Monday
    assert format_local(result) == "13/01/2026 00:00"
    assert add_working_days(uk("2026-01-11 23:59"), 3) == uk("2026-01-15 00:00")  # Sunday


def test_non_working_start_in_bst_returns_local_midnight() -> None:
    # 23:30 UTC on Friday 10 July 2026 is already Saturday 00:30 in BST.
    start = utc(2026, 7, 10, 23, 30)
    assert to_local(start).date() == date(2026, 7, 11)
    result = add_working_days(start, 1)
    assert result == utc(2026, 7, 13, 23, 0)  # Tuesday 14 July 00:00 BST
    assert to_local(result).replace(tzinfo=None) == datetime(2026, 7, 14, 0, 0)


def test_christmas_2026() -> None:
    # Thu 24 Dec; 25 Fri Christmas; 26-27 weekend; 28 Mon substitute Boxing Day.
    assert add_working_days(uk("2026-12-24 10:00"), 1) == uk("2026-12-29 10:00")
    assert add_working_days(uk("2026-12-24 10:00"), 1) == utc(2026, 12, 29, 10, 0)
    assert add_working_days(uk("2026-12-23 16:45"), 3) == uk("2026-12-30 16:45")
    # Received on Christmas Day: clock starts Tuesday 29th, so one working day ends at
    # midnight at the start of Wednesday 30th.
    assert add_working_days(uk("2026-12-25 09:00"), 1) == uk("2026-12-30 00:00")
    assert add_working_days(uk("2026-12-28 09:00"), 3) == uk("2027-01-01 00:00")
    # ...which is New Year's Day, itself a bank holiday.
    assert add_working_days(uk("2026-12-31 09:00"), 1) == uk("2027-01-04 09:00")


def test_easter_2026() -> None:
    # Good Friday 3 April, Easter Monday 6 April 2026 (both in BST).
    assert add_working_days(uk("2026-04-02 16:00"), 1) == uk("2026-04-07 16:00")
    assert add_working_days(uk("2026-04-02 16:00"), 1) == utc(2026, 4, 7, 15, 0)
    assert add_working_days(uk("2026-04-02 16:00"), 3) == uk("2026-04-09 16:00")
    assert add_working_days(uk("2026-04-03 10:00"), 1) == uk("2026-04-08 00:00")
    assert add_working_days(uk("2026-04-06 10:00"), 3) == uk("2026-04-10 00:00")


def test_working_days_keep_the_wall_time_across_clock_changes() -> None:
    # Friday before the March change, 10:00 GMT -> Monday 10:00 BST: 71 elapsed hours.
    start = uk("2026-03-27 10:00")
    end = add_working_days(start, 1)
    assert end == utc(2026, 3, 30, 9, 0)
    assert format_local(end) == "30/03/2026 10:00"
    assert hours_between(start, end) == 71.0
    # Friday before the October change, 10:00 BST -> Monday 10:00 GMT: 73 elapsed hours.
    start = uk("2026-10-23 10:00")
    end = add_working_days(start, 1)
    assert end == utc(2026, 10, 26, 10, 0)
    assert hours_between(start, end) == 73.0


def test_add_working_days_zero_and_bad_n() -> None:
    weekday = uk("2026-01-14 12:34")
    assert add_working_days(weekday, 0) == weekday
    assert add_working_days(uk("2026-01-10 12:00"), 0) == uk("2026-01-12 00:00")
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(weekday, -1)
    with pytest.raises(TypeError):
        add_working_days(weekday, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must include a time zone"):
        add_working_days(datetime(2026, 1, 14, 12, 0), 1)


def test_add_working_days_returns_utc() -> None:
    result = add_working_days(datetime(2026, 7, 1, 9, 0, tzinfo=LONDON), 1)
    assert result.tzinfo is UTC
    assert result == utc(2026, 7, 2, 8, 0)


# --- Deadlines --------------------------------------------------------------------------


def test_hours_deadline_across_the_march_change_is_elapsed_time() -> None:
    received = utc(2026, 3, 28, 12, 0)  # 12:00 GMT on Saturday
    deadline = deadline_for(received, Priority.AMBER, DeadlinePolicy())
    assert deadline == utc(2026, 3, 29, 12, 0)
    assert format_local(deadline) == "29/03/2026 13:00"  # 13:00 BST
    assert hours_between(received, deadline) == 24.0
    assert target_deadline(received, DeadlinePolicy()) == deadline


def test_hours_deadline_across_the_october_change_is_elapsed_time() -> None:
    received = utc(2026, 10, 24, 12, 0)  # 13:00 BST
    deadline = deadline_for(received, "green", DeadlinePolicy())
    assert deadline == utc(2026, 10, 25, 12, 0)
    assert format_local(received) == "24/10/2026 13:00"
    assert format_local(deadline) == "25/10/2026 12:00"  # 12:00 GMT
    assert hours_between(received, deadline) == 24.0


def test_red_deadline_over_the_night_of_the_change() -> None:
    received = uk("2026-03-29 00:30")  # GMT, half an hour before the clocks go forward
    deadline = deadline_for(received, "RED", DeadlinePolicy())
    assert format_local(deadline) == "29/03/2026 05:30"  # 4 real hours later, in BST
    received = uk("2026-10-25 00:30")  # BST
    deadline = deadline_for(received, Priority.RED, DeadlinePolicy())
    assert format_local(deadline) == "25/10/2026 03:30"  # 4 real hours later, in GMT


def test_hours_between_across_clock_changes() -> None:
    assert hours_between(uk("2026-03-29 00:00"), uk("2026-03-29 12:00")) == 11.0
    assert hours_between(uk("2026-10-25 00:00"), uk("2026-10-25 12:00")) == 13.0
    assert hours_between(uk("2026-03-28 00:00"), uk("2026-03-30 00:00")) == 47.0
    assert hours_between(utc(2026, 1, 1, 12), utc(2026, 1, 1, 10, 30)) == -1.5


def test_working_day_deadline_for_green() -> None:
    policy = DeadlinePolicy.from_mapping({"amber": "1wd", "green": "3wd"})
    received = uk("2026-12-24 10:00")
    assert deadline_for(received, "amber", policy) == uk("2026-12-29 10:00")
    assert deadline_for(received, Priority.GREEN, policy) == uk("2026-12-31 10:00")
    assert deadline_for(received, Priority.RED, policy) == uk("2026-12-24 14:00")
    # The all-contacts 24-hour target is elapsed time whatever the priority.
    assert target_deadline(received, policy) == uk("2026-12-25 10:00")


def test_deadline_for_refuses_naive_and_unknown_priority() -> None:
    with pytest.raises(ValueError, match="must include a time zone"):
        deadline_for(datetime(2026, 1, 1, 9), Priority.RED, DeadlinePolicy())
    with pytest.raises(ValueError, match="Unknown priority"):
        deadline_for(utc(2026, 1, 1, 9), "urgent", DeadlinePolicy())


def test_within_target_boundaries() -> None:
    policy = DeadlinePolicy()
    received = uk("2026-03-28 12:00")
    assert within_target(received, received + timedelta(hours=24), policy)
    assert not within_target(received, received + timedelta(hours=24, microseconds=1), policy)
    assert within_target(received, uk("2026-03-29 13:00"), policy)  # 24h elapsed, in BST
    assert not within_target(received, uk("2026-03-29 13:01"), policy)
    assert within_target(received, received + timedelta(hours=30), DeadlinePolicy(target_hours=48))


def test_time_left() -> None:
    deadline = utc(2026, 5, 1, 12)
    assert time_left(deadline, utc(2026, 5, 1, 9)) == timedelta(hours=3)
    assert time_left(deadline, utc(2026, 5, 1, 13)) == timedelta(hours=-1)
    assert time_left(deadline, deadline) == timedelta(0)


def test_clock_state_running() -> None:
    deadline = utc(2026, 5, 1, 12)
    state = clock_state
    assert state(deadline, utc(2026, 5, 1, 7, 59), 4) is ClockState.WITHIN
    assert state(deadline, utc(2026, 5, 1, 8, 0), 4) is ClockState.WARNING
    assert state(deadline, utc(2026, 5, 1, 11, 59), 4) is ClockState.WARNING
    assert state(deadline, deadline, 4) is ClockState.WARNING  # the deadline itself is on time
    assert state(deadline, deadline + timedelta(microseconds=1), 4) is ClockState.BREACHED
    assert state(deadline, utc(2026, 5, 2, 0), 4) is ClockState.BREACHED
    assert state(deadline, utc(2026, 5, 1, 11, 0), 0) is ClockState.WITHIN
    assert state(deadline, utc(2026, 5, 1, 11, 0), 0.5) is ClockState.WITHIN
    assert state(deadline, utc(2026, 5, 1, 11, 30), 0.5) is ClockState.WARNING
    with pytest.raises(ValueError):
        state(deadline, deadline, -1)


def test_clock_state_stopped() -> None:
    deadline = utc(2026, 5, 1, 12)
    later = utc(2026, 5, 3, 12)  # 'now' does not matter once the clock has stopped
    assert clock_state(deadline, later, 4, stopped_at=utc(2026, 5, 1, 9)) is ClockState.STOPPED
    assert clock_state(deadline, later, 4, stopped_at=deadline) is ClockState.STOPPED
    assert clock_state(deadline, later, 4, stopped_at=utc(2026, 5, 1, 13)) is ClockState.BREACHED
    assert ClockState.BREACHED == "breached"


# --- Properties -------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
)
timescales = st.one_of(
    st.builds(
        Timescale,
        hours=st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False),
    ),
    st.builds(Timescale, working_days=st.integers(min_value=1, max_value=20)),
)
policies = st.builds(
    DeadlinePolicy,
    red=timescales,
    amber=timescales,
    green=timescales,
    target_hours=st.floats(min_value=0.5, max_value=200),
    warning_hours=st.floats(min_value=0, max_value=48),
)


@PROPERTY
@given(instants, st.sampled_from(Priority), policies)
def test_deadline_is_never_before_receipt(
    received: datetime, priority: Priority, policy: DeadlinePolicy
) -> None:
    deadline = deadline_for(received, priority, policy)
    assert deadline > received
    assert deadline.tzinfo is UTC
    assert target_deadline(received, policy) > received


@PROPERTY
@given(
    instants, st.floats(min_value=0.001, max_value=10_000, allow_nan=False, allow_infinity=False)
)
def test_hours_deadline_is_exactly_the_hours_later(received: datetime, hours: float) -> None:
    policy = DeadlinePolicy(red=Timescale(hours=hours))
    deadline = deadline_for(received, Priority.RED, policy)
    assert deadline - received == timedelta(hours=hours)
    assert hours_between(received, deadline) == pytest.approx(hours, abs=1e-6)


@PROPERTY
@given(instants, st.integers(min_value=0, max_value=30))
def test_working_days_land_on_working_days_and_increase(start: datetime, n: int) -> None:
    result = add_working_days(start, n)
    following = add_working_days(start, n + 1)
    assert start <= result < following
    local_start = to_local(start)
    if is_working_day(local_start.date()):
        local_result = to_local(result)
        assert is_working_day(local_result.date())
        assert is_working_day(to_local(following).date())
        # Same wall time (UK clock changes fall on Sundays, never a working day).
        assert local_result.time() == local_start.time()
    else:
        assert to_local(result).time() == time(0, 0)


@PROPERTY
@given(instants, st.integers(min_value=1, max_value=30))
def test_working_days_count_matches_the_calendar(start: datetime, n: int) -> None:
    local_start = to_local(start).date()
    assume(is_working_day(local_start))
    end = to_local(add_working_days(start, n)).date()
    days = (end - local_start).days
    counted = sum(is_working_day(local_start + timedelta(days=i)) for i in range(1, days + 1))
    assert counted == n


@PROPERTY
@given(instants, instants)
def test_time_left_plus_now_is_the_deadline(deadline: datetime, now: datetime) -> None:
    left = time_left(deadline, now)
    assert now + left == deadline
    assert hours_between(now, deadline) == pytest.approx(left / timedelta(hours=1))


@PROPERTY
@given(instants, instants, st.floats(min_value=0, max_value=48))
def test_clock_state_agrees_with_time_left(
    deadline: datetime, now: datetime, warning_hours: float
) -> None:
    state = clock_state(deadline, now, warning_hours)
    left = time_left(deadline, now)
    assert (state is ClockState.BREACHED) == (left < timedelta(0))
    assert (state is ClockState.WITHIN) == (left > timedelta(hours=warning_hours))
    stopped = clock_state(deadline, now, warning_hours, stopped_at=now)
    assert stopped is (ClockState.BREACHED if left < timedelta(0) else ClockState.STOPPED)


@PROPERTY
@given(instants, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)), policies)
def test_within_target_matches_target_deadline(
    received: datetime, taken: timedelta, policy: DeadlinePolicy
) -> None:
    decided = received + taken
    assert within_target(received, decided, policy) == (
        decided <= target_deadline(received, policy)
    )
    assert within_target(received, decided, policy) == (
        taken <= timedelta(hours=policy.target_hours)
    )


@pytest.mark.parametrize(
    ("stopped_after", "cell", "long"),
    [
        (timedelta(hours=1, minutes=22, seconds=28), "done 22h 37m", "with 22h 37m 32s to spare"),
        (timedelta(hours=25), "LATE by 1h 00m", "1h 00m 00s after its deadline"),
        (None, "ok   23h 00m", "23h 00m 00s left (on time)"),
    ],
)
def test_countdown_words_for_running_and_authorised_contacts(
    stopped_after: timedelta | None, cell: str, long: str
) -> None:
    """An authorised contact says how its clock ended, never a time 'left'."""
    from mash_tui.uistate import countdown

    received = datetime(2026, 11, 17, 10, tzinfo=UTC)
    deadline = received + timedelta(hours=24)
    now = received + timedelta(hours=1)
    stopped = received + stopped_after if stopped_after is not None else None
    shown = countdown(deadline, now, 4, stopped)
    assert (shown.cell, shown.long) == (cell, long)


@pytest.mark.parametrize(
    ("left", "cell", "long"),
    [
        # One form for a passed deadline, never a negative time "left".
        (
            -timedelta(hours=6, minutes=38, seconds=5),
            "LATE by 6h 38m",
            "by 6h 38m 05s (deadline passed)",
        ),
        (-timedelta(seconds=20), "LATE by <1m", "by 0h 00m 20s (deadline passed)"),
        # The list and the header truncate alike: 00:02:06 left is 2 minutes in both.
        (timedelta(minutes=2, seconds=6), "SOON 0h 02m", "0h 02m 06s left (deadline near)"),
        (timedelta(seconds=59), "SOON <1m", "0h 00m 59s left (deadline near)"),
    ],
)
def test_countdown_reads_the_same_in_lists_and_headers(
    left: timedelta, cell: str, long: str
) -> None:
    from mash_tui.uistate import countdown

    now = datetime(2026, 11, 17, 10, 0, 30, tzinfo=UTC)
    shown = countdown(now + left, now, 4)
    assert (shown.cell, shown.long) == (cell, long)
