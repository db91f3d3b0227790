"""Review actions: where a claim returns to, claim order, people's corrections, the audit trail.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# The store never changes an audit entry; the database refuses to, so neither can anyone else
# with write access to the tables short of dropping the trigger, itself a schema change.
REFUSAL = "the audit trail is append-only"
POSTGRESQL_GUARD = [
    f"""CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
]
SQLITE_GUARD = [
    f"""CREATE TRIGGER audit_entries_no_{event.lower()} BEFORE {event} ON audit_entries
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for event in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    with op.batch_alter_table("queue_items") as table:
        table.add_column(sa.Column("unclaimed_status", sa.String(16), nullable=True))
    op.drop_index("ix_queue_items_listing", "queue_items")
    op.create_index(
        "ix_queue_items_urgency",
        "queue_items",
        ["priority", sa.text("(deadline IS NULL)"), "deadline", "received_at", "record_id"],
    )
    op.create_table(
        "corrections",
        sa.Column("record_id", sa.String(64), sa.ForeignKey("records.id"), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("machine_value", JSON, nullable=False),
        sa.Column("corrected_value", JSON, nullable=False),
        sa.Column("corrected_by", sa.String(255), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("record_id", sa.String(64), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_entries_record", "audit_entries", ["record_id", "id"])
    guard = POSTGRESQL_GUARD if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARD
    for statement in guard:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_entries")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_entries_append_only()")
    op.drop_table("corrections")
    op.drop_index("ix_queue_items_urgency", "queue_items")
    op.create_index("ix_queue_items_listing", "queue_items", ["status", "priority", "deadline"])
    with op.batch_alter_table("queue_items") as table:
        table.drop_column("unclaimed_status")
