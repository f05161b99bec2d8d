"""model activation history (roll-back walks back through it)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "modelactivation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", AutoString(length=80), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=False),
        sa.Column("activated_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["activated_by"], ["apikey.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["modelversion.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_modelactivation_version_id"), "modelactivation", ["version_id"], unique=False)
    # the history so far: each version that was ever active, at its (last) activation
    op.execute(
        "INSERT INTO modelactivation (version_id, activated_at) SELECT id, activated_at FROM modelversion "
        "WHERE activated_at IS NOT NULL ORDER BY activated_at"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_modelactivation_version_id"), table_name="modelactivation")
    op.drop_table("modelactivation")
