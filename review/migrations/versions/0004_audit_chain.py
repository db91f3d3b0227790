"""The audit trail as a hash chain: each entry seals its content with a random salt and links to
the entry before it, so that an entry edited, removed or slipped in between shows when the chain
is re-computed (`rogatory verify`). Entries written before this revision stay unchained; the chain
starts at the first entry written after it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("salt", "content_digest", "digest")


def upgrade() -> None:
    op.add_column("audit_entries", sa.Column("salt", sa.String(32), nullable=True))
    op.add_column("audit_entries", sa.Column("content_digest", sa.String(64), nullable=True))
    op.add_column("audit_entries", sa.Column("digest", sa.String(64), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch copy of the table would lose the
    # append-only triggers.
    for name in reversed(COLUMNS):
        op.execute(f"ALTER TABLE audit_entries DROP COLUMN {name}")
