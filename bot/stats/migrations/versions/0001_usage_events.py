"""usage_events: one anonymised event per handled message

Stores made before migrations existed (by create_all) already have this table; they are
adopted as they are.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("usage_events"):
        return
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hour", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("user_pseudonym", sa.String(32), nullable=True),
    )
    op.create_index("ix_usage_events_hour", "usage_events", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_usage_events_hour", table_name="usage_events")
    op.drop_table("usage_events")
