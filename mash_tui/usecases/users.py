"""Provides the use-cases about people: adding users, disabling them, recording exports."""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from mash_tui.domain import rules
from mash_tui.domain.errors import NotFound, PermissionDenied, ValidationFailed
from mash_tui.domain.states import Role, is_manager
from mash_tui.store.audit import snapshot
from mash_tui.store.tables import User
from mash_tui.usecases.guards import refuse
from mash_tui.usecases.tx import Tx

__all__ = ["add_user", "record_audit_check", "record_export", "set_user_active"]


def add_user(
    tx: Tx,
    actor: str | None,
    username: str,
    display_name: str,
    role: str = Role.SCREENER,
    *,
    db_login: str = "",
) -> User:
    """Add a user; the very first user may be added by nobody (first run)."""
    username = username.strip()
    errors = rules.check_new_user(username, role)
    errors.update(rules.check_display_name(display_name))
    refuse(errors)
    if not display_name.strip():
        display_name = username
    first = tx.session.exec(select(func.count()).select_from(User)).one() == 0
    if first:
        if not is_manager(role):
            raise ValidationFailed(
                {"role": "the first user must be a manager, who can then add screeners"}
            )
        by = actor or username
    else:
        if actor is None:
            raise PermissionDenied("only a manager or admin can add users")
        by = tx.person(actor, Role.MANAGER).username
    if tx.session.exec(select(User).where(User.username == username)).first():
        raise ValidationFailed({"username": f"'{username}' already has a user record"})
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=Role(role),
        active=True,
        created_at=tx.now,
        created_by=by,
        db_login=db_login.strip(),
    )
    tx.session.add(user)
    tx.session.flush()
    tx.audit(by, "create", "user", str(user.id), None, None, snapshot(user))
    return user


def set_user_active(tx: Tx, actor: str, username: str, active: bool) -> User:
    """Disable (or re-enable) an account; the history it made stays."""
    by = tx.person(actor, Role.MANAGER)
    user = tx.session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user '{username}'")
    if user.id == by.id and not active:
        raise ValidationFailed({"username": "you cannot disable your own account"})
    before = snapshot(user, ["active"])
    user.active = active
    tx.session.add(user)
    tx.audit(
        by.username,
        "enable" if active else "disable",
        "user",
        str(user.id),
        None,
        before,
        snapshot(user, ["active"]),
    )
    return user


def record_export(tx: Tx, actor: str, what: str, detail: dict[str, Any]) -> None:
    """Exports are changes too: who took which figures out, and when (managers and
    reporting officers only: an export carries children's details out of the system)."""
    tx.person(actor, Role.REPORTING)
    tx.audit(actor, "export", what, "", None, None, detail)


def record_audit_check(tx: Tx, actor: str, detail: dict[str, Any], problem: str = "") -> None:
    """Checking the audit trail is recorded too: who looked, when, and what they found."""
    tx.person(actor, Role.REPORTING)
    tx.audit(actor, "verify", "audit", "", None, None, detail, problem)
