"""organisation identifiers (IATI, CRS channel) and imported partnerships

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("provider", "facilitator"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("iati_org_id", AutoString(length=100), nullable=True))
            batch_op.add_column(sa.Column("crs_channel_code", AutoString(length=5), nullable=True))
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("imported_from", AutoString(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("iati_identifier", AutoString(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("iati_identifier")
        batch_op.drop_column("imported_from")
    for table in ("facilitator", "provider"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("crs_channel_code")
            batch_op.drop_column("iati_org_id")
