"""contacts: the manager's oversight notes, who submitted, and self-authorisation flagged

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A manager writes a note on an authorisation and on a consent-override approval (required
when the decision is late or its level and next step do not fit). Who submitted a contact
is kept beside when, so the rule "a manager cannot authorise their own decision" can be
checked, and an authorisation by the person who decided or submitted it (allowed only by
a one-manager team's setting) is flagged. Existing contacts are flagged from their history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("override_note", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("authorisation_note", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("self_authorised", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            "fk_contacts_submitted_by_id_users", "users", ["submitted_by_id"], ["id"]
        )
    # Who submitted: the person behind the contact's latest move to "awaiting authorisation".
    op.execute(
        """
        UPDATE contacts SET submitted_by_id = (
            SELECT t.by_id FROM transitions t
            WHERE t.contact_id = contacts.id AND t.to_state = 'awaiting_authorisation'
            ORDER BY t.at DESC, t.id DESC LIMIT 1
        )
        WHERE submitted_at IS NOT NULL
        """
    )
    op.execute(
        """
        UPDATE contacts SET self_authorised = TRUE
        WHERE authorised_by_id IS NOT NULL
          AND (authorised_by_id = decided_by_id OR authorised_by_id = submitted_by_id)
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_contacts_submitted_by_id_users", type_="foreignkey")
        batch_op.drop_column("self_authorised")
        batch_op.drop_column("authorisation_note")
        batch_op.drop_column("submitted_by_id")
        batch_op.drop_column("override_note")
