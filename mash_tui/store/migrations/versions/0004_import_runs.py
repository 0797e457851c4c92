"""import runs: each `import contacts` recorded with the contacts it wrote

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

An import is written in batches so other people can save between them; the run and its
contacts are recorded so that a run that fails part way (or was killed) is taken out whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "import_run_contacts",
        sa.Column("contact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["import_runs.id"]),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    with op.batch_alter_table("import_run_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_contacts_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_table("import_run_contacts")
    op.drop_table("import_runs")
