"""The Telegram front end, end to end: the real python-telegram-bot Application polls a
Bot API stand-in served on loopback, and the replies come back through sendMessage."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.app import build_application
from tests.botapi_standin import BotApiStandIn
from tests.telegram_harness import settings_for, start_polling, stop_polling

CHAT = 777001


@pytest.fixture()
def telegram(run, recorded_conversations, tmp_path: Path):
    """A running bot and the stand-in it talks to."""
    api = BotApiStandIn()
    run(api.start())
    application = build_application(settings_for(api, tmp_path), open_shared=lambda _: recorded_conversations)
    run(start_polling(application))
    yield api
    run(stop_polling(application))
    run(api.stop())


def test_a_question_on_telegram_gets_the_answer_in_html(run, telegram):
    telegram.message(CHAT, "what is grooming")
    sent = run(telegram.wait_for("sendMessage", chat_id=CHAT))
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[0]["text"].startswith("<b>grooming</b>: you can use this term.")


def test_start_greets_and_help_shows_buttons(run, telegram):
    telegram.message(CHAT, "/start")
    greeting = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "automated assistant" in greeting["text"]
    payloads = [row[0]["callback_data"] for row in greeting["reply_markup"]["inline_keyboard"]]
    assert payloads == ["/choose_language", "/choose_country"]
    telegram.message(CHAT, "/help")
    help_reply = run(telegram.wait_for("sendMessage", count=2, chat_id=CHAT))[1]
    payloads = [row[0]["callback_data"] for row in help_reply["reply_markup"]["inline_keyboard"]]
    assert payloads == ["/term_grooming", "/term_child_pornography", "/helplines"]
    assert len(help_reply["text"]) > 0


def test_pressing_a_button_answers_the_query_and_opens_the_item(run, telegram):
    telegram.press(CHAT, "/helplines")
    run(telegram.wait_for("answerCallbackQuery"))
    reply = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "1098" in reply["text"]


def test_a_sticker_gets_a_kind_reply_and_the_bot_keeps_serving(run, telegram):
    telegram.message(CHAT, sticker={"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False, "type": "regular"})
    first = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "type your question" in first["text"]
    telegram.message(CHAT, "who can i call")
    second = run(telegram.wait_for("sendMessage", count=2, chat_id=CHAT))[1]
    assert "999" in second["text"]


def test_an_empty_message_gets_a_kind_reply(run, telegram):
    telegram.message(CHAT, "   ")
    reply = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "type your question" in reply["text"]


def test_text_with_html_in_the_reply_path_is_escaped(run, telegram):
    telegram.message(CHAT, "<b>what is csam</b>")
    reply = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "<b>child sexual abuse material</b>" in reply["text"]
    assert "&lt;" not in reply["text"]  # the user's words are never echoed back


def test_an_unknown_command_gets_the_help_answer_not_silence(run, telegram):
    telegram.message(CHAT, "/nosuchcommand")
    reply = run(telegram.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "You can ask me what a term means" in reply["text"]
