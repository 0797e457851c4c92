"""Provides the weekly timeliness report for managers and inspectors, aggregated in SQL.

Every figure comes from the registry in ``figures.py`` and is counted with the same
condition the drill-down lists its contacts by, so a figure and its drill-down can
never disagree. The definitions are in ``conditions.py`` and, for people, in
docs/reports.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import format_local
from mash_tui.domain.weeks import IsoWeek
from mash_tui.queries.conditions import (
    OpenTail,
    WeekConditions,
    as_stored,
    counted_if,
    instant,
    report_time,
)
from mash_tui.queries.figures import (
    FIGURES,
    FIGURES_BY_KEY,
    SPLITS,
    Scope,
    condition_of,
    figure_condition,
    percent,
    scope_condition,
    split_label,
    split_sort_key,
)
from mash_tui.queries.trend import TrendPoint, trend

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from mash_tui.services import Services

__all__ = [
    "Figure",
    "IsoWeek",
    "LateContact",
    "SplitRow",
    "TrendPoint",
    "WeeklySummary",
    "count_figures",
    "percentile",
    "weekly_summary",
]


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class Figure:
    """One counted figure: how many, out of which other figure, and what that is in percent."""

    key: str
    label: str
    count: int
    of: str | None = None
    percent: float | None = None


@dataclass(frozen=True)
class SplitRow:
    """Decided contacts sharing one value of a split (next step, level, source or RAG)."""

    dimension: str
    code: str
    label: str
    decided: int
    within_target: int
    breached_deadline: int

    @property
    def key(self) -> str:
        return f"by_{self.dimension}.{self.code}"

    @property
    def within_target_percent(self) -> float | None:
        return percent(self.within_target, self.decided)


@dataclass(frozen=True)
class LateContact:
    """A contact decided over the target or past its deadline, or still open past it."""

    id: int
    reference: str
    priority: str
    status: str  # "decided" or "open"
    received_at: datetime
    deadline_at: datetime
    authorised_at: datetime | None
    hours_taken: float
    hours_past_deadline: float
    over_target: bool
    breached_deadline: bool


@dataclass
class WeeklySummary:
    """Every weekly timeliness figure for one ISO week, with the definitions it was built on."""

    week: IsoWeek
    as_at: datetime
    target_hours: float
    figures: dict[str, Figure]
    median_hours: float | None
    p90_hours: float | None
    splits: dict[str, list[SplitRow]]
    late: list[LateContact]
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether the week is over, so its figures no longer change as contacts move."""
        return self.as_at >= self.week.end

    @property
    def is_empty(self) -> bool:
        """Nothing received and nothing decided: there is nothing to report."""
        return self.count("received") == 0 and self.count("decided") == 0

    def count(self, key: str) -> int:
        return self.figure(key).count

    def figure(self, key: str) -> Figure:
        """A figure by key, including split rows such as 'by_source.2A.within_target'."""
        if key in self.figures:
            return self.figures[key]
        for rows in self.splits.values():
            for row in rows:
                title = SPLITS[row.dimension].title
                if key == row.key:
                    return Figure(key, f"{title}: {row.label}", row.decided)
                if key == f"{row.key}.within_target":
                    return Figure(
                        key,
                        f"{title}: {row.label}, within target",
                        row.within_target,
                        row.key,
                        row.within_target_percent,
                    )
                if key == f"{row.key}.breached_deadline":
                    return Figure(
                        key,
                        f"{title}: {row.label}, past deadline",
                        row.breached_deadline,
                        row.key,
                        percent(row.breached_deadline, row.decided),
                    )
        raise KeyError(f"no figure '{key}' in the weekly report")

    def reconciliation(self) -> dict[str, bool]:
        """The identities the figures must satisfy; every value is True on sound data."""
        c = self.count
        consent = [f.key for f in FIGURES if f.key.startswith("consent.")]
        checks = {
            "open_at_start + received - decided = open_at_end": c("open_at_start")
            + c("received")
            - c("decided")
            == c("open_at_end"),
            "open_at_end = open_past_deadline + open_within_deadline": c("open_at_end")
            == c("open_past_deadline") + c("open_within_deadline"),
            "decided = decided_within_target + decided_over_target": c("decided")
            == c("decided_within_target") + c("decided_over_target"),
            "decided = decided_within_deadline + breached_deadline": c("decided")
            == c("decided_within_deadline") + c("breached_deadline"),
            "decided = consent given + refused + not sought + not recorded": c("decided")
            == sum(c(key) for key in consent),
            "received = cohort.decided + cohort.open": c("received")
            == c("cohort.decided") + c("cohort.open"),
        }
        for dimension, rows in self.splits.items():
            checks[f"decided = sum of split by {dimension}"] = c("decided") == sum(
                row.decided for row in rows
            )
        return checks

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (keys documented in docs/reports.md)."""
        return {
            "report": "weekly-timeliness",
            "week": self.week.label,
            "week_start": self.week.start.isoformat(),
            "week_end": self.week.end.isoformat(),
            "week_start_local": format_local(self.week.start),
            "week_end_local": f"{self.week.sunday:%d/%m/%Y} 24:00",
            "hours_in_week": self.week.hours,
            "as_at": self.as_at.isoformat(),
            "complete": self.complete,
            "target_hours": self.target_hours,
            "figures": {
                key: {"label": fig.label, "count": fig.count, "of": fig.of, "percent": fig.percent}
                for key, fig in self.figures.items()
            },
            "hours_to_decision": {
                "count": self.count("decided"),
                "median": self.median_hours,
                "p90": self.p90_hours,
            },
            "splits": {
                dimension: [
                    {
                        "key": row.key,
                        "code": row.code,
                        "label": row.label,
                        "decided": row.decided,
                        "within_target": row.within_target,
                        "within_target_percent": row.within_target_percent,
                        "breached_deadline": row.breached_deadline,
                    }
                    for row in rows
                ]
                for dimension, rows in self.splits.items()
            },
            "late_contacts": [
                {
                    "reference": late.reference,
                    "priority": late.priority,
                    "status": late.status,
                    "received_at": late.received_at.isoformat(),
                    "deadline_at": late.deadline_at.isoformat(),
                    "authorised_at": late.authorised_at.isoformat() if late.authorised_at else None,
                    "hours_taken": late.hours_taken,
                    "hours_past_deadline": late.hours_past_deadline,
                    "over_target": late.over_target,
                    "breached_deadline": late.breached_deadline,
                }
                for late in self.late
            ],
            "trend": [
                {
                    "week": point.week,
                    "received": point.received,
                    "decided": point.decided,
                    "decided_within_target": point.decided_within_target,
                    "within_target_percent": point.within_target_percent,
                    "breached_deadline": point.breached_deadline,
                    "open_past_deadline": point.open_past_deadline,
                }
                for point in self.trend
            ],
            "reconciliation": self.reconciliation(),
        }


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile by linear interpolation between ranks (Excel's PERCENTILE.INC)."""
    data = sorted(values)
    if not data:
        return None
    if not 0 <= p <= 100:
        raise ValueError("a percentile lies between 0 and 100")
    rank = (len(data) - 1) * p / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# ---------------------------------------------------------------- the report
def weekly_summary(
    services: Services,
    week: IsoWeek | str,
    *,
    as_at: datetime | None = None,
    with_trend: bool = True,
) -> WeeklySummary:
    """Every weekly timeliness figure for one ISO week, in a handful of indexed queries."""
    week = IsoWeek.of(week)
    now = report_time(services, as_at)
    q = WeekConditions.of(services, week, now)
    # The one costly part of the contacts open at the week's start and end and at each
    # trend week's end, read once for the figures, the late list and the trend.
    tail = q.open_tail(max(q.start, q.cut))
    # The decided figures are counted in the splits' GROUP BY, one read of those rows.
    decided_keys = [f.key for f in FIGURES if f.scope is Scope.DECIDED]
    others = [f.key for f in FIGURES if f.scope is not Scope.DECIDED]
    splits, counts = _splits(services, q, decided_keys)
    counts.update(count_figures(services, q, others, tail))
    figures: dict[str, Figure] = {}
    for fig in FIGURES:
        share = percent(counts[fig.key], counts[fig.of]) if fig.of else None
        figures[fig.key] = Figure(fig.key, fig.label, counts[fig.key], fig.of, share)
    hours = _decided_hours(services, q)
    summary = WeeklySummary(
        week=week,
        as_at=now,
        target_hours=services.policy.target_hours,
        figures=figures,
        median_hours=_round(statistics.median(hours)) if hours else None,
        p90_hours=_round(percentile(hours, 90)),
        splits=splits,
        late=_late_contacts(services, q, tail),
    )
    if with_trend:
        summary.trend = trend(services, week, as_at=now, tail=tail)
    return summary


def count_figures(
    services: Services,
    q: WeekConditions,
    keys: list[str],
    tail: OpenTail | None = None,
) -> dict[str, int]:
    """Count registry figures with one query per scope (one for the open scopes together)."""
    from sqlalchemy import and_, select

    by_scope: dict[Scope, list[str]] = {}
    for key in keys:
        by_scope.setdefault(FIGURES_BY_KEY[key].scope, []).append(key)
    counts: dict[str, int] = {}
    open_keys: list[tuple[str, ColumnElement[bool]]] = []
    with services.engine.connect() as conn:
        for scope, scoped in by_scope.items():
            wheres = [condition_of(q, key)[1] for key in scoped]
            if scope in (Scope.RECEIVED, Scope.DECIDED):
                columns = [counted_if(where) for where in wheres]
                row = conn.execute(select(*columns).where(scope_condition(q, scope))).one()
                counts.update({key: int(row[i] or 0) for i, key in enumerate(scoped)})
                continue
            within = scope_condition(q, scope)
            for key, where in zip(scoped, wheres, strict=True):
                open_keys.append((key, within if where is None else and_(within, where)))
        if open_keys:
            # The contacts open at the start or the end, read once; each figure then
            # applies its own whole condition to them.
            conditions = [cond for _, cond in open_keys]
            found = q.count_open(conn, [q.start, q.cut], conditions, tail)
            counts.update({key: n for (key, _), n in zip(open_keys, found, strict=True)})
    return counts


def _splits(
    services: Services, q: WeekConditions, keys: list[str]
) -> tuple[dict[str, list[SplitRow]], dict[str, int]]:
    """One GROUP BY over the decided contacts, rolled up into the splits and, summed over
    every group, into the decided figures in `keys` (each by its own condition)."""
    from sqlalchemy import func, select

    columns = [q.t.c[split.column] for split in SPLITS.values()]
    figures = [counted_if(condition_of(q, key)[1]) for key in keys]
    stmt = (
        select(
            *columns,
            *figures,
            func.count(),
            counted_if(q.within_target),
            counted_if(q.breached),
        )
        .where(q.decided)
        .group_by(*columns)
    )
    totals: dict[str, dict[str, list[int]]] = {d: {} for d in SPLITS}
    counts = dict.fromkeys(keys, 0)
    first = len(columns)
    with services.engine.connect() as conn:
        for row in conn.execute(stmt):
            for index, key in enumerate(keys):
                counts[key] += int(row[first + index] or 0)
            n, within, breached = row[-3:]
            for dimension, value in zip(SPLITS, row[:first], strict=True):
                code = "none" if value is None else str(value)
                acc = totals[dimension].setdefault(code, [0, 0, 0])
                acc[0] += int(n)
                acc[1] += int(within)
                acc[2] += int(breached)
    out: dict[str, list[SplitRow]] = {}
    for dimension, by_code in totals.items():
        rows = [
            SplitRow(dimension, code, split_label(dimension, code), n, within, breached)
            for code, (n, within, breached) in by_code.items()
        ]
        rows.sort(key=lambda r: split_sort_key(r.dimension, r.code))
        out[dimension] = rows
    return out, counts


def _decided_hours(services: Services, q: WeekConditions) -> list[float]:
    """Hours from receipt to authorisation for the week's decided contacts (for percentiles)."""
    from sqlalchemy import select

    c = q.t.c
    with services.engine.connect() as conn:
        stmt = select(as_stored(c.received_at), as_stored(c.authorised_at)).where(q.decided)
        rows = conn.execute(stmt).all()
    return [_hours(_at(a), _at(r)) for r, a in rows]


def _at(value: Any) -> datetime:
    """A stored instant that is never NULL where it is read, as an aware UTC datetime."""
    found = instant(value)
    assert found is not None
    return found


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / timedelta(hours=1)


def _late_contacts(
    services: Services, q: WeekConditions, tail: OpenTail | None = None
) -> list[LateContact]:
    """Decided over target or past deadline, then still open past deadline at the week's end."""
    from sqlalchemy import or_, select

    c = q.t.c
    columns = [
        c.id,
        c.reference,
        c.priority,
        as_stored(c.received_at).label("received_at"),
        as_stored(c.deadline_at).label("deadline_at"),
        as_stored(c.authorised_at).label("authorised_at"),
        q.within_target.label("within"),
    ]
    open_late = figure_condition(q, "open_past_deadline")
    with services.engine.connect() as conn:
        decided = conn.execute(
            select(*columns)
            .where(q.decided, or_(~q.within_target, q.breached))
            .order_by(c.received_at, c.id)
        ).all()
        still_open = conn.execute(
            select(*columns)
            .where(q.open_rows([q.cut], tail), open_late)
            .order_by(c.deadline_at, c.id)
        ).all()
    late: list[LateContact] = []
    for row in decided:
        received, deadline, authorised = (
            _at(row.received_at),
            _at(row.deadline_at),
            _at(row.authorised_at),
        )
        late.append(
            LateContact(
                id=row.id,
                reference=row.reference,
                priority=row.priority,
                status="decided",
                received_at=received,
                deadline_at=deadline,
                authorised_at=authorised,
                hours_taken=round(_hours(authorised, received), 2),
                hours_past_deadline=round(max(0.0, _hours(authorised, deadline)), 2),
                over_target=not bool(row.within),
                breached_deadline=authorised > deadline,
            )
        )
    for row in still_open:
        received, deadline = _at(row.received_at), _at(row.deadline_at)
        late.append(
            LateContact(
                id=row.id,
                reference=row.reference,
                priority=row.priority,
                status="open",
                received_at=received,
                deadline_at=deadline,
                authorised_at=None,
                hours_taken=round(_hours(q.cut, received), 2),
                hours_past_deadline=round(_hours(q.cut, deadline), 2),
                over_target=(q.cut - received) > timedelta(seconds=q.target_seconds),
                breached_deadline=True,
            )
        )
    return late
