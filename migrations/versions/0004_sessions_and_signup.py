"""Accounts, hardened: the profile choice on the server (one row per signed-in browser),
sign-up confirmed by an e-mailed link, and the simulated outbox that "sends" it

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
    for column in ("account_id", "profile_id"):
        op.create_index(op.f(f"ix_browser_sessions_{column}"), "browser_sessions", [column])
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
    for column in ("profile_id", "account_id"):
        op.drop_index(op.f(f"ix_browser_sessions_{column}"), table_name="browser_sessions")
    op.drop_table("browser_sessions")
