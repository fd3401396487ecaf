"""reuse: e-licences, verification levels per material, consent records

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "licences",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("licence_type", sa.String(length=64), nullable=False),
        sa.Column("licence_type_name", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_id_number", sa.String(length=32), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("issued_at", WHEN, nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("result_id", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=True),
        sa.Column("file_id", sa.String(length=32), nullable=True),
        sa.Column("archival_code", sa.String(length=128), nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=False),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_licences_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("licence_type", "number", name=op.f("uq_licences_licence_type")),
    )
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licences_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_holder_id_number"), ["holder_id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_licence_type"), ["licence_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_result_id"), ["result_id"], unique=False)

    op.create_table(
        "reuse_consents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("material_id", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("archival_code", sa.String(length=128), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("recorded_by_id", sa.String(length=32), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_reuse_consents_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reuse_consents")),
    )
    with op.batch_alter_table("reuse_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reuse_consents_application_id"), ["application_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reuse_consents_applicant_id_number"), ["applicant_id_number"], unique=False
        )

    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reviewed_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("level", sa.String(length=24), nullable=False, server_default="uploaded"))
        batch_op.add_column(sa.Column("valid_until", WHEN, nullable=True))
        batch_op.add_column(sa.Column("source_archival_code", sa.String(length=128), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("licence_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=24), nullable=False, server_default="archived_copy"))
        batch_op.add_column(sa.Column("licence_id", sa.String(length=32), nullable=True))
    _levels_of_existing_rows()


def _levels_of_existing_rows() -> None:
    """What the old columns recorded: a verdict's author, and "verified" for an ok verdict or an acceptance."""
    op.execute("UPDATE materials SET reviewed_by = verified_by, reviewed_at = verified_at WHERE verdict_ok IS NOT NULL")
    op.execute("UPDATE materials SET level = 'verified_original' WHERE verdict_ok = true AND verified_by <> ''")
    op.execute("UPDATE materials SET verified_by = '', verified_at = NULL WHERE verdict_ok = false")
    op.execute(
        "UPDATE materials SET level = 'archived_copy' WHERE reused_from_file_id IS NOT NULL AND level = 'uploaded'"
    )
    op.execute("UPDATE dossier_files SET level = 'verified_original' WHERE verified_by <> ''")


def downgrade() -> None:
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.drop_column("licence_id")
        batch_op.drop_column("level")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        for column in ("licence_id", "source_archival_code", "valid_until", "level", "reviewed_at", "reviewed_by"):
            batch_op.drop_column(column)
    with op.batch_alter_table("reuse_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reuse_consents_applicant_id_number"))
        batch_op.drop_index(batch_op.f("ix_reuse_consents_application_id"))
    op.drop_table("reuse_consents")
    with op.batch_alter_table("licences", schema=None) as batch_op:
        for index in ("result_id", "licence_type", "holder_id_number", "file_id", "application_id"):
            batch_op.drop_index(batch_op.f(f"ix_licences_{index}"))
    op.drop_table("licences")
