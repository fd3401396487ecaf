"""access log of archived files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:35:47.964005
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('dossier_id', sa.String(length=32), nullable=False),
    sa.Column('file_id', sa.String(length=32), nullable=True),
    sa.Column('applicant_id_number', sa.String(length=32), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('application_id', sa.String(length=32), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_access_log_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_applicant_id_number'), ['applicant_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_applicant_id_number'))

    op.drop_table('access_log')
