"""Deadlines for contacts: RAG timescales, England working days and the state of each clock.

Hour timescales are elapsed time (UTC arithmetic, so correct across the BST/GMT
changes). Working-day timescales skip weekends and bank holidays in Europe/London local
time. The clock starts when the contact was received and stops when the decision is
authorised (see design.md, "Time").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

from mash_tui.domain.clock import LONDON, UTC, ensure_utc, to_local

__all__ = [
    "ClockState",
    "DeadlinePolicy",
    "Priority",
    "Timescale",
    "add_working_days",
    "bank_holidays",
    "clock_state",
    "deadline_for",
    "hours_between",
    "is_working_day",
    "next_working_day",
    "target_deadline",
    "time_left",
    "within_target",
]


class Priority(StrEnum):
    """The RAG rating a screener gives a contact, which sets how soon it must be decided."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def parse(cls, value: Priority | str) -> Priority:
        """Read a priority case-insensitively ('Red', ' amber '), refusing anything else."""
        if isinstance(value, Priority):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(p.value for p in cls)
            raise ValueError(f"Unknown priority {value!r}: use one of {allowed}") from None


# The longest timescales a council may set (ten years), far beyond any real one but
# short enough that every deadline stays a date the clock can show.
MAX_HOURS = 24 * 3653
MAX_WORKING_DAYS = 2600

_TIMESCALE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>h|hrs?|hours?|wd|working\s+days?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Timescale:
    """How long a contact may take: elapsed hours or a number of England working days."""

    hours: float | None = None
    working_days: int | None = None

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("A timescale needs exactly one of hours or working days")
        if self.hours is not None:
            if isinstance(self.hours, bool) or not isinstance(self.hours, int | float):
                raise ValueError(f"Timescale hours must be a number, not {self.hours!r}")
            if not math.isfinite(self.hours) or self.hours <= 0:
                raise ValueError(f"Timescale hours must be more than 0, not {self.hours!r}")
            if self.hours > MAX_HOURS:
                raise ValueError(f"Timescale hours must be at most {MAX_HOURS} (ten years)")
        if self.working_days is not None:
            if isinstance(self.working_days, bool) or not isinstance(self.working_days, int):
                raise ValueError(
                    f"Timescale working days must be a whole number, not {self.working_days!r}"
                )
            if self.working_days <= 0:
                raise ValueError(
                    f"Timescale working days must be 1 or more, not {self.working_days!r}"
                )
            if self.working_days > MAX_WORKING_DAYS:
                raise ValueError(
                    f"Timescale working days must be at most {MAX_WORKING_DAYS} (ten years)"
                )

    @classmethod
    def parse(cls, value: object) -> Timescale:
        """Read a timescale from settings: '4h', '24 hours', '1wd', '3 working days' or hours."""
        if isinstance(value, Timescale):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls(hours=value)
        if isinstance(value, str):
            match = _TIMESCALE.fullmatch(value.strip())
            if match is not None:
                number, unit = match["n"], match["unit"].lower()
                if unit.startswith("h"):
                    return cls(hours=float(number))
                if "." in number:
                    raise ValueError(f"Timescale {value!r}: working days must be a whole number")
                return cls(working_days=int(number))
        raise ValueError(
            f"Timescale {value!r} not understood: use hours like '4h' or working days like '3wd'"
        )

    def code(self) -> str:
        """The short settings form, '4h' or '3wd', which Timescale.parse reads back."""
        if self.working_days is not None:
            return f"{self.working_days}wd"
        return f"{_number(self.hours)}h"

    def describe(self) -> str:
        """The timescale in words for people: '4 hours', '1 working day', '3 working days'."""
        if self.working_days is not None:
            unit = "working day" if self.working_days == 1 else "working days"
            return f"{self.working_days} {unit}"
        unit = "hour" if self.hours == 1 else "hours"
        return f"{_number(self.hours)} {unit}"


def _number(value: float | None) -> str:
    """A number without a pointless '.0' (4.0 -> '4', 1.5 -> '1.5')."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class DeadlinePolicy:
    """A council's timescales per RAG priority, its all-contacts target and the warning window."""

    red: Timescale = Timescale(hours=4)
    amber: Timescale = Timescale(hours=24)
    green: Timescale = Timescale(hours=24)
    target_hours: float = 24.0
    warning_hours: float = 4.0

    def __post_init__(self) -> None:
        for priority in Priority:
            if not isinstance(getattr(self, priority.value), Timescale):
                raise ValueError(f"The {priority.value} timescale must be a Timescale")
        for name in ("target_hours", "warning_hours"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number of hours, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be 0 or more, not {value!r}")
            if value > MAX_HOURS:
                raise ValueError(f"{name} must be at most {MAX_HOURS} hours (ten years)")
        if self.target_hours == 0:
            raise ValueError("target_hours must be more than 0")

    def timescale(self, priority: Priority | str) -> Timescale:
        """The timescale that applies to a contact of this priority."""
        timescale: Timescale = getattr(self, Priority.parse(priority).value)
        return timescale

    @classmethod
    def from_mapping(cls, d: Mapping[str, object]) -> DeadlinePolicy:
        """Build a policy from settings such as {'red': '4h', 'green': '3wd', 'warning_hours': 2}.

        Missing keys keep their defaults; unknown keys are refused so a typo is not
        silently ignored.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in d if k not in known)
        if unknown:
            raise ValueError(
                f"Unknown deadline setting(s) {', '.join(unknown)}: "
                f"use {', '.join(f.name for f in fields(cls))}"
            )
        kwargs: dict[str, object] = {}
        for priority in Priority:
            if priority.value in d:
                try:
                    kwargs[priority.value] = Timescale.parse(d[priority.value])
                except ValueError as exc:
                    raise ValueError(f"Deadline setting {priority.value}: {exc}") from None
        for name in ("target_hours", "warning_hours"):
            if name in d:
                kwargs[name] = _hours_setting(name, d[name])
        return cls(**kwargs)  # type: ignore[arg-type]

    def to_mapping(self) -> dict[str, object]:
        """The settings form that from_mapping reads back."""
        return {
            "red": self.red.code(),
            "amber": self.amber.code(),
            "green": self.green.code(),
            "target_hours": self.target_hours,
            "warning_hours": self.warning_hours,
        }


def _hours_setting(name: str, value: object) -> float:
    """Read a plain number of hours from settings ('2', 2, 2.5 or '2h')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("hours").removesuffix("h").strip()
        try:
            return float(text)
        except ValueError:
            pass
    raise ValueError(f"Deadline setting {name}: {value!r} is not a number of hours")


# --- Working days -----------------------------------------------------------------------


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    """England bank holidays in a year, from the `holidays` package (cached per year).

    England (subdiv "ENG") is used for "England and Wales working days": the two share
    every bank holiday (Scotland and Northern Ireland differ). One-off holidays such as
    the 2022 state funeral are included as the package knows them. `holidays` is
    imported here, on first use, because importing it costs tens of milliseconds.
    """
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """Whether a calendar day is an England and Wales working day (not a weekend or bank holiday).

    Pass a date, not a datetime: which day an instant falls on depends on the time zone,
    so use `to_local(dt).date()` first.
    """
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date; use to_local(dt).date() for an instant")
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def _london_wall_to_utc(day: date, wall: time) -> datetime:
    """A London wall time on a day as UTC; a time in the March gap comes out an hour later.

    fold=0 gives a skipped wall time the pre-change (GMT) offset, so e.g. 01:30 on the
    spring-forward day becomes 01:30 UTC, which is 02:30 BST. UK changes happen on
    Sundays, which are never working days, so working-day deadlines do not meet this.
    """
    return datetime.combine(day, wall.replace(fold=0), tzinfo=LONDON).astimezone(UTC)


def add_working_days(start: datetime, n: int) -> datetime:
    """The instant `n` England working days after `start`, counted in Europe/London time.

    If the local date of `start` is a working day, the result is the same local wall time
    on the n-th following working day (Friday 15:00 + 1 -> Monday 15:00). If it is not
    (weekend or bank holiday), the clock is treated as starting at 00:00 on the next
    working day, so the result is 00:00 local at the start of the day after the n-th
    working day counted from and including that day (Saturday + 1 -> Tuesday 00:00, the
    end of Monday). n = 0 returns `start`, or 00:00 of the next working day. A wall time
    that does not exist on the result day (DST gap) is normalised through UTC (an hour
    later); this cannot happen under current UK rules. Returns aware UTC.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"working days must be a whole number, not {n!r}")
    if n < 0:
        raise ValueError(f"working days must be 0 or more, not {n}")
    local = to_local(start)
    day = local.date()
    if is_working_day(day):
        for _ in range(n):
            day = next_working_day(day)
        if day == local.date():
            return ensure_utc(start)
        return _london_wall_to_utc(day, local.time())
    day = next_working_day(day)
    if n == 0:
        return _london_wall_to_utc(day, time(0, 0))
    for _ in range(n - 1):
        day = next_working_day(day)
    return _london_wall_to_utc(day + timedelta(days=1), time(0, 0))


# --- Deadlines and clocks ---------------------------------------------------------------


def deadline_for(
    received_at: datetime, priority: Priority | str, policy: DeadlinePolicy
) -> datetime:
    """When a contact of this priority must be decided by, in UTC.

    Hour timescales are elapsed time from `received_at`; working-day timescales use
    add_working_days.
    """
    timescale = policy.timescale(priority)
    if timescale.working_days is not None:
        return add_working_days(received_at, timescale.working_days)
    assert timescale.hours is not None
    return ensure_utc(received_at) + timedelta(hours=timescale.hours)


def target_deadline(received_at: datetime, policy: DeadlinePolicy) -> datetime:
    """When the all-contacts target (24 hours by default) runs out, in UTC."""
    return ensure_utc(received_at) + timedelta(hours=policy.target_hours)


def time_left(deadline: datetime, now: datetime) -> timedelta:
    """How long until the deadline; negative once it has passed."""
    return ensure_utc(deadline) - ensure_utc(now)


def hours_between(start: datetime, end: datetime) -> float:
    """Elapsed hours from start to end (negative if end is earlier), in real time not wall time."""
    return (ensure_utc(end) - ensure_utc(start)) / timedelta(hours=1)


class ClockState(StrEnum):
    """Where a contact stands against its deadline, for colouring lists and counting breaches."""

    WITHIN = "within"
    WARNING = "warning"
    BREACHED = "breached"
    STOPPED = "stopped"


def clock_state(
    deadline: datetime,
    now: datetime,
    warning_hours: float,
    stopped_at: datetime | None = None,
) -> ClockState:
    """Classify a contact's clock: running (within, warning, breached) or stopped.

    Once authorised (`stopped_at` set) it is STOPPED if decided on or before the deadline
    and BREACHED if after. While running it is BREACHED after the deadline, WARNING
    within `warning_hours` of it (the deadline instant itself still counts as on time),
    and WITHIN otherwise.
    """
    if warning_hours < 0:
        raise ValueError(f"warning_hours must be 0 or more, not {warning_hours!r}")
    due = ensure_utc(deadline)
    if stopped_at is not None:
        return ClockState.STOPPED if ensure_utc(stopped_at) <= due else ClockState.BREACHED
    left = due - ensure_utc(now)
    if left < timedelta(0):
        return ClockState.BREACHED
    if left <= timedelta(hours=warning_hours):
        return ClockState.WARNING
    return ClockState.WITHIN


def within_target(received_at: datetime, decided_at: datetime, policy: DeadlinePolicy) -> bool:
    """Whether a decision met the all-contacts target (elapsed time at most target_hours)."""
    return ensure_utc(decided_at) <= target_deadline(received_at, policy)
