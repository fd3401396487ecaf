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
    _preservation_upgrade()


def downgrade() -> None:
    _preservation_downgrade()
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


# --- items 3-6: PREMIS preservation events, transfer batches (the 移交登记表) and the dossiers they carried ---


def _preservation_upgrade() -> None:
    op.create_table(
        "preservation_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("file_path", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_preservation_events_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preservation_events")),
    )
    with op.batch_alter_table("preservation_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preservation_events_dossier_id"), ["dossier_id"])
    op.create_table(
        "transfer_batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("batch_number", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("dossier_count", sa.Integer(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("total_bytes", sa.BigInteger(), nullable=False),
        sa.Column("manifest_sm3", sa.String(length=64), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_batches")),
        sa.UniqueConstraint("batch_number", name=op.f("uq_transfer_batches_batch_number")),
    )
    op.create_table(
        "transfer_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("archival_code", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["transfer_batches.id"], name=op.f("fk_transfer_items_batch_id_transfer_batches")
        ),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_transfer_items_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_items")),
        sa.UniqueConstraint("batch_id", "dossier_id", name=op.f("uq_transfer_items_batch_id")),
    )
    with op.batch_alter_table("transfer_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfer_items_batch_id"), ["batch_id"])
        batch_op.create_index(batch_op.f("ix_transfer_items_dossier_id"), ["dossier_id"])


def _preservation_downgrade() -> None:
    with op.batch_alter_table("transfer_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfer_items_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_transfer_items_batch_id"))
    op.drop_table("transfer_items")
    op.drop_table("transfer_batches")
    with op.batch_alter_table("preservation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preservation_events_dossier_id"))
    op.drop_table("preservation_events")
