"""Provides the weekly trend: a few figures for each of the last twelve weeks.

Each point equals that week's own summary (a test holds them together): received and
decided use the week's own conditions, and "open past deadline" uses the same two
indexed halves as the report's open figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mash_tui.domain.weeks import IsoWeek
from mash_tui.queries.conditions import (
    OpenTail,
    WeekConditions,
    counted_if,
    report_time,
)
from mash_tui.queries.figures import figure_condition, percent

if TYPE_CHECKING:
    from mash_tui.services import Services

__all__ = ["TREND_WEEKS", "TrendPoint", "trend"]

TREND_WEEKS = 12


@dataclass(frozen=True)
class TrendPoint:
    """One week of the trend."""

    week: str
    received: int
    decided: int
    decided_within_target: int
    breached_deadline: int
    open_past_deadline: int

    @property
    def within_target_percent(self) -> float | None:
        return percent(self.decided_within_target, self.decided)


def _span(week: IsoWeek, weeks: int) -> list[IsoWeek]:
    return [week.shift(offset) for offset in range(-(weeks - 1), 1)]


def trend(
    services: Services,
    week: IsoWeek | str,
    *,
    weeks: int = TREND_WEEKS,
    as_at: datetime | None = None,
    tail: OpenTail | None = None,
) -> list[TrendPoint]:
    """The last `weeks` weeks up to and including `week`: small range counts per week, one scan."""
    from sqlalchemy import select

    week = IsoWeek.of(week)
    now = report_time(services, as_at)
    span = _span(week, weeks)
    qs = [WeekConditions.of(services, w, now) for w in span]
    last = qs[-1]
    received: list[int] = []
    decided: list[tuple[int, int, int]] = []
    with services.engine.connect() as conn:
        # Each week's own decided range, with its received range as a subquery, so each
        # count reads one week of an index.
        for q in qs:
            row = conn.execute(
                select(
                    select(counted_if(None)).where(q.received).scalar_subquery(),
                    counted_if(None),
                    counted_if(q.within_target),
                    counted_if(q.breached),
                ).where(q.decided)
            ).one()
            n, d, w, b = (int(value or 0) for value in row)
            received.append(n)
            decided.append((d, w, b))
        # Open past deadline at each week's end: the contacts open at any of the cuts,
        # read once, each week counted by the figure's own whole condition.
        conditions = [figure_condition(q, "open_past_deadline") for q in qs]
        open_past = last.count_open(conn, [q.cut for q in qs], conditions, tail)
    return [
        TrendPoint(
            week=w.label,
            received=received[i],
            decided=decided[i][0],
            decided_within_target=decided[i][1],
            breached_deadline=decided[i][2],
            open_past_deadline=open_past[i],
        )
        for i, w in enumerate(span)
    ]
