"""Provides the team's single writer lock, the numbered sequences and the row ids taken under it.

Every write first bumps one counter row, so SQLite waits on its busy timeout instead of
failing, PostgreSQL queues on the row lock, and the audit chain never forks. Numbers and
ids are handed out from memory while the lock is held, so a long transaction (an import
batch, the demo) writes its rows once, at the end, instead of once per step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Integer, column, func, select, table, text, update
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from mash_tui.domain.errors import MashError
from mash_tui.store.tables import Counter

__all__ = ["Ids", "Sequences", "writer_session", "written"]


@contextmanager
def writer_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One write transaction holding the writer lock, committed whole or rolled back."""
    with sessions() as session:
        result = session.execute(
            update(Counter).where(col(Counter.name) == "writer").values(value=Counter.value + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise MashError("the database is not initialised: run `mash-tui db upgrade`")
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Sequences:
    """The next number of each named sequence, counted in memory for a long transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[str, Counter] = {}
        self.values: dict[str, int] = {}

    def next(self, name: str) -> int:
        """Take the next number (callers hold the writer lock; `write` stores the counters)."""
        value = self.values.get(name)
        if value is None:
            counter = self.session.get(Counter, name)
            if counter is None:
                counter = Counter(name=name, value=0)
                self.session.add(counter)
            self.rows[name] = counter
            value = counter.value
        self.values[name] = value + 1
        return value + 1

    def write(self) -> None:
        """Store each counter's new value on its row (written with the transaction)."""
        for name, value in self.values.items():
            if self.rows[name].value != value:
                self.rows[name].value = value


class Ids:
    """Primary keys for new rows, known before the row is written, so no flush is needed per row.

    On SQLite the writer lock makes `max(id) + 1` safe; on PostgreSQL the ids come from
    the table's own sequence, a few at a time, so other writers never collide with them.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.last: dict[str, int] = {}
        self.spare: dict[str, list[int]] = {}
        self.batch: dict[str, int] = {}

    def next(self, name: str) -> int:
        """The id the next row of the named table is written with (callers hold the writer lock)."""
        if self.session.get_bind().dialect.name == "sqlite":
            last = self.last.get(name)
            if last is None:
                highest = select(func.max(column("id", Integer))).select_from(table(name))
                last = self.session.execute(highest).scalar() or 0
            self.last[name] = last + 1
            return last + 1
        spare = self.spare.setdefault(name, [])
        if not spare:
            # Take 1, then 2, 4 ... 256 at a time: one save wastes none, a bulk run few.
            size = self.batch[name] = min(2 * self.batch.get(name, 0) or 1, 256)
            sql = text(
                "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
            )
            spare.extend(
                reversed(self.session.execute(sql, {"t": name, "n": size}).scalars().all())
            )
        return spare.pop()


def written(session: Session, name: str) -> int:
    """A sequence's value read afresh from the database (0 when never used)."""
    value = session.execute(select(Counter.__table__.c.value).where(col(Counter.name) == name))  # type: ignore[attr-defined]
    return int(value.scalar() or 0)
