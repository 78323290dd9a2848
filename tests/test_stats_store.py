"""The statistics store on SQLite and on a real PostgreSQL server: migrations, retention
folding, the buffered recorder with the database down, and what ends up in the tables."""
from __future__ import annotations

import datetime as dt
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.config import Config
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, inspect, select

from bot.conversation import Conversations
from bot.pseudonyms import ConversationIds, DailyPseudonyms
from bot.stats.events import UsageEvent, daily_totals, daily_users, metadata, usage_events
from bot.stats.recorder import StatsRecorder
from bot.stats.store import MIGRATIONS, StatsStore
from tests.postgres_server import PostgresServer

TODAY = dt.date(2025, 6, 1)
_names = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'stats.sqlite3'}"
    return request.getfixturevalue("postgres").create_database(f"stats_{next(_names)}")


@pytest.fixture()
def store(store_url: str) -> Iterator[StatsStore]:
    opened = StatsStore(store_url)
    yield opened
    opened.close()


def event(day: dt.date, item: str = "term_grooming", user: str = "u1", hour: int = 13, **labels: str) -> UsageEvent:
    fields = dict(channel="telegram", language="en", country="BD", kind=item.split("_")[0] if "_" in item else "helpline",
                  outcome="answered")
    fields.update(labels)
    return UsageEvent(hour=dt.datetime.combine(day, dt.time(hour)), item=item, user_pseudonym=user, **fields)


def table_rows(store: StatsStore, table) -> List[dict]:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def test_opening_upgrades_to_the_newest_migration_and_matches_the_tables_the_code_uses(store):
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head
        assert compare_metadata(context, metadata) == []


def test_raw_events_have_only_label_columns(store):
    columns = {column["name"] for column in inspect(store.engine).get_columns("usage_events")}
    assert columns == {"id", "hour", "channel", "language", "country", "kind", "item", "outcome", "user_pseudonym"}


def test_a_store_made_before_migrations_is_adopted_with_its_events(store_url):
    # What the walking skeleton's create_all made: usage_events and nothing else.
    old = MetaData()
    Table("usage_events", old, Column("id", Integer, primary_key=True), Column("hour", DateTime, nullable=False, index=True),
          *(Column(name, String(64), nullable=False) for name in ("channel", "language", "country", "kind", "item", "outcome")),
          Column("user_pseudonym", String(32)))
    engine = create_engine(store_url, future=True)
    old.create_all(engine)
    with engine.begin() as connection:
        connection.execute(old.tables["usage_events"].insert().values(
            hour=dt.datetime(2025, 5, 1, 9), channel="telegram", language="bn", country="BD", kind="term",
            item="term_grooming", outcome="answered", user_pseudonym="p"))
    engine.dispose()
    store = StatsStore(store_url)
    try:
        assert store.totals() == {"messages": 1, "user_days": 1}
        assert set(inspect(store.engine).get_table_names()) >= {"usage_events", "daily_totals", "daily_users", "dropped_events", "alembic_version"}
    finally:
        store.close()


def test_folding_moves_old_events_into_daily_totals_and_reports_stay_the_same(store):
    old_day, recent_day = TODAY - dt.timedelta(days=120), TODAY - dt.timedelta(days=3)
    events = [event(old_day, user=f"a{i}", hour=9 + i % 3) for i in range(6)]
    events += [event(old_day, "helplines", user="a0", language="bn")]
    events += [event(recent_day, user=f"b{i}") for i in range(4)]
    store.write(events)
    rows_before, users_before = store.daily_rows(), store.users_per_day()

    assert store.fold(TODAY, retention_days=90) == 7

    raw = table_rows(store, usage_events)
    assert len(raw) == 4 and all(row["hour"].date() == recent_day for row in raw)
    totals = {(row["day"], row["item"], row["language"]): row["count"] for row in table_rows(store, daily_totals)}
    assert totals == {(old_day, "term_grooming", "en"): 6, (old_day, "helplines", "bn"): 1}
    assert table_rows(store, daily_users) == [{"day": old_day, "users": 6}]
    assert store.daily_rows() == rows_before
    assert store.users_per_day() == users_before
    assert store.daily_rows(since=recent_day) == [r for r in rows_before if r.day >= recent_day]

    # Folding again changes nothing; a late event for a folded day is added to its totals.
    assert store.fold(TODAY, retention_days=90) == 0
    store.write([event(old_day, user="late")])
    assert store.fold(TODAY, retention_days=90) == 1
    assert {(r["item"], r["language"]): r["count"] for r in table_rows(store, daily_totals)}[("term_grooming", "en")] == 7
    assert table_rows(store, usage_events) and len(table_rows(store, usage_events)) == 4


def test_two_processes_folding_at_once_count_each_event_once(postgres):
    """Every process folds at start-up; a rolling restart starts them together."""
    url = postgres.create_database(f"stats_{next(_names)}")
    old_day = TODAY - dt.timedelta(days=120)
    stores = [StatsStore(url) for _ in range(4)]
    try:
        for round_ in range(5):
            stores[0].write([event(old_day, user=f"u{round_}-{i}", hour=i % 24) for i in range(400)])
            start = threading.Barrier(len(stores))

            def fold(store: StatsStore) -> int:
                start.wait()
                return store.fold(TODAY, retention_days=90)

            with ThreadPoolExecutor(len(stores)) as pool:
                folded = list(pool.map(fold, stores))
            assert sorted(folded) == [0, 0, 0, 400]
        assert sum(row["count"] for row in table_rows(stores[0], daily_totals)) == 2000
        assert table_rows(stores[0], usage_events) == []
    finally:
        for store in stores:
            store.close()


def test_dropped_events_are_kept_as_daily_totals(store):
    store.write([], {TODAY: 3})
    store.write([event(TODAY)], {TODAY: 2, TODAY - dt.timedelta(days=1): 1})
    assert store.dropped_per_day() == {TODAY - dt.timedelta(days=1): 1, TODAY: 5}


def test_the_recorder_writes_in_the_background_and_folds_at_start_up(store_url):
    seed = StatsStore(store_url)
    seed.write([event(TODAY - dt.timedelta(days=30), user="x")])
    seed.close()
    recorder = StatsRecorder(store_url, retention_days=7, retry_seconds=0.05, today=lambda: TODAY)
    try:
        for number in range(3):
            recorder.record(event(TODAY, user=f"r{number}"))
        assert recorder.flush(timeout=30)
        assert len(table_rows(recorder.store, usage_events)) == 3  # the old one was folded
        assert sum(row["count"] for row in table_rows(recorder.store, daily_totals)) == 1
    finally:
        recorder.close()


def test_with_postgresql_down_the_bot_keeps_answering_and_the_events_follow(run, assistant, tmp_path):
    server = PostgresServer().start()
    try:
        url = server.create_database("outage")
        keys = tmp_path / "keys"
        recorder = StatsRecorder(url, capacity=3, retry_seconds=0.05, max_retry_seconds=0.2)
        conversations = Conversations(assistant, ConversationIds(keys), stats=recorder, pseudonyms=DailyPseudonyms(keys))
        run(conversations.handle("telegram", "9900112233", "what is grooming"))
        assert recorder.flush(timeout=30)

        server.stop()
        replies = [run(conversations.handle("telegram", "9900112233", f"walrusmarker{n} who can i call")) for n in range(5)]
        assert all(reply.turn.intent == "helplines" and reply.turn.responses for reply in replies)
        assert recorder.pending == 3 and recorder.dropped_total == 2
        assert not recorder.flush(timeout=0.5)

        server.start()
        assert recorder.flush(timeout=60)
        recorder.close()
        store = StatsStore(url)
        try:
            rows = table_rows(store, usage_events)
            assert [row["item"] for row in rows] == ["term_grooming"] + ["helplines"] * 3
            assert sum(store.dropped_per_day().values()) == 2
            # Nothing anyone wrote, and no chat id, is anywhere in the database.
            with store.engine.connect() as connection:
                for table in metadata.sorted_tables:
                    dump = repr(connection.execute(select(table)).all())
                    assert "walrusmarker" not in dump and "9900112233" not in dump
        finally:
            store.close()
    finally:
        server.remove()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
