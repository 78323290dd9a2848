"""One anonymised event per handled message; no text and no Telegram id, ever."""
from __future__ import annotations

from sqlalchemy import select

from bot.stats.events import usage_events
from tests.conftest import ask


def rows(store):
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(usage_events))]


def test_each_handled_message_records_one_event_without_text(run, recorded_conversations, stats_store, tmp_path):
    marker = "zebracrossing417 what is grooming"
    ask(run, recorded_conversations, marker, chat="555123987")
    ask(run, recorded_conversations, "who can i call", chat="555123987")
    events = rows(stats_store)
    assert len(events) == 2
    first = events[0]
    assert first["item"] == "term_grooming" and first["kind"] == "term" and first["outcome"] == "answered"
    assert first["hour"].minute == 0 and first["hour"].second == 0
    assert events[1]["kind"] == "helpline"
    database = (tmp_path / "stats.sqlite3").read_bytes()
    assert b"zebracrossing417" not in database
    assert b"555123987" not in database


def test_the_same_chat_counts_as_one_user_per_day(run, recorded_conversations, stats_store):
    ask(run, recorded_conversations, "hello", chat="42")
    ask(run, recorded_conversations, "thanks", chat="42")
    ask(run, recorded_conversations, "hello", chat="43")
    assert stats_store.totals() == {"messages": 3, "user_days": 2}


def test_ask_writes_nothing_to_the_stats_store(run, conversations):
    assert conversations.stats is None
    ask(run, conversations, "what is grooming")


def test_the_tracker_store_keeps_no_user_text(run, recorded_conversations, assistant):
    ask(run, recorded_conversations, "quokkamarker991 what is csam", chat="tracker-test")
    for key in run(assistant.tracker_store.keys()):
        tracker = run(assistant.tracker_store.retrieve(key))
        assert "quokkamarker991" not in repr(tracker.current_state())
