"""stored objects: SHA-512 and format identification, learned by a job after an upload

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:10:00

An upload records SHA-256 only; a job then reads the object once for SM3, SHA-512 and its format, so that
sealing copies it within the store without reading it again (issue #16).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stored_objects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha512", sa.String(length=128), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("format", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stored_objects", schema=None) as batch_op:
        batch_op.drop_column("format")
        batch_op.drop_column("sha512")
