"""Weekly timeliness figures for managers and inspectors, aggregated in SQL and traceable.

Every figure has a key (e.g. ``decided_within_target`` or ``by_source.2A``). The same
SQL condition that counts a figure also lists the contacts behind it (``drilldown``),
so a figure and its drill-down can never disagree. The definitions are written out
for people in docs/reports.md.

Definitions in one place (a week is an ISO week, Monday 00:00 to Sunday 24:00
Europe/London, turned into two UTC instants ``start`` and ``end``):

- *received*: ``start <= received_at < end``.
- *decided*: authorised (left the MASH) in the week, ``start <= authorised_at < end``,
  whenever it was received. Timeliness figures are over the decided contacts.
- *open at an instant t*: received before t and not authorised before t.
- *the received cohort*: the contacts received in the week, as they stand when the
  report is run (``as_at``).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import LONDON, UTC, check_report_year, ensure_utc, format_local, to_local

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Table

    from mash_tui.services import Services

__all__ = [
    "TREND_WEEKS",
    "ContactRef",
    "Figure",
    "IsoWeek",
    "LateContact",
    "SplitRow",
    "TrendPoint",
    "WeeklySummary",
    "drilldown",
    "percentile",
    "trend",
    "weekly_summary",
]

TREND_WEEKS = 12
REPEAT_WINDOW_DAYS = 365
# SQLite's julianday() keeps milliseconds; comparisons allow half of one.
_TOLERANCE_SECONDS = 0.0005
# An upper bound that turns "authorised since t" into a two-sided range: without planner
# statistics SQLite then prefers the authorised_at index to the received_at one.
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
_WEEK_RE = re.compile(r"(\d{4})-?[Ww](\d{1,2})")

SPLITS: dict[str, str] = {
    "next_step": "Next step",
    "level": "Level of Need",
    "source": "Contact source",
    "priority": "RAG priority",
}
SPLIT_COLUMNS: dict[str, str] = {
    "next_step": "next_step",
    "level": "level",
    "source": "source_code",
    "priority": "priority",
}
CONSENT_OUTCOMES: dict[str, str] = {
    "given": "Consent given",
    "refused": "Consent refused",
    "not_sought": "Consent not sought",
    "not_recorded": "Consent not recorded",
}


# ---------------------------------------------------------------- weeks
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
        return _percent(self.within_target, self.decided)


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
        return _percent(self.decided_within_target, self.decided)


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
                if key == row.key:
                    return Figure(key, f"{SPLITS[row.dimension]}: {row.label}", row.decided)
                if key == f"{row.key}.within_target":
                    return Figure(
                        key,
                        f"{SPLITS[row.dimension]}: {row.label}, within target",
                        row.within_target,
                        row.key,
                        row.within_target_percent,
                    )
                if key == f"{row.key}.breached_deadline":
                    return Figure(
                        key,
                        f"{SPLITS[row.dimension]}: {row.label}, past deadline",
                        row.breached_deadline,
                        row.key,
                        _percent(row.breached_deadline, row.decided),
                    )
        raise KeyError(f"no figure '{key}' in the weekly report")

    def reconciliation(self) -> dict[str, bool]:
        """The identities the figures must satisfy; every value is True on sound data."""
        c = self.count
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
            == sum(c(f"consent.{k}") for k in CONSENT_OUTCOMES),
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
                key: {
                    "label": fig.label,
                    "count": fig.count,
                    "of": fig.of,
                    "percent": fig.percent,
                }
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


def _percent(count: int, total: int) -> float | None:
    return round(100.0 * count / total, 1) if total else None


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


# ---------------------------------------------------------------- SQL building blocks
class _Sql:
    """The conditions every figure is built from, for one week on one database."""

    def __init__(self, services: Services, week: IsoWeek, as_at: datetime) -> None:
        from sqlalchemy import and_, func, literal, or_

        from mash_tui.store.tables import Contact

        self.services = services
        self.dialect = services.engine.dialect.name
        self.t: Table = Contact.__table__  # type: ignore[attr-defined]
        self.week = week
        self.start = week.start
        self.end = week.end
        self.as_at = as_at
        # Figures that look at "now" inside the week use the report time instead.
        self.cut = min(self.end, as_at)
        self.target_seconds = services.policy.target_hours * 3600.0
        c = self.t.c
        # Every figure is as things stood at `cut`, so a drill-down run later with the same
        # as_at lists exactly the contacts that were counted, whatever has happened since.
        self.received = and_(c.received_at >= self.start, c.received_at < self.cut)
        self.decided = and_(
            c.authorised_at.is_not(None),
            c.authorised_at >= self.start,
            c.authorised_at < self.cut,
        )
        self.decided_by_as_at = and_(c.authorised_at.is_not(None), c.authorised_at < as_at)
        self.within_target = and_(
            c.authorised_at.is_not(None),
            self.seconds(c.received_at, c.authorised_at)
            <= literal(self.target_seconds + _TOLERANCE_SECONDS),
        )
        self.breached = and_(c.authorised_at.is_not(None), c.authorised_at > c.deadline_at)
        self._and = and_
        self._or = or_
        self.func = func
        self._made: dict[str, ColumnElement[bool]] = {}

    def seconds(self, start: Any, end: Any) -> Any:
        """Elapsed seconds between two instant columns, in the database's own arithmetic."""
        from sqlalchemy import Float, cast, func

        if self.dialect == "sqlite":
            return (func.julianday(end) - func.julianday(start)) * 86400.0
        return cast(func.extract("epoch", end - start), Float)

    def open_at(self, instant: datetime) -> ColumnElement[bool]:
        """Received before the instant and not authorised before it."""
        c = self.t.c
        return self._and(
            c.received_at < instant,
            self._or(_is_open(c, True), c.authorised_at >= instant),
        )

    def repeat(self) -> ColumnElement[bool]:
        """The same child had an earlier contact received within the 12 months before."""
        from sqlalchemy import and_, literal, or_, select

        c = self.t.c
        earlier = self.t.alias("earlier")
        e = earlier.c
        return (
            select(literal(1))
            .where(
                e.child_id == c.child_id,
                e.id != c.id,
                or_(
                    e.received_at < c.received_at,
                    and_(e.received_at == c.received_at, e.id < c.id),
                ),
                self.seconds(e.received_at, c.received_at)
                <= literal(REPEAT_WINDOW_DAYS * 86400.0 + _TOLERANCE_SECONDS),
            )
            .exists()
        )

    def consent(self, outcome: str) -> ColumnElement[bool]:
        c = self.t.c
        if outcome == "not_recorded":
            return self._or(
                c.consent_outcome.is_(None),
                c.consent_outcome.not_in(["given", "refused", "not_sought"]),
            )
        return c.consent_outcome == outcome

    def override(self) -> ColumnElement[bool]:
        return self.t.c.consent_outcome.in_(["refused", "not_sought"])

    def override_with_rationale(self) -> ColumnElement[bool]:
        c = self.t.c
        return self._and(
            self.override(), self.func.length(self.func.trim(c.override_rationale)) > 0
        )

    def override_authorised(self) -> ColumnElement[bool]:
        c = self.t.c
        return self._and(self.override(), c.override_authorised_by_id.is_not(None))

    def figure_condition(self, key: str) -> ColumnElement[bool]:
        """The whole WHERE condition of one figure; drill-downs and counts both use it."""
        if key in self._made:
            return self._made[key]
        factories = self._simple_conditions()
        if key in factories:
            self._made[key] = factories[key]()
            return self._made[key]
        if key.startswith("consent.") and key[8:] in CONSENT_OUTCOMES:
            return self._and(self.decided, self.consent(key[8:]))
        if key.startswith("by_"):
            return self._split_condition(key)
        raise KeyError(f"no figure '{key}' in the weekly report")

    def open_halves(self, key: str) -> list[ColumnElement[bool]] | None:
        """For an 'open at' figure, two scopes that each use an index and together cover it.

        Open contacts come through (is_open, deadline_at); those authorised since the
        instant through authorised_at, bounded on both sides so SQLite picks that index.
        """
        instants = {
            "open_at_start": self.start,
            "open_at_end": self.cut,
            "open_past_deadline": self.cut,
            "open_within_deadline": self.cut,
        }
        if key not in instants:
            return None
        c = self.t.c
        return [
            _is_open(c, True),
            self._and(c.authorised_at >= instants[key], c.authorised_at < FAR_FUTURE),
        ]

    def _simple_conditions(self) -> dict[str, Callable[[], ColumnElement[bool]]]:
        c = self.t.c
        simple: dict[str, Callable[[], ColumnElement[bool]]] = {
            "received": lambda: self.received,
            "decided": lambda: self.decided,
            "decided_within_target": lambda: self._and(self.decided, self.within_target),
            "decided_over_target": lambda: self._and(self.decided, ~self.within_target),
            "decided_within_deadline": lambda: self._and(self.decided, ~self.breached),
            "breached_deadline": lambda: self._and(self.decided, self.breached),
            "open_at_start": lambda: self.open_at(self.start),
            "open_at_end": lambda: self.open_at(self.cut),
            "open_past_deadline": lambda: self._and(
                self.open_at(self.cut), c.deadline_at < self.cut
            ),
            "open_within_deadline": lambda: self._and(
                self.open_at(self.cut), c.deadline_at >= self.cut
            ),
            "repeat_contacts": lambda: self._and(self.received, self.repeat()),
            "overrides": lambda: self._and(self.decided, self.override()),
            "overrides_with_rationale": lambda: self._and(
                self.decided, self.override_with_rationale()
            ),
            "overrides_authorised": lambda: self._and(self.decided, self.override_authorised()),
            "management_authorised": lambda: self._and(
                self.decided, c.authorised_by_id.is_not(None)
            ),
            "cohort.decided": lambda: self._and(self.received, self.decided_by_as_at),
            "cohort.decided_within_target": lambda: self._and(
                self.received, self.decided_by_as_at, self.within_target
            ),
            "cohort.breached_deadline": lambda: self._and(
                self.received, self.decided_by_as_at, self.breached
            ),
            "cohort.open": lambda: self._and(self.received, self.open_at(self.as_at)),
            "cohort.open_past_deadline": lambda: self._and(
                self.received, self.open_at(self.as_at), c.deadline_at < self.as_at
            ),
        }
        return simple

    def _split_condition(self, key: str) -> ColumnElement[bool]:
        dimension, _, rest = key[3:].partition(".")
        if dimension not in SPLIT_COLUMNS or not rest:
            raise KeyError(f"no figure '{key}' in the weekly report")
        suffix = ""
        for tail in (".within_target", ".breached_deadline"):
            if rest.endswith(tail):
                rest, suffix = rest[: -len(tail)], tail
        column = self.t.c[SPLIT_COLUMNS[dimension]]
        value_condition: ColumnElement[bool]
        if rest == "none":
            value_condition = column.is_(None)
        elif dimension == "level":
            try:
                value_condition = column == int(rest)
            except ValueError:
                raise KeyError(f"no figure '{key}' in the weekly report") from None
        else:
            value_condition = column == rest
        condition: ColumnElement[bool] = self._and(self.decided, value_condition)
        if suffix == ".within_target":
            condition = self._and(condition, self.within_target)
        elif suffix == ".breached_deadline":
            condition = self._and(condition, self.breached)
        return condition


# ---------------------------------------------------------------- labels
FIGURE_LABELS: dict[str, str] = {
    "received": "Contacts received",
    "decided": "Contacts decided (authorised) in the week",
    "decided_within_target": "Decided within the target hours",
    "decided_over_target": "Decided over the target hours",
    "decided_within_deadline": "Decided by their own deadline",
    "breached_deadline": "Decided after their own deadline (breaches)",
    "open_at_start": "Open at the start of the week",
    "open_at_end": "Open at the end of the week",
    "open_past_deadline": "Still open past their deadline at the end of the week",
    "open_within_deadline": "Still open within their deadline at the end of the week",
    "repeat_contacts": "Repeat contacts (same child within 12 months)",
    "consent.given": "Consent given",
    "consent.refused": "Consent refused",
    "consent.not_sought": "Consent not sought",
    "consent.not_recorded": "Consent not recorded",
    "overrides": "Consent overrides (refused or not sought)",
    "overrides_with_rationale": "Overrides with a recorded rationale",
    "overrides_authorised": "Overrides authorised by a manager",
    "management_authorised": "Decisions with management authorisation recorded",
    "cohort.decided": "Received this week: decided so far",
    "cohort.decided_within_target": "Received this week: decided within the target hours",
    "cohort.breached_deadline": "Received this week: decided after their deadline",
    "cohort.open": "Received this week: still open",
    "cohort.open_past_deadline": "Received this week: still open past their deadline",
}

# Which figure each percentage is taken of.
FIGURE_OF: dict[str, str] = {
    "decided_within_target": "decided",
    "decided_over_target": "decided",
    "decided_within_deadline": "decided",
    "breached_deadline": "decided",
    "open_past_deadline": "open_at_end",
    "open_within_deadline": "open_at_end",
    "repeat_contacts": "received",
    "consent.given": "decided",
    "consent.refused": "decided",
    "consent.not_sought": "decided",
    "consent.not_recorded": "decided",
    "overrides": "decided",
    "overrides_with_rationale": "overrides",
    "overrides_authorised": "overrides",
    "management_authorised": "decided",
    "cohort.decided": "received",
    "cohort.decided_within_target": "cohort.decided",
    "cohort.breached_deadline": "cohort.decided",
    "cohort.open": "received",
    "cohort.open_past_deadline": "cohort.open",
}


def _split_label(dimension: str, code: str) -> str:
    from mash_tui.domain import codes
    from mash_tui.domain.levels import NEXT_STEPS

    if code == "none":
        return "Not recorded"
    if dimension == "next_step":
        return NEXT_STEPS.get(code, code)
    if dimension == "level":
        return f"Level {code}"
    if dimension == "source":
        found = codes.lookup("sources", code)
        return f"{code}: {found.label}" if found else code
    return code.capitalize()


def _split_sort_key(dimension: str, code: str) -> tuple[int, Any]:
    from mash_tui.domain import codes
    from mash_tui.domain.levels import NEXT_STEPS

    if code == "none":
        return (2, "")
    if dimension == "next_step":
        order = list(NEXT_STEPS)
        return (0, order.index(code)) if code in order else (1, code)
    if dimension == "level":
        return (0, int(code))
    if dimension == "source":
        order = [s.code for s in codes.sources()]
        return (0, order.index(code)) if code in order else (1, code)
    order = ["red", "amber", "green"]
    return (0, order.index(code)) if code in order else (1, code)


# ---------------------------------------------------------------- the report
def _now(services: Services, as_at: datetime | None) -> datetime:
    return ensure_utc(as_at) if as_at is not None else services.clock.now()


def weekly_summary(
    services: Services,
    week: IsoWeek | str,
    *,
    as_at: datetime | None = None,
    with_trend: bool = True,
) -> WeeklySummary:
    """Every weekly timeliness figure for one ISO week, in a handful of indexed queries."""
    from sqlalchemy import func, select

    week = IsoWeek.parse(week) if isinstance(week, str) else week
    now = _now(services, as_at)
    sql = _Sql(services, week, now)

    def counted(keys: list[str], scope: ColumnElement[bool]) -> dict[str, int]:
        columns = [
            func.count(_case(sql.figure_condition(key))).label(f"f{index}")
            for index, key in enumerate(keys)
        ]
        with services.engine.connect() as conn:
            row = conn.execute(select(*columns).where(scope)).one()
        return {key: int(row[index] or 0) for index, key in enumerate(keys)}

    counts: dict[str, int] = {}
    # Received in the week (index on received_at).
    counts.update(
        counted(
            [
                "received",
                "repeat_contacts",
                "cohort.decided",
                "cohort.decided_within_target",
                "cohort.breached_deadline",
                "cohort.open",
                "cohort.open_past_deadline",
            ],
            sql.received,
        )
    )
    # Decided in the week (index on authorised_at).
    decided_keys = [
        "decided",
        "decided_within_target",
        "decided_over_target",
        "decided_within_deadline",
        "breached_deadline",
        "overrides",
        "overrides_with_rationale",
        "overrides_authorised",
        "management_authorised",
        *(f"consent.{k}" for k in CONSENT_OUTCOMES),
    ]
    counts.update(counted(decided_keys, sql.decided))
    counts.update(_open_counts(services, sql))

    figures: dict[str, Figure] = {}
    for key, label in FIGURE_LABELS.items():
        of = FIGURE_OF.get(key)
        percent = _percent(counts[key], counts[of]) if of else None
        figures[key] = Figure(key, label, counts[key], of, percent)

    splits = _splits(services, sql)
    hours = _decided_hours(services, sql)
    summary = WeeklySummary(
        week=week,
        as_at=now,
        target_hours=services.policy.target_hours,
        figures=figures,
        median_hours=_round(statistics.median(hours)) if hours else None,
        p90_hours=_round(percentile(hours, 90)),
        splits=splits,
        late=_late_contacts(services, sql),
    )
    if with_trend:
        summary.trend = trend(services, week, as_at=now)
    return summary


def _is_open(c: Any, value: bool) -> Any:
    """Compare the open flag so the (is_open, deadline_at) index can serve it."""
    from sqlalchemy import false, true

    return c.is_open == (true() if value else false())


def _case(condition: Any) -> Any:
    from sqlalchemy import case

    return case((condition, 1))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _open_counts(services: Services, sql: _Sql) -> dict[str, int]:
    """Open at the week's start and end, counted in two indexed halves each.

    Open contacts are found through (is_open, deadline_at); contacts authorised since
    through authorised_at. Adding the halves gives the same answer as figure_condition.
    """
    from sqlalchemy import func, select

    c = sql.t.c
    out = {"open_at_start": 0, "open_at_end": 0, "open_past_deadline": 0, "open_within_deadline": 0}
    halves = sql.open_halves("open_at_start")
    assert halves is not None
    with services.engine.connect() as conn:
        for half in halves:
            columns = [func.count(_case(sql._and(half, sql.figure_condition(key)))) for key in out]
            row = conn.execute(select(*columns).where(half, c.received_at < sql.end)).one()
            for index, key in enumerate(out):
                out[key] += int(row[index] or 0)
    return out


def _splits(services: Services, sql: _Sql) -> dict[str, list[SplitRow]]:
    """One GROUP BY over the decided contacts, rolled up into the four splits."""
    from sqlalchemy import func, select

    c = sql.t.c
    stmt = (
        select(
            c.next_step,
            c.level,
            c.source_code,
            c.priority,
            func.count(),
            func.count(_case(sql.within_target)),
            func.count(_case(sql.breached)),
        )
        .where(sql.decided)
        .group_by(c.next_step, c.level, c.source_code, c.priority)
    )
    totals: dict[str, dict[str, list[int]]] = {d: {} for d in SPLITS}
    with services.engine.connect() as conn:
        for next_step, level, source, priority, n, within, breached in conn.execute(stmt):
            values = {
                "next_step": next_step,
                "level": level,
                "source": source,
                "priority": priority,
            }
            for dimension, value in values.items():
                code = "none" if value is None else str(value)
                acc = totals[dimension].setdefault(code, [0, 0, 0])
                acc[0] += int(n)
                acc[1] += int(within)
                acc[2] += int(breached)
    out: dict[str, list[SplitRow]] = {}
    for dimension, by_code in totals.items():
        rows = [
            SplitRow(dimension, code, _split_label(dimension, code), n, within, breached)
            for code, (n, within, breached) in by_code.items()
        ]
        rows.sort(key=lambda r: _split_sort_key(r.dimension, r.code))
        out[dimension] = rows
    return out


def _decided_hours(services: Services, sql: _Sql) -> list[float]:
    """Hours from receipt to authorisation for the week's decided contacts (for percentiles)."""
    from sqlalchemy import select

    c = sql.t.c
    with services.engine.connect() as conn:
        rows = conn.execute(select(c.received_at, c.authorised_at).where(sql.decided)).all()
    return [(a - r) / timedelta(hours=1) for r, a in rows]


def _late_contacts(services: Services, sql: _Sql) -> list[LateContact]:
    """Decided over target or past deadline, then still open past deadline at the week's end."""
    from sqlalchemy import select

    c = sql.t.c
    columns = [
        c.id,
        c.reference,
        c.priority,
        c.received_at,
        c.deadline_at,
        c.authorised_at,
        sql.within_target.label("within"),
    ]
    late: list[LateContact] = []
    with services.engine.connect() as conn:
        decided = conn.execute(
            select(*columns)
            .where(sql.decided, sql._or(~sql.within_target, sql.breached))
            .order_by(c.received_at, c.id)
        ).all()
        still_open = [
            row
            for half in sql.open_halves("open_past_deadline") or []
            for row in conn.execute(
                select(*columns).where(half, sql.figure_condition("open_past_deadline"))
            ).all()
        ]
        still_open.sort(key=lambda row: (row.deadline_at, row.id))
    for row in decided:
        late.append(
            LateContact(
                id=row.id,
                reference=row.reference,
                priority=row.priority,
                status="decided",
                received_at=row.received_at,
                deadline_at=row.deadline_at,
                authorised_at=row.authorised_at,
                hours_taken=round((row.authorised_at - row.received_at) / timedelta(hours=1), 2),
                hours_past_deadline=round(
                    max(0.0, (row.authorised_at - row.deadline_at) / timedelta(hours=1)), 2
                ),
                over_target=not bool(row.within),
                breached_deadline=row.authorised_at > row.deadline_at,
            )
        )
    for row in still_open:
        late.append(
            LateContact(
                id=row.id,
                reference=row.reference,
                priority=row.priority,
                status="open",
                received_at=row.received_at,
                deadline_at=row.deadline_at,
                authorised_at=None,
                hours_taken=round((sql.cut - row.received_at) / timedelta(hours=1), 2),
                hours_past_deadline=round((sql.cut - row.deadline_at) / timedelta(hours=1), 2),
                over_target=(sql.cut - row.received_at) > timedelta(seconds=sql.target_seconds),
                breached_deadline=True,
            )
        )
    return late


def trend(
    services: Services,
    week: IsoWeek | str,
    *,
    weeks: int = TREND_WEEKS,
    as_at: datetime | None = None,
) -> list[TrendPoint]:
    """The last `weeks` weeks up to and including `week`, in three bucketed queries."""
    from sqlalchemy import case, func, literal, select

    week = IsoWeek.parse(week) if isinstance(week, str) else week
    now = _now(services, as_at)
    span = [week.shift(offset) for offset in range(-(weeks - 1), 1)]
    sqls = [_Sql(services, w, now) for w in span]
    first, last = sqls[0], sqls[-1]
    c = first.t.c

    def bucket(column: Any) -> Any:
        return case(
            *((column < s.cut, literal(index)) for index, s in enumerate(sqls)),
            else_=literal(-1),
        )

    received = [0] * weeks
    decided = [0] * weeks
    within = [0] * weeks
    breached = [0] * weeks
    open_past = [0] * weeks
    with services.engine.connect() as conn:
        stmt = (
            select(bucket(c.received_at).label("b"), func.count())
            .where(c.received_at >= first.start, c.received_at < last.cut)
            .group_by("b")
        )
        for index, n in conn.execute(stmt):
            if index >= 0:
                received[index] = int(n)
        decided_b = bucket(c.authorised_at).label("b")
        stmt = (
            select(
                decided_b,
                func.count(),
                func.count(_case(first.within_target)),
                func.count(_case(first.breached)),
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
        # a half the condition is simpler than figure_condition's (the half already says
        # whether the contact is open), and a contact authorised later counts only if it
        # was overdue then, so only rows authorised after their deadline are examined.
        open_columns = [
            func.count(_case(first._and(c.received_at < s.cut, c.deadline_at < s.cut)))
            for s in sqls
        ]
        row = conn.execute(
            select(*open_columns).where(
                _is_open(c, True), c.received_at < last.cut, c.deadline_at < last.cut
            )
        ).one()
        for index in range(weeks):
            open_past[index] += int(row[index] or 0)
        closed_columns = [
            func.count(
                _case(
                    first._and(
                        c.received_at < s.cut, c.authorised_at >= s.cut, c.deadline_at < s.cut
                    )
                )
            )
            for s in sqls
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
    from sqlalchemy import select

    week = IsoWeek.parse(week) if isinstance(week, str) else week
    sql = _Sql(services, week, _now(services, as_at))
    condition = sql.figure_condition(figure_key)
    c = sql.t.c
    columns = (
        c.id,
        c.reference,
        c.state,
        c.priority,
        c.received_at,
        c.deadline_at,
        c.authorised_at,
    )
    scopes = sql.open_halves(figure_key) or [condition]
    refs: list[ContactRef] = []
    with services.engine.connect() as conn:
        for scope in scopes:
            stmt = select(*columns).where(scope, condition)
            refs.extend(ContactRef(*row) for row in conn.execute(stmt))
    refs.sort(key=lambda ref: (ref.received_at, ref.id))
    return refs
