"""Provides the public unit of work every use-case runs in: one transaction under the writer lock.

A `Tx` acts at a chosen instant in a named person's name, so the app (one act, now), the
importer and the demo (many acts, at the instants history gives) go through the same
use-case functions and the same rules. While it holds the writer lock it keeps what it
would otherwise re-read per step (people, counters, the audit chain's head, new ids).
Rows it makes are kept out of the ORM session and written once, in their final form, with
one bulk INSERT per table when the transaction ends (or before anything the session
flushes could refer to them); rows it loads are written by the session as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, event
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel, select

from mash_tui.domain.clock import ensure_utc
from mash_tui.domain.deadlines import DeadlinePolicy
from mash_tui.domain.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    UnknownUser,
)
from mash_tui.domain.levels import Framework
from mash_tui.domain.oversight import OversightPolicy
from mash_tui.domain.states import (
    ContactState,
    Role,
    can_move,
    is_open,
    role_at_least,
    why_not_move,
)
from mash_tui.store import audit
from mash_tui.store.bulk import insert_rows
from mash_tui.store.lock import Ids, Sequences, writer_session
from mash_tui.store.tables import Contact, Transition, User

__all__ = ["Tx", "active_user", "check_user", "unit_of_work"]

RowT = TypeVar("RowT", bound=SQLModel)


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


class Tx:
    """One open write transaction: the session, the instant acts happen at, and who may act."""

    def __init__(
        self,
        session: Session,
        *,
        now: datetime,
        policy: DeadlinePolicy,
        framework: Framework,
        oversight: OversightPolicy | None = None,
    ) -> None:
        self.session = session
        self.now = now
        self.policy = policy
        self.framework = framework
        self.oversight = oversight or OversightPolicy()
        self.sequences = Sequences(session)
        self.ids = Ids(session)
        self.chain = audit.Chain(session, self.sequences)
        self._people: dict[str, User] = {}
        # Rows this transaction made or read: nobody else writes while it holds the lock.
        self._contacts: dict[int, Contact] = {}
        # New rows not yet written, by table in the order tables were first used (so a row
        # always follows the rows it refers to): ORM objects made here, or plain dicts.
        self._new: dict[Table, list[Any]] = {}
        self._made: dict[tuple[type[Any], int | None], Any] = {}
        event.listen(session, "before_flush", self._before_flush)

    def at(self, instant: datetime) -> Tx:
        """Make the next acts happen at this instant (history replayed at its own times)."""
        self.now = ensure_utc(instant)
        return self

    def person(self, username: str, minimum: Role = Role.SCREENER) -> User:
        """The active user acting, refused clearly without a record or the role the act needs."""
        user = self._people.get(username)
        if user is None:
            user = active_user(self.session, username, minimum)
            self._people[username] = user
            return user
        return check_user(user, username, minimum)

    def next(self, name: str) -> int:
        """The next number of a named sequence (references, audit ids)."""
        return self.sequences.next(name)

    def new_id(self, model: type[SQLModel]) -> int:
        """The primary key a new row of this table gets, known before it is written."""
        return self.ids.next(str(model.__tablename__))

    def add(self, row: Any) -> None:
        """Add a new row (its id already taken with `new_id`), kept at hand for later steps.

        It is written in its final form when the transaction ends; until then `get` finds it.
        """
        if row.id is None:
            self.session.add(row)
            return
        self._new.setdefault(_table(type(row)), []).append(row)
        self._made[type(row), row.id] = row
        if isinstance(row, Contact):
            self._contacts[row.id] = row

    def insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        """New rows given as column values, written with the transaction's other new rows."""
        if rows:
            self._new.setdefault(_table(model), []).extend(rows)

    def get(self, model: type[RowT], row_id: int) -> RowT | None:
        """A row by id: one this transaction made, or one in the database."""
        made = self._made.get((model, row_id))
        if made is not None:
            return made
        return self.session.get(model, row_id)

    def is_new(self, row: Any) -> bool:
        """Whether this transaction made the row (so it is not in the session)."""
        return self._made.get((type(row), getattr(row, "id", None))) is row

    def flush(self) -> None:
        """Write every new and changed row now (the database assigns what it assigns)."""
        self.write_new()
        self.session.flush()

    def write_new(self) -> None:
        """Write the rows this transaction made, one executemany INSERT per table, in order."""
        if not self._new:
            return
        connection = self.session.connection()
        for table in sorted(self._new, key=_ORDER.__getitem__):
            rows = self._new[table]
            names = table.columns.keys()
            insert_rows(connection, table, [_values(row, names) for row in rows])
        self._new = {}

    def _before_flush(self, session: Session, context: Any, instances: Any) -> None:
        """Rows the session is about to write may refer to the new rows: write those first."""
        self.write_new()

    def finish(self) -> None:
        """Write what the transaction holds back (new rows, audit entries) before it commits."""
        self.sequences.write()
        self.write_new()
        self.session.flush()
        self.chain.write()
        event.remove(self.session, "before_flush", self._before_flush)

    def audit(
        self,
        username: str,
        action: str,
        entity: str,
        entity_id: str = "",
        contact_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
    ) -> int:
        """Append one entry to the hash chain, at this transaction's instant; returns its id."""
        return self.chain.append(
            at=self.now,
            username=username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            contact_id=contact_id,
            before=before,
            after=after,
            reason=reason,
        )

    def load(self, contact_id: int, version: int | None) -> Contact:
        """The contact, refused when missing or when someone else saved it since it was read."""
        contact = self._contacts.get(contact_id) or self.session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"there is no contact {contact_id}")
        self._contacts[contact_id] = contact
        if version is not None and contact.version != version:
            raise StaleVersion(
                f"{contact.reference} was changed by someone else while you were working; "
                "your text is kept: reload the contact and save again"
            )
        return contact

    def move(self, contact: Contact, to: ContactState, actor: User, comment: str = "") -> None:
        """Move a contact to another state, refusing a move its life does not allow."""
        current = ContactState(contact.state)
        if not can_move(current, to):
            raise InvalidTransition(f"{contact.reference} {why_not_move(current, to)}")
        assert contact.id is not None and actor.id is not None
        # Written with the other new rows when the transaction ends (see finish).
        self.insert(
            Transition,
            [{
                "contact_id": contact.id,
                "from_state": current,
                "to_state": to,
                "at": self.now,
                "by_id": actor.id,
                "comment": comment,
            }],
        )  # fmt: skip
        contact.state = to
        contact.is_open = is_open(to)

    def save(
        self,
        contact: Contact,
        actor: User,
        action: str,
        before: dict[str, Any],
        reason: str = "",
    ) -> Contact:
        """Bump the version, stamp the change and audit exactly what differs."""
        contact.version += 1
        contact.updated_at = self.now
        if not self.is_new(contact) and contact not in self.session:
            self.session.add(contact)
        after = audit.snapshot(contact, list(before))
        changed_before = {k: v for k, v in before.items() if after.get(k) != v}
        changed_after = {k: after[k] for k in changed_before}
        assert contact.id is not None
        self.audit(
            actor.username,
            action,
            "contact",
            str(contact.id),
            contact.id,
            changed_before,
            changed_after,
            reason,
        )
        return contact

    def created(self, actor: User, entity: str, row: Any, contact_id: int | None = None) -> None:
        """Audit a new row with its every column."""
        self.audit(
            actor.username, "create", entity, str(row.id), contact_id, None, audit.snapshot(row)
        )


# Tables in foreign-key order: a row is written after the rows it refers to.
_ORDER = {table: index for index, table in enumerate(SQLModel.metadata.sorted_tables)}


def _values(row: Any, names: list[str]) -> dict[str, Any]:
    """A new row's column values as the ORM would write them (its defaults already set)."""
    if type(row) is dict:
        return row
    data = row.__dict__
    return {name: data[name] if name in data else getattr(row, name) for name in names}


def active_user(session: Session, username: str, minimum: Role = Role.SCREENER) -> User:
    """The active user record for a login with at least this role, or a clear refusal."""
    user = session.exec(select(User).where(User.username == username)).first()
    return check_user(user, username, minimum)


def check_user(user: User | None, username: str, minimum: Role) -> User:
    """Refuse a login without an active record, or without at least this role."""
    if user is None:
        raise UnknownUser(
            f"'{username}' has no mash-tui user record; ask a manager to run "
            f"`mash-tui users add {username}`"
        )
    if not user.active:
        raise UnknownUser(f"the mash-tui account '{username}' is disabled")
    if not role_at_least(user.role, minimum):
        role = Role(user.role)
        if role is Role.REPORTING:
            raise PermissionDenied(
                f"only {minimum.needed_by} can do this; you have the reporting role "
                "(read, report and export, no screening or oversight changes)"
            )
        article = "an" if role.value[0] in "aeiou" else "a"
        raise PermissionDenied(
            f"only {minimum.needed_by} can do this; you are {article} {role.value}"
        )
    return user


@contextmanager
def unit_of_work(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    policy: DeadlinePolicy,
    framework: Framework,
    oversight: OversightPolicy | None = None,
) -> Iterator[Tx]:
    """Several acts in one transaction under the writer lock: all of them, or none."""
    with writer_session(sessions) as session:
        tx = Tx(session, now=now, policy=policy, framework=framework, oversight=oversight)
        yield tx
        tx.finish()
