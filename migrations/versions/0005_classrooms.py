"""Classroom mode: an educator's classes and their students

A student is an account with a row in classroom_students (its class and seat number), not a
new value of accounts.role: widening that column's CHECK on SQLite means recreating the
accounts table, and with foreign keys on (core/db.py) inside the migration's transaction the
DROP of the old table would cascade into every profile, viewing and rating.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classrooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["accounts.id"],
                                name=op.f("fk_classrooms_owner_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classrooms")),
    )
    op.create_index(op.f("ix_classrooms_owner_id"), "classrooms", ["owner_id"])
    op.create_table(
        "classroom_students",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_classroom_students_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["classroom_id"], ["classrooms.id"],
                                name=op.f("fk_classroom_students_classroom_id_classrooms"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_classroom_students")),
        sa.UniqueConstraint("classroom_id", "seat",
                            name=op.f("uq_classroom_students_classroom_id_seat")),
    )
    op.create_index(op.f("ix_classroom_students_classroom_id"), "classroom_students",
                    ["classroom_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_classroom_students_classroom_id"), table_name="classroom_students")
    op.drop_table("classroom_students")
    op.drop_index(op.f("ix_classrooms_owner_id"), table_name="classrooms")
    op.drop_table("classrooms")
