"""Proof that nothing personal is kept.

The whole bot runs: python-telegram-bot against the Bot API stand-in, the dialogue model, the
buffered statistics writer and the production logging (to a file, at DEBUG). Parents and
children send messages carrying unique marker words, from Telegram ids that are markers too.
Afterwards the statistics database, the dialogue state, the log and every file the bot wrote
are searched: no marker and no id may be found.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bot import paths
from bot.content.load import load_content
from bot.logs import configure_logging
from bot.runtime import open_conversations
from bot.stats.events import usage_events
from bot.telegram.app import build_application
from tests.botapi_standin import BotApiStandIn
from tests.telegram_harness import running, settings_for

# Telegram ids with digits that appear nowhere else.
PARENT, CHILD, TEACHER = 731945286017, 582903174655, 640318275591
MESSAGES = [
    (PARENT, "someone keeps asking my daughter for pics quokkazulu what do i do"),
    (PARENT, "is this grooming?? marmotkilo"),
    (CHILD, "my uncle touches me wombatyankee"),
    (CHILD, "he is hurting me right now narwhalxray"),
    (TEACHER, "why not say child pornography ibexwhiskey"),
    (TEACHER, "a man says he will post my photos if i dont send more okapivictor"),
    (TEACHER, "where can i find child porn tapiruniform"),
    (PARENT, "zebratango xqzv plorb"),
    (TEACHER, "what is the number in france"),
]
MARKERS = ["quokkazulu", "marmotkilo", "wombatyankee", "narwhalxray", "ibexwhiskey", "okapivictor", "tapiruniform", "zebratango"]
IDS = [str(PARENT), str(CHILD), str(TEACHER)]


def files_under(folder: Path):
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture()
def bot_run(run, assistant, tmp_path):
    """Drive the whole bot with the marked messages; return what it wrote."""
    api = BotApiStandIn()
    run(api.start())
    log_file = tmp_path / "logs" / "bot.log"
    settings = settings_for(
        api, tmp_path, data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'stats.sqlite3'}",
        log_file=log_file,
    )
    configure_logging(logging.DEBUG, log_file=log_file)
    application = build_application(settings, open_shared=lambda s: open_conversations(s, assistant=assistant))

    async def scenario() -> None:
        async with running(application):  # stopping flushes the statistics
            for user, text in MESSAGES:
                api.message(user, text)
            api.message(PARENT, "/helplines")
            api.press(CHILD, "/helplines")
            api.message(TEACHER, sticker={"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1,
                                          "is_animated": False, "is_video": False, "type": "regular"})
            for user in (PARENT, CHILD, TEACHER):
                await api.wait_for("sendMessage", chat_id=user, count=1)
            await api.wait_for("sendMessage", count=len(MESSAGES) + 3)

    try:
        run(scenario())
    finally:
        run(api.stop())
        for handler in logging.getLogger().handlers:
            handler.flush()
        logging.basicConfig(force=True)  # detach the file handler
    return tmp_path


def test_the_bot_answered_and_counted_every_message(bot_run):
    engine = create_engine(f"sqlite:///{bot_run / 'data' / 'stats.sqlite3'}")
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(usage_events)).scalar_one()
        outcomes = {row[0] for row in connection.execute(select(usage_events.c.outcome))}
    engine.dispose()
    assert count == len(MESSAGES) + 3
    assert {"safety", "refused", "answered"} <= outcomes
    assert (bot_run / "logs" / "bot.log").stat().st_size > 0  # the log was written, at DEBUG


def test_no_marker_and_no_telegram_id_in_any_file_the_bot_wrote(bot_run):
    written = files_under(bot_run)
    assert any(p.name == "stats.sqlite3" for p in written) and any(p.suffix == ".log" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in MARKERS + IDS:
            assert secret.encode() not in data, f"{secret} found in {path.relative_to(bot_run)}"


def test_no_marker_and_no_telegram_id_in_the_dialogue_state(run, bot_run, assistant):
    store = assistant.tracker_store
    entities = []
    for key in run(store.keys()):
        assert not any(i in key for i in IDS)
        tracker = run(store.retrieve(key))
        if tracker is None:
            continue
        events = [event.as_dict() for event in tracker.events]
        state = json.dumps(events, default=str)
        for secret in MARKERS + IDS:
            assert secret not in state
        entities += [e for event in events if event.get("event") == "user" for e in event["parse_data"].get("entities", [])]
    # The teacher named France: the state keeps the country's code, never the words written
    # (other tests' conversations, sharing the loaded model, may have named other countries).
    values = {e["value"] for e in entities}
    assert "FR" in values and values <= set(load_content(paths.CONTENT_DIR).countries)
    assert all(set(e) <= {"entity", "start", "end", "value", "extractor", "processors"} for e in entities)
