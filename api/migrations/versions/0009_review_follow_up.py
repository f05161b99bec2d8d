"""need closures, triad outcomes, used need-form tokens; model versions count what they learned from

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "needclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("outcome", AutoString(length=40), nullable=False),
        sa.Column("comment", AutoString(length=4000), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["closed_by"], ["apikey.id"]),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_needclosure_need_id"), "needclosure", ["need_id"], unique=False)
    op.create_table(
        "triadoutcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", AutoString(length=40), nullable=False),
        sa.Column("facilitator_id", AutoString(length=40), nullable=True),
        sa.Column("stage", AutoString(length=20), nullable=False),
        sa.Column("comment", AutoString(length=4000), nullable=False),
        sa.Column("partnership_id", AutoString(length=40), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitator.id"]),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"]),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["apikey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_triadoutcome_need_id"), "triadoutcome", ["need_id"], unique=False)
    op.create_table(
        "usedformtoken",
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("modelversion") as batch_op:
        batch_op.add_column(sa.Column("trained_partnerships", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trained_reviews", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("modelversion") as batch_op:
        batch_op.drop_column("trained_reviews")
        batch_op.drop_column("trained_partnerships")
    op.drop_table("usedformtoken")
    op.drop_index(op.f("ix_triadoutcome_need_id"), table_name="triadoutcome")
    op.drop_table("triadoutcome")
    op.drop_index(op.f("ix_needclosure_need_id"), table_name="needclosure")
    op.drop_table("needclosure")
