"""The buffered recorder on SQLite: an unreachable store, a full buffer, the daily fold.

The store is made unreachable by putting a plain file where the database's folder should be
(that stops root too, unlike file permissions), and brought back by replacing it with a folder.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from bot.cli import main
from bot.stats.events import UsageEvent, daily_totals, usage_events
from bot.stats.recorder import StatsRecorder
from bot.stats.store import StatsStore

TODAY = dt.date(2025, 6, 1)


def event(day: dt.date = TODAY, user: str = "p") -> UsageEvent:
    return UsageEvent(dt.datetime.combine(day, dt.time(10)), "telegram", "en", "BD", "term", "term_grooming", "answered", user)


def count(store: StatsStore, table) -> int:
    with store.engine.connect() as connection:
        return len(connection.execute(select(table)).all())


def test_a_full_buffer_drops_counts_and_reports_what_it_dropped(tmp_path: Path, monkeypatch, capsys):
    blocker = tmp_path / "db"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'stats.sqlite3'}"
    recorder = StatsRecorder(url, capacity=4, retry_seconds=0.05, max_retry_seconds=0.1, today=lambda: TODAY)
    try:
        for number in range(7):
            recorder.record(event(user=f"u{number}"))  # returns at once although the store is down
        assert recorder.store is None
        assert recorder.pending == 4 and recorder.dropped_total == 3
        assert not recorder.flush(timeout=0.3)

        blocker.unlink()
        blocker.mkdir()
        assert recorder.flush(timeout=30)
        assert recorder.pending == 0
        assert count(recorder.store, usage_events) == 4
        assert recorder.store.dropped_per_day() == {TODAY: 3}
    finally:
        recorder.close()

    monkeypatch.setenv("REDHEART_DATABASE_URL", url)
    assert main(["stats"]) == 0
    assert "Messages not counted (the statistics store was unreachable and the waiting list full): 3" in capsys.readouterr().out


def test_record_never_raises_and_nonsense_never_blocks_the_events_behind_it(tmp_path: Path):
    recorder = StatsRecorder(f"sqlite:///{tmp_path / 's.sqlite3'}", capacity=10, retry_seconds=0.05)
    try:
        recorder.record(None)  # type: ignore[arg-type]
        recorder.record("not an event")  # type: ignore[arg-type]
        long_item = event().__class__(**{**event().__dict__, "item": "term_" + "x" * 200})
        recorder.record(long_item)
        recorder.record(event())
        assert recorder.flush(timeout=30)
        with recorder.store.engine.connect() as connection:
            items = [row.item for row in connection.execute(select(usage_events))]
        assert items == ["term_" + "x" * 59, "term_grooming"]
    finally:
        recorder.close()


def test_close_writes_what_is_buffered(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    recorder = StatsRecorder(url, retry_seconds=0.05)
    for number in range(20):
        recorder.record(event(user=f"u{number}"))
    recorder.close()
    store = StatsStore(url)
    try:
        assert count(store, usage_events) == 20
    finally:
        store.close()


def test_a_new_day_folds_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    days = [TODAY]
    recorder = StatsRecorder(url, retention_days=2, retry_seconds=0.05, today=lambda: days[-1])
    try:
        recorder.record(event(TODAY))
        assert recorder.flush(timeout=30)
        assert count(recorder.store, usage_events) == 1 and count(recorder.store, daily_totals) == 0
        days.append(TODAY + dt.timedelta(days=3))  # three days later: TODAY is past retention
        recorder.record(event(days[-1]))
        assert recorder.flush(timeout=30)
        assert count(recorder.store, usage_events) == 1 and count(recorder.store, daily_totals) == 1
    finally:
        recorder.close()
