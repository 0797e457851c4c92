"""PostgreSQL: every row change to the records, written by the database itself, chained

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

The app's audit trail records what people do through mash-tui. This one records what
happens to the rows, whoever does it and however (the app, psql, a script): after each
insert, update or delete on the tables below, a trigger running as the tables' owner
appends the login (`session_user`), the time, the table, the row's id and its values
before and after to `row_changes`, each entry carrying the SHA-256 of its own text and
of the entry before it. Nobody but the owner can write to it, and the 0002 guard makes
it append-only for the owner too. Existing rows get one baseline entry each, so a row
changed later with these triggers dropped no longer matches its newest entry, and
`mash-tui audit verify` names it. On SQLite (one person's own file) nothing is added.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "contacts",
    "children",
    "families",
    "household_members",
    "partner_checks",
    "transitions",
    "users",
)

UP = [
    """CREATE TABLE row_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        db_login text NOT NULL,
        tbl text NOT NULL,
        op text NOT NULL,
        row_id text NOT NULL,
        body text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
    )""",
    "CREATE INDEX ix_row_changes_row ON row_changes (tbl, row_id, id)",
    # One writer at a time extends the chain (the app's writers already queue on their
    # lock row; this covers everyone else). Times and values are written in UTC.
    """CREATE FUNCTION mash_row_change(tbl text, operation text, before jsonb, after jsonb)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET timezone = 'UTC'
    AS $$
    DECLARE
        prev text;
        body text;
        now_at timestamptz := clock_timestamp();
        row_key text := COALESCE(after ->> 'id', before ->> 'id');
    BEGIN
        PERFORM pg_advisory_xact_lock(7302260901);
        SELECT hash INTO prev FROM row_changes ORDER BY id DESC LIMIT 1;
        prev := COALESCE(prev, '');
        body := jsonb_build_object(
            'at', now_at, 'login', session_user, 'table', tbl, 'op', operation,
            'row', row_key, 'before', before, 'after', after
        )::text;
        INSERT INTO row_changes (at, db_login, tbl, op, row_id, body, prev_hash, hash)
        VALUES (now_at, session_user, tbl, operation, row_key, body, prev,
                encode(sha256(convert_to(prev || body, 'UTF8')), 'hex'));
    END
    $$""",
    """CREATE FUNCTION mash_row_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET timezone = 'UTC' AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND to_jsonb(OLD) = to_jsonb(NEW) THEN
            RETURN NULL;  -- nothing changed: nothing to record
        END IF;
        PERFORM mash_row_change(
            TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END
        );
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER row_changes_no_change BEFORE UPDATE OR DELETE ON row_changes
    FOR EACH ROW EXECUTE FUNCTION mash_audit_log_append_only()""",
    """CREATE TRIGGER row_changes_no_truncate BEFORE TRUNCATE ON row_changes
    FOR EACH STATEMENT EXECUTE FUNCTION mash_audit_log_append_only()""",
    "REVOKE ALL ON row_changes FROM PUBLIC",
]
for _table in TABLES:
    UP.append(
        f"CREATE TRIGGER {_table}_row_changes AFTER INSERT OR UPDATE OR DELETE ON {_table} "
        "FOR EACH ROW EXECUTE FUNCTION mash_row_changed()"
    )
    UP.append(
        f"""DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT to_jsonb(t) AS v FROM {_table} t ORDER BY id LOOP
                PERFORM mash_row_change('{_table}', 'BASELINE', NULL, r.v);
            END LOOP;
        END $$"""
    )

DOWN = [f"DROP TRIGGER IF EXISTS {t}_row_changes ON {t}" for t in TABLES] + [
    "DROP TABLE IF EXISTS row_changes",
    "DROP FUNCTION IF EXISTS mash_row_changed()",
    "DROP FUNCTION IF EXISTS mash_row_change(text, text, jsonb, jsonb)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWN:
            op.execute(statement)
