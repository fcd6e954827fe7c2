"""The profile choice on the server: one row per signed-in browser

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_browser_sessions_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"],
                                name=op.f("fk_browser_sessions_profile_id_profiles"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_browser_sessions")),
    )
    op.create_index(op.f("ix_browser_sessions_account_id"), "browser_sessions",
                    ["account_id"])
    op.create_index(op.f("ix_browser_sessions_profile_id"), "browser_sessions",
                    ["profile_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_browser_sessions_profile_id"), table_name="browser_sessions")
    op.drop_index(op.f("ix_browser_sessions_account_id"), table_name="browser_sessions")
    op.drop_table("browser_sessions")
