"""Provides the contacts behind any weekly figure, found by the very condition that counts it.

A contact is listed by reference and times, never by name; a drill-down run later
with the report's ``as_at`` lists exactly the contacts the report counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mash_tui.domain.weeks import IsoWeek
from mash_tui.queries.conditions import WeekConditions, report_time
from mash_tui.queries.figures import Scope, condition_of, figure_condition

if TYPE_CHECKING:
    from mash_tui.queries.weekly import WeeklySummary
    from mash_tui.services import Services

__all__ = ["ContactRef", "drilldown", "figure_keys"]


@dataclass(frozen=True)
class ContactRef:
    """A contact behind a figure: its reference and times, never a name."""

    id: int
    reference: str
    state: str
    priority: str
    received_at: datetime
    deadline_at: datetime
    authorised_at: datetime | None


def figure_keys(summary: WeeklySummary) -> list[str]:
    """Every key the report can drill into, in report order."""
    keys = list(summary.figures)
    for rows in summary.splits.values():
        for row in rows:
            keys += [row.key, f"{row.key}.within_target", f"{row.key}.breached_deadline"]
    return keys


def drilldown(
    services: Services,
    week: IsoWeek | str,
    figure_key: str,
    *,
    as_at: datetime | None = None,
) -> list[ContactRef]:
    """The contacts behind one figure (by reference, never by name), oldest receipt first."""
    from sqlalchemy import and_, select

    q = WeekConditions.of(services, IsoWeek.of(week), report_time(services, as_at))
    scope, _ = condition_of(q, figure_key)
    condition = figure_condition(q, figure_key)
    c = q.t.c
    columns = (
        c.id,
        c.reference,
        c.state,
        c.priority,
        c.received_at,
        c.deadline_at,
        c.authorised_at,
    )
    if scope is Scope.OPEN_AT_START:
        condition = and_(q.open_rows([q.start]), condition)
    elif scope is Scope.OPEN_AT_END:
        condition = and_(q.open_rows([q.cut]), condition)
    with services.engine.connect() as conn:
        refs = [ContactRef(*row) for row in conn.execute(select(*columns).where(condition))]
    refs.sort(key=lambda ref: (ref.received_at, ref.id))
    return refs
