"""Provides the public unit of work every use-case runs in: one transaction under the writer lock.

A `Tx` acts at a chosen instant in a named person's name, so the app (one act, now), the
importer and the demo (many acts, at the instants history gives) go through the same
use-case functions and the same rules. While it holds the writer lock it keeps what it
would otherwise re-read per step (people, counters, the audit chain's head, new ids), and
the session writes each changed row once, when the transaction ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
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
from mash_tui.domain.states import (
    ContactState,
    Role,
    can_move,
    is_open,
    role_at_least,
    why_not_move,
)
from mash_tui.store import audit
from mash_tui.store.lock import Ids, Sequences, writer_session
from mash_tui.store.tables import Contact, Transition, User

__all__ = ["Tx", "active_user", "check_user", "unit_of_work"]

TRANSITIONS: Table = Transition.__table__  # type: ignore[attr-defined]


class Tx:
    """One open write transaction: the session, the instant acts happen at, and who may act."""

    def __init__(
        self, session: Session, *, now: datetime, policy: DeadlinePolicy, framework: Framework
    ) -> None:
        self.session = session
        self.now = now
        self.policy = policy
        self.framework = framework
        self.sequences = Sequences(session)
        self.ids = Ids(session)
        self.chain = audit.Chain(session, self.sequences)
        self._people: dict[str, User] = {}
        # Rows this transaction made or read: nobody else writes while it holds the lock.
        self._contacts: dict[int, Contact] = {}
        self._transitions: list[dict[str, Any]] = []

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
        """Add a new row (its id already taken with `new_id`), kept at hand for later steps."""
        self.session.add(row)
        if isinstance(row, Contact) and row.id is not None:
            self._contacts[row.id] = row

    def finish(self) -> None:
        """Write what the transaction holds back (transitions, audit entries) before it commits."""
        self.sequences.write()
        self.session.flush()
        if self._transitions:
            self.session.execute(insert(TRANSITIONS), self._transitions)
            self._transitions = []
        self.chain.write()

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
        # Written with the audit entries when the transaction ends (see finish).
        self._transitions.append(
            {
                "contact_id": contact.id,
                "from_state": current,
                "to_state": to,
                "at": self.now,
                "by_id": actor.id,
                "comment": comment,
            }
        )
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
        if contact not in self.session:
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
        raise PermissionDenied(f"only a {minimum.value} can do this; you are a {user.role}")
    return user


@contextmanager
def unit_of_work(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    policy: DeadlinePolicy,
    framework: Framework,
) -> Iterator[Tx]:
    """Several acts in one transaction under the writer lock: all of them, or none."""
    with writer_session(sessions) as session:
        tx = Tx(session, now=now, policy=policy, framework=framework)
        yield tx
        tx.finish()
