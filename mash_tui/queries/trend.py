"""Provides the weekly trend: a few figures for each of the last twelve weeks, in three queries.

Each point equals that week's own summary (a test holds them together): the weeks are
bucketed by the same instants, and "open past deadline" uses the same two indexed
halves as the report's open figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mash_tui.queries.conditions import (
    FAR_FUTURE,
    WeekConditions,
    counted_if,
    is_open_flag,
    report_time,
)
from mash_tui.queries.figures import percent
from mash_tui.queries.weeks import IsoWeek

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
    """The last `weeks` weeks up to and including `week`, in three bucketed queries."""
    from sqlalchemy import and_, case, literal, select

    week = IsoWeek.of(week)
    now = report_time(services, as_at)
    span = [week.shift(offset) for offset in range(-(weeks - 1), 1)]
    qs = [WeekConditions.of(services, w, now) for w in span]
    first, last = qs[0], qs[-1]
    c = first.t.c

    def bucket(column: Any) -> Any:
        return case(
            *((column < q.cut, literal(index)) for index, q in enumerate(qs)),
            else_=literal(-1),
        )

    received = [0] * weeks
    decided = [0] * weeks
    within = [0] * weeks
    breached = [0] * weeks
    open_past = [0] * weeks
    with services.engine.connect() as conn:
        stmt = (
            select(bucket(c.received_at).label("b"), counted_if(None))
            .where(c.received_at >= first.start, c.received_at < last.cut)
            .group_by("b")
        )
        for index, n in conn.execute(stmt):
            if index >= 0:
                received[index] = int(n)
        stmt = (
            select(
                bucket(c.authorised_at).label("b"),
                counted_if(None),
                counted_if(first.within_target),
                counted_if(first.breached),
            )
            .where(
                c.authorised_at.is_not(None),
                c.authorised_at >= first.start,
                c.authorised_at < last.cut,
            )
            .group_by("b")
        )
        for index, n, w, b in conn.execute(stmt):
            if index >= 0:
                decided[index] = int(n)
                within[index] = int(w)
                breached[index] = int(b)
        # Open past deadline at each week's end, through the same two indexed halves. Within
        # a half the condition is simpler than the figure's (the half already says whether
        # the contact is open), and a contact authorised later counts only if it was
        # overdue then, so only rows authorised after their deadline are examined.
        open_columns = [counted_if(and_(c.received_at < q.cut, c.deadline_at < q.cut)) for q in qs]
        row = conn.execute(
            select(*open_columns).where(
                is_open_flag(first.t, True), c.received_at < last.cut, c.deadline_at < last.cut
            )
        ).one()
        for index in range(weeks):
            open_past[index] += int(row[index] or 0)
        closed_columns = [
            counted_if(and_(c.received_at < q.cut, c.authorised_at >= q.cut, c.deadline_at < q.cut))
            for q in qs
        ]
        row = conn.execute(
            select(*closed_columns).where(
                c.authorised_at >= first.cut,
                c.authorised_at < FAR_FUTURE,
                c.authorised_at > c.deadline_at,
                c.received_at < last.cut,
            )
        ).one()
        for index in range(weeks):
            open_past[index] += int(row[index] or 0)
    return [
        TrendPoint(
            week=w.label,
            received=received[i],
            decided=decided[i],
            decided_within_target=within[i],
            breached_deadline=breached[i],
            open_past_deadline=open_past[i],
        )
        for i, w in enumerate(span)
    ]
