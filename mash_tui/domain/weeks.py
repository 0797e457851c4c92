"""Provides the ISO week every weekly figure is counted over, with its exact UTC bounds.

A week is Monday 00:00 to Sunday 24:00 Europe/London, so a week with a clock change
has 167 or 169 hours; the bounds are the two UTC instants ``start`` and ``end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from mash_tui.domain.clock import LONDON, UTC, check_report_year, to_local

__all__ = ["IsoWeek"]

_WEEK_RE = re.compile(r"(\d{4})-?[Ww](\d{1,2})")


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO week, Monday to Sunday in Europe/London, with its exact UTC bounds."""

    year: int
    week: int

    def __post_init__(self) -> None:
        check_report_year(self.year, f"{self.year:04d}-W{self.week:02d}")
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(
                f"'{self.year}-W{self.week:02d}' is not an ISO week: {self.year} has "
                f"{_weeks_in(self.year)} weeks (use YYYY-Www, e.g. 2026-W47)"
            ) from None

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Read '2026-W47' (or '2026W47', any case), refusing anything that is not a real week."""
        match = _WEEK_RE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"'{text.strip()}' is not an ISO week: use YYYY-Www, e.g. 2026-W47")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, week: IsoWeek | str) -> IsoWeek:
        """A week given either as an IsoWeek or as text, so every query takes both."""
        return cls.parse(week) if isinstance(week, str) else week

    @classmethod
    def containing(cls, instant: datetime) -> IsoWeek:
        """The week an instant falls in, by its Europe/London calendar date."""
        year, week, _ = to_local(instant).date().isocalendar()
        return cls(year, week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        """Monday 00:00 in London, as a UTC instant."""
        return _local_midnight(self.monday)

    @property
    def end(self) -> datetime:
        """The following Monday 00:00 in London (Sunday 24:00), as a UTC instant."""
        return _local_midnight(self.monday + timedelta(days=7))

    @property
    def hours(self) -> float:
        """Elapsed hours in the week: 168, or 167/169 in a week with a clock change."""
        return (self.end - self.start) / timedelta(hours=1)

    def shift(self, weeks: int) -> IsoWeek:
        """The week `weeks` later (or earlier, if negative)."""
        year, week, _ = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(year, week)

    def __str__(self) -> str:
        return self.label


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)
