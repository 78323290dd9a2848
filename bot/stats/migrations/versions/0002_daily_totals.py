"""daily_totals, daily_users and dropped_events: what retention keeps of old events

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DIMENSIONS = ("channel", "language", "country", "kind", "item", "outcome")


def upgrade() -> None:
    op.create_table(
        "daily_totals",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", *DIMENSIONS, name="pk_daily_totals"),
    )
    op.create_table(
        "daily_users",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("users", sa.Integer, nullable=False),
    )
    op.create_table(
        "dropped_events",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dropped_events")
    op.drop_table("daily_users")
    op.drop_table("daily_totals")
