"""The statistics store, through SQLAlchemy: an SQLite file by default, or PostgreSQL.

Opening a store upgrades its schema to the newest Alembic migration. Every call here is
synchronous and may raise; the bot itself writes through bot.stats.recorder, which never
blocks a reply and never raises.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple

from sqlalchemy import Date, and_, create_engine, func, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.sql.schema import Table

from bot.stats.events import DIMENSIONS, UsageEvent, daily_totals, daily_users, dropped_events, usage_events

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: serialises folding between several bot processes sharing one PostgreSQL.
FOLD_LOCK = 7_202_401


def create_stats_engine(url: str) -> Engine:
    parsed = make_url(url)
    # hide_parameters: a database error must not carry the values it tried to write into a log.
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, future=True, hide_parameters=True, connect_args={"check_same_thread": False})
    connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True, connect_args=connect_args)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with the migrations shipped in bot/stats/migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class DailyRow(NamedTuple):
    day: dt.date
    channel: str
    language: str
    country: str
    kind: str
    item: str
    outcome: str
    count: int


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _day_of_hour():
    # date() exists in SQLite and PostgreSQL alike.
    return func.date(usage_events.c.hour, type_=Date)


def _add(connection: Connection, table: Table, key: Mapping[str, object], column: str, amount: int) -> None:
    """Add `amount` to `column` of the row with `key`, creating the row if there is none."""
    where = and_(*(table.c[name] == value for name, value in key.items()))
    updated = connection.execute(table.update().where(where).values({column: table.c[column] + amount}))
    if updated.rowcount == 0:
        connection.execute(table.insert().values({**key, column: amount}))


def _start(moment: Optional[dt.date]) -> Optional[dt.datetime]:
    return dt.datetime.combine(moment, dt.time()) if moment else None


class StatsStore:
    def __init__(self, url: str) -> None:
        self.engine = create_stats_engine(url)
        try:
            upgrade(self.engine)
        except Exception:
            self.engine.dispose()
            raise

    # Writing -----------------------------------------------------------------------------

    def write(self, events: Iterable[UsageEvent], dropped: Optional[Mapping[dt.date, int]] = None) -> None:
        """Write events and counts of dropped events in one transaction: all or nothing."""
        rows = [dataclasses.asdict(event) for event in events]
        with self.engine.begin() as connection:
            if rows:
                connection.execute(usage_events.insert(), rows)
            for day, count in (dropped or {}).items():
                if count:
                    _add(connection, dropped_events, {"day": day}, "count", count)

    def record(self, event: UsageEvent) -> None:
        self.write([event])

    # Retention ---------------------------------------------------------------------------

    def fold(self, today: dt.date, retention_days: int) -> int:
        """Fold raw events from before `today - retention_days` into daily totals and delete
        them. Returns how many events were folded."""
        cutoff = dt.datetime.combine(today - dt.timedelta(days=max(retention_days, 0)), dt.time())
        old = usage_events.c.hour < cutoff
        day = _day_of_hour()
        dims = [usage_events.c[name] for name in DIMENSIONS]
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_LOCK})
            groups = connection.execute(
                select(day.label("day"), *dims, func.count().label("n")).where(old).group_by(day, *dims)
            ).all()
            users = connection.execute(
                select(day.label("day"), func.count(func.distinct(usage_events.c.user_pseudonym)).label("n"))
                .where(old)
                .group_by(day)
            ).all()
            for row in groups:
                key = {"day": _as_date(row.day), **{name: getattr(row, name) for name in DIMENSIONS}}
                _add(connection, daily_totals, key, "count", int(row.n))
            for row in users:
                # Events of a day already folded (late writes after an outage) add their users:
                # an upper bound, since yesterday's pseudonyms can not be compared any more.
                _add(connection, daily_users, {"day": _as_date(row.day)}, "users", int(row.n))
            connection.execute(usage_events.delete().where(old))
        return sum(int(row.n) for row in groups)

    # Reading -----------------------------------------------------------------------------

    def daily_rows(self, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> List[DailyRow]:
        """Counts per day and label, from raw events and folded totals together; days are
        inclusive."""
        day = _day_of_hour()
        dims = [usage_events.c[name] for name in DIMENSIONS]
        raw = select(day.label("day"), *dims, func.count().label("n")).group_by(day, *dims)
        if since:
            raw = raw.where(usage_events.c.hour >= _start(since))
        if until:
            raw = raw.where(usage_events.c.hour < _start(until + dt.timedelta(days=1)))
        folded = select(daily_totals)
        if since:
            folded = folded.where(daily_totals.c.day >= since)
        if until:
            folded = folded.where(daily_totals.c.day <= until)
        merged: Dict[Tuple, int] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(raw):
                key = (_as_date(row.day), *(getattr(row, name) for name in DIMENSIONS))
                merged[key] = merged.get(key, 0) + int(row.n)
            for row in connection.execute(folded):
                key = (_as_date(row.day), *(getattr(row, name) for name in DIMENSIONS))
                merged[key] = merged.get(key, 0) + int(row.count)
        return sorted(DailyRow(*key, count) for key, count in merged.items())

    def users_per_day(self, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> Dict[dt.date, int]:
        """Distinct users per day (pseudonyms are per day, so nothing wider can be counted)."""
        day = _day_of_hour()
        raw = select(day.label("day"), func.count(func.distinct(usage_events.c.user_pseudonym)).label("n")).group_by(day)
        if since:
            raw = raw.where(usage_events.c.hour >= _start(since))
        if until:
            raw = raw.where(usage_events.c.hour < _start(until + dt.timedelta(days=1)))
        return self._per_day(raw, daily_users, "users", since, until)

    def dropped_per_day(self, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> Dict[dt.date, int]:
        return self._per_day(None, dropped_events, "count", since, until)

    def _per_day(self, raw, table: Table, column: str, since, until) -> Dict[dt.date, int]:
        stored = select(table.c.day, table.c[column].label("n"))
        if since:
            stored = stored.where(table.c.day >= since)
        if until:
            stored = stored.where(table.c.day <= until)
        result: Dict[dt.date, int] = {}
        with self.engine.connect() as connection:
            for query in (raw, stored):
                if query is None:
                    continue
                for row in connection.execute(query):
                    day = _as_date(row.day)
                    result[day] = result.get(day, 0) + int(row.n)
        return dict(sorted(result.items()))

    def count_by(self, column: str) -> List[Tuple[str, int]]:
        counts: Dict[str, int] = {}
        for row in self.daily_rows():
            value = str(getattr(row, column))
            counts[value] = counts.get(value, 0) + row.count
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    def totals(self) -> Dict[str, int]:
        return {
            "messages": sum(row.count for row in self.daily_rows()),
            "user_days": sum(self.users_per_day().values()),
        }

    def close(self) -> None:
        self.engine.dispose()
