"""Provides the team's single writer lock and the numbered sequences taken under it.

Every write first bumps one counter row, so SQLite waits on its busy timeout instead of
failing, PostgreSQL queues on the row lock, and the audit chain never forks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from mash_tui.domain.errors import MashError
from mash_tui.store.tables import Counter

__all__ = ["Sequences", "writer_session", "written"]


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
    """The next number of each named sequence, the rows kept loaded for a long transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # The identity map holds rows weakly: keeping them here spares a SELECT per number.
        self.rows: dict[str, Counter] = {}

    def next(self, name: str) -> int:
        """Take the next number (callers hold the writer lock)."""
        counter = self.rows.get(name) or self.session.get(Counter, name)
        if counter is None:
            counter = Counter(name=name, value=0)
            self.session.add(counter)
        self.rows[name] = counter
        counter.value += 1
        self.session.flush()
        return counter.value


def written(session: Session, name: str) -> int:
    """A sequence's value read afresh from the database (0 when never used)."""
    from sqlmodel import select

    value = session.exec(select(Counter.value).where(Counter.name == name)).first()
    return value or 0
