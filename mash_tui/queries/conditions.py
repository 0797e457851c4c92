"""Provides the SQL conditions the weekly figures are built from, for one week on one database.

Definitions in one place (a week is an ISO week turned into two UTC instants ``start``
and ``end``; ``cut`` is the earlier of ``end`` and the report time ``as_at``):

- *received*: ``start <= received_at < cut``.
- *decided*: authorised (left the MASH) in the week, ``start <= authorised_at < cut``,
  whenever it was received. Timeliness figures are over the decided contacts.
- *open at an instant t*: received before t and not authorised before t.
- *the received cohort*: the contacts received in the week, as they stand at ``as_at``.

Every figure is as things stood at ``cut``, so a drill-down run later with the same
``as_at`` lists exactly the contacts that were counted, whatever has happened since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.states import ConsentOutcome, needs_override
from mash_tui.domain.weeks import IsoWeek

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Engine, Table

    from mash_tui.services import Services

__all__ = [
    "FAR_FUTURE",
    "REPEAT_WINDOW_DAYS",
    "OpenTail",
    "WeekConditions",
    "as_stored",
    "counted_if",
    "instant",
    "report_time",
]

REPEAT_WINDOW_DAYS = 365
# SQLite's julianday() keeps milliseconds; comparisons allow half of one.
TOLERANCE_SECONDS = 0.0005
# An upper bound that turns "authorised since t" into a two-sided range: without planner
# statistics SQLite then prefers the authorised_at index to the received_at one.
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
# Contacts received this long before an instant and still open at it stayed longer than
# the partial index ix_contacts_long_stay's threshold (6 days, migration 0006), so they
# are found there; those received since are read from the received-at index. Any value
# of at least 7 days gives the same contacts.
RECENT_DAYS = 7
# The partial index's condition, written exactly as the index has it so the planner uses it.
LONG_STAY = {
    "sqlite": "julianday(contacts.authorised_at) - julianday(contacts.received_at) > 6",
    "postgresql": "contacts.authorised_at - contacts.received_at > interval '6 days'",
}

OVERRIDE_OUTCOMES = [outcome.value for outcome in ConsentOutcome if needs_override(outcome)]


def report_time(services: Services, as_at: datetime | None) -> datetime:
    """The instant a report is as at: the one asked for, or now by the services' clock."""
    return ensure_utc(as_at) if as_at is not None else services.clock.now()


def as_stored(column: Any) -> Any:
    """Select an instant column as the database hands it over, so thousands of rows are
    not each parsed by the generic type machinery; `instant` turns the value back."""
    from sqlalchemy import String, type_coerce

    return type_coerce(column, String)


def instant(value: str | datetime | None) -> datetime | None:
    """A value selected with `as_stored` as the aware UTC instant the table type gives."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def counted_if(condition: ColumnElement[bool] | None) -> Any:
    """A COUNT over the rows meeting a condition (all rows when there is none)."""
    from sqlalchemy import case, func

    return func.count() if condition is None else func.count(case((condition, 1)))


@dataclass(frozen=True)
class OpenTail:
    """The contacts received before `last` and authorised at or after it, read once.

    They are the only part of "open at t" (for any t up to `last`) that can be expensive
    to find, so a report reads them once and every statement that needs contacts open at
    some instant takes them from here (see WeekConditions.open_rows).
    """

    last: datetime
    ids: tuple[int, ...]


_STAY_COLUMNS = ("id", "authorised_at", "received_at")


class WeekConditions:
    """The conditions every figure is built from, for one week as at one instant."""

    def __init__(self, engine: Engine, target_hours: float, week: IsoWeek, as_at: datetime) -> None:
        from sqlalchemy import and_, literal

        from mash_tui.store.tables import Contact

        self.engine = engine
        self.dialect = engine.dialect.name
        self.t: Table = Contact.__table__  # type: ignore[attr-defined]
        self.week = week
        self.start = week.start
        self.end = week.end
        self.as_at = as_at
        # Figures that look at "now" inside the week use the report time instead.
        self.cut = min(self.end, as_at)
        self.target_seconds = target_hours * 3600.0
        c = self.t.c
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
            <= literal(self.target_seconds + TOLERANCE_SECONDS),
        )
        self.breached = and_(c.authorised_at.is_not(None), c.authorised_at > c.deadline_at)

    @classmethod
    def of(cls, services: Services, week: IsoWeek, as_at: datetime) -> WeekConditions:
        """The week's conditions on the services' database, under its target hours."""
        return cls(services.engine, services.policy.target_hours, week, as_at)

    def seconds(self, start: Any, end: Any) -> Any:
        """Elapsed seconds between two instant columns, in the database's own arithmetic."""
        from sqlalchemy import Float, cast, func

        if self.dialect == "sqlite":
            return (func.julianday(end) - func.julianday(start)) * 86400.0
        return cast(func.extract("epoch", end - start), Float)

    def plain(self, column: Any) -> Any:
        """The column as a bare value for a filter read from an index entry: on SQLite a
        unary plus drops the column's numeric affinity, so each of the many comparisons is
        a plain text comparison (the same result) instead of a failed number parse."""
        from sqlalchemy.sql import operators
        from sqlalchemy.sql.elements import UnaryExpression

        if self.dialect != "sqlite":
            return column
        return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)

    def open_at(self, instant: datetime) -> ColumnElement[bool]:
        """Received before the instant and not authorised before it."""
        from sqlalchemy import and_, or_

        c = self.t.c
        return and_(
            c.received_at < instant,
            or_(c.authorised_at.is_(None), c.authorised_at >= instant),
        )

    def open_tail(self, last: datetime) -> OpenTail:
        """Read the contacts received before `last` and authorised at or after it.

        Read through the authorised-at index the range after `last` would be long for an
        old instant, so it is split by when they were received: in the RECENT_DAYS before
        `last` (a short range of the received-at index), or earlier, in which case the
        contact stayed longer than the long-stay partial index's threshold and is found
        among the few that did. The two parts do not overlap.
        """
        from sqlalchemy import literal_column, select, text

        c = self.t.c
        since = last - timedelta(days=RECENT_DAYS)
        authorised = self.plain(c.authorised_at)
        recent = select(c.id).where(
            c.received_at >= since,
            c.received_at < last,
            authorised >= last,
            authorised < FAR_FUTURE,
        )
        long_stay = select(c.id).select_from(self.t)
        if self.dialect == "sqlite":
            # Without planner statistics SQLite would read the long authorised-at range.
            columns = {name: literal_column(name, c[name].type) for name in _STAY_COLUMNS}
            long_stay = select(columns["id"]).select_from(
                text("contacts INDEXED BY ix_contacts_long_stay")
            )
        else:
            columns = {name: c[name] for name in _STAY_COLUMNS}
        long_stay = long_stay.where(
            text(LONG_STAY.get(self.dialect, LONG_STAY["postgresql"])),
            columns["authorised_at"] >= last,
            columns["authorised_at"] < FAR_FUTURE,
            self.plain(columns["received_at"]) < since,
        )
        with self.engine.connect() as conn:
            ids = [int(row[0]) for row in conn.execute(recent)]
            ids += [int(row[0]) for row in conn.execute(long_stay)]
        return OpenTail(last, tuple(sorted(ids)))

    def _open_parts(
        self, instants: Sequence[datetime], tail: OpenTail | None, columns: Sequence[Any]
    ) -> list[Any]:
        """The parts that together hold every contact open at any of the instants.

        A contact open at t was received before t and is not authorised (the NULL range),
        or authorised between two consecutive instants (a bucket, received before the
        bucket's first instant), or authorised after the last instant (the tail, read once
        by open_tail and given here, or read now). The parts do not overlap.
        """
        from sqlalchemy import bindparam, select

        c = self.t.c
        if tail is None or tail.last < max(instants):
            tail = self.open_tail(max(instants))
        ts = sorted({*instants, tail.last})
        received = self.plain(c.received_at)
        parts = [select(*columns).where(c.authorised_at.is_(None), received < tail.last)]
        parts += [
            select(*columns).where(c.authorised_at >= low, c.authorised_at < high, received < low)
            for low, high in pairwise(ts)
        ]
        listed: Any = bindparam("open_tail", list(tail.ids), expanding=True, literal_execute=True)
        parts.append(select(*columns).where(c.id.in_(listed)))
        return parts

    def open_rows(
        self, instants: Sequence[datetime], tail: OpenTail | None = None
    ) -> ColumnElement[bool]:
        """A superset of the contacts open at any of the instants, each part read through a
        short range of the authorised-at index; a figure's own condition narrows it."""
        from sqlalchemy import union_all

        return self.t.c.id.in_(union_all(*self._open_parts(instants, tail, [self.t.c.id])))

    def count_open(
        self,
        conn: Connection,
        instants: Sequence[datetime],
        conditions: Sequence[ColumnElement[bool]],
        tail: OpenTail | None = None,
    ) -> list[int]:
        """For each condition, how many contacts open at any of the instants meet it.

        When the conditions need only what the authorised-at index carries, they are
        applied to the index entries themselves, so no contact row is read.
        """
        from sqlalchemy import Column, select, union_all
        from sqlalchemy.sql.util import ClauseAdapter
        from sqlalchemy.sql.visitors import iterate

        c = self.t.c
        carried = [c.id, c.authorised_at, c.received_at, c.deadline_at]
        used = {
            element.name
            for condition in conditions
            for element in iterate(condition)
            if isinstance(element, Column) and element.table is self.t
        }
        if used <= {column.name for column in carried}:
            rows = union_all(*self._open_parts(instants, tail, carried)).subquery("open_rows")
            adapter = ClauseAdapter(rows)
            columns = [counted_if(adapter.traverse(condition)) for condition in conditions]
            stmt = select(*columns).select_from(rows)
        else:
            columns = [counted_if(condition) for condition in conditions]
            stmt = select(*columns).where(self.open_rows(instants, tail))
        row = conn.execute(stmt).one()
        return [int(value or 0) for value in row]

    def repeat(self) -> ColumnElement[bool]:
        """The same child had an earlier contact received within the 12 months before."""
        from sqlalchemy import and_, literal, or_, select

        c = self.t.c
        e = self.t.alias("earlier").c
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
                <= literal(REPEAT_WINDOW_DAYS * 86400.0 + TOLERANCE_SECONDS),
            )
            .exists()
        )

    def consent(self, outcome: ConsentOutcome | None) -> ColumnElement[bool]:
        """Consent recorded with this outcome, or (None) with none of the known outcomes."""
        from sqlalchemy import or_

        column = self.t.c.consent_outcome
        if outcome is None:
            return or_(column.is_(None), column.not_in([o.value for o in ConsentOutcome]))
        return column == outcome.value

    def override(self) -> ColumnElement[bool]:
        """Sharing went ahead without consent, so the decision carries an override."""
        return self.t.c.consent_outcome.in_(OVERRIDE_OUTCOMES)

    def override_with_rationale(self) -> ColumnElement[bool]:
        from sqlalchemy import and_, func

        c = self.t.c
        return and_(self.override(), func.length(func.trim(c.override_rationale)) > 0)

    def override_authorised(self) -> ColumnElement[bool]:
        from sqlalchemy import and_

        return and_(self.override(), self.t.c.override_authorised_by_id.is_not(None))
