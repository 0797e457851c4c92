"""Provides a shared PostgreSQL database's people: group roles, personal logins, who is connected.

Every person connects with their own login role, a member of one group role; the server
then knows who is acting (`session_user`) and, with the triggers of migration 0007,
refuses what that person's role may not do. `group_roles_sql` is what `mash-tui db roles`
runs; `person_sql` is what `mash-tui users add` runs for each person. Both are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from mash_tui.domain.states import Role
from mash_tui.store.tables import SQLModel

__all__ = [
    "GROUPS",
    "NotAllowed",
    "apply",
    "connected_person",
    "group_roles_sql",
    "groups_exist",
    "outside_the_rules",
    "person_sql",
    "quote",
]

# Each mash-tui role's group role. A manager is also a screener, an admin also a manager.
GROUPS: dict[str, str] = {
    Role.SCREENER.value: "mash_screener",
    Role.MANAGER.value: "mash_manager",
    Role.ADMIN.value: "mash_admin",
    Role.REPORTING.value: "mash_reporting",
}
_INHERITS = [("mash_screener", "mash_manager"), ("mash_manager", "mash_admin")]

# Tables a person may only read (and, for the audit trail, append to through the rules).
_READ_ONLY = {"alembic_version", "audit_log", "users"}


class NotAllowed(Exception):
    """The connected login may not create roles or grant them: one line naming what to ask for."""


def quote(name: str) -> str:
    """A role or database name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _create_role(name: str, login: bool) -> str:
    kind = "LOGIN" if login else "NOLOGIN"
    # Two people running this at once must not fail: a role made meanwhile is fine.
    return (
        f"DO $$ BEGIN CREATE ROLE {quote(name)} {kind}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def group_roles_sql(database: str, tables: Iterable[str] | None = None) -> list[str]:
    """Create the group roles and grant each what it needs on this database, and no more."""
    names = sorted(tables if tables is not None else SQLModel.metadata.tables)
    writable = ", ".join(quote(t) for t in names if t not in _READ_ONLY)
    groups = ", ".join(quote(g) for g in GROUPS.values())
    statements = [_create_role(group, login=False) for group in GROUPS.values()]
    statements += [f"GRANT {quote(a)} TO {quote(b)}" for a, b in _INHERITS]
    statements += [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {groups}",
        f"GRANT USAGE ON SCHEMA public TO {groups}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {groups}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}",
        f"GRANT INSERT, UPDATE, DELETE ON {writable} TO mash_screener",
        # Everyone's acts are audited, reporting officers' exports too; the writer lock
        # and the audit's numbering live in counters.
        "GRANT INSERT ON audit_log TO mash_screener, mash_reporting",
        "GRANT UPDATE ON counters TO mash_reporting",
        "GRANT INSERT, UPDATE ON users TO mash_manager",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {groups}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {groups}",
    ]
    return statements


def person_sql(login: str, role: str) -> list[str]:
    """Create (or keep) a person's login role and make it a member of their role's group only."""
    group = GROUPS[role]
    others = ", ".join(quote(g) for g in GROUPS.values() if g != group)
    return [
        _create_role(login, login=True),
        f"GRANT {quote(group)} TO {quote(login)}",
        f"REVOKE {others} FROM {quote(login)}",
    ]


def apply(engine: Engine, statements: list[str]) -> None:
    """Run the statements in one transaction; a missing privilege is one line, not a traceback."""
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        if code == "42501":  # insufficient_privilege
            detail = str(exc.orig).strip().splitlines()[0]
            raise NotAllowed(
                f"{detail}: run this as the database owner or a DBA with CREATEROLE"
            ) from None
        raise


def groups_exist(engine: Engine) -> bool:
    """Whether `mash-tui db roles` has been run on this server."""
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": list(GROUPS.values())},
        ).scalar_one()
    return bool(found)


def outside_the_rules(engine: Engine) -> bool:
    """Whether the connected login is a superuser or the tables' owner (migration 0007)."""
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT mash_exempt()")).scalar_one())


def connected_person(engine: Engine) -> str:
    """The mash-tui username of the connected login role (the role's own name if none is linked)."""
    with engine.connect() as conn:
        login = conn.execute(text("SELECT session_user")).scalar_one()
        username = conn.execute(
            text(
                "SELECT username FROM users WHERE "
                "(CASE WHEN db_login = '' THEN username ELSE db_login END) = :login"
            ),
            {"login": login},
        ).scalar()
    return str(username if username is not None else login)
