"""archival metadata: DA/T 46 elements, transfer batches, preservation events, package signatures

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:00:00

Issue #14 is built by two helpers, each with its own blocks below: items 1, 2, 7 (DA/T 46 elements, the
DA/T 22 numbering groups, the archiving scope, format information) in the _metadata_* functions; the
transfer batches, preservation events and signatures (items 3-6) add theirs in functions of their own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SERVICE_COLUMNS = (
    ("item_code", sa.String(length=64), ""),
    ("item_type", sa.String(length=24), "licensing"),
    ("secrecy", sa.String(length=16), "public"),
    ("openness", sa.String(length=16), "controlled"),
)
DOSSIER_STRINGS = (
    ("code_group", sa.String(length=255)),
    ("category_code", sa.String(length=16)),
    ("fonds_name", sa.String(length=200)),
    ("archiving_unit", sa.String(length=200)),
    ("responsible", sa.String(length=500)),
    ("item_code", sa.String(length=64)),
    ("item_type", sa.String(length=24)),
    ("secrecy", sa.String(length=16)),
    ("openness", sa.String(length=16)),
    ("id_type", sa.String(length=16)),
    ("case_status", sa.String(length=24)),
)
FILE_STRINGS = (
    ("format_name", sa.String(length=200)),
    ("format_version", sa.String(length=64)),
    ("pronom", sa.String(length=32)),
    ("creating_software", sa.String(length=200)),
)
# The numbering group of the scheme every earlier 档号 was made with: fonds, year, retention and organisation.
OLD_GROUP = "'fonds=' || fonds || ';org=' || org_code || ';retention=' || retention || ';year=' || year"


def upgrade() -> None:
    _metadata_upgrade()


def downgrade() -> None:
    _metadata_downgrade()


# --- items 1, 2, 7: DA/T 46 elements, numbering groups, archiving scope, format information -----------------


def _metadata_upgrade() -> None:
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        for name, type_, default in SERVICE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
        batch_op.add_column(sa.Column("secrecy_years", sa.Integer(), nullable=True))
    with op.batch_alter_table("archival_sequences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_group", sa.String(length=255), nullable=False, server_default=""))
    op.execute(f"UPDATE archival_sequences SET code_group = {OLD_GROUP}")
    with op.batch_alter_table("archival_sequences", schema=None) as batch_op:
        batch_op.drop_constraint("uq_archival_sequences_fonds", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_archival_sequences_code_group"), ["code_group"])
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        for name, type_ in DOSSIER_STRINGS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("secrecy_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("time_limit_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deferred_slots", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_dossiers_code_group"), ["code_group"], unique=False)
    op.execute(f"UPDATE dossiers SET code_group = {OLD_GROUP}")
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        for name, type_ in FILE_STRINGS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("digitization", sa.JSON(), nullable=False, server_default="{}"))


def _metadata_downgrade() -> None:
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        for name in ("digitization", *(name for name, _ in reversed(FILE_STRINGS))):
            batch_op.drop_column(name)
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_code_group"))
        for name in ("deferred_slots", "time_limit_days", "accepted_at", "submitted_at", "secrecy_years"):
            batch_op.drop_column(name)
        for name, _ in reversed(DOSSIER_STRINGS):
            batch_op.drop_column(name)
    with op.batch_alter_table("archival_sequences", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_archival_sequences_code_group"), type_="unique")
        batch_op.create_unique_constraint("uq_archival_sequences_fonds", ["fonds", "year", "retention", "org_code"])
        batch_op.drop_column("code_group")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.drop_column("secrecy_years")
        for name, _, _ in reversed(SERVICE_COLUMNS):
            batch_op.drop_column(name)
