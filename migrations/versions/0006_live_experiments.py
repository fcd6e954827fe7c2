"""Live experiments: A/B tests on the site (core/experiments.py) and their exposures

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 05:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("hypothesis", sa.Text(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("population", sa.String(length=8), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("primary_metric", sa.String(length=32), nullable=False),
        sa.Column("guardrails", sa.JSON(), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('draft', 'running', 'stopped')",
                           name=op.f("ck_live_experiments_state")),
        sa.CheckConstraint("population IN ('all', 'new', 'share')",
                           name=op.f("ck_live_experiments_population")),
        sa.CheckConstraint("share > 0 AND share <= 1", name=op.f("ck_live_experiments_share")),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"],
                                name=op.f("fk_live_experiments_created_by_accounts"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_experiments")),
        sa.UniqueConstraint("name", name=op.f("uq_live_experiments_name")),
    )
    op.create_index("ix_live_experiments_state_layer", "live_experiments", ["state", "layer"])
    op.create_table(
        "live_exposures",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=32), nullable=False),
        sa.Column("first_exposed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["live_experiments.id"],
                                name=op.f("fk_live_exposures_experiment_id_live_experiments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"],
                                name=op.f("fk_live_exposures_profile_id_profiles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("experiment_id", "profile_id", name=op.f("pk_live_exposures")),
    )
    op.create_index(op.f("ix_live_exposures_profile_id"), "live_exposures", ["profile_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_live_exposures_profile_id"), table_name="live_exposures")
    op.drop_table("live_exposures")
    op.drop_index("ix_live_experiments_state_layer", table_name="live_experiments")
    op.drop_table("live_experiments")
