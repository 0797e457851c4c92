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
    WeekConditions,
    counted_if,
    report_time,
)
from mash_tui.queries.figures import percent

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


def trend(
    services: Services,
    week: IsoWeek | str,
    *,
    weeks: int = TREND_WEEKS,
    as_at: datetime | None = None,
) -> list[TrendPoint]:
    """The last `weeks` weeks up to and including `week`: small range counts per week, one scan."""
    from sqlalchemy import and_, select

    week = IsoWeek.of(week)
    now = report_time(services, as_at)
    span = [week.shift(offset) for offset in range(-(weeks - 1), 1)]
    qs = [WeekConditions.of(services, w, now) for w in span]
    first, last = qs[0], qs[-1]
    c = first.t.c
    received: list[int] = []
    decided: list[tuple[int, int, int]] = []
    open_past = [0] * weeks
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
        # Open past deadline at each week's end, through the two indexed halves. Within a
        # half the condition is simpler than the figure's (the half already says whether
        # the contact is open), and a contact authorised later counts only if it was
        # overdue then, so only rows authorised after their deadline are examined.
        opened, closed = first.open_halves(first.cut, last.cut)
        open_columns = [counted_if(and_(c.received_at < q.cut, c.deadline_at < q.cut)) for q in qs]
        closed_columns = [
            counted_if(and_(c.received_at < q.cut, c.authorised_at >= q.cut, c.deadline_at < q.cut))
            for q in qs
        ]
        for half, columns, extra in (
            (opened, open_columns, c.deadline_at < last.cut),
            (closed, closed_columns, c.authorised_at > c.deadline_at),
        ):
            row = conn.execute(select(*columns).where(half, extra)).one()
            for index in range(weeks):
                open_past[index] += int(row[index] or 0)
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
