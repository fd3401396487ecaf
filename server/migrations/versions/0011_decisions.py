"""decisions on paper: per-department outcomes, delivery of the result, the applicant's township

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("township", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("delivery_method", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("delivery_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("delivery_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("delivered_by", sa.String(length=200), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_applications_township"), ["township"], unique=False)
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_column("details")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_township"))
        for column in ("delivered_by", "delivery_note", "delivery_date", "delivery_method", "township"):
            batch_op.drop_column(column)
