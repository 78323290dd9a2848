"""The statistics store, through SQLAlchemy: an SQLite file by default, or PostgreSQL."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Tuple

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine, make_url

from bot.stats.events import UsageEvent, metadata, usage_events


def create_stats_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, future=True, connect_args={"check_same_thread": False})
    return create_engine(url, future=True, pool_pre_ping=True)


class StatsStore:
    def __init__(self, url: str) -> None:
        self.engine = create_stats_engine(url)
        metadata.create_all(self.engine)

    def record(self, event: UsageEvent) -> None:
        with self.engine.begin() as connection:
            connection.execute(usage_events.insert().values(**dataclasses.asdict(event)))

    def count_by(self, column: str) -> List[Tuple[str, int]]:
        field = usage_events.c[column]
        query = select(field, func.count()).group_by(field).order_by(func.count().desc(), field)
        with self.engine.connect() as connection:
            return [(str(value), int(count)) for value, count in connection.execute(query)]

    def totals(self) -> Dict[str, int]:
        with self.engine.connect() as connection:
            messages = connection.execute(select(func.count()).select_from(usage_events)).scalar_one()
            users = connection.execute(
                select(func.count(func.distinct(usage_events.c.user_pseudonym)))
            ).scalar_one()
        return {"messages": int(messages), "user_days": int(users)}

    def close(self) -> None:
        self.engine.dispose()
