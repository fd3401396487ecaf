"""time limits: deemed acceptance, a deadline per deferred item, suspension, escalation

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_applications = sa.table(
    "applications",
    sa.column("id", sa.String),
    sa.column("gap_slots", sa.JSON),
    sa.column("gap_deadline", sa.Date),
    sa.column("due_date", sa.Date),
)
_gap_items = sa.table(
    "gap_items",
    sa.column("id", sa.String),
    sa.column("application_id", sa.String),
    sa.column("slot", sa.String),
    sa.column("deadline", sa.Date),
    sa.column("status", sa.String),
    sa.column("reason", sa.Text),
    sa.column("reviewed_by", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limit_days", sa.Integer(), nullable=True))
    op.create_table(
        "gap_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("material_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_gap_items_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gap_items")),
        sa.UniqueConstraint("application_id", "slot", name=op.f("uq_gap_items_application_id")),
    )
    with op.batch_alter_table("gap_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gap_items_application_id"), ["application_id"], unique=False)
    _one_item_per_deferred_slot()


def _one_item_per_deferred_slot() -> None:
    """Cases accepted with a gap before this revision owe each slot by their one case deadline."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_applications.c.id, _applications.c.gap_slots, _applications.c.gap_deadline, _applications.c.due_date)
    ).all()
    items = [
        {
            "id": secrets.token_hex(16),
            "application_id": app_id,
            "slot": slot,
            "deadline": deadline or due,
            "status": "owed",
            "reason": "",
            "reviewed_by": "",
        }
        for app_id, slots, deadline, due in rows
        if slots and (deadline or due)
        for slot in slots
    ]
    if items:
        bind.execute(_gap_items.insert(), items)


def downgrade() -> None:
    op.drop_table("gap_items")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("limit_days")
