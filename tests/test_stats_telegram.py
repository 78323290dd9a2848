"""/stats on Telegram: staff get a summary and a chart; anyone else gets what any unknown
command gets. The real python-telegram-bot Application polls the loopback Bot API stand-in."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.conversation import Conversations
from bot.pseudonyms import ConversationIds, DailyPseudonyms
from bot.settings import Settings
from bot.stats.recorder import StatsRecorder
from bot.telegram.app import build_application
from tests.botapi_standin import BotApiStandIn

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
    settings = dataclasses.replace(
        Settings.from_env(environ={}, env_file=tmp_path / "none.env"),
        telegram_token=api.token, telegram_api_base_url=api.base_url, data_dir=tmp_path, staff_ids=frozenset({STAFF}),
    )
    application = build_application(settings, open_shared=lambda _: conversations)

    async def start() -> None:
        await application.initialize()
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop() -> None:
        await application.updater.stop()
        await application.stop()
        await application.post_shutdown(application)  # closes the recorder
        await application.shutdown()

    run(start())
    api.recorder = recorder  # type: ignore[attr-defined]
    yield api
    run(stop())
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
    assert "Messages: 6" in summary and "Helpline answers: 0" in summary
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
