"""A more realistic simulated world: critics' scores, title awareness, tastes by day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("titles") as batch:
        batch.add_column(sa.Column("critic_score", sa.SmallInteger(), nullable=True))
    with op.batch_alter_table("truth_titles") as batch:
        batch.add_column(sa.Column("awareness", sa.Float(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "truth_taste_days",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("taste", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"],
                                name=op.f("fk_truth_taste_days_profile_id_profiles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("profile_id", "day", name=op.f("pk_truth_taste_days")),
    )


def downgrade() -> None:
    op.drop_table("truth_taste_days")
    with op.batch_alter_table("truth_titles") as batch:
        batch.drop_column("awareness")
    with op.batch_alter_table("titles") as batch:
        batch.drop_column("critic_score")
