"""administration: versioned service guides, account contact and OpenID subject, the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="published"))
        batch_op.add_column(
            sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
        )
        batch_op.add_column(sa.Column("published_by", sa.String(length=64), nullable=False, server_default=""))
    op.execute("UPDATE service_items SET status = 'retired' WHERE active = false")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_service_items_code", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_service_items_code"), ["code", "version"])
        batch_op.create_index(batch_op.f("ix_service_items_code"), ["code"], unique=False)
        batch_op.drop_column("active")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=512), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_users_oidc_subject"), ["oidc_subject"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_target"), ["target"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_entries")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_users_oidc_subject"), type_="unique")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("email")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("service_version")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE service_items SET active = (status <> 'retired')")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_items_code"))
        batch_op.drop_constraint(op.f("uq_service_items_code"), type_="unique")
        batch_op.create_unique_constraint("uq_service_items_code", ["code"])
        for column in ("published_by", "published_at", "status", "version"):
            batch_op.drop_column(column)
