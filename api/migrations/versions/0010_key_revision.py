"""the API keys' revision: bumped with every key created or revoked, read by each worker's key cache

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:45:00.000000
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
    op.create_table(
        "keyrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO keyrevision (id, revision) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("keyrevision")
