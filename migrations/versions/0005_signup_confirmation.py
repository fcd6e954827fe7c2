"""Sign-up by e-mailed link: confirmed accounts and the simulated outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE accounts SET email_confirmed_at = created_at")  # accounts made before
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(op.f("ix_mail_outbox_to_address"), "mail_outbox", ["to_address"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_outbox_to_address"), table_name="mail_outbox")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("email_confirmed_at")
