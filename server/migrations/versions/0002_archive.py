"""archive: stored objects, dossiers, files, numbering, checks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:31:52.979469
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('archival_sequences',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('fonds', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('retention', sa.String(length=16), nullable=False),
    sa.Column('org_code', sa.String(length=32), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archival_sequences')),
    sa.UniqueConstraint('fonds', 'year', 'retention', 'org_code', name=op.f('uq_archival_sequences_fonds'))
    )
    op.create_table('dossiers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('archival_code', sa.String(length=128), nullable=False),
    sa.Column('fonds', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('retention', sa.String(length=16), nullable=False),
    sa.Column('org_code', sa.String(length=32), nullable=False),
    sa.Column('item_number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('service_code', sa.String(length=64), nullable=False),
    sa.Column('service_name', sa.String(length=200), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('department_name', sa.String(length=200), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.String(length=32), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sealed_by', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_paths', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.String(length=32), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('package_prefix', sa.String(length=512), nullable=False),
    sa.Column('check_ok', sa.Boolean(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['replaces_id'], ['dossiers.id'], name=op.f('fk_dossiers_replaces_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('archival_code', 'version', name=op.f('uq_dossiers_archival_code'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_applicant_id_number'), ['applicant_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_archival_code'), ['archival_code'], unique=False)

    op.create_table('stored_objects',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('backend', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=1024), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('sm3', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('sealed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_objects')),
    sa.UniqueConstraint('backend', 'key', name=op.f('uq_stored_objects_backend'))
    )
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_objects_sha256'), ['sha256'], unique=False)

    op.create_table('check_reports',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('object_key', sa.String(length=1024), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_check_reports_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_reports'))
    )
    with op.batch_alter_table('check_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_reports_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier_events',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_events_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_events'))
    )
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_events_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier_files',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('path', sa.String(length=600), nullable=False),
    sa.Column('material_type', sa.String(length=64), nullable=False),
    sa.Column('material_type_name', sa.String(length=200), nullable=False),
    sa.Column('material_class', sa.String(length=16), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('sha512', sa.String(length=128), nullable=False),
    sa.Column('sm3', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=32), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('text_status', sa.String(length=16), nullable=False),
    sa.Column('text_detail', sa.Text(), nullable=False),
    sa.Column('text_pages', sa.Integer(), nullable=False),
    sa.Column('preview_pages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_files_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['object_id'], ['stored_objects.id'], name=op.f('fk_dossier_files_object_id_stored_objects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_files')),
    sa.UniqueConstraint('dossier_id', 'seq', name=op.f('uq_dossier_files_dossier_id'))
    )


def downgrade() -> None:
    op.drop_table('dossier_files')
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_events_dossier_id'))

    op.drop_table('dossier_events')
    with op.batch_alter_table('check_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_reports_dossier_id'))

    op.drop_table('check_reports')
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_objects_sha256'))

    op.drop_table('stored_objects')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_archival_code'))
        batch_op.drop_index(batch_op.f('ix_dossiers_application_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_applicant_id_number'))

    op.drop_table('dossiers')
    op.drop_table('archival_sequences')
