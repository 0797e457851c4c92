"""users.db_login, and on PostgreSQL the rules the server itself enforces for each person

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

On a shared PostgreSQL database every person connects with their own login role and
belongs to one of the group roles `mash-tui db roles` creates (mash_screener,
mash_manager, mash_admin, mash_reporting). These triggers make the server refuse, for
anyone who is neither a superuser nor the tables' owner, what the app refuses:

- authorising or returning a contact, approving a consent override, or changing an
  authorised contact, unless the person is in mash_manager;
- a screener changing a contact (or its household, partner checks and transitions)
  assigned to someone else;
- changing users, unless the person is a manager (an admin for anything about admins);
- writing a row in another person's name (entered, decided, authorised, recorded by,
  a draft's owner, an audit entry's username); admins may, for imports of history;
- an audit entry that does not extend the chain's head (the 0002 triggers already
  refuse changing or removing entries).

users.db_login names the person's PostgreSQL login role when it differs from their
mash-tui username (blank: the same). On SQLite only the column is added.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Who is exempt: a superuser, or a member of the role that owns the tables (the owner
# runs upgrades and repairs; docs/team.md says what that means for the audit).
HELPERS = [
    """CREATE OR REPLACE FUNCTION mash_exempt() RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER')
        FROM pg_roles r, pg_class c
        WHERE r.rolname = session_user AND c.oid = 'public.users'::regclass
    $$""",
    # The group roles are made by `mash-tui db roles`; before that nobody is in them.
    """CREATE OR REPLACE FUNCTION mash_in(grp text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = grp)
           AND pg_has_role(session_user, grp, 'MEMBER')
    $$""",
    # The mash-tui person behind the connection (SECURITY DEFINER: it reads users
    # whatever the caller may read).
    """CREATE OR REPLACE FUNCTION mash_person_id() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT id FROM users
        WHERE active AND (CASE WHEN db_login = '' THEN username ELSE db_login END) = session_user
    $$""",
    """CREATE OR REPLACE FUNCTION mash_person() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT username FROM users WHERE id = mash_person_id()
    $$""",
    """CREATE OR REPLACE FUNCTION mash_refuse(what text) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'mash-tui: % (database login %)', what, session_user
            USING ERRCODE = 'insufficient_privilege';
    END
    $$""",
    # A person's own name, or an admin writing history in someone else's.
    """CREATE OR REPLACE FUNCTION mash_as_me(person integer, what text) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF person IS NOT NULL AND person IS DISTINCT FROM mash_person_id()
           AND NOT mash_in('mash_admin') THEN
            PERFORM mash_refuse(what || ' in another person''s name');
        END IF;
    END
    $$""",
    # May this person change this contact's rows at all?
    """CREATE OR REPLACE FUNCTION mash_may_change(contact integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    DECLARE
        row_state text;
        assignee integer;
    BEGIN
        SELECT state, assigned_to_id INTO row_state, assignee FROM contacts WHERE id = contact;
        IF NOT FOUND OR mash_in('mash_manager') THEN
            RETURN;
        END IF;
        IF row_state = 'authorised' THEN
            PERFORM mash_refuse('only a manager may change an authorised contact');
        END IF;
        IF assignee IS DISTINCT FROM mash_person_id() THEN
            PERFORM mash_refuse('this contact is assigned to someone else');
        END IF;
    END
    $$""",
]

GUARDS = {
    "contacts": """
    BEGIN
        IF mash_exempt() THEN RETURN COALESCE(NEW, OLD); END IF;
        IF TG_OP = 'DELETE' THEN
            IF NOT mash_in('mash_manager') THEN
                PERFORM mash_refuse('only a manager may remove a contact');
            END IF;
            RETURN OLD;
        END IF;
        IF NOT mash_in('mash_screener') THEN
            PERFORM mash_refuse('only screeners and managers change contacts');
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM mash_as_me(NEW.entered_by_id, 'a contact entered');
            IF NEW.state IN ('authorised', 'returned') AND NOT mash_in('mash_manager') THEN
                PERFORM mash_refuse('only a manager may authorise or return a contact');
            END IF;
            RETURN NEW;
        END IF;
        PERFORM mash_may_change(OLD.id);
        IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('authorised', 'returned')
           AND NOT mash_in('mash_manager') THEN
            PERFORM mash_refuse('only a manager may authorise or return a contact');
        END IF;
        IF NEW.assigned_to_id IS DISTINCT FROM OLD.assigned_to_id
           AND NOT mash_in('mash_manager') THEN
            PERFORM mash_refuse('only a manager may reassign a contact');
        END IF;
        IF NEW.override_authorised_by_id IS DISTINCT FROM OLD.override_authorised_by_id THEN
            IF NOT mash_in('mash_manager') THEN
                PERFORM mash_refuse('only a manager may approve a consent override');
            END IF;
            PERFORM mash_as_me(NEW.override_authorised_by_id, 'an override approval');
        END IF;
        IF NEW.authorised_by_id IS DISTINCT FROM OLD.authorised_by_id THEN
            PERFORM mash_as_me(NEW.authorised_by_id, 'an authorisation');
        END IF;
        IF NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id THEN
            PERFORM mash_as_me(NEW.decided_by_id, 'a decision');
        END IF;
        RETURN NEW;
    END""",
    # Rows that belong to one contact: whoever may change the contact may change them.
    "household_members": """
    BEGIN
        IF mash_exempt() THEN RETURN COALESCE(NEW, OLD); END IF;
        PERFORM mash_may_change(COALESCE(NEW.contact_id, OLD.contact_id));
        IF TG_OP = 'UPDATE' AND NEW.contact_id IS DISTINCT FROM OLD.contact_id THEN
            PERFORM mash_may_change(NEW.contact_id);
        END IF;
        RETURN COALESCE(NEW, OLD);
    END""",
    "partner_checks": """
    BEGIN
        IF mash_exempt() THEN RETURN COALESCE(NEW, OLD); END IF;
        PERFORM mash_may_change(COALESCE(NEW.contact_id, OLD.contact_id));
        IF TG_OP <> 'DELETE' THEN
            PERFORM mash_as_me(NEW.recorded_by_id, 'a partner check');
        END IF;
        RETURN COALESCE(NEW, OLD);
    END""",
    "transitions": """
    BEGIN
        IF mash_exempt() THEN RETURN COALESCE(NEW, OLD); END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM mash_refuse('the record of state changes is never edited');
        END IF;
        PERFORM mash_may_change(NEW.contact_id);
        PERFORM mash_as_me(NEW.by_id, 'a state change');
        IF NEW.to_state IN ('authorised', 'returned') AND NOT mash_in('mash_manager') THEN
            PERFORM mash_refuse('only a manager may authorise or return a contact');
        END IF;
        RETURN NEW;
    END""",
    # A child can be on several contacts: a screener may change one they are working on.
    "children": """
    BEGIN
        IF mash_exempt() OR mash_in('mash_manager') THEN RETURN COALESCE(NEW, OLD); END IF;
        IF NOT mash_in('mash_screener') THEN
            PERFORM mash_refuse('only screeners and managers change children''s details');
        END IF;
        IF TG_OP = 'DELETE' THEN
            PERFORM mash_refuse('only a manager may remove a child''s record');
        END IF;
        IF TG_OP = 'UPDATE' AND NOT EXISTS (
            SELECT 1 FROM contacts
            WHERE child_id = OLD.id AND is_open AND assigned_to_id = mash_person_id()
        ) THEN
            PERFORM mash_refuse('this child is on no open contact assigned to you');
        END IF;
        RETURN NEW;
    END""",
    # As in the app, managers add people and disable them; making or changing an admin,
    # or removing anyone, is an admin's.
    "users": """
    BEGIN
        IF mash_exempt() OR mash_in('mash_admin') THEN RETURN COALESCE(NEW, OLD); END IF;
        IF NOT mash_in('mash_manager') THEN
            PERFORM mash_refuse('only a manager or admin may change users and roles');
        END IF;
        IF TG_OP = 'DELETE' THEN
            PERFORM mash_refuse('only an admin may remove a user');
        END IF;
        IF NEW.role = 'admin' OR (TG_OP = 'UPDATE' AND OLD.role = 'admin') THEN
            PERFORM mash_refuse('only an admin may make or change an admin');
        END IF;
        RETURN NEW;
    END""",
    "drafts": """
    BEGIN
        IF mash_exempt() THEN RETURN COALESCE(NEW, OLD); END IF;
        IF TG_OP <> 'INSERT' AND OLD.user_id IS DISTINCT FROM mash_person_id() THEN
            PERFORM mash_refuse('a draft belongs to the person who typed it');
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.user_id IS DISTINCT FROM mash_person_id() THEN
            PERFORM mash_refuse('a draft belongs to the person who typed it');
        END IF;
        RETURN COALESCE(NEW, OLD);
    END""",
    # Each entry in the name of the person connected (admins: history they import), and
    # only ever at the end of the chain.
    "audit_log": """
    DECLARE
        head record;
    BEGIN
        IF mash_exempt() THEN RETURN NEW; END IF;
        IF NEW.username IS DISTINCT FROM mash_person() AND NOT mash_in('mash_admin') THEN
            PERFORM mash_refuse('an audit entry in another person''s name');
        END IF;
        SELECT id, hash INTO head FROM audit_log ORDER BY id DESC LIMIT 1;
        IF FOUND AND (NEW.id <> head.id + 1 OR NEW.prev_hash IS DISTINCT FROM head.hash) THEN
            PERFORM mash_refuse('an audit entry that does not extend the chain');
        END IF;
        RETURN NEW;
    END""",
}


def _postgres_up() -> list[str]:
    statements = list(HELPERS)
    for table, body in GUARDS.items():
        function = f"mash_guard_{table}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $${body}\n    $$"
        )
        events = "INSERT" if table == "audit_log" else "INSERT OR UPDATE OR DELETE"
        statements.append(
            f"CREATE TRIGGER {table}_person_guard BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    return statements


def _postgres_down() -> list[str]:
    statements = []
    for table in GUARDS:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_person_guard ON {table}")
        statements.append(f"DROP FUNCTION IF EXISTS mash_guard_{table}()")
    for name in ("mash_may_change(integer)", "mash_as_me(integer, text)", "mash_refuse(text)"):
        statements.append(f"DROP FUNCTION IF EXISTS {name}")
    for name in ("mash_person()", "mash_person_id()", "mash_in(text)", "mash_exempt()"):
        statements.append(f"DROP FUNCTION IF EXISTS {name}")
    return statements


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("db_login", sa.String(120), nullable=False, server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        for statement in _postgres_up():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _postgres_down():
            op.execute(statement)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("db_login")
