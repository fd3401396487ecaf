"""four-property check status: passed, failed or incomplete

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_status', sa.String(length=16), nullable=False, server_default=''))
    with op.batch_alter_table('check_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default=''))
    # Reports written before: a pass may have skipped the virus scan, so only failures keep their verdict.
    op.execute("UPDATE dossiers SET check_status = 'failed' WHERE check_ok = false")
    op.execute("UPDATE check_reports SET status = CASE WHEN ok THEN 'incomplete' ELSE 'failed' END")
    op.execute("UPDATE dossiers SET check_status = 'incomplete', check_ok = NULL WHERE check_ok = true")


def downgrade() -> None:
    with op.batch_alter_table('check_reports', schema=None) as batch_op:
        batch_op.drop_column('status')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('check_status')
