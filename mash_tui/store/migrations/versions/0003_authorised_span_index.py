"""contacts: an index on (authorised_at, received_at, deadline_at) for the weekly report

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The weekly figures count contacts "open at" an instant (received before it and not
authorised before it); with received_at and deadline_at carried beside authorised_at
those counts read the index alone. It replaces ix_contacts_authorised, its prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contacts_authorised_span",
        "contacts",
        ["authorised_at", "received_at", "deadline_at"],
    )
    op.drop_index("ix_contacts_authorised", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_authorised", "contacts", ["authorised_at"])
    op.drop_index("ix_contacts_authorised_span", table_name="contacts")
