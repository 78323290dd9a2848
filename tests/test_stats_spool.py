"""Statistics while the store is down: events go to a spool on disk and survive a restart,
the writer backs off instead of retrying on every event, and close() keeps what it could
not write. The store is made unreachable as in test_stats_recorder.py: a plain file where
the database's folder should be."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from bot.stats.events import usage_events
from bot.stats.recorder import StatsRecorder
from bot.stats.spool import Spool
from tests.test_stats_recorder import TODAY, count, event


def down(tmp_path: Path) -> tuple[Path, str]:
    blocker = tmp_path / "db"
    blocker.write_text("not a folder")
    return blocker, f"sqlite:///{blocker / 'stats.sqlite3'}"


def back_up(blocker: Path) -> None:
    blocker.unlink()
    blocker.mkdir()


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_events_waiting_for_a_down_store_are_on_disk_and_written_after_a_restart(tmp_path: Path):
    blocker, url = down(tmp_path)
    spool = Spool(tmp_path / "spool.jsonl")
    first = StatsRecorder(url, retry_seconds=0.05, max_retry_seconds=0.1, today=lambda: TODAY, spool=spool)
    for number in range(5):
        first.record(event(user=f"u{number}"))
    assert wait_until(lambda: len(Spool(tmp_path / "spool.jsonl")) == 5), "on disk before any restart"
    first.close(timeout=2)  # the process ends; had it been killed, the spool above is what survives
    back_up(blocker)
    second = StatsRecorder(url, retry_seconds=0.05, today=lambda: TODAY, spool=Spool(tmp_path / "spool.jsonl"))
    try:
        assert second.flush(timeout=30)
        assert count(second.store, usage_events) == 5
        assert not (tmp_path / "spool.jsonl").exists()
    finally:
        second.close()


def test_the_writer_backs_off_while_the_store_is_down(tmp_path: Path, caplog):
    caplog.set_level(logging.WARNING, logger="bot.stats.recorder")
    _, url = down(tmp_path)
    recorder = StatsRecorder(url, retry_seconds=0.2, max_retry_seconds=1.0, spool=Spool(tmp_path / "spool.jsonl"))
    try:
        for number in range(50):
            recorder.record(event(user=f"u{number}"))
            time.sleep(0.02)
    finally:
        recorder.close(timeout=2)
    tries = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert 1 <= len(tries) <= 4, f"{len(tries)} tries for 50 events in 1 s"
    assert len(Spool(tmp_path / "spool.jsonl")) == 50


def test_close_spools_what_it_could_not_write_and_the_spool_holds_only_labels(tmp_path: Path):
    _, url = down(tmp_path)
    recorder = StatsRecorder(url, retry_seconds=30, spool=Spool(tmp_path / "spool.jsonl"))
    recorder.record(event(user="pseudonym-of-the-day"))
    recorder.close(timeout=2)
    kept = Spool(tmp_path / "spool.jsonl").read()
    assert kept == [event(user="pseudonym-of-the-day")]
    assert set(json.loads((tmp_path / "spool.jsonl").read_text())) == {
        "hour", "channel", "language", "country", "kind", "item", "outcome", "user_pseudonym"}


def test_a_full_spool_drops_and_counts(tmp_path: Path):
    blocker, url = down(tmp_path)
    recorder = StatsRecorder(url, retry_seconds=0.05, max_retry_seconds=0.1, today=lambda: TODAY,
                             spool=Spool(tmp_path / "spool.jsonl", capacity=3))
    try:
        for number in range(5):
            recorder.record(event(user=f"u{number}"))
        assert wait_until(lambda: recorder.dropped_total == 2)
        back_up(blocker)
        assert recorder.flush(timeout=30)
        assert count(recorder.store, usage_events) == 3
        assert recorder.store.dropped_per_day() == {TODAY: 2}
    finally:
        recorder.close()
