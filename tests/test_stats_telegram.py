"""/stats on Telegram: staff get a summary and a chart; anyone else gets what any unknown
command gets. The real python-telegram-bot Application polls the loopback Bot API stand-in."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import Conversations
from bot.pseudonyms import ConversationIds, DailyPseudonyms
from bot.stats.recorder import StatsRecorder
from bot.telegram.app import build_application
from tests.botapi_standin import BotApiStandIn
from tests.telegram_harness import settings_for, start_polling, stop_polling

STAFF = 5550001
PARENT = 5550002
OTHER_PARENT = 5550003


@pytest.fixture()
def telegram(run, assistant, tmp_path: Path):
    api = BotApiStandIn()
    run(api.start())
    keys = tmp_path / "keys"
    recorder = StatsRecorder(f"sqlite:///{tmp_path / 'stats.sqlite3'}", retry_seconds=0.05)
    conversations = Conversations(assistant, ConversationIds(keys), stats=recorder, pseudonyms=DailyPseudonyms(keys))
    settings = settings_for(api, tmp_path, staff_ids=frozenset({STAFF}))
    application = build_application(settings, open_shared=lambda _: conversations)
    run(start_polling(application))
    api.recorder = recorder  # type: ignore[attr-defined]
    yield api
    run(stop_polling(application))  # closes the recorder
    run(api.stop())


def _calls_to(api: BotApiStandIn, chat: int):
    return [(c.method, c.params.get("text")) for c in api.calls
            if str(c.params.get("chat_id", c.params.get("callback_query_id", ""))) == str(chat)]


def test_staff_get_a_summary_and_a_chart(run, telegram):
    for _ in range(6):
        telegram.message(PARENT, "what is grooming")
    run(telegram.wait_for("sendMessage", count=6, chat_id=PARENT))
    assert telegram.recorder.flush(timeout=30)

    telegram.message(STAFF, "/stats")
    summary = run(telegram.wait_for("sendMessage", chat_id=STAFF))[0]["text"]
    assert "Messages handled: 6" in summary and "Helplines: 0" in summary and "Grooming" not in summary
    photo = run(telegram.wait_for("sendPhoto", chat_id=STAFF))[0]
    assert photo["photo"].startswith(b"\x89PNG")
    assert "last 30 days" in photo["caption"]
    # A staff request is not a conversation: it is not counted.
    assert telegram.recorder.flush(timeout=30)
    assert telegram.recorder.store.totals()["messages"] == 6


def test_anyone_else_gets_what_an_unknown_command_gets(run, telegram):
    telegram.message(PARENT, "/stats")
    telegram.message(PARENT, "who can i call")
    telegram.message(OTHER_PARENT, "/nosuchcommand")
    telegram.message(OTHER_PARENT, "who can i call")
    # An unknown command gets the help answer; then the question gets its own.
    run(telegram.wait_for("sendMessage", count=2, chat_id=PARENT))
    run(telegram.wait_for("sendMessage", count=2, chat_id=OTHER_PARENT))
    assert not telegram.sent("sendPhoto")
    assert _calls_to(telegram, PARENT) == _calls_to(telegram, OTHER_PARENT)
    assert "999" in telegram.sent("sendMessage", chat_id=PARENT)[-1]["text"]
