"""Time for the whole app: one injectable clock, UTC storage and Europe/London display and input.

Instants are stored as timezone-aware UTC; people read and type Europe/London wall time.
Every conversion between the two goes through this module so that the BST/GMT changes
are handled in one place (see design.md, "Time").
"""

from __future__ import annotations

import re
from datetime import UTC as _UTC
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from mash_tui.domain.normal import ascii_digits

__all__ = [
    "LONDON",
    "UTC",
    "Clock",
    "FrozenClock",
    "SystemClock",
    "ensure_utc",
    "format_duration",
    "format_hms",
    "format_left",
    "format_local",
    "format_span",
    "local_date",
    "local_to_utc",
    "parse_local",
    "to_local",
]

LONDON = ZoneInfo("Europe/London")
UTC = _UTC

INPUT_FORMAT = "dd/mm/yyyy HH:MM"
_EXAMPLE = "29/03/2026 14:30"


@runtime_checkable
class Clock(Protocol):
    """Anything that says what time it is, so code can be tested with a frozen clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    """The real wall clock, used by the running app."""

    def now(self) -> datetime:
        """The current instant from the operating system, in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FrozenClock:
    """A clock that only moves when told to, so tests and demos are deterministic."""

    def __init__(self, at: datetime) -> None:
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        """The frozen instant, in UTC."""
        return self._at

    def set(self, at: datetime) -> None:
        """Jump to another instant (which must be timezone-aware)."""
        self._at = ensure_utc(at)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> None:
        """Move forward (or back, if negative) by `delta` and/or timedelta keywords like hours=2."""
        if delta is None and not kwargs:
            raise ValueError("advance() needs a timedelta or a keyword such as hours=2")
        step = delta if delta is not None else timedelta()
        if kwargs:
            step += timedelta(**kwargs)
        self._at = self._at + step

    def __repr__(self) -> str:
        return f"FrozenClock({self._at.isoformat()})"


def _is_aware(dt: datetime) -> bool:
    """Whether the datetime pins down an instant (has a zone that gives an offset)."""
    return dt.tzinfo is not None and dt.utcoffset() is not None


def ensure_utc(dt: datetime) -> datetime:
    """Convert an aware datetime to UTC, refusing naive ones because their instant is unknown."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if not _is_aware(dt):
        raise ValueError(f"The date and time {dt.isoformat(sep=' ')} must include a time zone")
    return dt.astimezone(UTC)


def to_local(dt: datetime) -> datetime:
    """The same instant as an aware Europe/London datetime, for showing to people."""
    return ensure_utc(dt).astimezone(LONDON)


def _wall(naive: datetime) -> str:
    """A wall time as people write it, e.g. '01:30 on 29/03/2026'."""
    return f"{naive:%H:%M} on {naive:%d/%m/%Y}"


def local_to_utc(naive_local: datetime) -> datetime:
    """Turn a Europe/London wall time into a UTC instant, refusing times the March change skips.

    A wall time in the repeated October hour is taken as its first (BST) occurrence
    (fold=0). An aware datetime is already an instant and is simply converted to UTC.
    """
    if _is_aware(naive_local):
        return ensure_utc(naive_local)
    local = naive_local.replace(tzinfo=LONDON, fold=0)
    try:
        instant = local.astimezone(UTC)
        back = instant.astimezone(LONDON).replace(tzinfo=None)
    except OverflowError as exc:
        raise ValueError(f"{_wall(naive_local)} is out of range") from exc
    if back != naive_local.replace(tzinfo=None, fold=0):
        raise ValueError(f"{_wall(naive_local)} does not exist in UK time (clocks go forward)")
    return instant


def format_local(dt: datetime | None, with_seconds: bool = False) -> str:
    """Show an instant as 'dd/mm/yyyy HH:MM' (or with ':SS') in UK time; '' for no value."""
    if dt is None:
        return ""
    local = to_local(dt)
    return local.strftime("%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M")


_DMY = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def _shown(text: str) -> str:
    """Quote user input safely on one line, shortened if very long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_local(text: str) -> datetime:
    """Read a UK date and time typed by a person and return the UTC instant.

    Accepted: 'dd/mm/yyyy HH:MM', 'dd/mm/yyyy HH:MM:SS', 'dd/mm/yyyy' (midnight),
    'yyyy-mm-dd HH:MM[:SS]', 'yyyy-mm-ddTHH:MM[:SS]' and 'yyyy-mm-dd'. The year must have
    four digits (so '01/03/26' is refused rather than read as the year 26). An ISO
    timestamp with an explicit offset (e.g. '2026-03-29T12:00:00+00:00') is also accepted
    as that instant. Bad input raises ValueError with a one-line message.
    """
    cleaned = ascii_digits(text).strip()
    if not cleaned:
        raise ValueError(f"Enter a date and time as {INPUT_FORMAT}, for example {_EXAMPLE}")
    match = _DMY.fullmatch(cleaned) or _ISO.fullmatch(cleaned)
    if match is None:
        try:
            parsed = datetime.fromisoformat(cleaned)
        except ValueError:
            pass
        else:
            if _is_aware(parsed):
                _check_year(parsed.year, cleaned)
                try:
                    return ensure_utc(parsed)
                except OverflowError:
                    raise OutOfRange(_out_of_range(cleaned)) from None
        raise ValueError(
            f"{_shown(cleaned)} is not a date and time: use {INPUT_FORMAT}, for example {_EXAMPLE}"
        )
    parts = match.groupdict()
    _check_year(int(parts["y"]), cleaned)
    try:
        naive = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError as exc:
        raise ValueError(
            f"{_shown(cleaned)} is not a real date and time ({exc}): use {INPUT_FORMAT}"
        ) from exc
    return local_to_utc(naive)


# The years an instant or a date may be in: wide enough for any person's record, narrow
# enough that every deadline and age worked out from it is a date the clock can hold.
MIN_YEAR = 1900
MAX_YEAR = 9998


def _out_of_range(cleaned: str) -> str:
    return f"{_shown(cleaned)} is out of range: use a year from {MIN_YEAR} to {MAX_YEAR}"


class OutOfRange(ValueError):
    """A real date, but in a year mash-tui does not record."""


def _check_year(year: int, cleaned: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfRange(_out_of_range(cleaned))


def _split(delta: timedelta) -> tuple[str, int]:
    """The sign ('-' if negative at all) and the whole seconds of the size, truncated."""
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    sign = "-" if micros < 0 else ""
    return sign, abs(micros) // 1_000_000


def format_duration(delta: timedelta) -> str:
    """Show time left or taken compactly: '3h 05m', '-1h 20m' when overdue, '4d 06h' from 100h.

    The size is truncated towards zero to whole minutes (or whole hours from 100 hours up,
    shown as days and hours). Any negative duration, however small, keeps its '-' so an
    overdue contact never reads as on time ('-0h 00m').
    """
    sign, seconds = _split(delta)
    minutes_total = seconds // 60
    hours, minutes = divmod(minutes_total, 60)
    if hours < 100:
        return f"{sign}{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{sign}{days}d {hours:02d}h"


def format_span(delta: timedelta, *, seconds: bool = False) -> str:
    """A length of time, unsigned: '6h 38m' (or '6h 38m 05s'), '4d 06h' from 100 hours.

    Truncated towards zero, like every other duration here, so a list and a contact's
    header showing the same clock never disagree; under a minute without seconds is '<1m'.
    """
    _sign, total = _split(delta)
    minutes_total, secs = divmod(total, 60)
    hours, minutes = divmod(minutes_total, 60)
    if hours >= 100:
        days, hours = divmod(hours, 24)
        return f"{days}d {hours:02d}h"
    if seconds:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return "<1m" if minutes_total == 0 else f"{hours}h {minutes:02d}m"


def format_left(delta: timedelta, *, seconds: bool = False) -> str:
    """Time left on a clock, the one wording every screen uses: '5h 23m', 'by 6h 38m' once past."""
    span = format_span(delta, seconds=seconds)
    return f"by {span}" if _split(delta)[0] else span


def format_hms(delta: timedelta) -> str:
    """Show a live countdown as 'HH:MM:SS' ('-00:00:05' when overdue).

    The size is truncated towards zero to whole seconds and any negative duration keeps
    its '-', matching format_duration. Hours are at least two digits and may exceed 99.
    """
    sign, seconds = _split(delta)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"


def local_date(dt: datetime) -> date:
    """The Europe/London calendar date of an instant (for grouping by day or week)."""
    return to_local(dt).date()


def check_report_year(year: int, shown: str) -> None:
    """Refuse a report period outside the years a MASH could hold, before date arithmetic
    (twelve weeks back, the day after) runs off the calendar's ends."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"'{shown}' is out of range: use a year from {MIN_YEAR} to {MAX_YEAR}")


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_day(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); empty means no date, anything else a ValueError."""
    cleaned = ascii_digits(text).strip()
    if not cleaned:
        return None
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        _check_year(day.year, cleaned)
        return day
    raise ValueError(f"{_shown(cleaned)} is not a date: use dd/mm/yyyy, for example 03/09/2019")
