"""the ledger: hash-chained access entries, officers' access requests, sealed chain heads

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from server.models.base import UTCDateTime
from server.models.chain import FIELDS, values_hash
from server.models.ledger import GENESIS

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("file_name", sa.String(length=500), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.alter_column("dossier_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_seq"), ["seq"])
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.create_table(
        "access_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=32), nullable=False),
        sa.Column("officer_id", sa.String(length=32), nullable=False),
        sa.Column("officer_name", sa.String(length=200), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_access_requests_dossier_id_dossiers")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_access_requests_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_requests")),
    )
    with op.batch_alter_table("access_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_requests_applicant_id_number"), ["applicant_id_number"])
        batch_op.create_index(batch_op.f("ix_access_requests_dossier_id"), ["dossier_id"])
        batch_op.create_index(batch_op.f("ix_access_requests_officer_id"), ["officer_id"])
    _chain_existing_entries()
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.alter_column("detail", existing_type=sa.JSON(), nullable=False)


def _chain_existing_entries() -> None:
    """Rows logged before the chain existed are chained in the order they were written."""
    log = sa.table(
        "access_log",
        *(sa.column(name) for name in FIELDS if name not in ("at", "detail", "seq")),
        sa.column("at", UTCDateTime()),
        sa.column("detail", sa.JSON()),
        sa.column("seq", sa.Integer()),
        sa.column("entry_hash", sa.String()),
    )
    bind = op.get_bind()
    seq, last = 0, GENESIS
    for row in bind.execute(sa.select(log).order_by(log.c.at, log.c.id)).mappings().all():
        seq += 1
        values = {
            **row,
            "seq": seq,
            "prev_hash": last,
            "detail": row["detail"] or {},
            "file_name": row["file_name"] or "",
        }
        last = values_hash(values)
        bind.execute(
            log.update()
            .where(log.c.id == row["id"])
            .values(seq=seq, prev_hash=values["prev_hash"], entry_hash=last, detail=values["detail"])
        )
    head = sa.table("ledger_head", sa.column("id"), sa.column("seq"), sa.column("entry_hash"))
    bind.execute(head.insert().values(id=1, seq=seq, entry_hash=last))


def downgrade() -> None:
    with op.batch_alter_table("access_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_requests_officer_id"))
        batch_op.drop_index(batch_op.f("ix_access_requests_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_access_requests_applicant_id_number"))
    op.drop_table("access_requests")
    op.drop_table("ledger_head")
    op.execute("DELETE FROM access_log WHERE dossier_id IS NULL")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_access_log_seq"), type_="unique")
        batch_op.alter_column("dossier_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("detail")
        batch_op.drop_column("file_name")
        batch_op.drop_column("seq")
