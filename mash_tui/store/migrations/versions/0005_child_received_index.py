"""contacts: an index on (child_id, received_at) for earlier contacts and repeat contacts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Earlier contacts about a child and the weekly repeat-contact figure look for a child's
contacts inside a time window; with received_at beside child_id that is one index range.
It replaces ix_contacts_child_id, its prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contacts_child_received", "contacts", ["child_id", "received_at"])
    op.drop_index("ix_contacts_child_id", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_child_id", "contacts", ["child_id"])
    op.drop_index("ix_contacts_child_received", table_name="contacts")
