"""Provides the check of the database's own trail of row changes (PostgreSQL, migration 0008).

Two questions: is the chain of `row_changes` intact (each entry's hash is the SHA-256 of
the previous hash and its own text), and does every row of the recorded tables still
hold the values of its newest entry? A row changed while the triggers were dropped
fails the second, and is named with the columns that differ.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Engine, text

__all__ = ["check_row_changes"]

TABLES = (
    "contacts",
    "children",
    "families",
    "household_members",
    "partner_checks",
    "transitions",
    "users",
)


def check_row_changes(engine: Engine) -> str | None:
    """The first problem found, in words, or None when the trail and the rows agree."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        if conn.execute(text("SELECT to_regclass('public.row_changes')")).scalar() is None:
            return None
        conn.execute(text("SET LOCAL timezone = 'UTC'"))
        problem = _walk(conn)
        if problem is None:
            problem = _rows_agree(conn)
        conn.rollback()
    return problem


def _walk(conn: Any) -> str | None:
    prev = ""
    result = conn.execution_options(stream_results=True, yield_per=5000).execute(
        text("SELECT id, body, prev_hash, hash FROM row_changes ORDER BY id")
    )
    for entry_id, body, prev_hash, digest in result:
        if prev_hash != prev:
            return f"row change {entry_id} does not follow its predecessor (entries removed or rewritten)"
        if hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest() != digest:
            return f"row change {entry_id} was altered"
        prev = digest
    return None


def _rows_agree(conn: Any) -> str | None:
    for table in TABLES:
        label = "reference" if table == "contacts" else "id"
        rows = conn.execute(
            text(
                f"SELECT t.{label}, to_jsonb(t), r.body FROM {table} t "
                "LEFT JOIN LATERAL (SELECT body FROM row_changes c WHERE c.tbl = :tbl "
                "AND c.row_id = t.id::text ORDER BY c.id DESC LIMIT 1) r ON true "
                "WHERE r.body IS NULL OR (r.body::jsonb -> 'after') IS DISTINCT FROM to_jsonb(t) "
                "ORDER BY t.id LIMIT 1"
            ),
            {"tbl": table},
        ).first()
        if rows is None:
            gone = conn.execute(
                text(
                    "SELECT row_id FROM (SELECT DISTINCT ON (row_id) row_id, op FROM row_changes "
                    "WHERE tbl = :tbl ORDER BY row_id, id DESC) newest WHERE op <> 'DELETE' "
                    f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id::text = newest.row_id) "
                    "LIMIT 1"
                ),
                {"tbl": table},
            ).scalar()
            if gone is not None:
                return f"{table} row {gone} was removed without an entry in the row changes"
            continue
        name, now, body = rows
        who = name if table == "contacts" else f"{table} row {name}"
        if body is None:
            return f"{who} has no entry in the database's row changes"
        recorded = json.loads(body).get("after") or {}
        columns = sorted(k for k in set(now) | set(recorded) if now.get(k) != recorded.get(k))
        return f"{who} differs from its audit trail: {', '.join(columns)}"
    return None
