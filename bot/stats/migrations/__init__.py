"""Alembic migrations of the statistics store; StatsStore upgrades to head when it opens."""
