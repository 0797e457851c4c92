"""contacts: a partial index of the contacts that stayed in the MASH more than six days

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

The weekly report needs the contacts still open at an instant long past: received before
it, authorised after it. Those received in the week before the instant are a short range
of the received-at index; any received earlier stayed more than six days, and this index
holds only those, so an old week's report no longer reads every authorisation since.
The condition is written as the report's query writes it (queries/conditions.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_WHERE = "julianday(authorised_at) - julianday(received_at) > 6"
POSTGRESQL_WHERE = "authorised_at - received_at > interval '6 days'"


def upgrade() -> None:
    op.create_index(
        "ix_contacts_long_stay",
        "contacts",
        ["authorised_at"],
        sqlite_where=sa.text(SQLITE_WHERE),
        postgresql_where=sa.text(POSTGRESQL_WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_long_stay", table_name="contacts")
