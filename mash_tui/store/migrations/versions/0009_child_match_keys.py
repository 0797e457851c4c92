"""children: stored match keys (casefolded, transliterated, phonetic) and their indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A known child must be found under the spellings people type (Zoë, Łukasiewicz, Ó
Súilleabháin), by part of a surname, by how it sounds, by date of birth with first name
and by postcode. SQL's lower() folds neither Ł nor Ó the same way on SQLite and
PostgreSQL, so the keys are computed in Python (mash_tui.domain.matching) and stored.
Existing children are keyed here; ix_children_name_dob (raw names) is replaced.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mash_tui.domain.matching import child_keys
from mash_tui.store.tables import match_key_type

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("first_key", 200),
    ("last_key", 200),
    ("last_tail_key", 200),
    ("first_sound", 40),
    ("last_sound", 40),
    ("postcode_key", 12),
)
INDEXES = (
    ("ix_children_last_key", ["last_key", "first_key", "first_sound"]),
    ("ix_children_first_key", ["first_key", "last_key"]),
    ("ix_children_last_tail_key", ["last_tail_key", "first_key", "first_sound"]),
    ("ix_children_sound", ["last_sound", "first_sound", "first_key"]),
    ("ix_children_dob_first", ["date_of_birth", "first_key"]),
    ("ix_children_postcode_key", ["postcode_key"]),
)
BATCH = 5_000


def upgrade() -> None:
    for name, width in COLUMNS:
        op.add_column(
            "children",
            sa.Column(name, match_key_type(width), nullable=False, server_default=""),
        )
    _backfill()
    for name, columns in INDEXES:
        op.create_index(name, "children", columns)
    op.drop_index("ix_children_name_dob", table_name="children")


def _backfill() -> None:
    """Key every child already recorded, in batches (a council may hold a million)."""
    bind = op.get_bind()
    children = sa.table(
        "children",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("postcode", sa.String),
        *(sa.column(name, sa.String) for name, _ in COLUMNS),
    )
    update = (
        children.update()
        .where(children.c.id == sa.bindparam("child_id"))
        .values({name: sa.bindparam(f"new_{name}") for name, _ in COLUMNS})
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(
                children.c.id, children.c.first_name, children.c.last_name, children.c.postcode
            )
            .where(children.c.id > last)
            .order_by(children.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for child_id, first, last_name, postcode in rows:
            keys = child_keys(first or "", last_name or "", postcode or "")
            values.append({"child_id": child_id, **{f"new_{k}": v for k, v in keys.items()}})
        bind.execute(update, values)
        last = rows[-1][0]


def downgrade() -> None:
    op.create_index(
        "ix_children_name_dob", "children", ["last_name", "first_name", "date_of_birth"]
    )
    for name, _ in INDEXES:
        op.drop_index(name, table_name="children")
    with op.batch_alter_table("children") as batch_op:
        for name, _ in COLUMNS:
            batch_op.drop_column(name)
